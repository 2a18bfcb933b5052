"""Baselines a spike is measured against: the recent level, the usual day, the usual week.

Each ``Baseline`` forecasts the next value, measures the surprise of the observed one in robust
standard deviations, turns that surprise into a tail probability against its own past surprises
(``TailHistory``), then learns from the value. It learns robustly: a residual beyond ``clip``
robust standard deviations moves the level and the profile as if it were ``clip`` of them, so a
spike barely bends the baseline, while a lasting shift is absorbed gradually. The robust standard
deviation is the smoothed mean absolute residual times sqrt(pi / 2).
"""

from __future__ import annotations

import math
from typing import Any

from accord.crisis.config import DetectorConfig
from accord.crisis.tail import TailHistory

SLOTS_PER_DAY = 288  # five-minute slots of the clock
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY
STARTUP_POINTS = 30  # residuals averaged plainly into the first scale, before clipping starts
TINY = 1e-12
SD_PER_MEAN_ABS = math.sqrt(math.pi / 2)  # standard deviation / mean absolute deviation, Gaussian


def decay_rate(half_life: float) -> float:
    """Return the exponential-smoothing weight whose memory halves every ``half_life`` points."""
    return 1.0 - math.pow(0.5, 1.0 / half_life)


def facing(probability: float, statistic: float, direction: str) -> float:
    """Return ``probability``, or 1.0 when ``statistic`` points against ``direction``."""
    if direction == "up" and statistic <= 0.0:
        return 1.0
    if direction == "down" and statistic >= 0.0:
        return 1.0
    return probability


