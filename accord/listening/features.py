"""Hash the tokens of a batch of texts into the sparse features the sentiment model reads.

Features are 32-bit CRC hashes, stable across processes and Python versions (the built-in
``hash`` is salted per process): word unigrams, negated unigrams (``aime`` inside ``n'aime
pas``), bigrams of consecutive tokens, and character 2- to 5-grams of each word padded with
spaces, which let ``génialissime`` borrow from ``génial``. Two blocks: ``word`` (unigrams, negated
unigrams, bigrams) and ``char`` (character n-grams).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from accord.listening.tokens import tokenize

Ids = npt.NDArray[np.uint32]
Index = npt.NDArray[np.int64]

_NEGATED_SEED = 0x4E4547
_CHAR_SEED = 0x43484152
_START = zlib.crc32(b"<s>")
_CHAR_SIZES = (2, 3, 4, 5)


@dataclass(frozen=True, slots=True)
class FeatureBatch:
    """Hashed features of ``size`` texts, flattened; each ``*_doc`` array gives the text index.

    ``token_ids``/``token_doc``/``token_negated`` list every token occurrence (for lexicons);
    ``n_words`` counts the real words of each text. When ``char_are_rows`` is true, ``char_ids``
    are already weight rows of the known character n-grams (see ``extract``).
    """

    size: int
    word_ids: Ids
    word_doc: Index
    char_ids: Ids
    char_doc: Index
    token_ids: Ids
    token_doc: Index
    token_negated: npt.NDArray[np.bool_]
    n_words: Index
    char_are_rows: bool = False


def token_hash(token: str) -> int:
    """Return the unigram feature of ``token`` (a normalised token, see ``tokens.normalise``)."""
    return zlib.crc32(token.encode())


@lru_cache(maxsize=1 << 16)
def char_hashes(word: str) -> tuple[int, ...]:
    """Return the hashes of the character 2- to 5-grams of ``word`` padded with spaces."""
    padded = f" {word} "
    return tuple(
        zlib.crc32(padded[i : i + n].encode(), _CHAR_SEED)
        for n in _CHAR_SIZES
        for i in range(len(padded) - n + 1)
    )


# token, is_word -> (unigram hash, negated-unigram hash, character n-gram hashes or rows)
TokenFeatures = Callable[[str, bool], tuple[int, int, Sequence[int]]]


@lru_cache(maxsize=1 << 17)
def hashed_token(token: str, is_word: bool) -> tuple[int, int, tuple[int, ...]]:
    """Return the unigram, negated-unigram and character n-gram hashes of a token."""
    raw = token.encode()
    grams = char_hashes(token) if is_word else ()
    return zlib.crc32(raw), zlib.crc32(raw, _NEGATED_SEED), grams


def _bigrams(unigrams: Ids, doc: Index) -> Ids:
    """Combine each token's hash with the previous one of the same text (``<s>`` first)."""
    previous = np.roll(unigrams, 1).astype(np.uint64)
    if len(doc):
        first = np.r_[True, doc[1:] != doc[:-1]]
        previous[first] = _START
    mixed = (previous * np.uint64(0x9E3779B1)) ^ unigrams.astype(np.uint64)
    mixed = (mixed * np.uint64(0x85EBCA6B)) & np.uint64(0xFFFFFFFF)
    return mixed.astype(np.uint32)


class _Collector:
    """Accumulate the per-token hashes of a batch in plain lists, then make arrays once."""

    def __init__(self, token_features: TokenFeatures) -> None:
        self.token_features = token_features
        self.unigrams: list[int] = []
        self.n_tokens: list[int] = []
        self.negated: list[bool] = []
        self.negated_ids: list[int] = []
        self.negated_doc: list[int] = []
        self.chars: list[int] = []
        self.n_chars: list[int] = []
        self.n_words: list[int] = []

    def add(self, doc: int, text: str) -> None:
        """Hash the tokens of one text."""
        stream = tokenize(text)
        chars, chars_before, features = self.chars, len(self.chars), self.token_features
        for token, is_word, negated in zip(
            stream.tokens, stream.words, stream.negated, strict=True
        ):
            unigram, negated_id, grams = features(token, is_word)
            self.unigrams.append(unigram)
            if negated:
                self.negated_ids.append(negated_id)
                self.negated_doc.append(doc)
            chars.extend(grams)
        self.negated.extend(stream.negated)
        self.n_tokens.append(len(stream.tokens))
        self.n_chars.append(len(self.chars) - chars_before)
        self.n_words.append(sum(stream.words))

    def batch(self) -> FeatureBatch:
        """Return the collected features as arrays."""
        docs = np.arange(len(self.n_words), dtype=np.int64)
        unigrams = np.array(self.unigrams, dtype=np.uint32)
        unigram_doc = np.repeat(docs, self.n_tokens)
        word_ids = np.concatenate(
            [unigrams, np.array(self.negated_ids, np.uint32), _bigrams(unigrams, unigram_doc)]
        )
        word_doc = np.concatenate([unigram_doc, np.array(self.negated_doc, np.int64), unigram_doc])
        return FeatureBatch(
            size=len(self.n_words),
            word_ids=word_ids,
            word_doc=word_doc,
            char_ids=np.array(self.chars, dtype=np.uint32),
            char_doc=np.repeat(docs, self.n_chars),
            token_ids=unigrams,
            token_doc=unigram_doc,
            token_negated=np.array(self.negated, dtype=np.bool_),
            n_words=np.array(self.n_words, dtype=np.int64),
            char_are_rows=self.token_features is not hashed_token,
        )


def extract(texts: Sequence[str], token_features: TokenFeatures = hashed_token) -> FeatureBatch:
    """Hash the features of every text in ``texts``.

    A model passes its own ``token_features``, which gives the weight rows of a word's known
    character n-grams instead of their hashes (cached per word), so the many n-grams of a long
    text are not looked up one by one.
    """
    collector = _Collector(token_features)
    for doc, text in enumerate(texts):
        collector.add(doc, text)
    return collector.batch()
