"""Reads from the warehouse: stored-event statistics, ingestion health, a contact's journey.

Warehouse reads go through Ibis (``backend.py``), so they run on the embedded DuckDB over Parquet
and on a remote backend alike; inbox reads are ORM queries on the operational database.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

import pyarrow as pa
from django.db import connections
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from ibis.backends import BaseBackend
from ibis.expr.types import Table

from accord.accounts.models import Workspace
from accord.warehouse import backend, expressions, rollups, store
from accord.warehouse.config import warehouse_config
from accord.warehouse.models import (
    IdentityLink,
    InboxEvent,
    IngestionCounter,
    LinkStamp,
    Outcome,
)

SUMMARY_LENGTH = 120
JOURNEY_COLUMNS = (
    "event_id",
    "ts",
    "kind",
    "contact_id",
    "anonymous_id",
    "channel",
    "url",
    "utm_campaign",
    "value",
    "currency",
    "properties",
)


@dataclass(frozen=True)
class WarehouseStats:
    """Distinct events stored in the warehouse (flushed ones only), bots included and counted."""

    events: int
    by_kind: Mapping[str, int]
    bot_events: int
    first_ts: datetime | None
    last_ts: datetime | None
    days: int
    files: int
    pending: int

    def as_json(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "by_kind": dict(self.by_kind),
            "bot_events": self.bot_events,
            "first_ts": self.first_ts.isoformat() if self.first_ts else None,
            "last_ts": self.last_ts.isoformat() if self.last_ts else None,
            "days": self.days,
            "files": self.files,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class IngestionHealth:
    """Ingestion over the last ``window_days`` UTC days, and the inbox backlog now.

    ``accepted`` includes the ``bot_filtered`` events (stored, flagged, left out of analytics).
    ``lag_seconds`` is the age of the oldest event not yet in the warehouse (0 when none waits).
    """

    window_days: int
    accepted: int
    duplicates: int
    bot_filtered: int
    rejected: int
    rejected_by_reason: Mapping[str, int] = field(default_factory=dict)
    pending: int = 0
    oldest_pending_at: datetime | None = None
    lag_seconds: float = 0.0


@dataclass(frozen=True)
class JourneyStep:
    """One thing a contact did, in time order; ``stitched`` when it happened while anonymous."""

    event_id: str
    ts: datetime
    kind: str
    channel: str
    url: str
    utm_campaign: str
    summary: str
    value: float | None
    currency: str
    stitched: bool


@dataclass(frozen=True)
class AnalyticsTables:
    """An open warehouse connection, the workspace's raw events, its human ``visits``, and the
    daily ``rollups`` visitor counts and campaign conversion read (listed on first use)."""

    connection: BaseBackend
    events: Table
    visits: Table
    links: Table
    workspace_id: int

    @cached_property
    def rollups(self) -> expressions.Rollups:
        """The embedded store's rollup files (``rollups.py``), else computed from the events."""
        config = warehouse_config()
        stored = (
            rollups.read(
                self.connection, config.root, config.events_root, self.workspace_id, self.links
            )
            if config.embedded
            else None
        )
        return stored or expressions.rollups(self.events, self.links)


# Each column of the links as ONE JSON text, decoded in C: far cheaper than a tuple per link.
LINK_ARRAYS = {
    "sqlite": "SELECT json_group_array(anonymous_id), json_group_array(contact_id) FROM (",
    "postgresql": "SELECT json_agg(anonymous_id)::text, json_agg(contact_id)::text FROM (",
}


# The links each process loaded last, by database and workspace: (stamp, links).
_LOADED_LINKS: dict[tuple[str, int], tuple[str, pa.Table]] = {}
MAX_LOADED_LINKS = 8
_LOADED_LINKS_LOCK = threading.Lock()


