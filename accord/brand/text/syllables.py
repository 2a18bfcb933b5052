"""Count the syllables of French and English words (heuristics, no dictionary).

English follows Greg Fast's Lingua::EN::Syllable rules (vowel groups, then corrections for
patterns such as "-tion", "-ia", "-le"), plus silent "-es"/"-ed"/"-ement" endings. French counts
vowel groups ("ou", "eau", "oi" are one sound), treats "qu"/"gu" before a vowel as a consonant,
splits groups on a diaeresis or an accented "é"/"è"/"ê" after another vowel ("naïf", "poème",
but "fière")
and after "é" unless it ends the word as "ée(s)" ("réel", "réunion", but "idée"), and drops
the mute final "e"/"es" of a longer word ("table", "pommes"). Both are wrong for some words
("created" counts 2); readability formulas only need good averages. A word with hyphens or
apostrophes counts the syllables of each part; a word without letters counts one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

__all__ = ["Language", "count_syllables"]

Language = Literal["en", "fr"]

_EN_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_EN_SUBTRACT = tuple(
    re.compile(pattern)
    for pattern in (
        r"cial", r"tia", r"cius", r"cious", r"giu", r"ion", r"iou", r"sia$", r".ely$",
        r"[^aeiouytd]ed$", r"[^aeiouyszxcgh]es$", r"[aeiouy][^aeiouy]ement$",
    )
)  # fmt: skip
_EN_ADD = tuple(
    re.compile(pattern)
    for pattern in (
        r"ia", r"riet", r"dien", r"iu", r"io", r"ii", r"[aeiou]{3}", r"^mc", r"ism$",
        r"[^l]lien", r"^coa[dglx].", r"[^gq]ua[^auieo]", r"dnt$",
    )
)  # fmt: skip
_EN_CONSONANT_LE = re.compile(r"[^aeiouy]le$")

_FR_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿœæ")
_FR_HIATUS = frozenset("éèêëïüÿ")  # these start a new syllable after another vowel
_FR_SILENT_U = re.compile(r"(?<=[qg])u(?=[aeiouyéèêëîïôöàâ])")
_FR_MUTE_END = re.compile(r"(?<=[^aeiouyàâäéèêëîïôöùûüÿœæ])es?$")
_PARTS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65536)
def _english(word: str) -> int:
    if len(word) <= 3:
        return 1
    stem = word[:-1] if word.endswith("e") and not _EN_CONSONANT_LE.search(word) else word
    count = len(_EN_VOWEL_GROUPS.findall(stem))
    count -= sum(1 for pattern in _EN_SUBTRACT if pattern.search(stem))
    count += sum(1 for pattern in _EN_ADD if pattern.search(stem))
    return max(1, count)


@lru_cache(maxsize=65536)
def _french(word: str) -> int:
    spoken = _FR_SILENT_U.sub("", word)
    count = 0
    previous = ""
    for index, char in enumerate(spoken):
        if char in _FR_VOWELS and (
            previous not in _FR_VOWELS
            or (char in _FR_HIATUS and not (previous == "i" and char in "èê"))
            or (previous == "é" and (char != "e" or spoken[index + 1 : index + 2] not in {"", "s"}))
        ):
            count += 1
        previous = char
    if count > 1 and _FR_MUTE_END.search(spoken):
        count -= 1
    return max(1, count)


def count_syllables(word: str, language: Language = "en") -> int:
    """Return the number of syllables of ``word`` in ``language`` (at least 1)."""
    parts = _PARTS.findall(word.lower())
    if not parts:
        return 1
    counter = _french if language == "fr" else _english
    return sum(counter(part) for part in parts)
