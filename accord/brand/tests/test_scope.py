"""Vale scopes against block sections."""

from __future__ import annotations

from accord.brand.scope import Scope

HEADING_H1 = frozenset({"heading", "h1", "text", "md"})
HEADING_H2 = frozenset({"heading", "h2", "text", "md"})
PARAGRAPH = frozenset({"paragraph", "text", "md"})
SENTENCE = frozenset({"paragraph", "text", "md", "sentence"})
RAW = frozenset({"raw", "md"})
HTML_PARAGRAPH = frozenset({"paragraph", "text", "html"})


def test_text_matches_prose_blocks_but_not_sentences_or_raw() -> None:
    scope = Scope.parse(["text"])

    assert [scope.matches(s) for s in (HEADING_H1, PARAGRAPH, SENTENCE, RAW)] == [
        True,
        True,
        False,
        False,
    ]


def test_dotted_and_negated_selectors() -> None:
    not_h1 = Scope.parse(["heading & ~heading.h1"])

    assert not not_h1.matches(HEADING_H1)
    assert not_h1.matches(HEADING_H2)
    assert not not_h1.matches(PARAGRAPH)


def test_format_suffixes_restrict_a_scope() -> None:
    assert Scope.parse(["text.html"]).matches(HTML_PARAGRAPH)
    assert not Scope.parse(["text.html"]).matches(PARAGRAPH)
    assert not Scope.parse(["paragraph.rst"]).matches(PARAGRAPH)


def test_sentence_scope_and_negation_never_read_raw() -> None:
    assert Scope.parse(["sentence"]).matches(SENTENCE)
    assert not Scope.parse(["~heading"]).matches(RAW)
    assert Scope.parse(["~heading"]).matches(PARAGRAPH)


def test_several_alternatives() -> None:
    scope = Scope.parse(["heading.h2", "raw"])

    assert scope.matches(HEADING_H2)
    assert scope.matches(RAW)
    assert not scope.matches(HEADING_H1)


def test_equal_scopes_are_the_same_object() -> None:
    assert Scope.parse(["text"]) is Scope.parse(["text"])
