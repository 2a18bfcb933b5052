"""Sentiment and language of French and English texts, offline, with the model shipped inside.

``analyse("Ce film est une merveille")`` returns ``Sentiment(lang="fr", label="positive",
score=0.9…)``. The score is P(positive) − P(negative), in [-1, 1]; the label is the most probable
of negative, neutral and positive. Texts are scored in batches with numpy: use ``analyse_many``
for more than a handful. How the model is built: ``accord/listening/training.py``.

Per language, linear experts share one hashed feature space: a social-post expert (negative /
neutral / positive) and, for French, a film-review expert (negative / positive) with a gate that
says how much a text looks like a review; the result is ``gate * review + (1 - gate) * social``
(English's gate is closed, see ``training``). A text in another language gets the mean of the
French and English results (emoji, emoticons and shared words still count).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Literal

import numpy as np
import numpy.typing as npt

from accord.listening import language, modelfile
from accord.listening.features import extract
from accord.listening.linear import (
    FeatureSpace,
    Floats,
    Vocabulary,
    Weights,
    lexicon_sums,
    weighted_sum,
)

Label = Literal["negative", "neutral", "positive"]
LABELS: tuple[Label, ...] = ("negative", "neutral", "positive")
BATCH_SIZE = 512


@dataclass(frozen=True, slots=True)
class Sentiment:
    """The language (``fr``, ``en`` or ``other``), label and score in [-1, 1] of one text."""

    lang: str
    label: Label
    score: float


BLANK = Sentiment("other", "neutral", 0.0)


@dataclass(frozen=True, slots=True)
class SentimentModel:
    """The shipped weights: tf-idf experts (social, gate), presence experts (review)."""

    space: FeatureSpace
    tfidf_weights: Weights
    lexicon_weights: Floats
    tfidf_bias: Floats
    binary_weights: Weights
    binary_bias: Floats
    lexicon_keys: npt.NDArray[np.uint32]
    lexicon_polarity: Floats
    tfidf_columns: tuple[str, ...]
    binary_columns: tuple[str, ...]

    def probabilities(self, texts: Sequence[str], langs: Sequence[str]) -> Floats:
        """Return P(negative), P(neutral), P(positive) for each text, given its language."""
        batch = extract(texts, self.space.token_features)
        found = self.space.entries(batch)
        lexicon = lexicon_sums(batch, self.lexicon_keys, self.lexicon_polarity)
        tfidf = weighted_sum(found, self.tfidf_weights, batch.size)
        tfidf += lexicon @ self.lexicon_weights + self.tfidf_bias
        binary = weighted_sum(found, self.binary_weights, batch.size, binary=True)
        binary += self.binary_bias
        french, english = self._mixture("fr", tfidf, binary), self._mixture("en", tfidf, binary)
        result: Floats = (french + english) / 2
        codes = np.array(langs)
        result[codes == "fr"] = french[codes == "fr"]
        result[codes == "en"] = english[codes == "en"]
        return result

    def _mixture(self, lang: str, tfidf: Floats, binary: Floats) -> Floats:
        """Return one language's ``gate * review + (1 - gate) * social`` probabilities."""
        columns = [self.tfidf_columns.index(f"{lang}_{label}") for label in LABELS]
        logits = tfidf[:, columns]
        social = np.exp(logits - logits.max(axis=1, keepdims=True))
        social /= social.sum(axis=1, keepdims=True)
        gate = _sigmoid(tfidf[:, self.tfidf_columns.index(f"{lang}_gate")])[:, None]
        positive = _sigmoid(
            binary[:, self.binary_columns.index(f"{lang}_review")]
            + tfidf[:, self.tfidf_columns.index(f"{lang}_review")]
        )
        review = np.stack([1 - positive, np.zeros_like(positive), positive], axis=1)
        mixed: Floats = gate * review + (1 - gate) * social
        return mixed


def _sigmoid(x: Floats) -> Floats:
    """Return the logistic function of ``x``, without overflow for large logits."""
    result: Floats = 0.5 * (1 + np.tanh(x / 2))
    return result


@cache
def model() -> SentimentModel:
    """Load the shipped sentiment model once per process."""
    arrays = modelfile.load("sentiment")
    meta = json.loads(str(arrays["meta"]))

    def floats(name: str) -> Floats:
        return np.asarray(arrays[name], dtype=np.float64)

    def keys(name: str) -> npt.NDArray[np.uint32]:
        return np.asarray(arrays[name], dtype=np.uint32)

    def float32(name: str) -> Weights:
        return np.asarray(arrays[name], dtype=np.float32)

    return SentimentModel(
        space=FeatureSpace(
            Vocabulary(keys("word_keys"), float32("word_idf")),
            Vocabulary(keys("char_keys"), float32("char_idf")),
        ),
        tfidf_weights=float32("tfidf_weights") * float32("tfidf_scale"),
        lexicon_weights=floats("lexicon_weights"),
        tfidf_bias=floats("tfidf_bias"),
        binary_weights=float32("binary_weights") * float32("binary_scale"),
        binary_bias=floats("binary_bias"),
        lexicon_keys=keys("lexicon_keys"),
        lexicon_polarity=floats("lexicon_polarity"),
        tfidf_columns=tuple(meta["tfidf_columns"]),
        binary_columns=tuple(meta["binary_columns"]),
    )


def detect_language(text: str) -> str:
    """Return ``"fr"``, ``"en"`` or ``"other"`` for ``text``."""
    return language.detect_languages([text])[0]


def analyse(text: str) -> Sentiment:
    """Return the language, sentiment label and score of one text."""
    return analyse_many([text])[0]


def analyse_many(texts: Iterable[str]) -> list[Sentiment]:
    """Return the sentiment of each text, in order, scored in vectorised batches."""
    return [result for batch in _batches(texts) for result in _analyse_batch(batch)]


def _batches(texts: Iterable[str]) -> Iterator[list[str]]:
    iterator = iter(texts)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _analyse_batch(texts: list[str]) -> list[Sentiment]:
    """Score one batch; a blank text is ``other``, neutral, 0 without asking the model."""
    langs = language.detect_languages(texts)
    probabilities = model().probabilities(texts, langs)
    scores = np.clip(probabilities[:, 2] - probabilities[:, 0], -1.0, 1.0)
    labels = probabilities.argmax(axis=1)
    return [
        Sentiment(lang, LABELS[label], round(float(score), 4)) if text.strip() else BLANK
        for text, lang, label, score in zip(texts, langs, labels, scores, strict=True)
    ]
