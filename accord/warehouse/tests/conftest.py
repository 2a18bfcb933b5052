"""Warehouse test fixtures: a private warehouse folder per test and an event factory."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

# A fixed "now" for tests that pass ``now=``; events default to a few hours before it.
NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)

EventFactory = Callable[..., dict[str, Any]]


@pytest.fixture(autouse=True)
def warehouse_dir(settings: Settings, tmp_path: Path) -> Path:
    """Point the warehouse at a folder of this test only (workspace ids repeat across tests)."""
    path = tmp_path / "warehouse"
    settings.ACCORD_WAREHOUSE_DIR = str(path)
    return path


@pytest.fixture
def make_event() -> EventFactory:
    """Build a raw event dict: a page view one hour before NOW unless overridden."""

    def make(**fields: Any) -> dict[str, Any]:
        event: dict[str, Any] = {
            "event_id": str(uuid.uuid4()),
            "ts": (NOW - timedelta(hours=1)).isoformat(),
            "kind": "page_view",
            "anonymous_id": "anon-1",
            "url": "https://maison-lumiere.example/",
        }
        event.update(fields)
        return {key: value for key, value in event.items() if value is not None}

    return make
