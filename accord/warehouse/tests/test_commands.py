"""``accord warehouse``: flush, stats --json (exact counts), compact, retention, demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.accounts.models import Workspace
from accord.cli import main
from accord.warehouse.actions import ingest_events
from accord.warehouse.models import InboxEvent
from accord.warehouse.tests.conftest import NOW, EventFactory


def _stats(capsys: pytest.CaptureFixture[str], slug: str) -> dict[str, object]:
    capsys.readouterr()
    assert main(["warehouse", "stats", "--workspace", slug, "--json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


@pytest.mark.django_db
def test_flush_then_stats_prints_exact_distinct_counts(
    workspace: Workspace, make_event: EventFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = [make_event() for _ in range(3)] + [make_event(kind="click", user_agent="curl/8.0")]
    ingest_events(workspace, batch, source="api", now=NOW)
    ingest_events(workspace, batch, source="api", now=NOW)
    assert _stats(capsys, "brand")["events"] == 0

    assert main(["warehouse", "flush", "--workspace", "brand"]) == 0
    assert "brand: 4 events written in 1 files, 0 already stored." in capsys.readouterr().out

    assert _stats(capsys, "brand") == {
        "workspace": "brand",
        "events": 4,
        "by_kind": {"click": 1, "page_view": 3},
        "bot_events": 1,
        "first_ts": "2025-03-14T11:00:00+00:00",
        "last_ts": "2025-03-14T11:00:00+00:00",
        "days": 1,
        "files": 1,
        "pending": 0,
    }


@pytest.mark.django_db
def test_flush_without_workspace_flushes_them_all(
    workspace: Workspace,
    other_workspace: Workspace,
    make_event: EventFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ingest_events(workspace, [make_event()], source="api", now=NOW)
    ingest_events(other_workspace, [make_event(), make_event()], source="api", now=NOW)

    assert main(["warehouse", "flush"]) == 0

    assert InboxEvent.objects.filter(flushed_at__isnull=True).count() == 0
    assert _stats(capsys, "other")["events"] == 2


@pytest.mark.django_db
def test_an_unknown_workspace_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["warehouse", "stats", "--workspace", "nope", "--json"]) == 2
    assert "no workspace 'nope'" in capsys.readouterr().err


@pytest.mark.django_db
def test_compact_and_retention_commands(
    workspace: Workspace, make_event: EventFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    for hour in (1, 2):
        ingest_events(
            workspace, [make_event(ts=f"2025-03-13T0{hour}:00:00Z")], source="api", now=NOW
        )
        main(["warehouse", "flush", "--workspace", "brand"])

    assert main(["warehouse", "compact", "--workspace", "brand"]) == 0
    assert "brand: 1 days compacted, 2 files → 1." in capsys.readouterr().out
    assert main(["warehouse", "retention", "--workspace", "brand", "--set-days", "3650"]) == 0
    assert "brand: keeping 3650 days, 0 days dropped." in capsys.readouterr().out
    assert _stats(capsys, "brand")["events"] == 2


@pytest.mark.django_db
def test_demo_command_fills_the_warehouse(
    workspace: Workspace, capsys: pytest.CaptureFixture[str], warehouse_dir: Path
) -> None:
    assert main(["warehouse", "demo", "--workspace", "brand", "--events", "800"]) == 0

    assert "brand: 800 demo events in the warehouse." in capsys.readouterr().out
    assert _stats(capsys, "brand")["events"] == 800
