"""Fixed-window rate limits kept in the Django cache (Redis when configured)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    """The outcome of one hit: whether it is allowed, what remains, when the window resets."""

    allowed: bool
    limit: int
    remaining: int
    reset_in: int


def hit(key: str, limit: int, window: int = 60) -> RateLimit:
    """Count one request against ``key``; the ``limit + 1``-th in a window is refused."""
    now = int(time.time())
    bucket = now // window
    cache_key = f"rl:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    reset_in = window - (now % window)
    return RateLimit(count <= limit, limit, max(0, limit - count), reset_in)
