"""Settings of the spike detector, with the defaults measured in docs/decisions/0002."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

Direction = Literal["both", "up", "down"]
DIRECTIONS: tuple[Direction, ...] = ("both", "up", "down")


@dataclass(frozen=True)
class DetectorConfig:
    """How sensitive a ``SpikeDetector`` is and how fast it learns; counts are in points.

    The defaults were chosen once on the NAB corpus and are meant for every series: 5-minute,
    hourly or daily buckets of mention volume, negative-mention volume or net sentiment. An app
    may change ``direction`` (volumes: "up"; net sentiment: "down"), ``cooldown`` and ``warmup``
    for coarse buckets, and ``min_scale`` (for counts, 1.0: a change of one mention in a quiet
    series is noise, not news).
    """

    alert_probability: float = 1e-3  # alert when the surprise is rarer than this per point
    direction: Direction = "both"
    cooldown: int = 36  # at most one alert per this many points
    warmup: int = 150  # points learnt before the first alert may fire
    history: int = 2000  # past surprises each statistic is calibrated against
    fast_half_life: float = 6.0  # the "recent level" baseline
    slow_half_life: float = 288.0  # the level under the daily and weekly profiles
    profile_rate: float = 0.05  # weight of a new observation in its clock slot's profile
    scale_half_life: float = 1000.0
    error_half_life: float = 288.0  # memory of the errors that choose the baseline
    seasonal_after: int = 300  # updates before a daily or weekly baseline may be chosen
    weekly_advantage: float = 0.8  # the weekly baseline must beat the best other by this factor
    clip: float = 3.2  # residuals beyond this many robust sds are learnt as this many
    sustained_points: int = 12  # window of the sustained-shift statistic
    upper_quantile: float = 0.10  # where the exponential tail starts
    extreme_quantile: float = 0.01  # second quantile the tail goes through
    exclusion_budget: float = 5.0  # recent alerts beyond which anomalies are learnt again
    exclusion_half_life: float = 2000.0
    min_scale: float = 0.0  # floor of the robust sd, in the series' own unit
    min_z: float = 5.0  # an alert also needs a surprise of at least this many robust sds
    repeat_tolerance: float = 600.0  # seconds; a surprise a day after another, this close, repeats
    breakout: float = 0.05  # share of the last ``history`` values' range a breakout exceeds it by

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}")
        if not 0.0 < self.alert_probability < 1.0:
            raise ValueError("alert_probability must be in (0, 1)")
        if min(self.cooldown, self.warmup, self.history, self.sustained_points) < 1:
            raise ValueError("cooldown, warmup, history and sustained_points must be >= 1")
        if self.breakout < 0.0 or self.repeat_tolerance < 0.0:
            raise ValueError("breakout and repeat_tolerance must be >= 0")

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready data."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorConfig:
        """Rebuild settings saved by ``to_dict``; unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown detector settings: {', '.join(unknown)}")
        return cls(**data)
