"""Tell French from English from anything else, offline, with a character n-gram model.

A naive-Bayes model over character 1- to 3-grams of 31 languages written in Latin script (the
shipped ``models/language.npz.gz``, built from langdetect's Wikipedia profiles by
``scripts/train_sentiment.py``). French and English get a prior boost because they are what
Accord's users write; a text that is mostly in another script, or has too few letters to judge,
is ``"other"``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt

from accord.listening import modelfile

FRENCH, ENGLISH, OTHER = "fr", "en", "other"
MAX_CHARS = 300  # the first 300 letters decide; enough evidence, bounded cost
MIN_GRAMS = 8
LATIN_LIMIT = 0x250  # Basic Latin to Latin Extended-B
# Nats added to French and English, plus a little per n-gram: most of our users' texts are one
# or the other, and tweets full of names otherwise drift to Estonian or Catalan.
PRIOR = 4.0
PRIOR_PER_GRAM = 0.05
FUNCTION_WORD_BONUS = 1.5  # nats per French (English) function word: short texts need them
# Words are split at apostrophes: "c'est" gives "c" and "est", "don't" gives "don" and "t".
FUNCTION_WORDS = {
    FRENCH: frozenset(
        "je j tu il ils elle elles nous vous on c ce cet cette ces qu est sont suis es êtes "
        "était été être avoir ai avez avons les des du au aux une pas ne n mais ou et très "
        "trop bien mon ma mes ton ta tes sa ses leur leurs avec pour sur dans qui moi toi "
        "aussi déjà encore toujours jamais rien merci oui bonjour vraiment beaucoup".split()
    ),
    ENGLISH: frozenset(
        "the and is are was were i you he she it we they this that these those with for of "
        "to in on at my your his her our their not but so just have has had do does did don "
        "didn doesn isn wasn can will would be been what why how who really very thanks thank "
        "love like".split()
    ),
}
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;")
_LETTERS = re.compile(r"[^\W\d_]+")
_CACHE_LIMIT = 1 << 17


@dataclass(frozen=True, slots=True)
class WordEvidence:
    """What one word says: summed log-probabilities of its known n-grams, how many there are,
    function-word hits and how many of its letters are Latin."""

    log_prob: npt.NDArray[np.float32]
    grams: int
    french: int
    english: int
    letters: int
    latin: int


@dataclass(frozen=True, slots=True)
class TextEvidence:
    """The words of one text and what they add up to."""

    words: list[WordEvidence]
    grams: int
    french: int
    english: int
    mostly_latin: bool


@dataclass(frozen=True, slots=True)
class LanguageModel:
    """Log-probabilities of character n-grams (rows) in each language (columns)."""

    rows: dict[str, int]
    log_prob: npt.NDArray[np.float32]
    langs: tuple[str, ...]
    cache: dict[str, WordEvidence] = field(default_factory=dict)

    def word(self, word: str) -> WordEvidence:
        """Return the evidence of one lower-case word (cached; grams never span two words)."""
        found = self.cache.get(word)
        if found is None:
            if len(self.cache) > _CACHE_LIMIT:
                self.cache.clear()
            padded = f" {word} "
            grams = [padded[i : i + n] for n in (1, 2, 3) for i in range(len(padded) - n + 1)]
            rows = [self.rows[g] for g in grams if g in self.rows]
            found = WordEvidence(
                self.log_prob[rows].sum(axis=0),
                len(rows),
                int(word in FUNCTION_WORDS[FRENCH]),
                int(word in FUNCTION_WORDS[ENGLISH]),
                len(word),
                sum(1 for c in word if ord(c) < LATIN_LIMIT),
            )
            self.cache[word] = found
        return found

    def evidence(self, text: str) -> TextEvidence:
        """Return the evidence of the first ``MAX_CHARS`` characters of ``text`` (links dropped)."""
        words = [self.word(w) for w in _LETTERS.findall(_NOISE.sub(" ", text.lower())[:MAX_CHARS])]
        return TextEvidence(
            words,
            sum(w.grams for w in words),
            sum(w.french for w in words),
            sum(w.english for w in words),
            2 * sum(w.latin for w in words) >= sum(w.letters for w in words),
        )

    def detect(self, texts: Sequence[str]) -> list[str]:
        """Return ``"fr"``, ``"en"`` or ``"other"`` for each text."""
        found = [self.evidence(text) for text in texts]
        counts = np.array([e.grams for e in found])
        scores = self._log_likelihood(found)
        scores += np.outer(PRIOR + PRIOR_PER_GRAM * counts, self._boosted())
        scores[:, self.langs.index(FRENCH)] += FUNCTION_WORD_BONUS * np.array(
            [e.french for e in found]
        )
        scores[:, self.langs.index(ENGLISH)] += FUNCTION_WORD_BONUS * np.array(
            [e.english for e in found]
        )
        best = [self.langs[i] for i in scores.argmax(axis=1)]
        return [
            lang if lang in (FRENCH, ENGLISH) and n >= MIN_GRAMS and e.mostly_latin else OTHER
            for lang, n, e in zip(best, counts, found, strict=True)
        ]

    def _log_likelihood(self, found: list[TextEvidence]) -> npt.NDArray[np.float32]:
        """Sum the words' log-probabilities per text."""
        words = np.array([len(e.words) for e in found])
        scores = np.zeros((len(found), len(self.langs)), np.float32)
        filled = words > 0
        if filled.any():
            stacked = np.stack([w.log_prob for e in found for w in e.words])
            starts = np.r_[0, np.cumsum(words)[:-1]]
            scores[filled] = np.add.reduceat(stacked, starts[filled])
        return scores

    def _boosted(self) -> npt.NDArray[np.float32]:
        return np.array([lang in (FRENCH, ENGLISH) for lang in self.langs], np.float32)


@cache
def model() -> LanguageModel:
    """Load the shipped language model once per process."""
    arrays = modelfile.load("language")
    grams = [str(g) for g in arrays["grams"]]
    log_prob = -arrays["neg_log_prob"].astype(np.float32) * float(arrays["step"])
    langs = tuple(str(lang) for lang in arrays["langs"])
    return LanguageModel({g: i for i, g in enumerate(grams)}, log_prob, langs)


def detect_languages(texts: Sequence[str]) -> list[str]:
    """Return ``"fr"``, ``"en"`` or ``"other"`` for each text."""
    return model().detect(texts)
