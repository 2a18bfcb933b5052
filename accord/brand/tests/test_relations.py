"""``consistency`` and ``conditional`` rules, which read the whole document."""

from __future__ import annotations

from accord.brand.tests.conftest import Linter

SPELLING = {
    "extends": "consistency",
    "message": "Inconsistent spelling of '%s'.",
    "level": "error",
    "ignorecase": True,
    "either": {"colour": "color", "organise": "organize"},
}

DEFINED = {
    "extends": "conditional",
    "message": "'%s' has no definition.",
    "level": "error",
    "scope": "text",
    "first": r"\b([A-Z]{3,5})\b",
    "second": r"(?:\b[A-Z][a-z]+ )+\(([A-Z]{3,5})\)",
    "exceptions": ["API"],
}


def test_consistency_alerts_once_both_spellings_appear(lint: Linter) -> None:
    text = "Our colour is red.\n\nWe organise it.\n\nThe color is blue."

    assert lint(SPELLING, text) == ["5:5:Test.Rule:Inconsistent spelling of 'color'."]


def test_consistency_is_quiet_with_one_spelling(lint: Linter) -> None:
    assert lint(SPELLING, "Colour here, colour there.") == []


def test_conditional_flags_an_undefined_acronym(lint: Linter) -> None:
    text = "The World Health Organization (WHO) and the WHO agree. The FDA does not. API."

    assert lint(DEFINED, text) == ["1:60:Test.Rule:'FDA' has no definition."]


def test_conditional_definitions_only_count_once_read(lint: Linter) -> None:
    text = "The WHO first.\n\nThen the World Health Organization (WHO)."

    assert lint(DEFINED, text) == ["1:5:Test.Rule:'WHO' has no definition."]


def test_conditional_without_groups_requires_the_second_pattern(lint: Linter) -> None:
    rule = {
        "extends": "conditional",
        "message": "Add a call to action after '%s'.",
        "first": "(?i)free trial",
        "second": "(?i)sign up",
    }

    assert lint(rule, "Start a free trial.") == [
        "1:9:Test.Rule:Add a call to action after 'free trial'."
    ]
    assert lint(rule, "Start a free trial. Sign up today.") == []
