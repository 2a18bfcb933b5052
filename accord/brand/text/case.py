"""Title case (AP or Chicago) and sentence case, as Vale's ``capitalization`` rule checks them.

A word kept as written: an acronym ("API"), a word with inner capitals ("iPhone", "macOS"), a
vocabulary term. Small words (articles, conjunctions, short prepositions; for Chicago every
preposition) are lower-cased unless they open or close the title or follow a colon.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

__all__ = ["TitleStyle", "is_sentence_case", "is_title_case", "sentence_case", "title_case"]

TitleStyle = Literal["AP", "Chicago"]

_AP_MINOR = frozenset(
    "a an and as at but by en for if in nor of on or per so the to up v v. via vs vs. yet".split()
)
_CHICAGO_MINOR = _AP_MINOR | frozenset(
    """about above across after against along among around before behind below beneath beside
    between beyond despite down during except from inside into like near off onto out outside
    over past since through throughout till toward towards under underneath until upon with
    within without""".split()
)
_WORD = r"[\w*][^\s]*"
_FIRST_WORD = re.compile(r"\W*([\w*][^\s]*)")

Matcher = Callable[[str], bool]


def _word_pattern(exceptions: re.Pattern[str] | None) -> re.Pattern[str]:
    if exceptions is None:
        return re.compile(_WORD)
    return re.compile(exceptions.pattern + "|" + _WORD, exceptions.flags)


def _keeps_case(word: str) -> bool:
    letters = [char for char in word if char.isalpha()]
    return any(char.isupper() for char in letters[1:])


def _title_word(word: str, minor: bool) -> str:
    if _keeps_case(word):
        return word
    parts = word.split("-")
    cased = [part.lower() if minor else part[:1].upper() + part[1:] for part in parts]
    return "-".join(cased)


def title_case(
    text: str, style: TitleStyle = "AP", exceptions: re.Pattern[str] | None = None
) -> str:
    """Return ``text`` in title case; words matching ``exceptions`` are kept as written."""
    small = _CHICAGO_MINOR if style == "Chicago" else _AP_MINOR
    matches = list(_word_pattern(exceptions).finditer(text))
    out, position = [], 0
    for index, match in enumerate(matches):
        word = match.group()
        out.append(text[position : match.start()])
        position = match.end()
        protected = exceptions is not None and exceptions.fullmatch(word) is not None
        after_colon = index > 0 and matches[index - 1].group().endswith(":")
        edge = index in (0, len(matches) - 1) or after_colon
        core = word.strip("\"'“”‘’(),.;:!?").lower()
        out.append(word if protected else _title_word(word, core in small and not edge))
    out.append(text[position:])
    return "".join(out)


def _excepted(exceptions: re.Pattern[str] | None, word: str) -> bool:
    return exceptions is not None and exceptions.search(word) is not None


def is_title_case(
    text: str,
    style: TitleStyle = "AP",
    exceptions: re.Pattern[str] | None = None,
    threshold: float = 0.8,
) -> bool:
    """Tell whether more than ``threshold`` of the words are as title case wants them."""
    pattern = _word_pattern(exceptions)
    expected = pattern.findall(title_case(text, style, exceptions))
    found = pattern.findall(text)
    if not found:
        return True
    good = 0
    for index, word in enumerate(found):
        ok = index >= len(expected) or word == expected[index] or word == word.upper()
        good += ok or _excepted(exceptions, word)
    return good / len(found) > threshold


def _head(word: str) -> str:
    for separator in ("-", "'", "’"):
        if separator in word:
            return word.split(separator)[0]
    return word


def is_sentence_case(
    text: str,
    exceptions: re.Pattern[str] | None = None,
    threshold: float = 0.8,
    indicators: tuple[str, ...] = (),
) -> bool:
    """Tell whether ``text`` is in sentence case (first word capitalised, the rest lower)."""
    first = _FIRST_WORD.match(text)
    if first is not None and not indicators:
        head, rest = _head(first.group(1)), text[first.end() :]
        if rest == rest.lower() and head == head[:1].upper() + head[1:].lower():
            return True  # the common case, without walking every word
    tokens = _word_pattern(exceptions).findall(text.rstrip("?!.:"))
    if not tokens:
        return True
    good = len(tokens)
    lower = list(map(str.islower, tokens))
    for index, token in enumerate(tokens):
        if index and lower[index]:
            continue  # a lower-case word after the first is always right
        word = _head(token)
        previous = tokens[index - 1] if index else ""
        if word == word.upper() or (indicators and previous.endswith(indicators)):
            continue
        if _excepted(exceptions, word):
            continue
        if index == 0 and word != word[:1].upper() + word[1:].lower():
            return False
        if index == 0 or word == word.lower():
            continue
        good -= 1
    return good / len(tokens) > threshold


def sentence_case(
    text: str, exceptions: re.Pattern[str] | None = None, indicators: tuple[str, ...] = ()
) -> str:
    """Return ``text`` in sentence case, keeping acronyms and exceptions as written."""
    out, position, first = [], 0, True
    previous = ""
    for match in _word_pattern(exceptions).finditer(text):
        word = match.group()
        out.append(text[position : match.start()])
        position = match.end()
        keep = word == word.upper() or _keeps_case(word) or _excepted(exceptions, word)
        if first:
            out.append(word if keep else word[:1].upper() + word[1:])
        elif keep or (indicators and previous.endswith(indicators)):
            out.append(word)
        else:
            out.append(word.lower())
        first, previous = False, word
    out.append(text[position:])
    return "".join(out)