def identity_links(workspace: Workspace) -> pa.Table:
    """Every anonymous id → contact id link of the workspace as an Arrow table.

    Reuses the links this process loaded last for the workspace while their ``LinkStamp`` is
    unchanged (one small query); otherwise loads them (one query). The stamp is read first:
    links a writer commits meanwhile come with a new stamp, so the next call loads again.
    """
    database = IdentityLink.objects.db
    stamp = (
        LinkStamp.objects.using(database)
        .filter(workspace=workspace)
        .values_list("stamp", flat=True)
        .first()
    )
    key = (database, workspace.pk)
    loaded = _LOADED_LINKS.get(key)
    if stamp is not None and loaded is not None and loaded[0] == stamp:
        return loaded[1]
    links = _load_links(workspace)
    if stamp is not None:
        with _LOADED_LINKS_LOCK:  # request threads share the cache
            _LOADED_LINKS.pop(key, None)
            while len(_LOADED_LINKS) >= MAX_LOADED_LINKS:
                _LOADED_LINKS.pop(next(iter(_LOADED_LINKS)))
            _LOADED_LINKS[key] = (stamp, links)
    return links


def _load_links(workspace: Workspace) -> pa.Table:
    query = IdentityLink.objects.filter(workspace=workspace).values_list(
        "anonymous_id", "contact_id"
    )
    connection = connections[query.db]
    prefix = LINK_ARRAYS.get(connection.vendor)
    if prefix is None:
        rows = list(query)
        anonymous: list[Any] = [anonymous for anonymous, _ in rows]
        contacts: list[Any] = [contact for _, contact in rows]
    else:
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            # Both aggregates read the same rows in the same order: the lists line up.
            cursor.execute(f"{prefix}{sql}) AS links", params)
            anonymous_text, contact_text = cursor.fetchone()
        anonymous = json.loads(anonymous_text or "[]")
        contacts = json.loads(contact_text or "[]")
    return pa.table(
        {
            "anonymous_id": pa.array(anonymous, pa.string()),
            "contact_id": pa.array(contacts, pa.int64()),
        }
    )


@contextmanager
def analytics_tables(workspace: Workspace) -> Iterator[AnalyticsTables]:
    """Open the warehouse for Ibis expressions (see ``expressions.py``); close it afterwards.

    ``visits`` is ``expressions.visitor_events`` over the events and the identity links.
    """
    config = warehouse_config()
    links = backend.links_expr(identity_links(workspace))
    with backend.analytics(config, workspace.pk) as (connection, events):
        visits = expressions.visitor_events(events, links)
        yield AnalyticsTables(connection, events, visits, links, workspace.pk)


def warehouse_stats(workspace: Workspace) -> WarehouseStats:
    """Count the distinct events the warehouse holds for the workspace, by kind.

    Events still in the inbox are not counted (see ``pending``); run a flush first.
    """
    config = warehouse_config()
    with backend.analytics(config, workspace.pk) as (_, events):
        totals = backend.to_rows(
            events.aggregate(
                events=events.event_id.nunique(),
                bot_events=events.event_id.nunique(where=events.bot),
                first_ts=events.ts.min(),
                last_ts=events.ts.max(),
                days=events.day.nunique(),
            )
        )[0]
        kinds = backend.to_rows(expressions.kind_counts(events))
    files = store.part_files(config.events_root, workspace.pk) if config.embedded else []
    return WarehouseStats(
        events=totals["events"] or 0,
        by_kind={row["kind"]: row["events"] for row in kinds},
        bot_events=totals["bot_events"] or 0,
        first_ts=totals["first_ts"],
        last_ts=totals["last_ts"],
        days=totals["days"] or 0,
        files=len(files),
        pending=InboxEvent.objects.filter(workspace=workspace, flushed_at__isnull=True).count(),
    )


