"""Score anomaly detections the way the Numenta Anomaly Benchmark (NAB v1.1) does.

This follows numenta/NAB ``nab/sweeper.py`` (per-point sweep scores, threshold sweep),
``nab/optimizer.py`` (one threshold for the whole corpus) and ``nab/runner.py`` (normalisation):

- each labelled window is scored once: by its earliest detection, worth
  ``A_tp * scaled_sigmoid(position) / scaled_sigmoid(-1)`` where ``position`` runs from -1 at
  the window's first row to just below 0 at its last row, or ``-A_fn`` when nothing fires in it;
- a detection outside every window costs ``A_fp * scaled_sigmoid(distance)``, ``distance`` being
  the rows since the end of the preceding window divided by that window's width minus one
  (3.0, i.e. a full ``-A_fp``, when no window precedes it);
- rows of the probationary period, ``min(floor(0.15 * n), 750)``, are ignored;
- a corpus score is the sum of its series' scores, normalised to 0 for the detector that never
  fires and to 100 for a perfect one (every window detected at its first row).

One deliberate difference: NAB divides by ``width - 1`` for a false positive after a window one
row wide and crashes; here such a detection counts as a full false positive.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PROBATION_PERCENT = 0.15
PROBATION_CAP = 750  # NAB: probationPercent * 5000


@dataclass(frozen=True)
class CostProfile:
    """NAB application profile: weights of true positives, false positives, false negatives."""

    name: str
    tp: float
    fp: float
    fn: float


STANDARD = CostProfile("standard", tp=1.0, fp=0.11, fn=1.0)
LOW_FP = CostProfile("reward_low_FP_rate", tp=1.0, fp=0.22, fn=1.0)
LOW_FN = CostProfile("reward_low_FN_rate", tp=1.0, fp=0.11, fn=2.0)
PROFILES = (STANDARD, LOW_FN, LOW_FP)

Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class LabelledSeries:
    """One corpus series: its name, timestamps, values and labelled anomaly windows."""

    name: str
    timestamps: tuple[datetime, ...]
    values: tuple[float, ...]
    windows: tuple[Window, ...]


@dataclass(frozen=True)
class SweptPoint:
    """One row as NAB's sweeper sees it: its score if detected, and its window (None: outside)."""

    anomaly_score: float
    sweep_score: float
    window: str | None


@dataclass(frozen=True)
class CorpusScore:
    """Raw and normalised NAB score of one detector on a corpus under one profile."""

    profile: str
    raw: float
    null: float
    perfect: float
    normalised: float
    threshold: float | None = None


def scaled_sigmoid(position: float) -> float:
    """Return NAB's reward for a relative position: ~1 at -1, 0 at 0, ~-1 at +1, -1 from +3."""
    if position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def probationary_length(rows: int) -> int:
    """Return how many leading rows NAB ignores in a series of ``rows`` rows."""
    return min(math.floor(PROBATION_PERCENT * rows), PROBATION_CAP)


def sweep(
    timestamps: Sequence[datetime],
    anomaly_scores: Sequence[float],
    windows: Sequence[Window],
    profile: CostProfile,
    series: str = "",
) -> list[SweptPoint]:
    """Return the scorable rows of one series with their NAB sweep scores.

    Rows of the probationary period are left out, as NAB does. Window names are
    ``series|start`` so that the rows of several series can be swept together.
    """
    right_index = _window_edges(timestamps, windows)
    probation = probationary_length(len(timestamps))
    max_tp = scaled_sigmoid(-1.0)
    points: list[SweptPoint] = []
    current: tuple[str, int, int] | None = None  # name, right index, width
    previous: tuple[int, int] | None = None  # right index, width
    for i, score in enumerate(anomaly_scores):
        if i in right_index.starts:
            right = right_index.starts[i]
            current = (f"{series}|{timestamps[i].isoformat()}", right, right - i + 1)
        if current is not None:
            name, right, width = current
            value = scaled_sigmoid(-(right - i + 1) / width) * profile.tp / max_tp
        else:
            name, value = "", _false_positive_weight(i, previous) * profile.fp
        if i >= probation:
            points.append(SweptPoint(score, value, name or None))
        if current is not None and i == current[1]:
            previous, current = (current[1], current[2]), None
    return points


def _false_positive_weight(index: int, previous: tuple[int, int] | None) -> float:
    """Return the scaled sigmoid a false positive at ``index`` gets after the previous window."""
    if previous is None or previous[1] <= 1:
        return scaled_sigmoid(3.0)
    right, width = previous
    return scaled_sigmoid(abs(right - index) / (width - 1))


@dataclass(frozen=True)
class _WindowEdges:
    """Row index of each window's last row, keyed by the row index of its first row."""

    starts: Mapping[int, int]


