"""``metric`` and ``readability`` rules, which measure the whole document."""

from __future__ import annotations

import pytest

from accord.brand.rules import RuleError, build_rule
from accord.brand.tests.conftest import Linter

TEXT = "# Title\n\nThe cat sat on the mat. It was happy.\n\n- one item\n- two items\n"


def test_metric_reports_the_formula_value_at_the_document_start(lint: Linter) -> None:
    rule = {
        "extends": "metric",
        "message": "Words per sentence: %s.",
        "formula": "words / sentences",
        "condition": "> 3",
    }

    # prose without the heading: 9 + 2 + 2 words, 2 sentences + 2 list items
    assert lint(rule, TEXT, "markdown") == ["1:1:Test.Rule:Words per sentence: 3.25."]


def test_metric_condition_can_be_false(lint: Linter) -> None:
    rule = {
        "extends": "metric",
        "message": "%s",
        "formula": "words / sentences",
        "condition": "> 10",
    }

    assert lint(rule, TEXT, "markdown") == []


def test_metric_counts_headings_and_lists(lint: Linter) -> None:
    rule = {
        "extends": "metric",
        "message": "%s structural elements.",
        "formula": "heading.h1 + list + heading.h6",
        "condition": "> 2",
    }

    assert lint(rule, TEXT, "markdown") == ["1:1:Test.Rule:3.00 structural elements."]


def test_metric_math_functions_and_zero_division(lint: Linter) -> None:
    sqrt = {
        "extends": "metric",
        "message": "%s",
        "formula": "math.sqrt(words)",
        "condition": ">= 3",
    }
    zero = {"extends": "metric", "message": "%s", "formula": "words / pre", "condition": "> 0"}

    assert lint(sqrt, "One two three four five six seven eight nine.") == ["1:1:Test.Rule:3.00"]
    assert lint(zero, "No code block here.") == []


def test_metric_rejects_unknown_variables_and_calls() -> None:
    with pytest.raises(RuleError, match="unknown variable 'banana'"):
        build_rule(
            "T.R", {"extends": "metric", "message": "m", "formula": "banana", "condition": ">1"}
        )
    with pytest.raises(RuleError, match="only math functions"):
        build_rule(
            "T.R", {"extends": "metric", "message": "m", "formula": "open(1)", "condition": ">1"}
        )


def test_readability_averages_the_chosen_grades(lint: Linter) -> None:
    rule = {
        "extends": "readability",
        "message": "Grade level (%s) too high!",
        "grade": -5,
        "metrics": ["Flesch-Kincaid", "Automated Readability"],
    }
    # 9 words, 2 sentences, 10 syllables, 27 letters:
    # FK = 0.39 * 4.5 + 11.8 * 10 / 9 - 15.59 = -0.7239; ARI = 4.71 * 3 + 0.5 * 4.5 - 21.43 = -5.05
    text = "The cat sat on the mat. It was happy."

    assert lint(rule, text) == ["1:1:Test.Rule:Grade level (-2.89) too high!"]
    assert lint({**rule, "grade": -2}, text) == []


def test_readability_rejects_unknown_metrics() -> None:
    with pytest.raises(RuleError, match="'metrics' must list"):
        build_rule(
            "T.R", {"extends": "readability", "message": "m", "grade": 8, "metrics": ["Fog"]}
        )
