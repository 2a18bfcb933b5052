"""The worker's periodic jobs: the minute flush of every workspace and the nightly upkeep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.accounts.models import Workspace
from accord.warehouse import actions, tasks
from accord.warehouse.actions import ingest_events
from accord.warehouse.models import InboxEvent
from accord.warehouse.queries import warehouse_stats
from accord.warehouse.tests.conftest import EventFactory


@pytest.fixture
def recent(make_event: EventFactory) -> EventFactory:
    def make(**fields: object) -> dict[str, object]:
        return make_event(ts=(timezone.now() - timedelta(hours=1)).isoformat(), **fields)

    return make


@pytest.mark.django_db
def test_the_minute_job_flushes_every_workspace_with_pending_events(
    workspace: Workspace, other_workspace: Workspace, recent: EventFactory
) -> None:
    ingest_events(workspace, [recent(), recent()], source="api")
    ingest_events(other_workspace, [recent()], source="api")

    tasks.flush_warehouse.call_local()

    assert (warehouse_stats(workspace).events, warehouse_stats(other_workspace).events) == (2, 1)
    assert InboxEvent.objects.filter(flushed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_one_failing_workspace_does_not_hold_the_others_back(
    workspace: Workspace,
    other_workspace: Workspace,
    recent: EventFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_events(workspace, [recent()], source="api")
    ingest_events(other_workspace, [recent()], source="api")
    real_flush = actions.flush_inbox

    def flaky(target: Workspace) -> actions.FlushResult:
        if target == workspace:
            raise OSError("disk full")
        return real_flush(target)

    monkeypatch.setattr(actions, "flush_inbox", flaky)

    tasks.flush_warehouse.call_local()

    assert list(
        InboxEvent.objects.filter(flushed_at__isnull=True).values_list("workspace_id", flat=True)
    ) == [workspace.pk]
    assert warehouse_stats(other_workspace).events == 1


@pytest.mark.django_db
def test_the_nightly_job_compacts_and_purges(
    workspace: Workspace, make_event: EventFactory
) -> None:
    nine_days_ago = timezone.now() - timedelta(days=9)
    for _ in range(2):
        event = make_event(ts=(nine_days_ago - timedelta(hours=1)).isoformat())
        ingest_events(workspace, [event], source="api", now=nine_days_ago)
        actions.flush_inbox(workspace, now=nine_days_ago)

    tasks.maintain_warehouse.call_local()

    stats = warehouse_stats(workspace)
    assert (stats.events, stats.files) == (2, 1)
    assert InboxEvent.objects.count() == 0
