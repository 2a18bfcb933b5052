"""The streaming spike detector: what alerts, what stays silent, and its saved state."""

from __future__ import annotations

import json
import math

import pytest

from accord.crisis.config import DetectorConfig
from accord.crisis.detector import Detection, SpikeDetector, anomaly_score
from accord.crisis.tests.series import POINTS_PER_DAY, Series, seasonal_series

WEEK = 7 * POINTS_PER_DAY
SPIKE_AT = 15 * POINTS_PER_DAY + 120  # a Tuesday, 10:00 UTC, in the third week


def run(series: Series, config: DetectorConfig | None = None) -> list[Detection]:
    detector = SpikeDetector(config)
    return [detector.update(ts, value) for ts, value in series]


def alert_indexes(detections: list[Detection]) -> list[int]:
    return [i for i, detection in enumerate(detections) if detection.is_alert]


def with_offset(series: Series, index: int, offset: float) -> Series:
    changed = list(series)
    ts, value = changed[index]
    changed[index] = (ts, value + offset)
    return changed


def test_it_alerts_on_a_spike_injected_in_a_seasonal_series() -> None:
    series = with_offset(seasonal_series(21, seed=1), SPIKE_AT, 60.0)

    detections = run(series)

    assert alert_indexes(detections) == [SPIKE_AT]
    spike = detections[SPIKE_AT]
    assert spike.baseline == "daily"
    assert spike.sustained is False
    assert spike.learning is False
    assert spike.expected == pytest.approx(100.0 + 30.0 * math.sin(2 * math.pi / 24), abs=2.0)
    assert spike.deviation == pytest.approx(spike.observed - spike.expected)
    assert spike.z_score > 10.0
    assert spike.tail_probability < 1e-6
    assert spike.anomaly_score == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_it_stays_silent_on_six_weeks_of_daily_seasonality_trend_and_noise(seed: int) -> None:
    series = seasonal_series(42, seed=seed, trend_per_day=1.0)

    detections = run(series)

    assert len(detections) == 42 * POINTS_PER_DAY
    assert alert_indexes(detections) == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_it_stays_silent_on_a_weekly_pattern_once_it_has_seen_a_week(seed: int) -> None:
    series = seasonal_series(42, seed=seed, trend_per_day=1.0, weekend_dip=15.0)

    alerts = alert_indexes(run(series))

    assert [i for i in alerts if i >= WEEK] == []


def test_its_output_for_a_prefix_does_not_depend_on_what_follows() -> None:
    base = seasonal_series(14, seed=3)
    prefix = 9 * POINTS_PER_DAY
    other_future = [(ts, value * 3.0 + 50.0) for ts, value in base[prefix:]]

    first = run(base)
    second = run(base[:prefix] + other_future)

    assert first[:prefix] == second[:prefix]
    assert first[prefix:] != second[prefix:]


def test_a_restored_state_continues_exactly_like_an_uninterrupted_detector() -> None:
    series = with_offset(seasonal_series(16, seed=4), SPIKE_AT, 60.0)
    half = 8 * POINTS_PER_DAY + 17
    uninterrupted = run(series)

    detector = SpikeDetector()
    for ts, value in series[:half]:
        detector.update(ts, value)
    saved = json.loads(json.dumps(detector.to_dict()))
    restored = SpikeDetector.from_dict(saved)
    resumed = [restored.update(ts, value) for ts, value in series[half:]]

    assert resumed == uninterrupted[half:]
    assert restored.to_dict() == SpikeDetector.from_dict(restored.to_dict()).to_dict()


def test_a_saved_state_keeps_its_settings() -> None:
    detector = SpikeDetector(DetectorConfig(direction="up", cooldown=3, min_scale=1.0))

    restored = SpikeDetector.from_dict(detector.to_dict())

    assert restored.config == DetectorConfig(direction="up", cooldown=3, min_scale=1.0)


def test_it_refuses_a_state_of_another_version() -> None:
    state = SpikeDetector().to_dict() | {"version": 99}

    with pytest.raises(ValueError, match="unsupported detector state version 99"):
        SpikeDetector.from_dict(state)


def test_an_upward_detector_ignores_a_drop_that_a_downward_one_reports() -> None:
    series = with_offset(seasonal_series(21, seed=1), SPIKE_AT, -60.0)

    up = run(series, DetectorConfig(direction="up"))
    down = run(series, DetectorConfig(direction="down"))

    assert alert_indexes(up) == []
    assert alert_indexes(down) == [SPIKE_AT]


