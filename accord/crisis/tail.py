"""Calibrate a statistic against its own recent past: how rare is a value this large?

``TailHistory`` answers for a surprise statistic; ``SlidingRange`` keeps the range a value must
leave to be a breakout.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Sequence
from typing import Any


class TailHistory:
    """The last ``size`` values of a non-negative statistic, kept sorted, to estimate tail odds.

    ``tail_probability(v)`` estimates P(statistic >= v). In the bulk of the history it is the
    empirical frequency. Above the ``upper`` quantile it is an exponential tail drawn through the
    ``upper`` and ``extreme`` quantiles (peaks-over-threshold with a shape of 0), so a value beyond
    everything seen still gets a finite, comparable probability; it never claims less than the
    observed frequency of values at least as large, so a recurring "spike" stops looking rare.
    """

    __slots__ = ("_next", "_ring", "_sorted", "extreme", "min_count", "size", "upper")

    def __init__(
        self, size: int, upper: float = 0.10, extreme: float = 0.01, min_count: int = 50
    ) -> None:
        if not 0.0 < extreme < upper < 1.0:
            raise ValueError("need 0 < extreme < upper < 1")
        self.size = size
        self.upper = upper
        self.extreme = extreme
        self.min_count = min_count
        self._ring: list[float] = []
        self._next = 0
        self._sorted: list[float] = []

    def __len__(self) -> int:
        return len(self._sorted)

    def tail_probability(self, value: float) -> float:
        """Return P(statistic >= value); 1.0 while fewer than ``min_count`` values are known."""
        ordered = self._sorted
        n = len(ordered)
        if n < self.min_count:
            return 1.0
        upper_index = n - 1 - int(self.upper * n)
        threshold = ordered[upper_index]
        if value <= threshold:
            return (n - bisect_left(ordered, value) + 1) / (n + 1)
        extreme_index = n - 1 - int(self.extreme * n)
        upper_share = (n - upper_index) / (n + 1)
        extreme_share = (n - extreme_index) / (n + 1)
        decay = (ordered[extreme_index] - threshold) / math.log(upper_share / extreme_share)
        modelled = upper_share * math.exp(-(value - threshold) / decay) if decay > 0 else 0.0
        observed = (n - bisect_left(ordered, value)) / (n + 1)
        return modelled if modelled > observed else observed

    def add(self, value: float) -> None:
        """Remember ``value``, forgetting the oldest one once ``size`` values are kept."""
        ring = self._ring
        if len(ring) < self.size:
            ring.append(value)
        else:
            oldest = ring[self._next]
            del self._sorted[bisect_left(self._sorted, oldest)]
            ring[self._next] = value
            self._next = (self._next + 1) % self.size
        insort(self._sorted, value)

    def values(self) -> list[float]:
        """Return the remembered values, oldest first."""
        return self._ring[self._next :] + self._ring[: self._next]

    def restore(self, values: Sequence[float]) -> None:
        """Replace the history with ``values`` (oldest first), keeping only the last ``size``."""
        kept = list(values)[-self.size :] if self.size else []
        self._ring = kept
        self._next = 0
        self._sorted = sorted(kept)


class SlidingRange:
    """The lowest and highest of the last ``size`` values, in O(1) amortised per value.

    Monotonic queues of (arrival index, value): the front of ``_low`` is the minimum, the front of
    ``_high`` the maximum of the values still in the window.
    """

    __slots__ = ("_count", "_high", "_low", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self._count = 0
        self._low: deque[tuple[int, float]] = deque()
        self._high: deque[tuple[int, float]] = deque()

    def __len__(self) -> int:
        return min(self._count, self.size)

    @property
    def low(self) -> float:
        """Return the lowest value in the window (call only once a value was added)."""
        return self._low[0][1]

    @property
    def high(self) -> float:
        """Return the highest value in the window (call only once a value was added)."""
        return self._high[0][1]

    def add(self, value: float) -> None:
        """Add ``value``, forgetting the oldest one once ``size`` values are kept."""
        index = self._count
        self._count += 1
        low, high = self._low, self._high
        while low and low[-1][1] >= value:
            low.pop()
        low.append((index, value))
        while high and high[-1][1] <= value:
            high.pop()
        high.append((index, value))
        oldest = index - self.size
        if low[0][0] <= oldest:
            low.popleft()
        if high[0][0] <= oldest:
            high.popleft()

    def to_dict(self) -> dict[str, Any]:
        """Return the window as JSON-ready data (only the values that can still matter)."""
        low = [[i, v] for i, v in self._low]
        return {"count": self._count, "low": low, "high": [[i, v] for i, v in self._high]}

    def restore(self, data: dict[str, Any]) -> None:
        """Load a window saved by ``to_dict``."""
        self._count = int(data["count"])
        self._low = deque((int(i), float(v)) for i, v in data["low"])
        self._high = deque((int(i), float(v)) for i, v in data["high"])
