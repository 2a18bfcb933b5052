"""Read the public sentiment lexicons the training script folds into the model (training only).

Sources, each from its installed PyPI package, none copied into the repository:

- English words and emoticons: VADER (``vaderSentiment``, MIT), mean human rating / 4.
- Emoji: our own ratings of the most used ones (``COMMON_EMOJI``), then VADER's emoji
  descriptions scored with VADER itself for the rest (they miss 👍, 😡, 💔…).
- Customer-experience words (``CUSTOMER_WORDS``, our own ratings): the corpora are tweets about
  politics and the environment and film reviews, so delivery, repair and support complaints
  (``retard``, ``abîmé``, ``refund``…) would otherwise be missed. They take precedence.
- French words: Pattern's French adjectives (``textblob-fr``, data PDDL) and the hand-translated
  VADER lexicon (``vaderSentiment-fr``, MIT); Pattern wins where both rate a word.

Every entry is tokenised like the product's input, so ``déçu`` is stored as ``decu``; entries
that are not one token are skipped. The model file keeps only the 32-bit hashes of the entries
with their polarity in [-1, 1].
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np

from accord.listening.features import token_hash
from accord.listening.linear import LEXICON_SOURCES
from accord.listening.tokens import tokenize

FRENCH, ENGLISH, SYMBOLS = range(LEXICON_SOURCES)
# Our own ratings of frequent emoji, in [-1, 1]; they take precedence over VADER's.
COMMON_EMOJI = {
    **dict.fromkeys("😍🥰❤💕💖💗🥳🤩", 0.9),
    **dict.fromkeys("😊😀😁😃😄😘🎉💙💚💛💜🧡😇🤗👌🙌👏👍🏆", 0.7),
    **dict.fromkeys("😎😆😅😉🙂✨💯💪⭐🌟🔥🙏😋😂🤣", 0.5),
    **dict.fromkeys("🤔😐😑😶🤷", 0.0),
    **dict.fromkeys("😕🙁😬😳😴🙄😒😏", -0.4),
    **dict.fromkeys("😞😔😟😩😫😢😭😥😰😱💩", -0.6),
    **dict.fromkeys("😡😠🤬😤👎💔🤮🤢🖕", -0.8),
}
CUSTOMER_WORDS = {
    FRENCH: {
        **dict.fromkeys("arnaque arnaques escroquerie scandaleux honteux pire".split(), -0.8),
        **dict.fromkeys(
            "inadmissible inacceptable lamentable insupportable inutilisable nul nulle "
            "défectueux défectueuse mécontent mécontente galère injoignable".split(),
            -0.7,
        ),
        **dict.fromkeys(
            "abîmé abîmée abîmés abîmées cassé cassée cassés cassées panne pannes "
            "retard retards bug bugs bugue plante plantage".split(),
            -0.5,
        ),
        **dict.fromkeys(
            "lent lente attente perdu perdue perdus annulé annulée problème problèmes "
            "réclamation remboursement erreur".split(),
            -0.3,
        ),
        **dict.fromkeys("merci rapide réactif réactive professionnel top".split(), 0.4),
        **dict.fromkeys("efficace aimable satisfait satisfaite recommande super".split(), 0.6),
        **dict.fromkeys(
            "impeccable parfait parfaite ravi ravie bravo génial géniale excellent "
            "excellente".split(),
            0.8,
        ),
    },
    ENGLISH: {
        **dict.fromkeys("scam worst terrible awful".split(), -0.8),
        **dict.fromkeys(
            "useless unacceptable overcharged faulty defective rude unreachable".split(), -0.7
        ),
        **dict.fromkeys(
            "damaged broken crash crashes crashing crashed bug bugs buggy delayed".split(), -0.5
        ),
        **dict.fromkeys("late slow missing refund cancelled canceled complaint".split(), -0.3),
        **dict.fromkeys("thanks fast quick smooth seamless".split(), 0.4),
        **dict.fromkeys("helpful friendly recommend recommended great".split(), 0.6),
        **dict.fromkeys("flawless excellent perfect amazing love".split(), 0.8),
    },
}
_PATTERN_WORD = re.compile(r'<word form="([^"]+)"[^>]*?polarity="([-0-9.]+)"')


def _package_dir(name: str) -> Path:
    """Return an installed package's folder without importing it (textblob pulls in nltk)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"training needs the {name} package (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations)))


def _vader_entries(path: Path, separator: str) -> dict[str, float]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split(separator)
        if len(parts) >= 2:
            try:
                entries[parts[0]] = max(-1.0, min(1.0, float(parts[1]) / 4))
            except ValueError:
                continue
    return entries


def symbol_entries() -> dict[str, float]:
    """Return emoji polarities: ``COMMON_EMOJI`` first, else VADER on the emoji's description."""
    from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
        SentimentIntensityAnalyzer,
    )

    analyser = SentimentIntensityAnalyzer()
    described = {
        emoji: float(analyser.polarity_scores(text)["compound"])
        for emoji, text in analyser.emojis.items()
    }
    return {**described, **COMMON_EMOJI}


def _french_entries() -> dict[str, float]:
    entries = _vader_entries(_package_dir("vaderSentiment_fr") / "fr_lexicon.txt", "->")
    pattern = (_package_dir("textblob_fr") / "fr-sentiment.xml").read_text(encoding="utf-8")
    entries.update({m[1]: float(m[2]) for m in _PATTERN_WORD.finditer(pattern)})
    return entries


def symbol_examples(threshold: float = 0.3) -> dict[str, float]:
    """Return the one-token emoji and emoticons whose polarity is clear, or rated neutral."""
    vader = _vader_entries(_package_dir("vaderSentiment") / "vader_lexicon.txt", "\t")
    symbols = {**vader, **symbol_entries()}
    return {
        symbol: polarity
        for symbol, polarity in symbols.items()
        if (abs(polarity) >= threshold or symbol in COMMON_EMOJI)
        and (stream := tokenize(symbol)).tokens
        and len(stream.tokens) == 1
        and not stream.words[0]
    }


def _add(table: dict[int, list[float]], source: int, entries: dict[str, float]) -> None:
    """Add single-token entries under the hash of their normalised token (first one wins)."""
    for entry, polarity in entries.items():
        stream = tokenize(entry)
        if len(stream.tokens) != 1 or (source == SYMBOLS) == stream.words[0]:
            continue
        row = table.setdefault(token_hash(stream.tokens[0]), [0.0] * LEXICON_SOURCES)
        if row[source] == 0.0:
            row[source] = polarity


def lexicon_arrays() -> tuple[np.ndarray, np.ndarray]:
    """Return sorted token hashes and their polarity per source (French, English, symbols)."""
    vader = _vader_entries(_package_dir("vaderSentiment") / "vader_lexicon.txt", "\t")
    table: dict[int, list[float]] = {}
    _add(table, FRENCH, CUSTOMER_WORDS[FRENCH])
    _add(table, ENGLISH, CUSTOMER_WORDS[ENGLISH])
    _add(table, FRENCH, _french_entries())
    _add(table, ENGLISH, vader)
    _add(table, SYMBOLS, vader)
    _add(table, SYMBOLS, symbol_entries())
    keys = np.array(sorted(table), dtype=np.uint32)
    polarity = np.array([table[int(key)] for key in keys], dtype=np.float32)
    return keys, polarity