class Baseline:
    """One robust forecaster with its residual scale and its calibrated surprise statistics.

    ``slots`` is 1 for a plain level, ``SLOTS_PER_DAY`` for a time-of-day profile and
    ``SLOTS_PER_WEEK`` for a weekday-and-time profile; a slot seen for the first time only
    initialises its profile entry. After ``assess`` the attributes ``expected``, ``z`` (the
    surprise in robust standard deviations), ``shift`` (the mean surprise of the last
    ``sustained_points`` points, scaled to unit variance) and ``probability`` describe the value.
    """

    __slots__ = (
        "clip",
        "error",
        "error_rate",
        "expected",
        "level",
        "level_rate",
        "name",
        "probability",
        "profile",
        "profile_rate",
        "recent",
        "scale",
        "scale_floor",
        "scale_rate",
        "shift",
        "shift_probability",
        "shifts",
        "spike_probability",
        "spikes",
        "sustained_points",
        "updates",
        "z",
    )

    def __init__(self, name: str, slots: int, half_life: float, config: DetectorConfig) -> None:
        self.name = name
        self.level: float | None = None
        self.profile: list[float | None] = [None] * slots if slots > 1 else []
        self.level_rate = decay_rate(half_life)
        self.scale_rate = decay_rate(config.scale_half_life)
        self.error_rate = decay_rate(config.error_half_life)
        self.profile_rate = config.profile_rate
        self.clip = config.clip
        self.scale_floor = max(config.min_scale, TINY)
        self.sustained_points = config.sustained_points
        quantiles = (config.upper_quantile, config.extreme_quantile)
        self.spikes = TailHistory(config.history, *quantiles)
        self.shifts = TailHistory(config.history, *quantiles)
        self.scale = 0.0
        self.error = 0.0
        self.updates = 0
        self.recent: list[float] = []
        self._no_opinion(0.0)

    def _no_opinion(self, expected: float) -> None:
        """Report a value expected at ``expected`` with no surprise at all."""
        self.expected = expected
        self.z = 0.0
        self.shift = 0.0
        self.spike_probability = 1.0
        self.shift_probability = 1.0
        self.probability = 1.0

    def _seasonal(self, slot: int) -> float | None:
        """Return the profile entry of ``slot`` (0.0 without a profile, None if never seen)."""
        return self.profile[slot % len(self.profile)] if self.profile else 0.0

    def assess(self, value: float, slot: int, direction: str) -> None:
        """Forecast ``value`` and compute its surprise; nothing is learnt until ``learn``."""
        seasonal = self.profile[slot % len(self.profile)] if self.profile else 0.0
        if self.level is None or seasonal is None:
            self._no_opinion(value)
            return
        expected = self.expected = self.level + seasonal
        if self.updates < STARTUP_POINTS:
            self._no_opinion(expected)
            return
        z = self.z = (value - expected) / max(SD_PER_MEAN_ABS * self.scale, self.scale_floor)
        window = self.recent[len(self.recent) + 1 - self.sustained_points :]
        shift = self.shift = (sum(window) + z) / math.sqrt(len(window) + 1)
        spike_p = self.spike_probability = self.spikes.tail_probability(abs(z))
        shift_p = self.shift_probability = self.shifts.tail_probability(abs(shift))
        if direction != "both":
            spike_p = facing(spike_p, z, direction)
            shift_p = facing(shift_p, shift, direction)
        self.probability = min(1.0, 2.0 * min(spike_p, shift_p))

    def learn(self, value: float, slot: int, exclude_below: float | None) -> None:
        """Update level, profile, scale and histories with ``value`` (assessed just before).

        Surprises with a tail probability under ``exclude_below`` are kept out of the histories,
        so an ongoing anomaly does not teach the baseline that such anomalies are usual. A
        profile slot starts from the first value seen in it.
        """
        if self.level is None:
            self.level = value
            if self.profile:
                self.profile[slot % len(self.profile)] = 0.0
            return
        seasonal = self._seasonal(slot)
        if seasonal is None:
            self.profile[slot % len(self.profile)] = value - self.level
            return
        cleaned = self.expected + self._cleaned_residual(value - self.expected, exclude_below)
        self._learn_level(cleaned, self.level, seasonal, slot)

    def _cleaned_residual(self, residual: float, exclude_below: float | None) -> float:
        """Update scale, error and histories; return the residual clipped to ``clip`` sds."""
        self.updates += 1
        if self.updates <= STARTUP_POINTS:
            self.scale += (abs(residual) - self.scale) / self.updates
            self.error = self.scale  # errors start where the scale does, unbiased
            return residual
        self._remember_surprise(exclude_below)
        limit = self.clip * max(SD_PER_MEAN_ABS * self.scale, self.scale_floor)
        clipped = max(-limit, min(limit, residual))
        self.scale += self.scale_rate * (min(abs(residual), 2.0 * limit) - self.scale)
        self.error += self.error_rate * (abs(clipped) - self.error)
        return clipped

    def _remember_surprise(self, exclude_below: float | None) -> None:
        """Add this point's surprises to the recent window and, unless excluded, the histories."""
        self.recent.append(self.z)
        if len(self.recent) > self.sustained_points:
            del self.recent[0]
        if exclude_below is None or self.spike_probability >= exclude_below:
            self.spikes.add(abs(self.z))
        if exclude_below is None or self.shift_probability >= exclude_below:
            self.shifts.add(abs(self.shift))

    def _learn_level(self, cleaned: float, level: float, seasonal: float, slot: int) -> None:
        """Move the level (and the slot's profile entry) towards the cleaned value."""
        level += self.level_rate * (cleaned - seasonal - level)
        self.level = level
        if self.profile:
            new = seasonal + self.profile_rate * (cleaned - level - seasonal)
            self.profile[slot % len(self.profile)] = new

    def to_dict(self) -> dict[str, Any]:
        """Return this baseline's learnt state as JSON-ready data."""
        return {
            "level": self.level,
            "profile": list(self.profile),
            "scale": self.scale,
            "error": self.error,
            "updates": self.updates,
            "recent": list(self.recent),
            "spikes": self.spikes.values(),
            "shifts": self.shifts.values(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Load learnt state saved by ``to_dict`` into this (identically configured) baseline."""
        if len(data["profile"]) != len(self.profile):
            raise ValueError(f"baseline {self.name}: profile has the wrong number of slots")
        self.level = None if data["level"] is None else float(data["level"])
        self.profile = [None if v is None else float(v) for v in data["profile"]]
        self.scale = float(data["scale"])
        self.error = float(data["error"])
        self.updates = int(data["updates"])
        self.recent = [float(v) for v in data["recent"]]
        self.spikes.restore([float(v) for v in data["spikes"]])
        self.shifts.restore([float(v) for v in data["shifts"]])
