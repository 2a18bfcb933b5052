"""Build the language-detection model from langdetect's n-gram profiles (training only).

langdetect (Apache-2.0) ships, for each of 55 languages, the counts of character 1- to 3-grams
in Wikipedia abstracts. We keep the 31 languages written in Latin script (others are told apart
by their script), each language's most frequent n-grams, and store smoothed log-probabilities
quantised to steps of 0.1 nat. The profiles are pruned at very different depths (English keeps
2,301 n-grams, Estonian 7,046), so an n-gram missing from a profile gets half the smallest count
that profile kept for its order, not a fixed tiny count: otherwise a language with a short
profile loses every text that holds one uncommon trigram.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np

from accord.listening.modelfile import Arrays

LATIN_LANGUAGES = (
    "af ca cs cy da de en es et fi fr hr hu id it lt lv nl no pl pt ro sk sl so sq sv sw tl tr vi"
).split()
TOP = {1: 200, 2: 700, 3: 2000}  # most frequent n-grams kept per language and order
FLOOR = 0.5  # times the smallest kept count of the same order
STEP = 0.1


def _profiles_dir() -> Path:
    spec = importlib.util.find_spec("langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("building the language model needs langdetect (dev extra)")
    return Path(next(iter(spec.submodule_search_locations))) / "profiles"


def _profile(lang: str) -> tuple[dict[str, int], list[int]]:
    """Return one language's lower-cased n-gram counts and its total per order."""
    raw = json.loads((_profiles_dir() / lang).read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for gram, count in raw["freq"].items():
        key = gram.lower()
        counts[key] = counts.get(key, 0) + int(count)
    return counts, [int(n) for n in raw["n_words"]]


def _kept(profiles: dict[str, tuple[dict[str, int], list[int]]]) -> list[str]:
    grams: set[str] = set()
    for counts, _ in profiles.values():
        for order, top in TOP.items():
            ranked = sorted(
                (g for g in counts if len(g) == order and g.strip()), key=counts.__getitem__
            )
            grams.update(ranked[-top:])
    return sorted(grams)


def build() -> Arrays:
    """Return the arrays of ``models/language.npz.gz``."""
    profiles = {lang: _profile(lang) for lang in LATIN_LANGUAGES}
    grams = _kept(profiles)
    neg_log_prob = np.zeros((len(grams), len(LATIN_LANGUAGES)), np.float64)
    for column, lang in enumerate(LATIN_LANGUAGES):
        counts, totals = profiles[lang]
        floors = [FLOOR * min(c for g, c in counts.items() if len(g) == n) for n in (1, 2, 3)]
        for row, gram in enumerate(grams):
            count = counts.get(gram) or floors[len(gram) - 1]
            neg_log_prob[row, column] = -np.log(count / totals[len(gram) - 1])
    return {
        "grams": np.array(grams),
        "neg_log_prob": np.clip(np.round(neg_log_prob / STEP), 0, 255).astype(np.uint8),
        "step": np.array(STEP),
        "langs": np.array(LATIN_LANGUAGES),
    }
