"""Streaming spike detector for mention volume, negative-mention volume and net sentiment.

Method (docs/decisions/0002-spike-detector.md): three robust baselines forecast each point, the
recent level, the usual time of day and the usual weekday and time; the one with the smallest
recent error is trusted. The surprise of the point against it, as a single value and as a
sustained shift over the last points, is calibrated against that baseline's own past surprises
into a tail probability; a value that leaves the range of the last ``history`` values by a
margin (a breakout) is rare by counting alone, at most one in as many values. An alert fires when
the smaller probability is below ``alert_probability``, outside the learning period and the
cooldown after the previous alert, unless it repeats a surprise of the day before at the same
time of day (a daily event, not news).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from accord.crisis.config import DetectorConfig
from accord.crisis.forecast import SLOTS_PER_DAY, SLOTS_PER_WEEK, TINY, Baseline, decay_rate
from accord.crisis.tail import SlidingRange

STATE_VERSION = 2
READABLE_VERSIONS = (1, 2)
DAY_SECONDS = 86400
SLOT_SECONDS = DAY_SECONDS // SLOTS_PER_DAY


def wall_seconds(ts: datetime) -> int:
    """Return seconds since 0001-01-01 on ``ts``'s own wall clock (its tzinfo's local time)."""
    return ts.toordinal() * DAY_SECONDS + ts.hour * 3600 + ts.minute * 60 + ts.second


@dataclass(frozen=True)
class Detection:
    """What the detector made of one point: the expectation, the surprise and the decision.

    ``z_score`` is the deviation in robust standard deviations of the chosen baseline;
    ``tail_probability`` how often a surprise this large happened in that baseline's history;
    ``anomaly_score`` maps it to [0, 1] (0.5 at the alert threshold, 1.0 at its square);
    ``baseline`` names what the point was compared with ("recent", "daily" or "weekly");
    ``sustained`` tells whether the shift over the last points, rather than the point alone,
    is what surprised; ``learning`` is true during the warm-up, when no alert can fire;
    ``breakout`` tells whether the value left the range of the last ``history`` values by the
    ``breakout`` margin (then ``tail_probability`` is at most 1 / (values in that range + 1));
    ``repeat`` tells that the point would have alerted but repeats, at the same time of day, a
    surprise of the day before (a daily event, not news), so it did not.
    """

    timestamp: datetime
    observed: float
    expected: float
    deviation: float
    z_score: float
    tail_probability: float
    anomaly_score: float
    is_alert: bool
    baseline: str
    sustained: bool
    learning: bool
    breakout: bool = False
    repeat: bool = False


def anomaly_score(tail_probability: float, alert_probability: float) -> float:
    """Map a tail probability to [0, 1] on a log scale: 0.5 at ``alert_probability``."""
    if tail_probability >= 1.0:
        return 0.0
    if tail_probability <= 0.0:
        return 1.0
    return min(1.0, math.log(tail_probability) / (2.0 * math.log(alert_probability)))


class SpikeDetector:
    """Detect spikes in one series, one point at a time, with no look-ahead.

    Feed points in time order through ``update``; save the learnt state between worker runs
    with ``to_dict`` (JSON-ready) and resume with ``from_dict``. Timestamps are read on their own
    wall clock (the time of day and weekday of their tzinfo), so pass bucket starts in the
    workspace's time zone for daily and weekly patterns to line up with its audience.
    """

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        cfg = self.config
        self.recent = Baseline("recent", 1, cfg.fast_half_life, cfg)
        self.daily = Baseline("daily", SLOTS_PER_DAY, cfg.slow_half_life, cfg)
        self.weekly = Baseline("weekly", SLOTS_PER_WEEK, cfg.slow_half_life, cfg)
        self.range = SlidingRange(cfg.history)  # of the values
        self.level_range = SlidingRange(cfg.history)  # of the means of sustained_points values
        self.window: list[float] = []  # the last sustained_points values
        self.surprises: list[tuple[int, int]] = []  # (wall-clock second, point) of the last day
        self.points = 0
        self.last_alert: int | None = None
        self.alert_load = 0.0  # alerts, decayed with exclusion_half_life
        self._load_decay = 1.0 - decay_rate(cfg.exclusion_half_life)

    def update(self, ts: datetime, value: float) -> Detection:
        """Assess ``value`` observed at ``ts``, learn from it and return the detection.

        Raises ``ValueError`` for a value that is not a finite number; the detector is unchanged.
        """
        if not math.isfinite(value):
            raise ValueError(f"value must be a finite number, got {value!r}")
        day_slot = (ts.hour * 3600 + ts.minute * 60 + ts.second) // SLOT_SECONDS
        week_slot = ts.weekday() * SLOTS_PER_DAY + day_slot
        direction = self.config.direction
        self.recent.assess(value, 0, direction)
        self.daily.assess(value, day_slot, direction)
        self.weekly.assess(value, week_slot, direction)
        chosen = self._trusted_baseline()
        level = self._level(value)
        breakout = self._breakout_probability(value, level, chosen)
        large = self._large_enough(chosen)
        probability = min(chosen.probability if large else 1.0, breakout)
        repeat = self._repeats_yesterday(ts, probability)
        is_alert = self._decide(1.0 if repeat else probability)
        if is_alert or repeat:
            self.surprises.append((wall_seconds(ts), self.points))
        self.range.add(value)
        if level is not None:
            self.level_range.add(level)
        exclude_below = self._exclusion_threshold()
        self.recent.learn(value, 0, exclude_below)
        self.daily.learn(value, day_slot, exclude_below)
        self.weekly.learn(value, week_slot, exclude_below)
        self.points += 1
        detection = self._detection(ts, value, chosen, is_alert, breakout)
        return replace(detection, repeat=True) if repeat else detection

    def _trusted_baseline(self) -> Baseline:
        """Return the baseline trusted for this point: the smallest recent error wins.

        The weekly baseline, with seven times more slots each learnt seven times less often,
        must beat the others by ``weekly_advantage``.
        """
        cfg = self.config
        best = self.recent
        if self.daily.updates > cfg.seasonal_after and self.daily.error < best.error:
            best = self.daily
        weekly = self.weekly
        if weekly.updates > cfg.seasonal_after and weekly.error < best.error * cfg.weekly_advantage:
            best = weekly
        return best

    def _large_enough(self, chosen: Baseline) -> bool:
        """Tell whether the surprise that made the probability small is at least ``min_z``."""
        sustained = chosen.shift_probability < chosen.spike_probability
        return abs(chosen.shift if sustained else chosen.z) >= self.config.min_z

    def _level(self, value: float) -> float | None:
        """Add ``value`` to the last ``sustained_points`` values; return their mean once full."""
        window = self.window
        window.append(value)
        if len(window) > self.config.sustained_points:
            del window[0]
        return sum(window) / len(window) if len(window) == self.config.sustained_points else None

    def _breakout_probability(self, value: float, level: float | None, chosen: Baseline) -> float:
        """Return how rare a breakout of this point is (1.0 when it is none).

        A point breaks out when it leaves the range of the last ``history`` values, or the mean
        of the last ``sustained_points`` values leaves the range of the last ``history`` such
        means, by more than ``breakout`` times that range, in the watched direction, and the
        chosen baseline's matching surprise (``z`` or ``shift``) is at least ``min_z``. Among
        n + 1 values of a series that is not changing, at most one is beyond all n others, so a
        breakout has a probability of at most 1 / (n + 1).
        """
        cfg = self.config
        probability = 1.0
        if abs(chosen.z) >= cfg.min_z:
            probability = self._beyond(self.range, value)
        if level is not None and abs(chosen.shift) >= cfg.min_z:
            probability = min(probability, self._beyond(self.level_range, level))
        return probability

    def _beyond(self, window: SlidingRange, value: float) -> float:
        """Return 1 / (n + 1) when ``value`` is beyond the n values of ``window``, else 1.0."""
        cfg = self.config
        if not window:
            return 1.0
        low, high = window.low, window.high
        margin = cfg.breakout * max(high - low, cfg.min_scale, TINY)
        above = value > high + margin and cfg.direction != "down"
        if above or (value < low - margin and cfg.direction != "up"):
            return 1.0 / (len(window) + 1)
        return 1.0

    def _repeats_yesterday(self, ts: datetime, probability: float) -> bool:
        """Tell whether a point that would alert repeats a surprise of one day before.

        A surprise at the same wall-clock time of day (within ``repeat_tolerance`` seconds) as
        an alert, or an earlier repeat, one day before, and at least ``cooldown`` points after
        it (so coarse buckets, a point or a few a day, never count), is a daily event: it is
        not reported, and it is learnt as normal. Also forgets surprises over a day old (at
        each point that would alert, so the list stays short).
        """
        cfg = self.config
        if probability >= cfg.alert_probability:
            return False
        now = wall_seconds(ts)
        horizon = now - DAY_SECONDS - cfg.repeat_tolerance
        self.surprises = [(at, point) for at, point in self.surprises if at >= horizon]
        return any(
            abs(now - at - DAY_SECONDS) <= cfg.repeat_tolerance
            and self.points - point >= cfg.cooldown
            for at, point in self.surprises
        )

    def _decide(self, probability: float) -> bool:
        """Return whether this point alerts, and book it; also decays the alert load.

        During the warm-up every point that would alert is booked silently and restarts the
        cooldown: the anomalous points stay out of the histories, as after an alert, so an
        anomaly in the first points is not learnt as normal, nor reported as the warm-up ends.
        """
        cfg = self.config
        self.alert_load *= self._load_decay
        if probability >= cfg.alert_probability:
            return False
        learning = self.points < cfg.warmup
        if not learning and self.last_alert is not None:
            if self.points - self.last_alert < cfg.cooldown:
                return False
        self.last_alert = self.points
        self.alert_load += 1.0
        return not learning

    def _exclusion_threshold(self) -> float | None:
        """Return below which tail probability surprises stay out of the histories, if any.

        Within the cooldown after an alert, the anomaly's own points are not learnt as normal,
        unless alerts have been frequent lately (then the series is simply bursty).
        """
        cfg = self.config
        if self.last_alert is None or self.points - self.last_alert >= cfg.cooldown:
            return None
        if self.alert_load > cfg.exclusion_budget:
            return None
        return cfg.alert_probability

    def _detection(
        self, ts: datetime, value: float, chosen: Baseline, alert: bool, breakout: float
    ) -> Detection:
        """Assemble the detection of one point from the chosen baseline's assessment."""
        probability = min(chosen.probability, breakout)
        return Detection(
            timestamp=ts,
            observed=value,
            expected=chosen.expected,
            deviation=value - chosen.expected,
            z_score=chosen.z,
            tail_probability=probability,
            anomaly_score=anomaly_score(probability, self.config.alert_probability),
            is_alert=alert,
            baseline=chosen.name,
            sustained=chosen.shift_probability < chosen.spike_probability,
            learning=self.points <= self.config.warmup,
            breakout=breakout < 1.0,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the whole learnt state (settings included) as JSON-ready data."""
        return {
            "version": STATE_VERSION,
            "config": self.config.to_dict(),
            "points": self.points,
            "last_alert": self.last_alert,
            "alert_load": self.alert_load,
            "range": self.range.to_dict(),
            "level_range": self.level_range.to_dict(),
            "window": list(self.window),
            "surprises": [list(item) for item in self.surprises],
            "baselines": {b.name: b.to_dict() for b in (self.recent, self.daily, self.weekly)},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpikeDetector:
        """Rebuild a detector from ``to_dict`` output; it continues exactly where it stopped."""
        if data.get("version") not in READABLE_VERSIONS:
            raise ValueError(f"unsupported detector state version {data.get('version')!r}")
        detector = cls(DetectorConfig.from_dict(data["config"]))
        detector.points = int(data["points"])
        last = data["last_alert"]
        detector.last_alert = None if last is None else int(last)
        detector.alert_load = float(data["alert_load"])
        for baseline in (detector.recent, detector.daily, detector.weekly):
            baseline.restore(data["baselines"][baseline.name])
        if data["version"] >= 2:  # version 1 had no breakout windows: they start empty
            detector.range.restore(data["range"])
            detector.level_range.restore(data["level_range"])
            detector.window = [float(v) for v in data["window"]]
            detector.surprises = [(int(at), int(point)) for at, point in data["surprises"]]
        return detector
