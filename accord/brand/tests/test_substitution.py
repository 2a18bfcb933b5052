"""``substitution`` rules: swaps, suggestions, messages and one-click replacements."""

from __future__ import annotations

from accord.brand import lint_text
from accord.brand.tests.conftest import Linter, make_rule

TERMS = {
    "extends": "substitution",
    "message": "Use '%s' instead of '%s'.",
    "level": "error",
    "ignorecase": True,
    "swap": {"javascript": "JavaScript", "e-mail": "email", "(?:cell|smart) ?phone": "phone"},
}


def test_it_suggests_the_swap_value(lint: Linter) -> None:
    text = "Send an e-mail from your smartphone.\nWe love javascript."

    assert lint(TERMS, text) == [
        "1:9:Test.Rule:Use 'email' instead of 'e-mail'.",
        "1:26:Test.Rule:Use 'phone' instead of 'smartphone'.",
        "2:9:Test.Rule:Use 'JavaScript' instead of 'javascript'.",
    ]


def test_text_already_as_expected_is_not_flagged(lint: Linter) -> None:
    assert lint(TERMS, "We love JavaScript and email.") == []


def test_replace_action_quotes_each_suggestion_once(lint: Linter) -> None:
    rule = {
        "extends": "substitution",
        "message": "Use '%s' instead of '%s'.",
        "action": {"name": "replace"},
        "swap": {"utilize": "use|employ"},
    }

    assert lint(rule, "We utilize it.") == [
        "1:4:Test.Rule:Use 'use' or 'employ' instead of 'utilize'."
    ]


def test_alert_carries_the_first_suggestion_as_replacement() -> None:
    rule = make_rule("Acme.Terms", {**TERMS, "action": {"name": "replace"}})

    [alert] = lint_text("I code in javascript.", [rule])

    assert (alert.start, alert.end, alert.match, alert.replacement) == (
        10,
        20,
        "javascript",
        "JavaScript",
    )


def test_capitalize_keeps_a_capital_at_the_start(lint: Linter) -> None:
    rule = {
        "extends": "substitution",
        "message": "Use '%s' instead of '%s'.",
        "ignorecase": True,
        "capitalize": True,
        "swap": {"mankind": "humankind"},
    }

    assert lint(rule, "Mankind and mankind.") == [
        "1:1:Test.Rule:Use 'Humankind' instead of 'Mankind'.",
        "1:13:Test.Rule:Use 'humankind' instead of 'mankind'.",
    ]


def test_group_references_rebuild_the_suggestion(lint: Linter) -> None:
    rule = {
        "extends": "substitution",
        "message": "Use '%s' instead of '%s'.",
        "swap": {"change in(?: )?to the (.*) folder": "change to the $1 folder"},
    }

    assert lint(rule, "Now change into the docs folder.") == [
        "1:5:Test.Rule:Use 'change to the docs folder' instead of 'change into the docs folder'."
    ]


def test_longer_keys_win_over_shorter_ones(lint: Linter) -> None:
    rule = {
        "extends": "substitution",
        "message": "'%s' not '%s'",
        "swap": {"sign": "signature", "sign up": "register"},
    }

    assert lint(rule, "Please sign up.") == ["1:8:Test.Rule:'register' not 'sign up'"]


def test_french_swap_with_elision(lint: Linter) -> None:
    rule = {
        "extends": "substitution",
        "message": "Préférez « %s » à « %s ».",
        "ignorecase": True,
        "swap": {"e-mail": "courriel", "newsletter": "lettre d’information"},
    }

    assert lint(rule, "L’e-mail et la newsletter.") == [
        "1:3:Test.Rule:Préférez « courriel » à « e-mail ».",
        "1:16:Test.Rule:Préférez « lettre d’information » à « newsletter ».",
    ]


def test_replace_action_params_are_the_fix() -> None:
    rule = make_rule(
        "Acme.Login",
        {
            "extends": "substitution",
            "message": "Use '%s' instead of '%s'.",
            "action": {"name": "replace", "params": ["sign in"]},
            "swap": {"log ?in": "sign in|log in"},
        },
    )

    [alert] = lint_text("Please login.", [rule])

    assert (alert.message, alert.replacement) == (
        "Use 'sign in|log in' instead of 'login'.",
        "sign in",
    )