def ingestion_health(
    workspace: Workspace, *, days: int = 7, now: datetime | None = None
) -> IngestionHealth:
    """Summarise ingestion outcomes over the last ``days`` UTC days and the backlog (2 queries)."""
    now = now or timezone.now()
    since = now.astimezone(UTC).date() - timedelta(days=days - 1)
    totals: dict[str, int] = {}
    reasons: dict[str, int] = {}
    grouped = (
        IngestionCounter.objects.filter(workspace=workspace, day__gte=since)
        .values_list("outcome", "reason")
        .annotate(total=Sum("count"))
    )
    for outcome, reason, total in grouped:
        totals[outcome] = totals.get(outcome, 0) + total
        if outcome == Outcome.REJECTED:
            reasons[reason] = reasons.get(reason, 0) + total
    backlog = InboxEvent.objects.filter(workspace=workspace, flushed_at__isnull=True).aggregate(
        pending=Count("id"), oldest=Min("received_at")
    )
    oldest: datetime | None = backlog["oldest"]
    return IngestionHealth(
        window_days=days,
        accepted=totals.get(Outcome.ACCEPTED, 0),
        duplicates=totals.get(Outcome.DUPLICATE, 0),
        bot_filtered=totals.get(Outcome.BOT, 0),
        rejected=totals.get(Outcome.REJECTED, 0),
        rejected_by_reason=dict(sorted(reasons.items())),
        pending=backlog["pending"],
        oldest_pending_at=oldest,
        lag_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
    )


def contact_journey(workspace: Workspace, contact_id: int, limit: int = 200) -> list[JourneyStep]:
    """The contact's latest ``limit`` events, oldest first, stored or still in the inbox.

    Includes the events of every anonymous id stitched to the contact (those without a contact
    id of their own), and leaves out bot traffic. The caller checks the contact is the
    workspace's. Reads the workspace's Parquet files (a scan) plus two indexed queries.
    """
    if limit < 1:
        return []
    anonymous = list(
        IdentityLink.objects.filter(workspace=workspace, contact_id=contact_id).values_list(
            "anonymous_id", flat=True
        )
    )
    rows = {
        row["event_id"]: row for row in _stored_journey(workspace, contact_id, anonymous, limit)
    }
    for row in _pending_journey(workspace, contact_id, anonymous, limit):
        rows.setdefault(row["event_id"], row)
    latest = sorted(rows.values(), key=lambda row: (row["ts"], row["event_id"]))[-limit:]
    return [_step(row, contact_id) for row in latest]


def _stored_journey(
    workspace: Workspace, contact_id: int, anonymous: list[str], limit: int
) -> list[dict[str, Any]]:
    with backend.analytics(warehouse_config(), workspace.pk) as (_, events):
        own = events.contact_id == contact_id
        if anonymous:
            own = own | (events.contact_id.isnull() & events.anonymous_id.isin(anonymous))
        mine = events.filter(own & ~events.bot.fill_null(False))
        latest = mine.order_by([mine.ts.desc(), mine.event_id]).limit(limit)
        return backend.to_rows(latest.select(*JOURNEY_COLUMNS))


def _pending_journey(
    workspace: Workspace, contact_id: int, anonymous: list[str], limit: int
) -> list[dict[str, Any]]:
    rows = (
        InboxEvent.objects.filter(workspace=workspace, flushed_at__isnull=True, bot=False)
        .filter(Q(contact_id=contact_id) | Q(contact_id__isnull=True, anonymous_id__in=anonymous))
        .order_by("-ts")
        .values(*JOURNEY_COLUMNS)[:limit]
    )
    return [{**row, "event_id": str(row["event_id"])} for row in rows]


def _step(row: Mapping[str, Any], contact_id: int) -> JourneyStep:
    return JourneyStep(
        event_id=row["event_id"],
        ts=row["ts"],
        kind=row["kind"],
        channel=row["channel"] or "",
        url=row["url"] or "",
        utm_campaign=row["utm_campaign"] or "",
        summary=properties_summary(row["properties"]),
        value=row["value"],
        currency=row["currency"] or "",
        stitched=row["contact_id"] != contact_id,
    )


def properties_summary(properties: Mapping[str, Any] | str | None) -> str:
    """Render properties as ``key: value · key: value``, cut to 120 characters."""
    values: Mapping[str, Any] = (
        json.loads(properties or "{}") if isinstance(properties, str) else properties or {}
    )
    if not values:
        return ""
    text = " · ".join(f"{key}: {value}" for key, value in values.items())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"
