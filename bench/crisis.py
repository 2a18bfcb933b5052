"""Spike detection quality on the NAB corpus, and detector throughput.

Quality figures, ``nab_standard``, ``nab_reward_low_FN_rate``, ``nab_reward_low_FP_rate``: every
series of the NAB corpus (``--data``, default /work/shared/data/anomaly) goes through
``accord.crisis.offline.detect_file``, the function behind
``accord crisis detect --input SERIES.csv --output ALERTS.csv --allow-unordered`` (one NAB file
steps back in time once); the ``is_alert`` column it writes, the detector's own decision, is
scored with NAB's rules (``bench/nab_scoring.py``). Baseline, same run and same series: NAB's
windowed Gaussian detector given its best threshold per profile, chosen with the labels as NAB's
optimiser does (a favour Accord does not get); the rolling z-score baseline and Accord's own
threshold-optimised score are in ``params`` for reference.

Overfitting check: the detector's defaults were tuned on half of the series only, those whose
name's SHA-256 starts with an even byte (``tuned_half``); each quality figure's ``params`` also
gives the score of the same alerts on that half and on the other one (``held_out_half``), beside
the windowed Gaussian's on each half at its corpus-wide best threshold.

Throughput figures: ``crisis_detector_throughput``, points per second through
``SpikeDetector.update`` on one core (baseline: a rolling z-score detector's update, same points);
``crisis_cli_throughput``, points per second of ``detect_file`` end to end, CSV in and out
(baseline: the same CSV reading and writing with no detector, the I/O floor).

Usage: python bench/crisis.py [--quick] [--data DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accord.crisis.detector import SpikeDetector  # noqa: E402
from accord.crisis.offline import OUTPUT_HEADER, detect_file, read_series  # noqa: E402
from bench.nab_scoring import (  # noqa: E402
    PROFILES,
    CorpusScore,
    CostProfile,
    LabelledSeries,
    load_corpus,
    score_corpus,
    score_corpus_optimised,
)

RESULTS = Path(__file__).resolve().parent / "results" / "crisis.json"
DEFAULT_DATA = Path("/work/shared/data/anomaly")
MACHINE = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
QUICK_EVERY = 4  # --quick keeps every 4th series in name order, an unchosen sample
PUBLISHED = "NAB v1.1 scoreboard, full corpus: HTM 70.5, ARTime 74.9, windowedGaussian 39.6"

Scorer = Callable[[datetime, float], float]


def tuned_half(name: str) -> bool:
    """Tell whether series ``name`` is in the half the detector's defaults were tuned on."""
    return hashlib.sha256(name.encode("utf-8")).digest()[0] % 2 == 0


class WindowedGaussian:
    """NAB's windowedGaussian detector: Gaussian tail of each value over a sliding window.

    As numenta/NAB ``nab/detectors/gaussian``: the window grows to 6,400 values, then slides by
    100 at a time; the score is ``1 - Q(|x - mean| / std)`` with the mean and std of the window
    before the value. Running sums replace NAB's numpy recomputation (same figures).
    """

    WINDOW = 6400
    STEP = 100

    def __init__(self) -> None:
        self.window: list[float] = []
        self.buffer: list[float] = []
        self.total = self.squares = 0.0
        self.mean, self.std = 0.0, 1.0

    def __call__(self, ts: datetime, value: float) -> float:
        """Score ``value`` against the window, then add it."""
        score = 0.0
        if self.window:
            score = 1.0 - 0.5 * math.erfc(abs(value - self.mean) / self.std / math.sqrt(2.0))
        if len(self.window) < self.WINDOW:
            self.window.append(value)
            self.total += value
            self.squares += value * value
            self._refresh()
        else:
            self.buffer.append(value)
            if len(self.buffer) == self.STEP:
                self.window = self.window[self.STEP :] + self.buffer
                self.buffer = []
                self.total = sum(self.window)
                self.squares = sum(v * v for v in self.window)
                self._refresh()
        return score

    def _refresh(self) -> None:
        """Recompute mean and std from the running sums (std 1e-6 when flat)."""
        n = len(self.window)
        self.mean = self.total / n
        variance = max(self.squares / n - self.mean * self.mean, 0.0)
        self.std = math.sqrt(variance) or 0.000001


class RollingZScore:
    """Rolling z-score baseline: distance to the mean of the last 288 values, in their stds.

    The score is ``min(1, |z| / 10)`` so NAB's threshold sweep covers z from 0 to 10.
    """

    WINDOW = 288

    def __init__(self) -> None:
        self.values: list[float] = []
        self.total = self.squares = 0.0

    def __call__(self, ts: datetime, value: float) -> float:
        """Score ``value`` against the last ``WINDOW`` values, then add it."""
        n = len(self.values)
        score = 0.0
        if n >= 2:
            mean = self.total / n
            std = math.sqrt(max(self.squares / n - mean * mean, 0.0))
            score = min(1.0, abs(value - mean) / std / 10.0) if std > 0 else 0.0
        self.values.append(value)
        self.total += value
        self.squares += value * value
        if n + 1 > self.WINDOW:
            old = self.values.pop(0)
            self.total -= old
            self.squares -= old * old
        return score


