"""Sentiment and language detection quality and speed: Accord's shipped model vs lexicon baselines.

Held-out splits (never trained on; see ``accord/listening/corpora.py``) of the corpora in
``--data`` (default /work/shared/data/sentiment):

- ``allocine_fr``: 420 French film reviews, binary; accuracy. A review counts as positive when
  score >= 0 (the model's neutral label does not exist in this corpus), likewise for baselines.
- ``umsab_fr``, ``umsab_en``: 324 tweets each, 3 classes; macro-F1 over the labels.
- ``tweeteval_en``: 570 TweetEval validation tweets UMSAB does not train on; macro-F1.

Baselines, run in the same process on the same texts: VADER (``vaderSentiment``) for English,
compound >= 0.05 positive, <= -0.05 negative (VADER's documented thresholds); Pattern's French
lexicon through ``textblob-fr`` for French, polarity > 0 positive, < 0 negative, 0 neutral.
Language detection: Accord vs ``langdetect`` (seeded; any language but fr/en counts as other).
Speed: texts per CPU second on one core, Accord's batched ``analyse_many`` (language detection
included) vs the same texts through the lexicon baselines; median of three passes.

Usage: python bench/sentiment.py [--quick] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accord.listening import corpora, modelfile, sentiment  # noqa: E402
from accord.listening.corpora import NEGATIVE, NEUTRAL, POSITIVE, Corpus  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data/sentiment")
RESULTS = Path(__file__).resolve().parent / "results" / "sentiment.json"
MACHINE = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
HELD_OUT = ("allocine_fr", "umsab_fr", "umsab_en", "tweeteval_en")
QUICK_SIZE = 120
LABEL_IDS = {"negative": NEGATIVE, "neutral": NEUTRAL, "positive": POSITIVE}
ANCHORS = {
    "allocine_fr": "CamemBERT (tf-allocine) 0.974 accuracy on the full Allociné test set",
    "umsab_fr": "XLM-T 0.68-0.72 macro-F1 on UMSAB French",
    "umsab_en": "XLM-T about 0.70 macro-F1 on UMSAB English",
    "tweeteval_en": "VADER about 0.53 macro-F1 on TweetEval",
}

Scorer = Callable[[Sequence[str]], list[float]]


@dataclass(frozen=True, slots=True)
class Split:
    """The held-out texts of one corpus, with gold labels."""

    name: str
    lang: str
    binary: bool
    texts: list[str]
    labels: list[int]


def splits(data: Path, quick: bool) -> list[Split]:
    """Return the held-out splits, cut to ``QUICK_SIZE`` texts each with ``--quick``."""
    loaded = corpora.load_all(data)
    return [_split(loaded[name], QUICK_SIZE if quick else None) for name in HELD_OUT]


def _split(corpus: Corpus, size: int | None) -> Split:
    test = corpus.test[:size]
    texts, labels = [ex.text for ex in test], [ex.label for ex in test]
    return Split(corpus.name, corpus.lang, corpus.binary, texts, labels)


def vader_scorer() -> Scorer:
    """Return VADER's compound score as a function over texts."""
    from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
        SentimentIntensityAnalyzer,
    )

    analyser = SentimentIntensityAnalyzer()
    return lambda texts: [analyser.polarity_scores(t)["compound"] for t in texts]


def textblob_fr_scorer() -> Scorer:
    """Return textblob-fr's (Pattern's) polarity as a function over texts."""
    from textblob_fr import PatternAnalyzer  # type: ignore[import-untyped]

    analyser = PatternAnalyzer()
    return lambda texts: [float(analyser.analyze(t)[0]) for t in texts]


def baseline_labels(scores: list[float], threshold: float) -> list[int]:
    """Turn baseline scores into labels: above ``threshold`` positive, below minus it negative."""
    return [POSITIVE if s > threshold else NEGATIVE if s < -threshold else NEUTRAL for s in scores]


def accuracy(gold: Sequence[int], predicted: Sequence[int]) -> float:
    """Return the share of predictions equal to the gold label."""
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def macro_f1(gold: Sequence[int], predicted: Sequence[int]) -> float:
    """Return the mean F1 over the three labels."""
    scores = []
    for label in (NEGATIVE, NEUTRAL, POSITIVE):
        pairs = list(zip(gold, predicted, strict=True))
        tp = sum(g == p == label for g, p in pairs)
        fp = sum(p == label != g for g, p in pairs)
        fn = sum(g == label != p for g, p in pairs)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def figure(
    name: str, params: dict[str, Any], value: float, unit: str, baseline: tuple[str, float]
) -> dict[str, Any]:
    """Return one result object; ``ratio`` > 1 means Accord is ahead."""
    return {
        "name": name,
        "params": {**params, "machine": MACHINE},
        "value": round(value, 4),
        "unit": unit,
        "baseline": {"name": baseline[0], "value": round(baseline[1], 4)},
        "ratio": round(value / baseline[1], 3) if baseline[1] else None,
    }


