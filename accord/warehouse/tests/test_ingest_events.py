"""ingest_events: idempotent, durable before it returns, partial batches, bots, health counters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from accord.accounts.models import Workspace
from accord.warehouse.actions import BatchTooLarge, Rejection, flush_inbox, ingest_events
from accord.warehouse.models import InboxEvent
from accord.warehouse.queries import ingestion_health, warehouse_stats
from accord.warehouse.tests.conftest import NOW, EventFactory

BOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"


@pytest.mark.django_db
def test_the_same_batch_twice_is_accepted_then_counted_as_duplicates(
    workspace: Workspace, make_event: EventFactory
) -> None:
    batch = [make_event() for _ in range(3)]

    first = ingest_events(workspace, batch, source="api", now=NOW)
    second = ingest_events(workspace, batch, source="api", now=NOW)
    flush_inbox(workspace)
    third = ingest_events(workspace, batch, source="api", now=NOW)

    assert (first.accepted, first.duplicates) == (3, 0)
    assert (second.accepted, second.duplicates) == (0, 3)
    assert (third.accepted, third.duplicates) == (0, 3)
    assert warehouse_stats(workspace).events == 3
    assert InboxEvent.objects.filter(workspace=workspace).count() == 3


@pytest.mark.django_db
def test_a_repeated_event_id_inside_one_batch_is_stored_once(
    workspace: Workspace, make_event: EventFactory
) -> None:
    event = make_event()

    result = ingest_events(workspace, [event, dict(event, kind="click")], source="api", now=NOW)

    assert (result.accepted, result.duplicates) == (1, 1)
    assert list(InboxEvent.objects.values_list("kind", flat=True)) == ["page_view"]


@pytest.mark.django_db
def test_good_events_of_a_batch_with_bad_ones_are_accepted(
    workspace: Workspace, make_event: EventFactory
) -> None:
    batch = [
        make_event(),
        make_event(kind="teleport"),
        make_event(),
        make_event(ts=(NOW + timedelta(days=3)).isoformat()),
        "not an event",
    ]

    result = ingest_events(workspace, batch, source="api", now=NOW)

    assert (result.accepted, result.duplicates, result.bots) == (2, 0, 0)
    assert [(r.index, r.reason) for r in result.rejected] == [
        (1, "unknown_kind"),
        (3, "ts_in_future"),
        (4, "not_an_object"),
    ]
    assert isinstance(result.rejected[0], Rejection)
    assert InboxEvent.objects.filter(workspace=workspace).count() == 2


@pytest.mark.django_db
def test_events_are_kept_per_workspace(
    workspace: Workspace, other_workspace: Workspace, make_event: EventFactory
) -> None:
    event = make_event()

    mine = ingest_events(workspace, [event], source="api", now=NOW)
    theirs = ingest_events(other_workspace, [event], source="api", now=NOW)

    assert (mine.accepted, theirs.accepted) == (1, 1)


@pytest.mark.django_db
def test_more_than_a_thousand_events_are_refused_whole(
    workspace: Workspace, make_event: EventFactory
) -> None:
    with pytest.raises(BatchTooLarge):
        ingest_events(workspace, [make_event() for _ in range(1001)], source="api", now=NOW)

    assert InboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_bot_events_are_stored_flagged_and_counted(
    workspace: Workspace, make_event: EventFactory
) -> None:
    batch = [make_event(user_agent=BOT), make_event(), make_event()]

    result = ingest_events(workspace, batch, source="tracking", now=NOW)
    browser = ingest_events(workspace, [make_event()], source="tracking", user_agent=BOT, now=NOW)

    assert (result.accepted, result.bots, browser.bots) == (3, 1, 1)
    assert InboxEvent.objects.filter(bot=True).count() == 2


@pytest.mark.django_db
def test_health_counts_each_outcome_and_each_rejection_reason(
    workspace: Workspace, make_event: EventFactory
) -> None:
    good = [make_event(), make_event(user_agent=BOT)]
    ingest_events(workspace, good, source="api", now=NOW - timedelta(minutes=10))
    ingest_events(
        workspace,
        [*good, make_event(kind="x"), make_event(kind="y"), make_event(currency="€")],
        source="api",
        now=NOW,
    )

    health = ingestion_health(workspace, now=NOW)

    assert (health.accepted, health.duplicates, health.bot_filtered, health.rejected) == (
        2,
        2,
        1,
        3,
    )
    assert health.rejected_by_reason == {"bad_currency": 1, "unknown_kind": 2}
    assert (health.pending, health.lag_seconds) == (2, 600.0)


@pytest.mark.django_db
def test_health_shows_no_lag_once_flushed(workspace: Workspace, make_event: EventFactory) -> None:
    ingest_events(workspace, [make_event()], source="api", now=NOW)
    flush_inbox(workspace)

    health = ingestion_health(workspace, now=NOW)

    assert (health.accepted, health.pending, health.oldest_pending_at, health.lag_seconds) == (
        1,
        0,
        None,
        0.0,
    )


@pytest.mark.django_db(transaction=True)
def test_accepted_events_are_committed_before_ingest_returns(
    workspace: Workspace, make_event: EventFactory
) -> None:
    result = ingest_events(workspace, [make_event(), make_event()], source="api", now=NOW)
    connection.close()  # the process's connection dies with it; what survives is committed

    assert result.accepted == 2
    assert InboxEvent.objects.filter(workspace=workspace, flushed_at__isnull=True).count() == 2