def _window_edges(timestamps: Sequence[datetime], windows: Sequence[Window]) -> _WindowEdges:
    """Locate each window's first and last rows; a window whose edges are not rows is an error."""
    index = {ts: i for i, ts in enumerate(timestamps)}
    starts: dict[int, int] = {}
    for start, end in windows:
        if start not in index or end not in index:
            raise ValueError(f"window {start} – {end} does not start and end on rows")
        starts[index[start]] = index[end]
    return _WindowEdges(starts)


def score_points(points: Iterable[SweptPoint], threshold: float, profile: CostProfile) -> float:
    """Return the NAB score of swept rows when every row scoring >= ``threshold`` is a detection."""
    false_positives = 0.0
    best: dict[str, float] = {}
    for point in points:
        if point.window is not None:
            best.setdefault(point.window, -profile.fn)
        if point.anomaly_score < threshold:
            continue
        if point.window is None:
            false_positives += point.sweep_score
        else:
            best[point.window] = max(best[point.window], point.sweep_score)
    return false_positives + sum(best.values())


def score_detections(
    timestamps: Sequence[datetime],
    detections: Sequence[bool],
    windows: Sequence[Window],
    profile: CostProfile,
) -> float:
    """Return the raw NAB score of one series' binary detections."""
    scores = [1.0 if hit else 0.0 for hit in detections]
    return score_points(sweep(timestamps, scores, windows, profile), 0.5, profile)


def best_threshold(points: Sequence[SweptPoint], profile: CostProfile) -> tuple[float, float]:
    """Return (threshold, score) maximising the summed score of rows swept together.

    Thresholds are tried from above every score (nothing fires) down to the lowest score, as
    NAB's ``calcScoreByThreshold``; the first of equally good thresholds, the highest, wins.
    """
    parts: dict[str, float] = {p.window: -profile.fn for p in points if p.window is not None}
    total = sum(parts.values())
    best = (1.1, total)
    ordered = sorted(points, key=lambda p: p.anomaly_score, reverse=True)
    for i, point in enumerate(ordered):
        if point.window is None:
            total += point.sweep_score
        elif point.sweep_score > parts[point.window]:
            total += point.sweep_score - parts[point.window]
            parts[point.window] = point.sweep_score
        last_of_level = i + 1 == len(ordered) or ordered[i + 1].anomaly_score != point.anomaly_score
        if last_of_level and total > best[1]:
            best = (point.anomaly_score, total)
    return best


def normalise(raw: float, null: float, perfect: float) -> float:
    """Map a raw corpus score to NAB's scale: 0 for the null detector, 100 for a perfect one."""
    return 100.0 * (raw - null) / (perfect - null)


def score_corpus(
    corpus: Sequence[LabelledSeries],
    detections: Mapping[str, Sequence[bool]],
    profile: CostProfile,
) -> CorpusScore:
    """Return the NAB score of binary detections (one list per series name) on a corpus."""
    raw = null = 0.0
    for series in corpus:
        raw += score_detections(series.timestamps, detections[series.name], series.windows, profile)
        null += score_detections(
            series.timestamps, [False] * len(series.timestamps), series.windows, profile
        )
    perfect = profile.tp * sum(len(series.windows) for series in corpus)
    return CorpusScore(profile.name, raw, null, perfect, normalise(raw, null, perfect))


def score_corpus_optimised(
    corpus: Sequence[LabelledSeries],
    anomaly_scores: Mapping[str, Sequence[float]],
    profile: CostProfile,
) -> CorpusScore:
    """Return the NAB score of anomaly scores at the one threshold best for the whole corpus."""
    points: list[SweptPoint] = []
    for series in corpus:
        scores = anomaly_scores[series.name]
        points += sweep(series.timestamps, scores, series.windows, profile, series.name)
    null = score_points(points, math.inf, profile)
    threshold, raw = best_threshold(points, profile)
    perfect = profile.tp * sum(len(series.windows) for series in corpus)
    return CorpusScore(profile.name, raw, null, perfect, normalise(raw, null, perfect), threshold)


def load_corpus(root: Path, names: Sequence[str] | None = None) -> list[LabelledSeries]:
    """Read NAB series and their windows from ``root`` (``combined_windows.json`` beside them)."""
    windows: dict[str, list[list[str]]] = json.loads(
        (root / "combined_windows.json").read_text(encoding="utf-8")
    )
    chosen = sorted(windows) if names is None else names
    return [_load_series(root, name, windows[name]) for name in chosen]


def _load_series(root: Path, name: str, windows: list[list[str]]) -> LabelledSeries:
    """Read one NAB series CSV (``timestamp,value``) with its windows."""
    timestamps: list[datetime] = []
    values: list[float] = []
    with (root / name).open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            stamp, value = line.rstrip("\n").split(",")
            timestamps.append(_utc(stamp))
            values.append(float(value))
    limits = tuple((_utc(a), _utc(b)) for a, b in windows)
    return LabelledSeries(name, tuple(timestamps), tuple(values), limits)


def _utc(text: str) -> datetime:
    """Parse a NAB timestamp (naive, as the corpus writes them) as UTC."""
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
