"""``capitalization`` rules on headings: title, sentence, lower, upper and patterns."""

from __future__ import annotations

from accord.brand import lint_text
from accord.brand.tests.conftest import Linter, make_rule
from accord.brand.text.case import is_sentence_case, is_title_case, sentence_case, title_case

TITLE = {
    "extends": "capitalization",
    "message": "'%s' should be in title case ('%s').",
    "level": "error",
    "scope": "heading",
    "match": "$title",
}


def test_title_case_ap_lowercases_short_small_words() -> None:
    assert title_case("the state of the art in marketing") == "The State of the Art in Marketing"


def test_title_case_chicago_also_lowercases_long_prepositions() -> None:
    assert title_case("a walk through the park", "Chicago") == "A Walk through the Park"
    assert title_case("a walk through the park", "AP") == "A Walk Through the Park"


def test_title_case_keeps_acronyms_and_inner_capitals() -> None:
    assert title_case("using the API on your iPhone") == "Using the API on Your iPhone"


def test_it_flags_a_heading_not_in_title_case(lint: Linter) -> None:
    text = "# our brand new offer\n\nBody text is not a heading.\n\n## The Best Offer Ever\n"

    assert lint(TITLE, text, "markdown") == [
        "1:3:Test.Rule:'our brand new offer' should be in title case ('Our Brand New Offer')."
    ]


def test_it_suggests_the_expected_heading() -> None:
    rule = make_rule("Acme.Headings", TITLE)

    [alert] = lint_text("# hello world", [rule], "markdown")

    assert (alert.match, alert.replacement) == ("hello world", "Hello World")


def test_sentence_case_accepts_acronyms_and_exceptions() -> None:
    assert is_sentence_case("Why the API matters")
    assert not is_sentence_case("Why The Api Matters Here")
    assert not is_sentence_case("why it matters")
    assert sentence_case("Why The Brand Matters") == "Why the brand matters"


def test_sentence_case_rule_with_exceptions(lint: Linter) -> None:
    rule = {
        "extends": "capitalization",
        "message": "'%s' should be in sentence case.",
        "scope": "heading",
        "match": "$sentence",
        "exceptions": ["Accord", "Lyon"],
    }
    text = "# Accord arrive à Lyon\n\n## Notre Nouvelle Offre Pour Vous\n"

    assert lint(rule, text, "markdown") == [
        "3:4:Test.Rule:'Notre Nouvelle Offre Pour Vous' should be in sentence case."
    ]


def test_title_case_threshold() -> None:
    assert is_title_case("The Best Offer of the Year")
    assert not is_title_case("The best offer of the year")
    assert is_title_case("The best Offer of the Year", threshold=0.5)


def test_lower_upper_and_pattern_matches(lint: Linter) -> None:
    lower = {**TITLE, "message": "'%s' must be lower case.", "match": "$lower"}
    upper = {**TITLE, "message": "'%s' must be upper case.", "match": "$upper"}
    pattern = {**TITLE, "message": "'%s' must start with a verb.", "match": "^(?:Get|Try) "}

    assert lint(lower, "# all good\n\n# Not Good\n", "markdown") == [
        "3:3:Test.Rule:'Not Good' must be lower case."
    ]
    assert lint(upper, "# LOUD\n\n# quiet\n", "markdown") == [
        "3:3:Test.Rule:'quiet' must be upper case."
    ]
    assert lint(pattern, "# Get started\n\n# Our story\n", "markdown") == [
        "3:3:Test.Rule:'Our story' must start with a verb."
    ]


def test_scope_heading_h2_reads_only_second_level_headings(lint: Linter) -> None:
    rule = {**TITLE, "scope": "heading.h2"}

    assert lint(rule, "# lower h1\n\n## lower h2\n", "markdown") == [
        "3:4:Test.Rule:'lower h2' should be in title case ('Lower H2')."
    ]
