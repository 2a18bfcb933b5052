"""Fixed-window rate limits: exact counts across processes, windows, and cache resets."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

import pytest
from django.core.cache import cache

from accord.accounts.ratelimit import RateLimit, hit

# Counts 40 hits of one key (limit 100) in a separate process; prints how many were allowed.
HITS = """
import django
django.setup()
from accord.accounts.ratelimit import hit
print(sum(hit("shared", 100).allowed for _ in range(40)))
"""


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def test_the_limit_plus_one_th_hit_is_refused_with_the_time_to_reset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(time, "time", lambda: 999_999_975.0)

    results = [hit("login:1.2.3.4", 2) for _ in range(3)]

    assert results == [
        RateLimit(allowed=True, limit=2, remaining=1, reset_in=45),
        RateLimit(allowed=True, limit=2, remaining=0, reset_in=45),
        RateLimit(allowed=False, limit=2, remaining=0, reset_in=45),
    ]


def test_a_new_window_starts_counting_again(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [999_999_975.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    hit("k", 1)
    refused = hit("k", 1)
    clock[0] += 60

    assert refused.allowed is False
    assert hit("k", 1) == RateLimit(allowed=True, limit=1, remaining=0, reset_in=45)


def test_keys_and_window_lengths_count_apart() -> None:
    hit("a", 1)

    assert hit("b", 1).allowed
    assert hit("a", 1, window=600).allowed
    assert not hit("a", 1).allowed


def test_clearing_the_cache_resets_every_limit() -> None:
    hit("api:1", 1)

    cache.clear()

    assert hit("api:1", 1).allowed


def test_hits_from_several_processes_are_counted_exactly() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "accord.settings"}
    runs = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", HITS], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    allowed = [int(run.communicate(timeout=120)[0].strip()) for run in runs]

    assert sum(allowed) == 100  # 160 hits, limit 100: no count lost, none given twice
    assert hit("shared", 100) == RateLimit(
        allowed=False, limit=100, remaining=0, reset_in=hit("shared", 100).reset_in
    )


def test_another_cache_backend_counts_in_the_cache(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    results = [hit("api:7", 1).allowed for _ in range(2)]

    assert results == [True, False]
