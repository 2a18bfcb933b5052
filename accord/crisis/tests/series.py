"""Synthetic mention-like series for the detector tests (deterministic for a seed)."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

MONDAY = datetime(2025, 1, 6, tzinfo=UTC)
FIVE_MINUTES = timedelta(minutes=5)
POINTS_PER_DAY = 288

Series = list[tuple[datetime, float]]


def seasonal_series(
    days: int,
    seed: int,
    *,
    noise: float = 4.0,
    trend_per_day: float = 0.0,
    weekend_dip: float = 0.0,
) -> Series:
    """Return 5-minute points: a daily cycle of ±30 around 100, a trend, Gaussian noise.

    ``weekend_dip`` lowers Saturdays and Sundays by that much (a weekly pattern).
    """
    rng = random.Random(seed)
    points: Series = []
    for i in range(days * POINTS_PER_DAY):
        ts = MONDAY + i * FIVE_MINUTES
        hour = ts.hour + ts.minute / 60
        daily = 30.0 * math.sin(2 * math.pi * (hour - 9) / 24)
        weekly = -weekend_dip if ts.weekday() >= 5 else 0.0
        trend = trend_per_day * i / POINTS_PER_DAY
        points.append((ts, 100.0 + daily + weekly + trend + rng.gauss(0.0, noise)))
    return points
