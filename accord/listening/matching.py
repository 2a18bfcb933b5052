"""Which listening query (and which competitor of it) a text is about.

Keywords match whole words, whatever the case and accents: "Maison Lumière" matches
"maison lumiere", "MAISON LUMIÈRE" and the hashtag "#MaisonLumiere", not "lumières".
A text holding an exclusion of a query is not a mention of it; a query with languages only
takes texts in those. When both the brand and a competitor are named, the text counts for the
brand; otherwise the first competitor named (in the query's order) becomes its subject.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.listening.models import ListeningQuery

NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces, padded with one space."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return f" {' '.join(NON_WORD.sub(' ', plain).split())} "


def _forms(keyword: str) -> tuple[str, ...]:
    """The keyword as words, and glued into one word (the hashtag form) when it has several."""
    words = normalize(keyword).strip()
    if not words:
        return ()
    glued = words.replace(" ", "")
    return (f" {words} ",) if glued == words else (f" {words} ", f" {glued} ")


def _any_form(forms: Sequence[str], text: str) -> bool:
    return any(form in text for form in forms)


@dataclass(frozen=True)
class Matcher:
    """One query compiled for matching many texts."""

    query: ListeningQuery
    brand: tuple[str, ...]
    exclusions: tuple[str, ...]
    languages: frozenset[str]
    competitors: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, query: ListeningQuery) -> Matcher:
        return cls(
            query=query,
            brand=_all_forms(query.keywords),
            exclusions=_all_forms(query.exclusions),
            languages=frozenset(str(lang) for lang in query.languages or ()),
            competitors=tuple(
                (str(c.get("name", "")), _all_forms(c.get("keywords", [])))
                for c in query.competitors or ()
                if isinstance(c, dict) and c.get("name")
            ),
        )

    def subject(self, normalized: str, lang: str) -> str | None:
        """ "" for the brand, a competitor's name, or None when the text is not for this query."""
        if self.languages and lang not in self.languages:
            return None
        if _any_form(self.exclusions, normalized):
            return None
        if _any_form(self.brand, normalized):
            return ""
        return next(
            (name for name, forms in self.competitors if _any_form(forms, normalized)), None
        )


def _all_forms(keywords: Iterable[Any]) -> tuple[str, ...]:
    return tuple(
        form for keyword in keywords if isinstance(keyword, str) for form in _forms(keyword)
    )


@dataclass(frozen=True)
class Match:
    """``query`` is None only for a fallback in a workspace without any query."""

    query: ListeningQuery | None
    subject: str


def match_text(matchers: Sequence[Matcher], text: str, lang: str) -> Match | None:
    """The first query (by name) the text belongs to, with its subject; None if none."""
    normalized = normalize(text)
    for matcher in matchers:
        subject = matcher.subject(normalized, lang)
        if subject is not None:
            return Match(matcher.query, subject)
    return None
