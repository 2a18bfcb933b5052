"""Split French and English prose into sentences.

A sentence ends at ``.``, ``!``, ``?``, ``…`` (or a run of them), optionally followed by closing
quotes and brackets (French puts a non-breaking space before ``»``, ``!`` and ``?``), when the
next sentence starts with a capital letter, a digit or an opening quote. It does not end after
a title or a usual abbreviation (M., Mme., Dr., p. ex., e.g., i.e., cf., etc. before a
lower-case word) nor after a single initial ("J. K. Rowling").
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "split_sentences"]

# Abbreviations after which a period never ends the sentence: they announce what follows.
ABBREVIATIONS = frozenset(
    {
        # French
        "m", "mm", "mme", "mmes", "mlle", "mlles", "me", "pr", "dr", "st", "ste", "p", "pp",
        "ex", "cf", "env", "av", "apr", "hab", "tél", "tel", "fig", "vol", "chap", "éd", "ed",
        "nº", "al", "réf", "ref", "c.-à-d", "c-à-d", "j.-c",
        "boul", "bd",
        # English
        "mr", "mrs", "ms", "prof", "sr", "jr", "gen", "col", "capt", "lt", "rev", "hon",
        "e.g", "i.e", "vs", "v", "approx", "dept", "mt", "ft", "jan", "feb", "mar",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip

_SPACE = " \t\n\r\f\v\u00a0\u202f\u2009\u2007"
_TERMINATOR = re.compile(
    r"(?:\.\.\.|…|[.!?]+)"  # the end mark itself
    r"(?:[\u00a0\u202f\u2009 ]?[»”’\"')\]])*"  # closing quotes and brackets
    r"(?=[\s\u00a0\u202f]|$)"
)
_OPENERS = "«“‘\"'([¿¡"
_WORD_BEFORE = re.compile(r"[^\W_][\w.\-]*$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Tell whether the period at ``dot`` closes an abbreviation or an initial."""
    match = _WORD_BEFORE.search(text, max(0, dot - 24), dot)
    if match is None:
        return False
    word = match.group().strip(".-").lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


_NEXT_START = re.compile("[" + re.escape(_OPENERS + _SPACE) + "]*(.)", re.DOTALL)


def _starts_sentence(text: str, position: int) -> bool:
    """Tell whether a new sentence can start at ``position`` (past spaces and openers)."""
    match = _NEXT_START.match(text, position)
    if match is None:
        return True
    char = match.group(1)
    return not char.islower()


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in _SPACE:
        start += 1
    while end > start and text[end - 1] in _SPACE:
        end -= 1
    return (start, end) if start < end else None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the sentences of ``text``, spaces trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _TERMINATOR.finditer(text):
        mark = match.group()
        if (
            mark.startswith(".")
            and not mark.startswith("..")
            and (_is_abbreviation(text, match.start()))
        ):
            continue
        if not _starts_sentence(text, match.end()):
            continue
        span = _trimmed(text, start, match.end())
        if span is not None:
            spans.append(span)
        start = match.end()
    span = _trimmed(text, start, len(text))
    if span is not None:
        spans.append(span)
    return spans
