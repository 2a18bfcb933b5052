"""How ingestion writes inbox rows: what the ORM reads back, SQLite's inlined encodings, chunks."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection

from accord.accounts.access import Actor
from accord.accounts.actions import create_workspace
from accord.accounts.models import Workspace
from accord.warehouse.actions import INBOX_COLUMNS, _encoders, ingest_events
from accord.warehouse.events import Event
from accord.warehouse.models import InboxEvent
from accord.warehouse.tests.conftest import NOW, EventFactory


def _sqlite() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own encodings and limits")


@pytest.mark.django_db
def test_a_batch_of_777_events_is_stored_field_for_field(
    workspace: Workspace, make_event: EventFactory
) -> None:
    paris = timezone(timedelta(hours=1))
    batch = [make_event(ts=(NOW - timedelta(seconds=i)).isoformat()) for i in range(776)]
    batch.append(
        make_event(
            event_id="0B6F3C1E-6A55-4A3E-9A57-1F0E0C6F4A10",
            ts=datetime(2025, 3, 14, 10, 30, 15, 250, tzinfo=paris).isoformat(),
            kind="purchase",
            contact_id=42,
            value=89,
            currency="eur",
            utm_medium="cpc",
            referrer="https://search.example/",
            properties={"sku": "LAMP-7", "é": [1, 2.5, None]},
            user_agent="Googlebot/2.1",
        )
    )

    result = ingest_events(workspace, batch, source="api", now=NOW)

    assert (result.accepted, result.duplicates, result.bots) == (777, 0, 1)
    assert InboxEvent.objects.filter(workspace=workspace).count() == 777
    row = InboxEvent.objects.get(event_id=uuid.UUID("0b6f3c1e-6a55-4a3e-9a57-1f0e0c6f4a10"))
    assert (row.ts, row.kind, row.contact_id, row.value, row.currency, row.channel) == (
        datetime(2025, 3, 14, 9, 30, 15, 250, tzinfo=UTC),
        "purchase",
        42,
        89.0,
        "EUR",
        "paid",
    )
    assert (row.properties, row.bot, row.source, row.received_at) == (
        {"sku": "LAMP-7", "é": [1, 2.5, None]},
        True,
        "api",
        NOW,
    )
    first = InboxEvent.objects.get(event_id=uuid.UUID(batch[0]["event_id"]))
    assert (first.ts, first.properties, first.referrer, first.value) == (NOW, {}, "", None)


def test_the_event_fields_are_the_inbox_columns_in_order() -> None:
    assert INBOX_COLUMNS == (
        "workspace_id",
        *Event._fields[:-2],
        "properties",
        "bot",
        "source",
        "received_at",
    )
    assert set(INBOX_COLUMNS) == {field.column for field in InboxEvent._meta.concrete_fields} - {
        "id",
        "flushed_at",
    }


@pytest.mark.django_db
def test_sqlite_encodings_are_djangos() -> None:
    _sqlite()
    to_id, to_time = _encoders(connection)
    event_id = InboxEvent._meta.get_field("event_id")
    ids = [uuid.UUID(int=0), uuid.uuid4(), uuid.UUID("0b6f3c1e-6a55-4a3e-9a57-1f0e0c6f4a10")]
    times = [
        NOW,
        datetime(2025, 3, 14, 10, 30, 15, 250, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))),
    ]

    assert [to_id(value) for value in ids] == [
        event_id.get_db_prep_value(value, connection) for value in ids
    ]
    assert [to_time(value) for value in times] == [
        connection.ops.adapt_datetimefield_value(value) for value in times
    ]


@pytest.fixture
def few_variables() -> Iterator[None]:
    """Lower SQLite's bound-parameter limit to the 999 of builds older than 3.32."""
    _sqlite()
    connection.ensure_connection()
    raw = connection.connection
    before = raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    yield
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)


@pytest.mark.django_db
@pytest.mark.usefixtures("few_variables")
def test_an_older_sqlite_limit_still_stores_every_event(
    workspace: Workspace, make_event: EventFactory
) -> None:
    batch = [make_event() for _ in range(100)]

    result = ingest_events(workspace, batch, source="api", now=NOW)

    assert result.accepted == 100
    assert InboxEvent.objects.filter(workspace=workspace).count() == 100


@pytest.mark.django_db(transaction=True)
def test_every_new_connection_commits_with_a_full_fsync(make_event: EventFactory) -> None:
    _sqlite()
    workspace = create_workspace("shop", "Shop", Actor.system("test"))

    def synchronous() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            level: int = cursor.fetchone()[0]
        return level

    ingest_events(workspace, [make_event()], source="api", now=NOW)
    first = synchronous()
    connection.close()
    fresh = synchronous()
    ingest_events(workspace, [make_event()], source="api", now=NOW)

    assert (first, fresh, synchronous()) == (2, 1, 2)  # FULL, the settings' NORMAL, FULL again