def model_params() -> dict[str, Any]:
    """Return how the shipped model was validated and trained, from its own metadata."""
    path = modelfile.MODELS / "sentiment.npz.gz"
    meta = json.loads(str(modelfile.load("sentiment")["meta"]))
    return {
        "model_bytes_gzipped": path.stat().st_size,
        "validation": meta.get("validation", "not recorded"),
        "settings": meta.get("settings", {}),
    }


def quality_figure(split: Split, quick: bool) -> dict[str, Any]:
    """Score one held-out split with Accord and its lexicon baseline."""
    results = sentiment.analyse_many(split.texts)
    if split.lang == "fr":
        base_name, base_scores, threshold = "textblob-fr", textblob_fr_scorer()(split.texts), 0.0
    else:
        base_name, base_scores, threshold = "vader", vader_scorer()(split.texts), 0.05
    if split.binary:
        ours = [POSITIVE if r.score >= 0 else NEGATIVE for r in results]
        theirs = [POSITIVE if s >= 0 else NEGATIVE for s in base_scores]
        metric, unit = accuracy, "accuracy"
    else:
        ours = [LABEL_IDS[r.label] for r in results]
        theirs = baseline_labels(base_scores, threshold)
        metric, unit = macro_f1, "macro_f1"
    params = {
        "corpus": split.name,
        "texts": len(split.texts),
        "quick": quick,
        "accuracy": round(accuracy(split.labels, ours), 4),
        "anchor": ANCHORS[split.name],
        "model": model_params(),
    }
    value = metric(split.labels, ours)
    return figure(
        f"sentiment_{split.name}", params, value, unit, (base_name, metric(split.labels, theirs))
    )


def cpu_seconds(run: Callable[[], object], repeats: int) -> float:
    """Return the median CPU time of ``repeats`` runs (the process's own time, one core)."""
    times = []
    for _ in range(repeats):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return statistics.median(times)


def throughput_figure(held_out: list[Split], quick: bool) -> dict[str, Any]:
    """Time Accord and the lexicon baselines over every held-out text."""
    texts = [t for s in held_out for t in s.texts]
    vader, textblob = vader_scorer(), textblob_fr_scorer()
    french = [t for s in held_out if s.lang == "fr" for t in s.texts]
    english = [t for s in held_out if s.lang == "en" for t in s.texts]
    repeats = 1 if quick else 3
    ours = cpu_seconds(lambda: sentiment.analyse_many(texts), repeats)
    theirs = cpu_seconds(lambda: (textblob(french), vader(english)), repeats)
    per_corpus = {s.name: round(_rate(s.texts, repeats)) for s in held_out}
    params = {
        "texts": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "accord_texts_per_cpu_second_by_corpus": per_corpus,
        "baseline": "textblob-fr on the French texts, VADER on the English ones",
        "quick": quick,
    }
    return figure(
        "sentiment_throughput",
        params,
        len(texts) / ours,
        "texts/s",
        ("lexicons", len(texts) / theirs),
    )


def _rate(texts: list[str], repeats: int) -> float:
    """Return Accord's texts per CPU second over ``texts``."""
    return len(texts) / cpu_seconds(lambda: sentiment.analyse_many(texts), repeats)


def language_figure(held_out: list[Split], quick: bool) -> dict[str, Any]:
    """Measure language detection on the held-out texts (each corpus has one language)."""
    from langdetect import DetectorFactory, LangDetectException, detect  # type: ignore[import-untyped]

    DetectorFactory.seed = 0

    def langdetect_lang(text: str) -> str:
        try:
            found = str(detect(text))
        except LangDetectException:
            return "other"
        return found if found in ("fr", "en") else "other"

    gold = [s.lang for s in held_out for _ in s.texts]
    texts = [t for s in held_out for t in s.texts]
    ours = [sentiment.detect_language(t) for t in texts]
    theirs = [langdetect_lang(t) for t in texts]
    params = {"texts": len(texts), "quick": quick, "corpora": list(HELD_OUT)}
    return figure(
        "language_detection_accuracy",
        params,
        accuracy_of(gold, ours),
        "accuracy",
        ("langdetect", accuracy_of(gold, theirs)),
    )


def accuracy_of(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Return the share of predicted languages equal to the gold one."""
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def main(argv: Sequence[str] | None = None) -> int:
    """Run every figure, print them as JSON lines and save them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SIZE} texts per corpus.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    held_out = splits(args.data, args.quick)
    sentiment.analyse("warm up: load the model")
    figures = [quality_figure(split, args.quick) for split in held_out]
    figures.append(throughput_figure(held_out, args.quick))
    figures.append(language_figure(held_out, args.quick))
    for item in figures:
        print(json.dumps(item, ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
