"""NAB scoring on tiny hand-made series, against scores computed by hand.

The series has 20 rows one minute apart: rows 0-2 are the probationary period
(floor(0.15 * 20) = 3) and the labelled window covers rows 10 to 14 (width 5).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.nab_scoring import (
    LOW_FN,
    LOW_FP,
    STANDARD,
    LabelledSeries,
    best_threshold,
    load_corpus,
    normalise,
    probationary_length,
    scaled_sigmoid,
    score_corpus,
    score_corpus_optimised,
    score_detections,
    sweep,
)

T0 = datetime(2014, 4, 1, tzinfo=UTC)
STAMPS = [T0 + timedelta(minutes=i) for i in range(20)]
WINDOW = [(STAMPS[10], STAMPS[14])]
MAX_TP = 0.9866142981514303  # 2 / (1 + e^-5) - 1


def detections_at(*rows: int, length: int = 20) -> list[bool]:
    return [i in rows for i in range(length)]


def score(*rows: int) -> float:
    return score_detections(STAMPS, detections_at(*rows), WINDOW, STANDARD)


@pytest.mark.parametrize(
    ("position", "expected"),
    [(-1.0, MAX_TP), (-0.5, 0.8482836399575129), (0.0, 0.0), (1.0, -MAX_TP), (3.0, -1.0)],
)
def test_the_scaled_sigmoid_runs_from_one_to_minus_one(position: float, expected: float) -> None:
    assert scaled_sigmoid(position) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("rows", "expected"), [(20, 3), (4032, 604), (10320, 750)])
def test_the_probationary_period_is_15_percent_capped_at_750(rows: int, expected: int) -> None:
    assert probationary_length(rows) == expected


def test_a_missed_window_costs_the_false_negative_weight() -> None:
    assert score() == -1.0
    assert score_detections(STAMPS, detections_at(), WINDOW, LOW_FN) == -2.0


def test_a_detection_on_the_first_row_of_a_window_earns_a_full_true_positive() -> None:
    assert score(10) == pytest.approx(1.0)


def test_a_later_detection_earns_less() -> None:
    # Row 12: position -(14 - 12 + 1) / 5 = -0.6; (2 / (1 + e^-3) - 1) / MAX_TP.
    assert score(12) == pytest.approx(0.9174287, abs=1e-7)
    # Row 14, the last: position -0.2; (2 / (1 + e^-1) - 1) / MAX_TP.
    assert score(14) == pytest.approx(0.4683868, abs=1e-7)


def test_only_the_earliest_detection_in_a_window_counts() -> None:
    assert score(10, 12, 13) == pytest.approx(1.0)


def test_a_false_positive_before_any_window_costs_the_full_weight() -> None:
    assert score(5) == pytest.approx(-1.11)
    assert score_detections(STAMPS, detections_at(5), WINDOW, LOW_FP) == pytest.approx(-1.22)


def test_a_false_positive_after_a_window_costs_less_the_closer_it_is() -> None:
    # Row 15: distance 1 / 4 = 0.25, sigmoid -0.5545997; row 17: 3 / 4, sigmoid -0.9540453.
    assert score(15) == pytest.approx(-1.0 - 0.11 * 0.5545997, abs=1e-7)
    assert score(17) == pytest.approx(-1.0 - 0.11 * 0.9540453, abs=1e-7)


def test_a_false_positive_three_widths_after_a_window_costs_the_full_weight() -> None:
    stamps = [T0 + timedelta(minutes=i) for i in range(40)]
    # Row 30: distance (30 - 14) / 4 = 4 >= 3.
    assert score_detections(stamps, detections_at(30, length=40), WINDOW, STANDARD) == (
        pytest.approx(-1.11)
    )


def test_detections_in_the_probationary_period_are_ignored() -> None:
    assert score(0, 1, 2) == -1.0


def test_the_best_threshold_is_the_one_nab_would_pick() -> None:
    scores = [0.1] * 20
    scores[12], scores[17] = 0.9, 0.8

    threshold, best = best_threshold(sweep(STAMPS, scores, WINDOW, STANDARD), STANDARD)

    assert threshold == 0.9
    assert best == pytest.approx(0.9174287, abs=1e-7)


def test_firing_everywhere_can_beat_firing_nowhere() -> None:
    # At threshold 0 every row fires: the window from its first row (+1.0), 7 false positives
    # before it (-0.77) and 5 cheap ones just after it; NAB keeps that over the null -1.0.
    threshold, best = best_threshold(sweep(STAMPS, [0.0] * 20, WINDOW, STANDARD), STANDARD)

    assert threshold == 0.0
    assert best == pytest.approx(-0.2473658, abs=1e-7)


def test_without_windows_the_best_threshold_fires_nothing() -> None:
    threshold, best = best_threshold(sweep(STAMPS, [0.5] * 20, [], STANDARD), STANDARD)

    assert (threshold, best) == (1.1, 0.0)


def test_scores_are_normalised_between_the_null_and_the_perfect_detector() -> None:
    assert normalise(-1.0, -1.0, 1.0) == 0.0
    assert normalise(1.0, -1.0, 1.0) == 100.0
    assert normalise(0.0, -1.0, 1.0) == 50.0


def test_a_corpus_score_sums_its_series_before_normalising() -> None:
    labelled = LabelledSeries("a.csv", tuple(STAMPS), (0.0,) * 20, tuple(WINDOW))
    quiet = LabelledSeries("b.csv", tuple(STAMPS), (0.0,) * 20, ())
    detections = {"a.csv": detections_at(10), "b.csv": detections_at(5)}

    result = score_corpus([labelled, quiet], detections, STANDARD)

    assert result.raw == pytest.approx(0.89)
    assert (result.null, result.perfect) == (-1.0, 1.0)
    assert result.normalised == pytest.approx(94.5)


def test_the_optimised_corpus_score_uses_one_threshold_for_every_series() -> None:
    labelled = LabelledSeries("a.csv", tuple(STAMPS), (0.0,) * 20, tuple(WINDOW))
    quiet = LabelledSeries("b.csv", tuple(STAMPS), (0.0,) * 20, ())
    a_scores = [0.0] * 20
    a_scores[10] = 0.7
    b_scores = [0.0] * 20
    b_scores[5] = 0.9

    result = score_corpus_optimised(
        [labelled, quiet], {"a.csv": a_scores, "b.csv": b_scores}, STANDARD
    )

    # At 0.7 both fire: 1.0 - 0.11; at 0.9 only the false positive fires.
    assert result.threshold == 0.7
    assert result.normalised == pytest.approx(94.5)


def test_a_window_not_starting_on_a_row_is_an_error() -> None:
    with pytest.raises(ValueError, match="does not start and end on rows"):
        sweep(STAMPS, [0.0] * 20, [(T0 + timedelta(seconds=30), STAMPS[14])], STANDARD)


def test_it_loads_a_corpus_and_its_windows(tmp_path: Path) -> None:
    (tmp_path / "cat").mkdir()
    rows = "".join(f"{ts:%Y-%m-%d %H:%M:%S},{i}\n" for i, ts in enumerate(STAMPS))
    (tmp_path / "cat" / "s.csv").write_text("timestamp,value\n" + rows)
    windows = {"cat/s.csv": [["2014-04-01 00:10:00.000000", "2014-04-01 00:14:00.000000"]]}
    (tmp_path / "combined_windows.json").write_text(json.dumps(windows))

    (series,) = load_corpus(tmp_path)

    assert series.name == "cat/s.csv"
    assert series.values[:3] == (0.0, 1.0, 2.0)
    assert series.windows == tuple(WINDOW)
