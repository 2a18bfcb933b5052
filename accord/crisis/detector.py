"""Streaming spike detector for mention volume, negative-mention volume and net sentiment.

Method (docs/decisions/0002-spike-detector.md): three robust baselines forecast each point, the
recent level, the usual time of day and the usual weekday and time; the one with the smallest
recent error is trusted. The surprise of the point against it, as a single value and as a
sustained shift over the last points, is calibrated against that baseline's own past surprises
into a tail probability. An alert fires when that probability is below ``alert_probability``,
outside the learning period and the cooldown after the previous alert.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from accord.crisis.config import DetectorConfig
from accord.crisis.forecast import SLOTS_PER_DAY, SLOTS_PER_WEEK, Baseline, decay_rate

STATE_VERSION = 1
SLOT_SECONDS = 86400 // SLOTS_PER_DAY


@dataclass(frozen=True)
class Detection:
    """What the detector made of one point: the expectation, the surprise and the decision.

    ``z_score`` is the deviation in robust standard deviations of the chosen baseline;
    ``tail_probability`` how often a surprise this large happened in that baseline's history;
    ``anomaly_score`` maps it to [0, 1] (0.5 at the alert threshold, 1.0 at its square);
    ``baseline`` names what the point was compared with ("recent", "daily" or "weekly");
    ``sustained`` tells whether the shift over the last points, rather than the point alone,
    is what surprised; ``learning`` is true during the warm-up, when no alert can fire.
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
        is_alert = self._decide(chosen.probability if self._large_enough(chosen) else 1.0)
        exclude_below = self._exclusion_threshold()
        self.recent.learn(value, 0, exclude_below)
        self.daily.learn(value, day_slot, exclude_below)
        self.weekly.learn(value, week_slot, exclude_below)
        self.points += 1
        return self._detection(ts, value, chosen, is_alert)

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

    def _decide(self, probability: float) -> bool:
        """Return whether this point alerts, and book it; also decays the alert load."""
        cfg = self.config
        self.alert_load *= self._load_decay
        if self.points < cfg.warmup or probability >= cfg.alert_probability:
            return False
        if self.last_alert is not None and self.points - self.last_alert < cfg.cooldown:
            return False
        self.last_alert = self.points
        self.alert_load += 1.0
        return True

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

    def _detection(self, ts: datetime, value: float, chosen: Baseline, alert: bool) -> Detection:
        """Assemble the detection of one point from the chosen baseline's assessment."""
        probability = chosen.probability
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
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the whole learnt state (settings included) as JSON-ready data."""
        return {
            "version": STATE_VERSION,
            "config": self.config.to_dict(),
            "points": self.points,
            "last_alert": self.last_alert,
            "alert_load": self.alert_load,
            "baselines": {b.name: b.to_dict() for b in (self.recent, self.daily, self.weekly)},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpikeDetector:
        """Rebuild a detector from ``to_dict`` output; it continues exactly where it stopped."""
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported detector state version {data.get('version')!r}")
        detector = cls(DetectorConfig.from_dict(data["config"]))
        detector.points = int(data["points"])
        last = data["last_alert"]
        detector.last_alert = None if last is None else int(last)
        detector.alert_load = float(data["alert_load"])
        for baseline in (detector.recent, detector.daily, detector.weekly):
            baseline.restore(data["baselines"][baseline.name])
        return detector
