"""Word keys: which tokens can match a document; the filter never changes results."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.brand import RuleSet, lint_text, load_styles
from accord.brand.prefilter import DocumentKeys, KeyIndex, token_anchor, token_keys
from accord.brand.tests.conftest import lines, make_rule


@pytest.mark.parametrize(
    ("pattern", "bounded", "keys"),
    [
        ("hit the ground running", True, {"running"}),
        ("(?:bull|ox)-like", True, {"like"}),
        ("m[ae]n", True, {"man", "men"}),
        ("ales?", True, {"ale", "ales"}),
        (r"enplan\w*", True, {"<enpl"}),
        (r"[\w]+ing", True, {">ing"}),
        ("[a-z]*[!]{2,}", False, {"=!!"}),
        (r"\d{1,2} ?[ap]m", True, {"#d"}),
    ],
)
def test_token_keys(pattern: str, bounded: bool, keys: set[str]) -> None:
    assert token_keys(pattern, bounded=bounded) == frozenset(keys)


def test_tokens_without_keys() -> None:
    assert token_keys(r"[a-z][.?!][A-Z]", bounded=False) is None
    assert token_keys(r"\w+", bounded=True) is None


def test_anchors_are_the_literal_start_of_every_match() -> None:
    assert token_anchor(r"\bhit the (?:ground|floor)") == "hit the "
    assert token_anchor(r"(?<!automatic )Entr[a-z]*") == "entr"
    assert token_anchor(r"(?:a|b)c") is None


def test_index_returns_the_units_a_document_can_match() -> None:
    index = KeyIndex.build(
        [
            (0, [frozenset({"very"}), frozenset({"<synerg"}), None]),
            (1, [frozenset({"=!!"})]),
            (2, [frozenset({"#d"})]),
        ]
    )
    document = DocumentKeys.of("Very synergistic!")

    assert index.candidates(document) == {0: (0, 1, 2)}
    assert index.candidates(DocumentKeys.of("Wow!! 42")) == {0: (2,), 1: (0,), 2: (0,)}


def test_filtered_and_unfiltered_linting_agree(fixtures: Path) -> None:
    rules = load_styles(fixtures / "styles", ["Acme", "Marque"])
    unfiltered = RuleSet(rules.rules)
    object.__setattr__(unfiltered, "index", KeyIndex.build([]))
    text = (
        "# Very Big News\n\nBasically, the javascript e-mail newsletter ships on 1/2/2025, "
        "a, b, c, d.\n\nRien à signaler ici.\n"
    )

    filtered_alerts = lint_text(text, rules, "markdown")

    assert filtered_alerts == lint_text(text, unfiltered, "markdown")
    assert lines(filtered_alerts) == [
        "1:3:Acme.Headings:'Very Big News' should be in sentence case.",
        "1:3:Acme.Very:Remove 'Very'.",
        "3:1:Acme.Very:Remove 'Basically'.",
        "3:10:Acme.Commas:More than 3 commas!",
        "3:16:Acme.Terms:Use 'JavaScript' instead of 'javascript'.",
        "3:27:Acme.Terms:Use 'email' instead of 'e-mail'.",
        "3:27:Marque.Anglicismes:Préférez « courriel » à « e-mail ».",
        "3:34:Marque.Anglicismes:Préférez « lettre d’information » à « newsletter ».",
        "3:54:Acme.dates.Format:Write dates as '1 January 2025', not '1/2/2025'.",
    ]


def test_text_whose_lower_case_changes_length_still_matches() -> None:
    rule = {"extends": "existence", "message": "%s", "ignorecase": True, "tokens": ["very"]}

    alerts = lint_text("İstanbul is very nice.", [make_rule("T.R", rule)])

    assert lines(alerts) == ["1:13:T.R:very"]
