"""Split French and English social text into normalised tokens with a negation scope.

The normalisation is what the sentiment model was trained on, so any change here needs a
retrained model (``scripts/train_sentiment.py``): lower case, accents and ligatures folded
(``déçu`` and ``decu`` are one word, as people often drop accents online), letters repeated three
times or more cut to two (``trooop`` → ``troop``), links and user handles replaced by markers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

URL = "<url>"
USER = "<user>"

_EMOTICON = r"[:;=8x][\-o^']?[()\[\]dp/\\|*3o]|[()\[\]/\\|][\-o^']?[:;=8]|<3"
_TOKEN = re.compile(
    r"https?://\S+|www\.\S+|\bhttp\b"  # links (some corpora keep only "http")
    r"|@\w+"  # user handles
    r"|#\w+"  # hashtags
    rf"|(?:{_EMOTICON})(?!\w)"
    r"|[^\W\d_]+(?:'t\b)?"  # words; English "don't" stays one token
    r"|\d+(?:[.,]\d+)?"
    r"|[!?]+|\.{2,}|…"
    r"|[.,;:]"  # clause ends: they close a negation scope and are not features
    r"|[^\w\s\"'()\-\u200d\ufe0f\U0001f3fb-\U0001f3ff]"  # emoji and other symbols
)
_REPEAT = re.compile(r"([^\W\d_])\1{2,}")
_CLAUSE_END = frozenset(".,;:!?…")
NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nothing",
        "nobody",
        "none",
        "nor",
        "without",
        "cannot",
        "ne",
        "n",
        "pas",
        "jamais",
        "rien",
        "aucun",
        "aucune",
        "sans",
        "ni",
    }
)


def _fold_table() -> dict[int, str]:
    """Map each accented Latin letter (U+00C0–U+024F) to its base letters."""
    table = {ord("’"): "'", ord("œ"): "oe", ord("æ"): "ae", ord("ß"): "ss"}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base.isascii() and base.isalpha() and code not in table:
            table[code] = base
    return table


_FOLD = _fold_table()


@dataclass(frozen=True, slots=True)
class TokenStream:
    """The tokens of one text: ``words`` flags real words, ``negated`` those in a negation."""

    tokens: list[str]
    words: list[bool]
    negated: list[bool]


def normalise(text: str) -> str:
    """Lower-case, fold accents and cut letters repeated three times or more to two."""
    return _REPEAT.sub(r"\1\1", text.lower().translate(_FOLD))


@lru_cache(maxsize=1 << 16)
def _classify(raw: str) -> tuple[str, bool]:
    """Return the token a regex match stands for and whether it is a word."""
    first = raw[0]
    if raw.startswith(("http", "www.")) and len(raw) > 3:
        return URL, False
    if first == "@" and len(raw) > 1:
        return USER, False
    if first.isalpha():
        return raw, raw.isalpha() or raw.endswith("'t")
    if first in "!?":
        return ("!" if set(raw) == {"!"} else "?" if set(raw) == {"?"} else "!?"), False
    if first == "." and len(raw) > 1:
        return "…", False
    return raw, False


@lru_cache(maxsize=1 << 16)
def _read(raw: str) -> tuple[tuple[tuple[str, bool], ...], bool, bool]:
    """Return the (token, is_word) pairs of a regex match, whether it ends a clause and
    whether it opens a negation."""
    if raw in (".", ",", ";", ":"):
        return (), True, False
    if raw[0] == "#" and len(raw) > 1:
        tag = _classify(raw[1:])
        return ((raw, False), tag), False, _is_negator(tag[0])
    token = _classify(raw)
    return (token,), raw[0] in _CLAUSE_END, _is_negator(token[0])


def _is_negator(token: str) -> bool:
    return token in NEGATORS or token.endswith("n't")


def tokenize(text: str) -> TokenStream:
    """Split ``text`` into tokens; a negation runs from its negator to the next clause end.

    A hashtag gives two tokens, ``#tag`` and the word ``tag``. Clause punctuation (``. , ; :``)
    ends a negation but is dropped; ``! ? …`` are kept as tokens.
    """
    tokens: list[str] = []
    words: list[bool] = []
    negated: list[bool] = []
    in_negation = False
    for raw in _TOKEN.findall(normalise(text)):
        found, ends_clause, opens_negation = _read(raw)
        if ends_clause:
            in_negation = False
        for token, is_word in found:
            tokens.append(token)
            words.append(is_word)
            negated.append(in_negation and is_word)
        if opens_negation:
            in_negation = True
    return TokenStream(tokens, words, negated)