@dataclass(frozen=True)
class CliOutput:
    """The columns ``accord crisis detect`` wrote for one series."""

    scores: list[float]
    alerts: list[bool]


def run_cli(root: Path, series: LabelledSeries, workdir: Path) -> CliOutput:
    """Run the CLI's function on one NAB file and read back what it wrote."""
    output = workdir / (series.name.replace("/", "__"))
    detect_file(root / series.name, output, allow_unordered=True)
    with output.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        if tuple(next(reader)) != OUTPUT_HEADER:
            raise RuntimeError(f"{output}: unexpected header")
        rows = list(reader)
    if len(rows) != len(series.values):
        raise RuntimeError(f"{series.name}: {len(rows)} rows written for {len(series.values)}")
    return CliOutput([float(r[2]) for r in rows], [r[3] == "1" for r in rows])


def baseline_scores(
    corpus: Sequence[LabelledSeries], make: Callable[[], Scorer]
) -> dict[str, list[float]]:
    """Return each series' anomaly scores from a fresh baseline detector."""
    scores: dict[str, list[float]] = {}
    for series in corpus:
        detector = make()
        scores[series.name] = [
            detector(t, v) for t, v in zip(series.timestamps, series.values, strict=True)
        ]
    return scores


def quality_figures(root: Path, corpus: Sequence[LabelledSeries], quick: bool) -> list[Any]:
    """Score Accord's alerts and the baselines on the corpus, one figure per profile."""
    with tempfile.TemporaryDirectory(prefix="accord-bench-crisis-") as tmp:
        outputs = {s.name: run_cli(root, s, Path(tmp)) for s in corpus}
    alerts = {name: out.alerts for name, out in outputs.items()}
    scores = {name: out.scores for name, out in outputs.items()}
    gaussian = baseline_scores(corpus, WindowedGaussian)
    zscore = baseline_scores(corpus, RollingZScore)
    common = {
        "series": len(corpus),
        "windows": sum(len(s.windows) for s in corpus),
        "points": sum(len(s.values) for s in corpus),
        "alerts": sum(sum(a) for a in alerts.values()),
        "quick": quick,
        "decisions": "is_alert written by accord crisis detect (no threshold tuning)",
        "published": PUBLISHED,
        "machine": MACHINE,
    }
    return [
        profile_figure(profile, corpus, alerts, scores, gaussian, zscore, common)
        for profile in PROFILES
    ]


def profile_figure(
    profile: CostProfile,
    corpus: Sequence[LabelledSeries],
    alerts: dict[str, list[bool]],
    scores: dict[str, list[float]],
    gaussian: dict[str, list[float]],
    zscore: dict[str, list[float]],
    common: dict[str, Any],
) -> dict[str, Any]:
    """Build the figure of one NAB profile."""
    accord = score_corpus(corpus, alerts, profile)
    tuned = score_corpus_optimised(corpus, scores, profile)
    base = score_corpus_optimised(corpus, gaussian, profile)
    rolling = score_corpus_optimised(corpus, zscore, profile)
    halves = {
        key: half_score([s for s in corpus if tuned_half(s.name) is side], alerts, gaussian, base)
        for key, side in (("tuned_half", True), ("held_out_half", False))
    }
    params = {
        "profile": profile.name,
        "weights": {"tp": profile.tp, "fp": -profile.fp, "fn": -profile.fn},
        **common,
        "raw": round(accord.raw, 3),
        "null": round(accord.null, 3),
        "perfect": round(accord.perfect, 3),
        "accord_threshold_optimised": _described(tuned),
        "rolling_zscore_threshold_optimised": _described(rolling),
        **{key: half(profile) for key, half in halves.items()},
    }
    return figure(
        f"nab_{profile.name}",
        params,
        round(accord.normalised, 2),
        "NAB score (0: never fires, 100: perfect)",
        f"windowedGaussian (NAB), best threshold {base.threshold:.6g}",
        round(base.normalised, 2),
    )


