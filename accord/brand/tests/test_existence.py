"""``existence`` rules: tokens, raw patterns, exceptions, flags and actions."""

from __future__ import annotations

from accord.brand import lint_text
from accord.brand.tests.conftest import Linter, make_rule

WEASEL = {
    "extends": "existence",
    "message": "'%s' is a weasel word.",
    "level": "warning",
    "ignorecase": True,
    "tokens": ["very", "basically", "hit the ground running"],
}


def test_it_flags_each_token_with_line_and_column(lint: Linter) -> None:
    text = "A very good plan.\nBasically, we hit the ground running."

    assert lint(WEASEL, text) == [
        "1:3:Test.Rule:'very' is a weasel word.",
        "2:1:Test.Rule:'Basically' is a weasel word.",
        "2:15:Test.Rule:'hit the ground running' is a weasel word.",
    ]


def test_it_matches_whole_words_only(lint: Linter) -> None:
    assert lint(WEASEL, "Everything is veryfine and avery.") == []


def test_it_is_case_sensitive_without_ignorecase(lint: Linter) -> None:
    rule = {**WEASEL, "ignorecase": False}

    assert lint(rule, "Very nice, very.") == ["1:12:Test.Rule:'very' is a weasel word."]


def test_exceptions_cancel_a_match(lint: Linter) -> None:
    rule = {
        "extends": "existence",
        "message": "Avoid '%s'.",
        "tokens": ["[A-Z]{3,}"],
        "exceptions": ["NASA", "(?i)api"],
    }

    assert lint(rule, "NASA and API use SQL.") == ["1:18:Test.Rule:Avoid 'SQL'."]


def test_accepted_vocabulary_is_an_exception(lint: Linter) -> None:
    rule = {"extends": "existence", "message": "No '%s'.", "tokens": ["mea"]}

    assert lint(rule, "Mea culpa, mea culpa: mea.", accepted=("mea culpa",)) == [
        "1:23:Test.Rule:No 'mea'."
    ]


def test_raw_is_prepended_to_the_tokens(lint: Linter) -> None:
    rule = {
        "extends": "existence",
        "message": "'%s' may be passive.",
        "ignorecase": True,
        "raw": [r"\b(?:is|was)\b\s*"],
        "tokens": [r"[\w]+ed", "built"],
    }

    assert lint(rule, "It was built and is loved. We talked.") == [
        "1:4:Test.Rule:'was built' may be passive.",
        "1:18:Test.Rule:'is loved' may be passive.",
    ]


def test_append_puts_raw_after_the_tokens(lint: Linter) -> None:
    rule = {
        "extends": "existence",
        "message": "'%s'",
        "append": True,
        "tokens": ["free"],
        "raw": [r"\s+gift"],
    }

    assert lint(rule, "A free gift, free time.") == ["1:3:Test.Rule:'free gift'"]


def test_nonword_tokens_are_not_bounded(lint: Linter) -> None:
    rule = {
        "extends": "existence",
        "message": "Spacing: '%s'.",
        "nonword": True,
        "tokens": ["[a-z][.?!][A-Z]"],
    }

    assert lint(rule, "Done.Next one.") == ["1:4:Test.Rule:Spacing: 'e.N'."]


def test_limit_keeps_the_first_alerts(lint: Linter) -> None:
    rule = {"extends": "existence", "message": "Hey.", "limit": 1, "tokens": ["hey"]}

    assert lint(rule, "hey hey hey") == ["1:1:Test.Rule:Hey."]


def test_remove_action_suggests_an_empty_replacement() -> None:
    rule = make_rule(
        "Acme.Very",
        {
            "extends": "existence",
            "message": "Remove '%s'.",
            "level": "error",
            "action": {"name": "remove"},
            "tokens": ["very"],
        },
    )

    [alert] = lint_text("A very good day.", [rule])

    assert (alert.start, alert.end, alert.match, alert.replacement) == (2, 6, "very", "")
    assert (alert.level, alert.check) == ("error", "Acme.Very")


def test_french_tokens_match_accented_words(lint: Linter) -> None:
    rule = {
        "extends": "existence",
        "message": "Évitez « %s ».",
        "ignorecase": True,
        "tokens": ["très", "génial"],
    }

    assert lint(rule, "C'est très\u00a0génial\u00a0! Très.") == [
        "1:7:Test.Rule:Évitez « très ».",
        "1:12:Test.Rule:Évitez « génial ».",
        "1:21:Test.Rule:Évitez « Très ».",
    ]
