"""Score hashed features with linear weights: vocabulary lookup, tf-idf, lexicon sums.

Everything here is vectorised over a whole batch with numpy; no scikit-learn at run time. The
training code builds its matrices with the same functions, so the features a model was fitted on
are exactly those it is scored on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from accord.listening.features import FeatureBatch, Ids, Index, hashed_token

Floats = npt.NDArray[np.float64]
Weights = npt.NDArray[np.float32]  # float32 halves the memory a batch's gather walks through
LEXICON_SOURCES = 3  # French words, English words, emoji and emoticons
CACHE_LIMIT = 1 << 17  # words whose char n-gram rows are remembered
NEGATED_POLARITY = -0.5  # "pas génial" is mildly negative, not the opposite of "génial"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Sorted feature hashes kept at training time, with their inverse document frequency."""

    keys: Ids
    idf: npt.NDArray[np.float32]

    def positions(self, ids: Ids) -> tuple[Index, npt.NDArray[np.bool_]]:
        """Return each id's row in the vocabulary and whether it is known at all."""
        rows = np.searchsorted(self.keys, ids).astype(np.int64)
        rows[rows == len(self.keys)] = 0
        known = self.keys[rows] == ids if len(self.keys) else np.zeros(len(ids), np.bool_)
        return rows, known


@dataclass(frozen=True, slots=True)
class Entries:
    """One row per (text, known feature): its tf-idf value, L2-normalised within the text."""

    doc: Index
    row: Index
    tfidf: Floats


def entries(vocabulary: Vocabulary, ids: Ids, doc: Index, *, are_rows: bool = False) -> Entries:
    """Weigh the known features of a block: ``(1 + log tf) * idf``, then unit length per text.

    With ``are_rows``, ``ids`` are vocabulary rows already, all known.
    """
    if are_rows:
        keys = (doc << 32) | ids.astype(np.int64)
    else:
        rows, known = vocabulary.positions(ids)
        keys = (doc[known] << 32) | rows[known]
    unique, counts = np.unique(keys, return_counts=True)
    entry_doc = unique >> 32
    entry_row = unique & 0xFFFFFFFF
    values = (1.0 + np.log(counts)) * vocabulary.idf[entry_row]
    norms = np.sqrt(np.bincount(entry_doc, weights=values * values))
    return Entries(entry_doc, entry_row, values / norms[entry_doc])


@dataclass(frozen=True, slots=True)
class FeatureSpace:
    """The two vocabularies; char rows come after word rows in every weight matrix."""

    word: Vocabulary
    char: Vocabulary
    _tokens: dict[str, tuple[int, int, list[int]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def token_features(self, token: str, is_word: bool) -> tuple[int, int, list[int]]:
        """Return a token's unigram hashes and the char rows of its known n-grams (cached).

        A token string is always, or never, a word, so the cache is keyed by the string alone.
        """
        found = self._tokens.get(token)
        if found is None:
            if len(self._tokens) > CACHE_LIMIT:
                self._tokens.clear()
            unigram, negated, grams = hashed_token(token, is_word)
            rows, known = self.char.positions(np.array(grams, np.uint32))
            found = self._tokens[token] = (unigram, negated, rows[known].tolist())
        return found

    @property
    def size(self) -> int:
        """Return the number of weight rows."""
        return len(self.word.keys) + len(self.char.keys)

    def entries(self, batch: FeatureBatch) -> Entries:
        """Return the tf-idf entries of both blocks, each block normalised on its own."""
        words = entries(self.word, batch.word_ids, batch.word_doc)
        chars = entries(self.char, batch.char_ids, batch.char_doc, are_rows=batch.char_are_rows)
        doc = np.concatenate([words.doc, chars.doc])
        order = np.argsort(doc, kind="stable")
        return Entries(
            doc[order],
            np.concatenate([words.row, chars.row + len(self.word.keys)])[order],
            np.concatenate([words.tfidf, chars.tfidf])[order],
        )


def weighted_sum(found: Entries, weights: Weights, size: int, *, binary: bool = False) -> Floats:
    """Return, per text and weight column, the sum of its features' values times their weights.

    With ``binary`` every present feature counts 1 (the naive-Bayes experts' input). Entries
    must be grouped by text, as ``entries`` and ``FeatureSpace.entries`` return them.
    """
    out = np.zeros((size, weights.shape[1]))
    if not len(found.row):
        return out
    contributions = weights[found.row]
    if not binary:
        contributions *= found.tfidf.astype(np.float32)[:, None]
    starts = np.flatnonzero(np.r_[True, found.doc[1:] != found.doc[:-1]])
    out[found.doc[starts]] = np.add.reduceat(contributions, starts, axis=0)
    return out


def lexicon_sums(batch: FeatureBatch, keys: Ids, polarity: Floats) -> Floats:
    """Return per text the positive and negative lexicon polarity, over sqrt(word count).

    Columns: positive then negative total for each lexicon source. A word inside a negation
    counts ``NEGATED_POLARITY`` times its polarity.
    """
    rows, known = Vocabulary(keys, np.zeros(0, np.float32)).positions(batch.token_ids)
    values = (
        polarity[rows[known]] * np.where(batch.token_negated[known], NEGATED_POLARITY, 1.0)[:, None]
    )
    doc = batch.token_doc[known]
    out = np.zeros((batch.size, 2 * polarity.shape[1]))
    for source in range(polarity.shape[1]):
        column = values[:, source]
        out[:, 2 * source] = np.bincount(doc, np.maximum(column, 0), minlength=batch.size)
        out[:, 2 * source + 1] = np.bincount(doc, np.maximum(-column, 0), minlength=batch.size)
    return out / np.sqrt(np.maximum(batch.n_words, 1))[:, None]
