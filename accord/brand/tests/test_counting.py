"""``occurrence`` and ``repetition`` rules."""

from __future__ import annotations

from accord.brand import lint_text
from accord.brand.tests.conftest import Linter, make_rule


def test_occurrence_flags_a_sentence_with_too_many_commas(lint: Linter) -> None:
    rule = {
        "extends": "occurrence",
        "message": "More than 2 commas (%d)!",
        "scope": "sentence",
        "max": 2,
        "token": ",",
    }
    text = "One, two, three, four. Fine, then. A, b, c."

    assert lint(rule, text) == ["1:4:Test.Rule:More than 2 commas (3)!"]


def test_occurrence_minimum_reports_at_the_block_start(lint: Linter) -> None:
    rule = {
        "extends": "occurrence",
        "message": "Too short.",
        "scope": "paragraph",
        "min": 5,
        "token": r"\b(\w+)\b",
    }

    assert lint(rule, "Long enough to pass here.\n\nToo short.") == ["3:1:Test.Rule:Too short."]


def test_occurrence_with_no_match_reports_at_the_start_of_raw(lint: Linter) -> None:
    rule = {
        "extends": "occurrence",
        "message": "No intro",
        "scope": "raw",
        "min": 1,
        "token": "# Introduction",
    }

    assert lint(rule, "# Title\n\nText.", "markdown") == ["1:1:Test.Rule:No intro"]


def test_repetition_flags_a_word_twice_in_a_row(lint: Linter) -> None:
    rule = {
        "extends": "repetition",
        "message": "'%s' is repeated!",
        "ignorecase": True,
        "alpha": True,
        "tokens": [r"[^\s.!?]+"],
    }

    assert lint(rule, "This is is it. The the end.") == [
        "1:6:Test.Rule:'is' is repeated!",
        "1:16:Test.Rule:'the' is repeated!",
    ]


def test_repetition_ignores_words_across_sentences(lint: Linter) -> None:
    rule = {"extends": "repetition", "message": "'%s'", "tokens": [r"[\w]+"]}

    assert lint(rule, "I forgot that. That matters.") == []
    assert lint(rule, "We know that that matters.") == ["1:9:Test.Rule:'that'"]


def test_repetition_alpha_skips_numbers(lint: Linter) -> None:
    rule = {"extends": "repetition", "message": "'%s'", "alpha": True, "tokens": [r"[\w]+"]}

    assert lint(rule, "Call 555 555 now.") == []


def test_repetition_edit_action_suggests_one_word() -> None:
    rule = make_rule(
        "Vale.Repetition",
        {
            "extends": "repetition",
            "message": "'%s' is repeated!",
            "action": {"name": "edit", "params": ["truncate", " "]},
            "tokens": [r"[^\s.!?]+"],
        },
    )

    [alert] = lint_text("le le chat", [rule])

    assert (alert.match, alert.replacement) == ("le le", "le")
