"""Split French and English prose into words.

A word is a run of letters and digits that may hold inner apostrophes and hyphens
("aujourd'hui", "peut-être", "don't", "state-of-the-art"). French elisions are split off as
their own word ("l'équipe" → "l'" + "équipe", "qu'il" → "qu'" + "il"), with either the
straight or the typographic apostrophe. Numbers keep their decimal separator and the
(non-breaking) spaces French puts between thousands ("1 000,50" is one word).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ELISIONS", "TOKEN_PATTERN", "Token", "tokenize", "words"]

ELISIONS = frozenset(
    {"c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"}
)
APOSTROPHES = "'’"

_TOKEN = re.compile(
    r"(?i:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\w)"  # elisions: l' qu' jusqu'
    r"|\d+(?:[.,\u00a0\u202f]\d+)*"  # numbers: 3,5 · 1 000 · 2.0.1
    r"|\w+(?:['’\-‐]\w+)*"  # words with inner apostrophes / hyphens
)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text with its position (``text[start:end] == token.text``)."""

    text: str
    start: int
    end: int


TOKEN_PATTERN = _TOKEN


def tokenize(text: str) -> list[Token]:
    """Return the words of ``text`` with their positions, French elisions split off."""
    return [Token(match.group(), match.start(), match.end()) for match in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """Return the words of ``text`` (as ``tokenize`` splits them) without positions."""
    return _TOKEN.findall(text)
