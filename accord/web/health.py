"""Health of the database, the background worker and the data disk, for /healthz."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

HEARTBEAT_KEY = "accord:worker-heartbeat"
HEARTBEAT_STALE_AFTER = 90  # seconds; the worker beats every 15 s
MIN_FREE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: dict[str, Any]


def beat() -> None:
    """Record that a worker is alive (called by the worker every 15 s)."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=HEARTBEAT_STALE_AFTER * 4)


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the reason is reported
        return Check(False, {"vendor": connection.vendor, "error": str(exc)})
    return Check(True, {"vendor": connection.vendor})


def worker_check() -> Check:
    last = cache.get(HEARTBEAT_KEY)
    if last is None:
        return Check(False, {"error": "no worker heartbeat seen"})
    age = time.time() - float(last)
    return Check(age < HEARTBEAT_STALE_AFTER, {"last_beat_seconds_ago": round(age, 1)})


def disk_check() -> Check:
    usage = shutil.disk_usage(settings.ACCORD_HOME)
    detail = {
        "path": str(settings.ACCORD_HOME),
        "free_bytes": usage.free,
        "used_percent": round(100 * usage.used / usage.total, 1),
    }
    return Check(usage.free >= MIN_FREE_BYTES, detail)


def health() -> dict[str, Any]:
    """All checks with an overall status: 'ok' only when every check passes."""
    checks = {"database": database_check(), "worker": worker_check(), "disk": disk_check()}
    return {
        "status": "ok" if all(c.ok for c in checks.values()) else "degraded",
        **{name: {"ok": c.ok, **c.detail} for name, c in checks.items()},
    }
