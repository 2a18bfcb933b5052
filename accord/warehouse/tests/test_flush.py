"""flush_inbox: day partitions, atomic files, and no loss or duplicate when a flush crashes."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from accord.accounts.models import Workspace
from accord.warehouse import actions, store
from accord.warehouse.actions import flush_inbox, ingest_events, purge_inbox
from accord.warehouse.config import warehouse_config
from accord.warehouse.models import InboxEvent
from accord.warehouse.queries import warehouse_stats
from accord.warehouse.tests.conftest import NOW, EventFactory


def _layout(root: Path) -> list[str]:
    """Published files as ``workspace=…/day=…`` folders (file names are random)."""
    return sorted(str(p.parent.relative_to(root / "events")) for p in root.rglob("part-*.parquet"))


@pytest.mark.django_db
def test_flush_writes_one_file_per_workspace_and_day(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    batch = [
        make_event(ts="2025-03-12T23:59:59+00:00"),
        make_event(ts="2025-03-13T00:30:00+01:00"),  # 2025-03-12 23:30 UTC
        make_event(ts="2025-03-13T08:00:00Z"),
    ]
    ingest_events(workspace, batch, source="api", now=NOW)

    result = flush_inbox(workspace)

    ws = f"workspace={workspace.pk}"
    assert (result.written, result.skipped_duplicates, result.files) == (3, 0, 2)
    assert _layout(warehouse_dir) == [f"{ws}/day=2025-03-12", f"{ws}/day=2025-03-13"]
    assert not list(warehouse_dir.rglob("*.tmp"))
    assert InboxEvent.objects.filter(flushed_at__isnull=True).count() == 0
    table = pq.read_table(next(warehouse_dir.rglob("day=2025-03-13/part-*.parquet")))
    assert table.schema == store.EVENT_SCHEMA
    assert table.column("event_id").to_pylist() == [batch[2]["event_id"]]


@pytest.mark.django_db
def test_a_crash_before_the_rename_loses_nothing(
    workspace: Workspace,
    make_event: EventFactory,
    warehouse_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_events(workspace, [make_event() for _ in range(4)], source="api", now=NOW)

    def crash(temporary: Path, final: Path) -> None:
        raise OSError("disk went away")

    with monkeypatch.context() as patch:
        patch.setattr(store, "publish", crash)
        with pytest.raises(OSError, match="disk went away"):
            flush_inbox(workspace)

    assert _layout(warehouse_dir) == []
    assert InboxEvent.objects.filter(flushed_at__isnull=True).count() == 4
    assert flush_inbox(workspace).written == 4
    assert warehouse_stats(workspace).events == 4


@pytest.mark.django_db
def test_a_crash_after_the_rename_duplicates_nothing(
    workspace: Workspace,
    make_event: EventFactory,
    warehouse_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_events(workspace, [make_event() for _ in range(4)], source="api", now=NOW)

    def crash(ids: object, at: datetime) -> None:
        raise RuntimeError("killed before marking")

    with monkeypatch.context() as patch:
        patch.setattr(actions, "mark_flushed", crash)
        with pytest.raises(RuntimeError):
            flush_inbox(workspace)
    assert InboxEvent.objects.filter(flushed_at__isnull=True).count() == 4
    ingest_events(workspace, [make_event()], source="api", now=NOW)

    result = flush_inbox(workspace)

    assert (result.written, result.skipped_duplicates) == (1, 4)
    stats = warehouse_stats(workspace)
    assert (stats.events, stats.files, stats.pending) == (5, 2, 0)
    rows = sum(pq.read_metadata(p).num_rows for p in warehouse_dir.rglob("part-*.parquet"))
    assert rows == 5


@pytest.mark.django_db
def test_an_event_resent_after_the_dedup_window_is_not_stored_twice(
    workspace: Workspace, make_event: EventFactory
) -> None:
    event = make_event()
    ingest_events(workspace, [event], source="api", now=NOW)
    flush_inbox(workspace, now=NOW)
    assert purge_inbox(now=NOW + timedelta(days=8)) == 1

    again = ingest_events(workspace, [event], source="api", now=NOW + timedelta(days=8))
    result = flush_inbox(workspace)

    assert (again.accepted, result.written, result.skipped_duplicates) == (1, 0, 1)
    assert warehouse_stats(workspace).events == 1


@pytest.mark.django_db
def test_flush_works_through_batches(
    workspace: Workspace, make_event: EventFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_WAREHOUSE_FLUSH_BATCH", "3")
    ingest_events(workspace, [make_event() for _ in range(7)], source="api", now=NOW)

    result = flush_inbox(workspace)

    assert (result.written, result.files) == (7, 3)
    assert warehouse_stats(workspace).events == 7


@pytest.mark.django_db
def test_flush_keeps_every_field(workspace: Workspace, make_event: EventFactory) -> None:
    event = make_event(
        kind="purchase",
        contact_id=12,
        value=89.9,
        currency="EUR",
        utm_campaign="soldes-hiver",
        properties={"sku": "LAMP-ARC"},
    )
    ingest_events(workspace, [event], source="api", now=NOW)

    flush_inbox(workspace)

    root = store.workspace_dir(warehouse_config().events_root, workspace.pk)
    row = pq.read_table(next(root.rglob("part-*.parquet"))).to_pylist()[0]
    assert {k: row[k] for k in ("kind", "contact_id", "value", "currency", "properties")} == {
        "kind": "purchase",
        "contact_id": 12,
        "value": 89.9,
        "currency": "EUR",
        "properties": '{"sku":"LAMP-ARC"}',
    }
    assert row["ts"] == NOW - timedelta(hours=1)
    assert row["received_at"] == NOW
    assert (row["session_id"], row["bot"], row["source"]) == (None, False, "api")
