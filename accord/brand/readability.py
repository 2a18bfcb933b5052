"""Readability statistics and formulas for French and English prose.

``measure`` counts words, sentences, syllables and the other quantities the formulas (and Vale's
``metric`` rules) use; ``score`` applies every formula to them. Counting rules:

- words and sentences as ``accord.brand.text`` splits them (French elisions are words);
- ``characters``: letters and digits of the words (Coleman–Liau, ARI);
- ``polysyllabic_words``: words of three syllables or more (SMOG);
- ``complex_words``: polysyllabic words that are not capitalised (proper nouns) nor hyphenated
  compounds and, in English, still polysyllabic without an "-es", "-ed" or "-ing" ending
  (Gunning fog);
- ``long_words``: words of more than six letters (LIX).

An empty text has every count at zero and every score at zero.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from accord.brand.text.sentences import split_sentences
from accord.brand.text.syllables import Language, count_syllables
from accord.brand.text.tokens import TOKEN_PATTERN as _TOKEN

__all__ = [
    "ReadabilityScores",
    "TextMeasures",
    "automated_readability_index",
    "coleman_liau_index",
    "flesch_kincaid_grade",
    "flesch_reading_ease",
    "gunning_fog",
    "kandel_moles",
    "lix",
    "measure",
    "score",
    "smog_grade",
]

_SUFFIX = re.compile(r"(?:es|ed|ing)$")


@dataclass(frozen=True, slots=True)
class TextMeasures:
    """The counts readability formulas are made of, for one text."""

    words: int
    sentences: int
    syllables: int
    characters: int
    polysyllabic_words: int
    complex_words: int
    long_words: int


@dataclass(frozen=True, slots=True)
class ReadabilityScores:
    """Every readability score of one text (grades in US school years, ease from 0 to 100)."""

    flesch_reading_ease: float
    flesch_kincaid_grade: float
    kandel_moles: float
    gunning_fog: float
    coleman_liau: float
    smog: float
    automated_readability: float
    lix: float


def _is_complex(word: str, syllables: int, first_of_sentence: bool, language: Language) -> bool:
    if syllables < 3 or "-" in word or (word[:1].isupper() and not first_of_sentence):
        return False
    if language != "en":
        return True
    stem = _SUFFIX.sub("", word.lower())
    return stem == word.lower() or count_syllables(stem, language) >= 3


@lru_cache(maxsize=65536)
def _profile(word: str, language: Language) -> tuple[int, int, bool, bool]:
    """Return (syllables, letters, complex inside a sentence, complex as its first word)."""
    syllables = count_syllables(word, language)
    letters = sum(1 for char in word if char.isalnum())
    inside = _is_complex(word, syllables, False, language)
    first = _is_complex(word, syllables, True, language)
    return syllables, letters, inside, first


def _elision_syllables(clitic: str) -> int:
    """Return the syllables an elided word adds to the next one ("lorsqu'" 1, "l'" 0)."""
    stem = clitic.rstrip("'’").lower().removesuffix("qu")
    if not any(char in "aeiouyàâéèêëîïôûù" for char in stem):
        return 0
    return count_syllables(stem, "fr")


def _first_word(text: str, start: int, end: int) -> str | None:
    """Return the first word of ``text[start:end]`` that is not an elision."""
    match = _TOKEN.search(text, start, end)
    while match is not None and match.group()[-1] in "'’":
        match = _TOKEN.search(text, match.end(), end)
    return None if match is None else match.group()


def measure(
    text: str,
    language: Language = "en",
    tokens: list[str] | None = None,
    spans: list[tuple[int, int]] | None = None,
) -> TextMeasures:
    """Count the words, sentences, syllables and word classes of ``text``.

    An elided word ("l'", "qu'", "jusqu'") is not a word of its own: its syllables, if any
    ("lorsqu'" has one, "l'" none), count with the text. A caller that already has them may
    pass ``tokens`` (``accord.brand.text.words(text)``) and the sentence ``spans``.
    """
    spans = split_sentences(text) if spans is None else spans
    counts = Counter(_TOKEN.findall(text) if tokens is None else tokens)
    total = syllables = characters = polysyllabic = complex_words = long_words = 0
    for word, times in counts.items():
        if word[-1] in "'’":
            syllables += _elision_syllables(word) * times
            continue
        count, letters, inside, _ = _profile(word, language)
        total += times
        syllables += count * times
        characters += letters * times
        polysyllabic += (count >= 3) * times
        complex_words += inside * times
        long_words += (letters > 6) * times
    for start, end in spans:
        # a capitalised word opening a sentence is not a proper noun
        first = _first_word(text, start, end)
        if first is not None:
            _, _, inside, opening = _profile(first, language)
            complex_words += opening - inside
    return TextMeasures(
        words=total,
        sentences=len(spans) if total else 0,
        syllables=syllables,
        characters=characters,
        polysyllabic_words=polysyllabic,
        complex_words=complex_words,
        long_words=long_words,
    )


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def flesch_reading_ease(m: TextMeasures) -> float:
    """Return 206.835 − 1.015 × words/sentence − 84.6 × syllables/word."""
    if not m.words:
        return 0.0
    return 206.835 - 1.015 * _ratio(m.words, m.sentences) - 84.6 * _ratio(m.syllables, m.words)


def kandel_moles(m: TextMeasures) -> float:
    """Return the French reading ease, 207 − 1.015 × words/sentence − 73.6 × syllables/word."""
    if not m.words:
        return 0.0
    return 207 - 1.015 * _ratio(m.words, m.sentences) - 73.6 * _ratio(m.syllables, m.words)


def flesch_kincaid_grade(m: TextMeasures) -> float:
    """Return 0.39 × words/sentence + 11.8 × syllables/word − 15.59."""
    if not m.words:
        return 0.0
    return 0.39 * _ratio(m.words, m.sentences) + 11.8 * _ratio(m.syllables, m.words) - 15.59


def gunning_fog(m: TextMeasures) -> float:
    """Return 0.4 × (words/sentence + 100 × complex words/word)."""
    if not m.words:
        return 0.0
    return 0.4 * (_ratio(m.words, m.sentences) + 100 * _ratio(m.complex_words, m.words))


def coleman_liau_index(m: TextMeasures) -> float:
    """Return 0.0588 × letters per 100 words − 0.296 × sentences per 100 words − 15.8."""
    if not m.words:
        return 0.0
    letters = 100 * _ratio(m.characters, m.words)
    sentences = 100 * _ratio(m.sentences, m.words)
    return 0.0588 * letters - 0.296 * sentences - 15.8


def smog_grade(m: TextMeasures) -> float:
    """Return 1.0430 × √(polysyllables × 30 / sentences) + 3.1291."""
    if not m.sentences:
        return 0.0
    return 1.0430 * math.sqrt(m.polysyllabic_words * 30 / m.sentences) + 3.1291


def automated_readability_index(m: TextMeasures) -> float:
    """Return 4.71 × characters/word + 0.5 × words/sentence − 21.43."""
    if not m.words:
        return 0.0
    return 4.71 * _ratio(m.characters, m.words) + 0.5 * _ratio(m.words, m.sentences) - 21.43


def lix(m: TextMeasures) -> float:
    """Return words/sentence + 100 × long words/word."""
    if not m.words:
        return 0.0
    return _ratio(m.words, m.sentences) + 100 * _ratio(m.long_words, m.words)


def score(m: TextMeasures) -> ReadabilityScores:
    """Apply every readability formula to the measures of one text."""
    return ReadabilityScores(
        flesch_reading_ease=flesch_reading_ease(m),
        flesch_kincaid_grade=flesch_kincaid_grade(m),
        kandel_moles=kandel_moles(m),
        gunning_fog=gunning_fog(m),
        coleman_liau=coleman_liau_index(m),
        smog=smog_grade(m),
        automated_readability=automated_readability_index(m),
        lix=lix(m),
    )
