"""A flush killed hard mid-write loses nothing and doubles nothing once flushed again.

Each test runs Accord in subprocesses on its own file SQLite database and warehouse (a private
ACCORD_HOME), so the kill is a real one: ``os._exit(137)`` from the store's test-only fault hook
(``ACCORD_FAULT_AFTER_PARQUET_WRITE``), with no cleanup, no rollback and no ``finally``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from accord.warehouse.store import FAULT_ENV

EVENTS = 300
SLUG = "crash"

# Migrates, creates the workspace and accepts the events read from stdin (durably, in the inbox).
SETUP = """
import json, sys
import django
django.setup()
from accord.commands import migrate
migrate()
from accord.accounts.access import Actor
from accord.accounts.actions import create_workspace
from accord.warehouse.actions import ingest_events
workspace = create_workspace("crash", "Crash", Actor.system("test"))
result = ingest_events(workspace, json.load(sys.stdin), source="test")
print(result.accepted)
"""


def _env(home: Path, fault: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env.update(ACCORD_HOME=str(home), DJANGO_SETTINGS_MODULE="accord.settings")
    if fault:
        env[FAULT_ENV] = fault
    return env


def _accord(home: Path, *args: str, fault: str = "") -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "accord.cli", *args]
    return subprocess.run(  # noqa: S603
        command, env=_env(home, fault), capture_output=True, text=True, timeout=120, check=False
    )


def _events() -> list[dict[str, object]]:
    """Events over three UTC days, so one flush writes several files."""
    now = datetime.now(UTC)
    return [
        {
            "event_id": str(uuid.uuid4()),
            "ts": (now - timedelta(hours=1 + i % 3 * 24, seconds=i)).isoformat(),
            "kind": "page_view",
            "anonymous_id": f"v-{i % 40}",
            "url": "https://maison-lumiere.example/",
        }
        for i in range(EVENTS)
    ]


def _setup(home: Path) -> None:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SETUP],
        input=json.dumps(_events()),
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(EVENTS)


def _stats(home: Path) -> dict[str, int]:
    done = _accord(home, "warehouse", "stats", "--workspace", SLUG, "--json")
    assert done.returncode == 0, done.stderr
    stats: dict[str, int] = json.loads(done.stdout)
    return stats


@pytest.mark.parametrize("point", ["after-rename", "before-rename"])
def test_flush_killed_mid_write_then_flushed_again_keeps_each_event_once(
    tmp_path: Path, point: str
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    _setup(home)

    killed = _accord(home, "warehouse", "flush", "--workspace", SLUG, fault=point)
    assert killed.returncode == 137, killed.stderr
    published = list(home.glob("warehouse/events/workspace=*/day=*/part-*.parquet"))
    temporaries = list(home.glob("warehouse/events/workspace=*/day=*/.part-*.tmp"))
    if point == "after-rename":
        assert len(published) == 1
        assert not temporaries
    else:
        assert not published
        assert len(temporaries) == 1
    assert _stats(home)["pending"] == EVENTS

    flushed = _accord(home, "warehouse", "flush", "--workspace", SLUG)
    assert flushed.returncode == 0, flushed.stderr

    stats = _stats(home)
    assert stats["events"] == EVENTS
    assert stats["pending"] == 0
    assert stats["days"] == 3