def spiky_series() -> Series:
    """Two weeks of daily cycle with spikes of +20 to +100 every 50 points: spikes are usual."""
    series = seasonal_series(14, seed=2)
    return [
        (ts, value + (20.0 * (1 + (i // 50) % 5) if i % 50 == 25 else 0.0))
        for i, (ts, value) in enumerate(series)
    ]


PEAK_AT = 10 * POINTS_PER_DAY + 180  # 15:00, the top of the daily cycle


def test_a_value_beyond_the_range_of_the_last_values_alerts_where_spikes_are_usual() -> None:
    # +130 at the daily peak exceeds every value of the last 2,000 points (at most the peak
    # plus the largest usual spike, +100) by more than 5 % of their range.
    detections = run(with_offset(spiky_series(), PEAK_AT, 130.0))

    spike = detections[PEAK_AT]
    assert spike.is_alert is True
    assert spike.breakout is True
    assert spike.tail_probability == 1 / 2001
    assert spike.anomaly_score > 0.5


def test_a_spike_as_large_as_the_usual_ones_does_not_alert() -> None:
    detections = run(with_offset(spiky_series(), PEAK_AT, 100.0))

    assert detections[PEAK_AT].is_alert is False
    assert detections[PEAK_AT].breakout is False


def test_a_breakout_below_the_minimum_size_does_not_alert() -> None:
    series = with_offset(spiky_series(), PEAK_AT, 130.0)

    detections = run(series, DetectorConfig(min_z=100.0))

    assert detections[PEAK_AT].is_alert is False
    assert detections[PEAK_AT].breakout is False


def test_an_anomaly_that_starts_during_the_warm_up_is_not_reported_as_it_ends() -> None:
    # What would have alerted at point 140 is booked silently: the cooldown it starts covers
    # point 160, whose spike alerts when nothing happened at 140.
    quiet = with_offset(seasonal_series(3, seed=5), 160, 500.0)
    started = with_offset(quiet, 140, 500.0)

    assert alert_indexes(run(quiet)) == [160]
    assert alert_indexes(run(started)) == []


def test_a_version_1_state_resumes_with_empty_breakout_windows() -> None:
    series = seasonal_series(4, seed=6)
    detector = SpikeDetector()
    for ts, value in series[:500]:
        detector.update(ts, value)
    state = detector.to_dict()
    old = {k: v for k, v in state.items() if k not in ("range", "level_range", "window")}
    old["version"] = 1

    restored = SpikeDetector.from_dict(old)
    restored.update(*series[500])

    assert len(restored.range) == 1
    assert len(restored.level_range) == 0
    assert restored.window == [series[500][1]]
    assert restored.to_dict()["version"] == 2


def test_a_spike_at_the_same_time_every_day_alerts_only_the_first_day() -> None:
    series = seasonal_series(14, seed=1)
    days = range(8, 12)
    for day in days:
        series = with_offset(series, day * POINTS_PER_DAY + 120, 60.0)

    detections = run(series)

    # Repeats are learnt as normal: by the fourth day the spike no longer surprises at all.
    assert alert_indexes(detections) == [8 * POINTS_PER_DAY + 120]
    repeats = [i for i, detection in enumerate(detections) if detection.repeat]
    assert repeats == [9 * POINTS_PER_DAY + 120, 10 * POINTS_PER_DAY + 120]
    assert all(detections[i].tail_probability < 1e-3 for i in repeats)


def test_a_spike_half_an_hour_later_than_the_day_before_is_news() -> None:
    first = 8 * POINTS_PER_DAY + 120
    series = with_offset(seasonal_series(14, seed=1), first, 60.0)
    series = with_offset(series, first + POINTS_PER_DAY + 6, 60.0)

    assert alert_indexes(run(series)) == [first, first + POINTS_PER_DAY + 6]


def test_it_does_not_alert_while_learning() -> None:
    series = with_offset(seasonal_series(3, seed=5), 100, 500.0)

    detections = run(series)

    assert detections[100].learning is True
    assert detections[100].is_alert is False
    assert detections[150].learning is False


def test_an_upward_detector_is_not_fooled_by_a_spike_learnt_on_day_one() -> None:
    # The spike starts the 08:20 slot of the daily profile; that slot's next values then look
    # low, which only a detector watching for drops may report.
    series = with_offset(seasonal_series(3, seed=5), 100, 500.0)

    assert alert_indexes(run(series, DetectorConfig(direction="up"))) == []


def test_a_second_spike_within_the_cooldown_does_not_alert_again() -> None:
    series = with_offset(seasonal_series(21, seed=1), SPIKE_AT, 60.0)
    close = with_offset(series, SPIKE_AT + 10, 60.0)
    apart = with_offset(series, SPIKE_AT + 50, 60.0)

    assert alert_indexes(run(close)) == [SPIKE_AT]
    assert alert_indexes(run(apart)) == [SPIKE_AT, SPIKE_AT + 50]


def test_a_spike_below_the_minimum_size_does_not_alert() -> None:
    series = with_offset(seasonal_series(21, seed=1), SPIKE_AT, 60.0)

    detections = run(series, DetectorConfig(min_z=100.0))

    assert alert_indexes(detections) == []
    assert detections[SPIKE_AT].tail_probability < 1e-6


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_it_rejects_a_value_that_is_not_finite_and_learns_nothing(value: float) -> None:
    detector = SpikeDetector()
    ts, first = seasonal_series(1, seed=0)[0]
    detector.update(ts, first)
    before = detector.to_dict()

    with pytest.raises(ValueError, match="value must be a finite number"):
        detector.update(ts, value)

    assert detector.to_dict() == before


@pytest.mark.parametrize(
    ("probability", "score"),
    [(1.0, 0.0), (1e-3, 0.5), (1e-6, 1.0), (1e-9, 1.0), (0.0, 1.0), (10**-1.5, 0.25)],
)
def test_the_anomaly_score_is_half_at_the_alert_probability(
    probability: float, score: float
) -> None:
    assert anomaly_score(probability, 1e-3) == pytest.approx(score)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"direction": "sideways"}, "direction must be one of both, up, down"),
        ({"alert_probability": 0.0}, "alert_probability must be in"),
        ({"cooldown": 0}, "must be >= 1"),
        ({"breakout": -0.1}, "breakout and repeat_tolerance must be >= 0"),
    ],
)
def test_it_refuses_settings_out_of_range(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DetectorConfig(**settings)  # type: ignore[arg-type]


def test_it_refuses_unknown_saved_settings() -> None:
    with pytest.raises(ValueError, match="unknown detector settings: colour"):
        DetectorConfig.from_dict({"colour": "red"})
