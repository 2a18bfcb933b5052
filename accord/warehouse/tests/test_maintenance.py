"""Compaction merges a day's files without changing counts; retention drops old days."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.warehouse.actions import (
    apply_retention,
    compact_workspace,
    flush_inbox,
    ingest_events,
    retention_days,
    set_retention,
)
from accord.warehouse.models import WarehouseSettings
from accord.warehouse.queries import warehouse_stats
from accord.warehouse.tests.conftest import NOW, EventFactory


def _files(root: Path) -> int:
    return len(list(root.rglob("part-*.parquet")))


def _days(root: Path, tree: str = "events") -> list[str]:
    return sorted(p.name for p in (root / tree).rglob("day=*"))


@pytest.mark.django_db
def test_compaction_merges_each_day_into_one_file_and_keeps_counts(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    for hour in (1, 2, 3):
        batch = [make_event(ts=f"2025-03-1{d}T0{hour}:00:00Z") for d in (2, 3)]
        ingest_events(workspace, batch, source="api", now=NOW)
        flush_inbox(workspace)
    before = warehouse_stats(workspace)

    result = compact_workspace(workspace)

    after = warehouse_stats(workspace)
    assert (result.days, result.files_before, result.files_after) == (2, 6, 2)
    assert (before.events, before.files, after.events, after.files) == (6, 6, 6, 2)
    assert after.by_kind == before.by_kind == {"page_view": 6}
    assert compact_workspace(workspace).days == 0


@pytest.mark.django_db
def test_compaction_removes_leftovers_of_a_crashed_writer(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    ingest_events(workspace, [make_event()], source="api", now=NOW)
    flush_inbox(workspace)
    folder = next((warehouse_dir / "events").rglob("day=*"))
    stale, fresh = folder / ".part-old.parquet.tmp", folder / ".part-new.parquet.tmp"
    stale.write_bytes(b"half a file")
    fresh.write_bytes(b"being written")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))

    compact_workspace(workspace)

    assert (stale.exists(), fresh.exists()) == (False, True)
    assert warehouse_stats(workspace).events == 1


@pytest.mark.django_db
def test_retention_drops_the_days_older_than_the_workspace_keeps(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    days = [date(2025, 3, 14) - timedelta(days=n) for n in (0, 30, 31, 200)]
    batch = [make_event(ts=f"{day.isoformat()}T09:00:00Z") for day in days]
    ingest_events(workspace, batch, source="api", now=NOW)
    flush_inbox(workspace)
    set_retention(WorkspaceAccess.system(workspace), 30)

    result = apply_retention(workspace, today=date(2025, 3, 14))

    assert result.retention_days == 30
    assert result.dropped_days == (date(2024, 8, 26), date(2025, 2, 11))
    assert _days(warehouse_dir) == ["day=2025-02-12", "day=2025-03-14"]
    assert _days(warehouse_dir, "rollups") == ["day=2025-02-12", "day=2025-03-14"]
    assert warehouse_stats(workspace).events == 2


@pytest.mark.django_db
def test_retention_defaults_to_the_environment_setting(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_WAREHOUSE_RETENTION_DAYS", "90")

    assert retention_days(workspace) == 90


@pytest.mark.django_db
def test_setting_retention_is_audited(owner_access: WorkspaceAccess) -> None:
    set_retention(owner_access, 365)
    set_retention(owner_access, 180)

    assert retention_days(owner_access.workspace) == 180
    entry = AuditEntry.objects.filter(action="warehouse.set_retention").first()
    assert entry is not None
    assert (entry.before, entry.after) == ({"retention_days": 365}, {"retention_days": 180})


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.MARKETING, Role.VIEWER])
def test_only_a_workspace_manager_may_change_retention(
    access_for: Callable[[Role], WorkspaceAccess], role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        set_retention(access_for(role), 1)

    assert WarehouseSettings.objects.count() == 0
    assert AuditEntry.objects.filter(action="warehouse.set_retention").count() == 0