def half_score(
    series: Sequence[LabelledSeries],
    alerts: dict[str, list[bool]],
    gaussian: dict[str, list[float]],
    base: CorpusScore,
) -> Callable[[CostProfile], dict[str, Any]]:
    """Return a function scoring one half of the corpus under a profile (empty half: None).

    Accord's alerts as they are; the windowed Gaussian at the threshold chosen on the whole
    corpus (``base``), so that neither figure is re-tuned on the half.
    """

    def scored(profile: CostProfile) -> dict[str, Any]:
        if not series or not any(s.windows for s in series):
            return {"series": len(series), "value": None, "windowed_gaussian": None}
        threshold = 1.1 if base.threshold is None else base.threshold
        flagged = {s.name: [v >= threshold for v in gaussian[s.name]] for s in series}
        return {
            "series": len(series),
            "value": round(score_corpus(series, alerts, profile).normalised, 2),
            "windowed_gaussian": round(score_corpus(series, flagged, profile).normalised, 2),
        }

    return scored


def _described(score: CorpusScore) -> dict[str, float | None]:
    """Return a threshold-optimised score and its threshold, rounded for the JSON."""
    threshold = None if score.threshold is None else float(f"{score.threshold:.6g}")
    return {"value": round(score.normalised, 2), "threshold": threshold}


def figure(
    name: str, params: dict[str, Any], value: float, unit: str, base_name: str, base_value: float
) -> dict[str, Any]:
    """Shape one result object; ``ratio`` > 1 means Accord ahead."""
    ratio = round(value / base_value, 2) if base_value > 0 else None
    return {
        "name": name,
        "params": params,
        "value": value,
        "unit": unit,
        "baseline": {"name": base_name, "value": base_value},
        "ratio": ratio,
    }


def points_per_second(run: Callable[[], int], repeats: int) -> float:
    """Return the best points per CPU second over ``repeats`` runs of ``run``.

    CPU time of this (single-threaded) process, not wall time, so that other processes sharing
    the machine do not count: the figure is what one core sustains.
    """
    best = math.inf
    points = 0
    for _ in range(repeats):
        start = time.process_time()
        points = run()
        best = min(best, time.process_time() - start)
    return points / best


def feed(
    corpus: Iterable[LabelledSeries], make: Callable[[], Callable[[datetime, float], Any]]
) -> int:
    """Push every point of the corpus through fresh detectors; return the number of points."""
    points = 0
    for series in corpus:
        update = make()
        for ts, value in zip(series.timestamps, series.values, strict=True):
            update(ts, value)
        points += len(series.values)
    return points


def throughput_figures(root: Path, corpus: Sequence[LabelledSeries], repeats: int) -> list[Any]:
    """Measure the detector alone and the CLI end to end, each beside its baseline."""
    accord = points_per_second(lambda: feed(corpus, lambda: SpikeDetector().update), repeats)
    rolling = points_per_second(lambda: feed(corpus, RollingZScore), repeats)
    with tempfile.TemporaryDirectory(prefix="accord-bench-crisis-") as tmp:
        out = Path(tmp) / "alerts.csv"
        cli = points_per_second(lambda: _cli_pass(root, corpus, out, detect=True), repeats)
        floor = points_per_second(lambda: _cli_pass(root, corpus, out, detect=False), repeats)
    params = {"points": sum(len(s.values) for s in corpus), "cores": 1, "machine": MACHINE}
    return [
        figure(
            "crisis_detector_throughput",
            params,
            round(accord),
            "points/s",
            "rolling z-score (288 points) update",
            round(rolling),
        ),
        figure(
            "crisis_cli_throughput",
            params,
            round(cli),
            "points/s",
            "the same CSV reading and writing with no detector",
            round(floor),
        ),
    ]


def _cli_pass(root: Path, corpus: Sequence[LabelledSeries], out: Path, *, detect: bool) -> int:
    """Run ``detect_file`` (or only its CSV reading and writing) over the corpus files."""
    points = 0
    for series in corpus:
        if detect:
            points += detect_file(root / series.name, out, allow_unordered=True).rows
            continue
        with (
            (root / series.name).open(encoding="utf-8", newline="") as source,
            out.open("w", encoding="utf-8", newline="") as sink,
        ):
            writer = csv.writer(sink, lineterminator="\n")
            writer.writerow(OUTPUT_HEADER)
            for row in read_series(source, allow_unordered=True):
                writer.writerow((row.raw_timestamp, row.raw_value, f"{0.0:.6f}", 0))
                points += 1
    return points


def main(argv: Sequence[str] | None = None) -> int:
    """Run the figures, print them as JSON lines and write bench/results/crisis.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="every 4th series, one timing run")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="NAB corpus directory")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.data)
    if args.quick:
        corpus = corpus[::QUICK_EVERY]
    figures = quality_figures(args.data, corpus, args.quick)
    figures += throughput_figures(args.data, corpus, repeats=1 if args.quick else 3)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for item in figures:
        print(json.dumps(item))
    return 0


if __name__ == "__main__":
    sys.exit(main())
