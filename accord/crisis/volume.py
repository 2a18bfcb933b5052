"""The Anscombe transform: mention counts on a scale where Poisson noise has a constant spread."""

from __future__ import annotations

import math


def anscombe(count: float) -> float:
    """Return 2·sqrt(count + 3/8): Poisson counts of any mean then have a noise sd near 1."""
    return 2.0 * math.sqrt(max(0.0, count) + 0.375)


def from_anscombe(value: float) -> float:
    """Return the count whose ``anscombe`` is ``value`` (0 at the bottom of the scale)."""
    return max(0.0, (value / 2.0) ** 2 - 0.375)
