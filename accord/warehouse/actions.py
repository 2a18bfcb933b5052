"""Every write to the warehouse: ingestion into the inbox, flushing, compaction, retention, links.

Ingestion is durable when ``ingest_events`` returns: the batch is committed to the inbox table in
one transaction (on SQLite with ``synchronous=FULL``, so even a power cut keeps it). The flush
moves inbox rows to the store and marks them only after the store has them, so a crash at any
point leaves each event either still pending or already stored, and the next flush, which skips
event ids the store already holds, neither loses nor duplicates it.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial
from itertools import chain
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Q
from django.utils import timezone

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.models import Workspace
from accord.accounts.roles import Perm
from accord.warehouse import rollups, store
from accord.warehouse.backend import Sink, sink_for
from accord.warehouse.config import warehouse_config
from accord.warehouse.events import MAX_BATCH, Event, Invalid, parse_event
from accord.warehouse.models import (
    IdentityLink,
    InboxEvent,
    IngestionCounter,
    LinkStamp,
    Outcome,
    WarehouseSettings,
)

logger = logging.getLogger(__name__)

MARK_CHUNK = 500
MAX_ID_LENGTH = 200


class BatchTooLarge(ValueError):
    """More events in one call than MAX_BATCH."""


@dataclass(frozen=True)
class Rejection:
    """Why the event at ``index`` of a batch was refused (``reason`` is a stable code)."""

    index: int
    reason: str
    detail: str


@dataclass(frozen=True)
class IngestResult:
    """What became of a batch: stored (``bots`` of them flagged), already known, refused."""

    accepted: int
    duplicates: int
    bots: int
    rejected: tuple[Rejection, ...]


@dataclass(frozen=True)
class FlushResult:
    """Events moved to the warehouse, those it already held, and how many files were written."""

    written: int
    skipped_duplicates: int
    files: int


@dataclass(frozen=True)
class CompactionResult:
    days: int
    files_before: int
    files_after: int


@dataclass(frozen=True)
class RetentionResult:
    retention_days: int
    dropped_days: tuple[date, ...]


def ingest_events(
    workspace: Workspace,
    events: Sequence[Any],
    *,
    source: str,
    user_agent: str = "",
    now: datetime | None = None,
) -> IngestResult:
    """Validate a batch and store its good events durably before returning; bad ones are listed.

    The same ``event_id`` twice (in the batch, or already received) is a duplicate, stored once.
    An event whose user agent (its own ``user_agent`` field, else ``user_agent``) is a bot's is
    stored with ``bot=True``: kept for the health panel, left out of analytics. Called inside an
    outer transaction, durability waits for that transaction's commit.
    Raises BatchTooLarge for more than MAX_BATCH events.
    """
    batch = parse_batch(workspace.pk, events, source=source, user_agent=user_agent, now=now)
    return store_batches([batch])[0]


@dataclass(frozen=True)
class ParsedBatch:
    """A validated batch waiting to be stored: its good events and why the others were refused."""

    workspace_id: int
    events: list[Event]
    rejected: list[Rejection]
    source: str
    now: datetime


def parse_batch(
    workspace_id: int,
    events: Sequence[Any],
    *,
    source: str,
    user_agent: str = "",
    now: datetime | None = None,
) -> ParsedBatch:
    """Validate a batch (no database access); raise BatchTooLarge over MAX_BATCH events."""
    if len(events) > MAX_BATCH:
        raise BatchTooLarge(f"At most {MAX_BATCH} events per batch, got {len(events)}.")
    now = now or timezone.now()
    parsed, rejected = _parse_all(events, now.astimezone(UTC), user_agent)
    return ParsedBatch(workspace_id, parsed, rejected, source, now)


def store_batches(
    batches: Sequence[ParsedBatch], writer_turn: AbstractContextManager[object] | None = None
) -> list[IngestResult]:
    """Store validated batches in ONE transaction (one commit, one fsync); durable on return.

    The group committer (``accord.warehouse.committer``) passes every request that waited while
    the previous commit was being synced, so concurrent requests share one fsync. Batches are
    stored in order: an event id sent by two of them is stored by the first, a duplicate for
    the second. ``writer_turn`` (the committer's lock between server processes) is held around
    the transaction only: the rows are encoded before it is entered.
    """
    db = connections[DEFAULT_DB_ALIAS]
    _sync_fully(db)
    pending = [(batch, _rows_of(batch, db)) for batch in batches]
    counts: Counter[tuple[int, date, str, str]] = Counter()
    results = []
    with writer_turn or nullcontext(), transaction.atomic(), db.cursor() as cursor:
        for batch, rows in pending:
            known = _known_ids(cursor, batch.workspace_id, list(rows))
            fresh = [row for key, row in rows.items() if key not in known]
            _insert_inbox_rows(cursor, fresh)
            bots = sum(1 for row in fresh if row[BOT_COLUMN])
            duplicates = len(batch.events) - len(fresh)
            day = batch.now.astimezone(UTC).date()
            counts[(batch.workspace_id, day, Outcome.ACCEPTED, "")] += len(fresh)
            counts[(batch.workspace_id, day, Outcome.BOT, "")] += bots
            counts[(batch.workspace_id, day, Outcome.DUPLICATE, "")] += duplicates
            for rejection in batch.rejected:
                counts[(batch.workspace_id, day, Outcome.REJECTED, rejection.reason)] += 1
            results.append(IngestResult(len(fresh), duplicates, bots, tuple(batch.rejected)))
        _add_counts(cursor, counts)
    return results


def _parse_all(
    events: Sequence[Any], now: datetime, user_agent: str
) -> tuple[list[Event], list[Rejection]]:
    parsed: list[Event] = []
    rejected: list[Rejection] = []
    for index, raw in enumerate(events):
        try:
            parsed.append(parse_event(raw, now, user_agent))
        except Invalid as exc:
            rejected.append(Rejection(index, exc.reason, exc.detail))
    return parsed, rejected


def _sync_fully(db: BaseDatabaseWrapper) -> None:
    """Make SQLite fsync its WAL at every commit of this connection (power-cut durability).

    Once per connection: the wrapper keeps the connection it was set on (Django opens a new one
    with ``synchronous=NORMAL`` after a close), so a commit does not pay the PRAGMA again.
    """
    if db.vendor != "sqlite" or db.in_atomic_block:
        return
    db.ensure_connection()
    if getattr(db, "_accord_full_sync", None) is not db.connection:
        with db.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=FULL")
        setattr(db, "_accord_full_sync", db.connection)  # noqa: B010  # not a declared field


INBOX_COLUMNS = (
    "workspace_id",
    *Event._fields[:-2],  # event_id ... currency: an event's fields are in the columns' order
    "properties",
    "bot",
    "source",
    "received_at",
)
BOT_COLUMN = INBOX_COLUMNS.index("bot")
Row = tuple[Any, ...]


def _rows_of(batch: ParsedBatch, db: BaseDatabaseWrapper) -> dict[Any, Row]:
    """The batch's inbox rows by event id as the database holds it, the first of each id only.

    Built outside the transaction, so the writer lock is held for SQL only.
    """
    meta = InboxEvent._meta
    json_field = meta.get_field("properties")
    received, origin = db.ops.adapt_datetimefield_value(batch.now), batch.source[:32]
    no_properties = json_field.get_db_prep_value({}, db)  # most events: encode "{}" once
    to_id, to_time = _encoders(db)
    rows: dict[Any, Row] = {}
    for e in batch.events:
        key = to_id(e[0])
        if key not in rows:
            rows[key] = (
                batch.workspace_id,
                key,
                to_time(e[1]),
                *e[2:16],  # kind ... currency, stored as they are
                json_field.get_db_prep_value(dict(e[16]), db) if e[16] else no_properties,
                e[17],
                origin,
                received,
            )
    return rows


def _encoders(
    db: BaseDatabaseWrapper,
) -> tuple[Callable[[uuid.UUID], Any], Callable[[datetime], Any]]:
    """How an event id and a time are sent to the database.

    SQLite's are inlined (Django's adapters cost 3 µs per event): Django's SQLite backend stores
    a UUIDField as 32 hex digits and an aware datetime as its naive UTC text; test_ingest_events
    checks both against Django's own adapters. Other databases go through Django.
    """
    if db.vendor == "sqlite":
        return _uuid_hex, _sqlite_time
    prep = InboxEvent._meta.get_field("event_id").get_db_prep_value
    return partial(prep, connection=db), db.ops.adapt_datetimefield_value


def _uuid_hex(value: uuid.UUID) -> str:
    return value.hex


def _sqlite_time(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))


KNOWN_CHUNK = 900  # under SQLite's oldest bound-parameter limit (999), with the workspace id


def _known_ids(cursor: CursorWrapper, workspace_id: int, ids: list[Any]) -> set[Any]:
    """The ids among ``ids`` (database values) that the workspace's inbox already holds.

    Raw SQL: compiling the ORM's ``IN`` list took a third of a 1,000-event batch's time.
    """
    table = cursor.db.ops.quote_name(InboxEvent._meta.db_table)
    known: set[Any] = set()
    for start in range(0, len(ids), KNOWN_CHUNK):
        chunk = ids[start : start + KNOWN_CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(
            f"SELECT event_id FROM {table} WHERE workspace_id = %s "  # noqa: S608
            f"AND event_id IN ({marks})",
            [workspace_id, *chunk],
        )
        known.update(value for (value,) in cursor.fetchall())
    return known


def _insert_inbox_rows(cursor: CursorWrapper, rows: list[Row]) -> None:
    """Insert the inbox rows; a row whose id a concurrent request stored first is skipped.

    On SQLite, as multi-row INSERTs of 512, 256... rows on the raw connection: one statement
    step per chunk rather than per row (each step lets go of the GIL and waits to take it back
    while the event loop validates the next request), each chunk size's SQL prepared once, with
    "?" marks (Django's %s-to-? conversion of a 10,000-mark statement costs 1.5 ms). Elsewhere,
    one ``executemany`` (ORM ``bulk_create`` spent 2/3 of the time compiling SQL).
    """
    db = cursor.db
    if db.vendor != "sqlite":
        if rows:
            cursor.executemany(_insert_sql(db), rows)
        return
    raw = db.connection
    size = 1 << min(
        9,
        (raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(INBOX_COLUMNS)).bit_length() - 1,
    )
    start = 0
    while start < len(rows):
        while size > len(rows) - start:
            size //= 2
        chunk = rows[start : start + size]
        raw.execute(_sqlite_insert_sql(size), list(chain.from_iterable(chunk)))
        start += size


_INSERT_SQL: dict[str, str] = {}  # by database vendor: quoting 21 names cost 30 µs a commit


def _insert_sql(db: BaseDatabaseWrapper) -> str:
    sql = _INSERT_SQL.get(db.vendor)
    if sql is None:
        quote = db.ops.quote_name
        names = ", ".join(quote(name) for name in INBOX_COLUMNS)
        marks = ", ".join(["%s"] * len(INBOX_COLUMNS))
        table = quote(InboxEvent._meta.db_table)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
        _INSERT_SQL[db.vendor] = sql
    return sql


@lru_cache(maxsize=16)
def _sqlite_insert_sql(rows: int) -> str:
    """SQLite's INSERT of ``rows`` inbox rows, with "?" marks."""
    names = ", ".join(f'"{name}"' for name in INBOX_COLUMNS)
    values = ", ".join(["(" + ", ".join(["?"] * len(INBOX_COLUMNS)) + ")"] * rows)
    table = InboxEvent._meta.db_table
    return f'INSERT INTO "{table}" ({names}) VALUES {values} ON CONFLICT DO NOTHING'  # noqa: S608


def _add_counts(cursor: CursorWrapper, counts: Counter[tuple[int, date, str, str]]) -> None:
    """Add to the day's ingestion counters with one UPSERT per (workspace, day, outcome, reason)."""
    db = cursor.db
    table = db.ops.quote_name(IngestionCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} (workspace_id, day, outcome, reason, count) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (workspace_id, day, outcome, reason) "
        f"DO UPDATE SET count = {table}.count + excluded.count"
    )
    rows = [
        (workspace_id, db.ops.adapt_datefield_value(day), str(outcome), reason, count)
        for (workspace_id, day, outcome, reason), count in sorted(counts.items())
        if count
    ]
    if rows:
        cursor.executemany(sql, rows)


def stitch_identity(
    workspace: Workspace,
    anonymous_id: str,
    contact_id: int,
    *,
    source: str = "tracking",
    now: datetime | None = None,
) -> IdentityLink:
    """Record that ``anonymous_id`` is ``contact_id``; reads then give the contact its past events.

    Linking an anonymous id again to another contact moves it (the latest identification wins).
    Raises ValueError for an empty or over-long anonymous id or a non-positive contact id.
    """
    if not anonymous_id or len(anonymous_id) > MAX_ID_LENGTH:
        raise ValueError("anonymous_id must hold 1 to 200 characters.")
    if isinstance(contact_id, bool) or contact_id < 1:
        raise ValueError("contact_id must be a positive integer.")
    with transaction.atomic():
        link, _ = IdentityLink.objects.update_or_create(
            workspace=workspace,
            anonymous_id=anonymous_id,
            defaults={
                "contact_id": contact_id,
                "linked_at": now or timezone.now(),
                "source": source[:32],
            },
        )
        _links_changed(workspace)
    return link


def _links_changed(workspace: Workspace) -> None:
    """Give the workspace's links a new stamp (inside the transaction that changed them)."""
    LinkStamp.objects.update_or_create(workspace=workspace, defaults={"stamp": uuid.uuid4().hex})


def stitch_identities(
    workspace: Workspace, links: Mapping[str, int], *, source: str, now: datetime | None = None
) -> int:
    """Record many anonymous id → contact links at once (the demo); return how many are new."""
    at = now or timezone.now()
    with transaction.atomic():
        known = set(
            IdentityLink.objects.filter(workspace=workspace).values_list("anonymous_id", flat=True)
        )
        rows = [
            IdentityLink(
                workspace=workspace, anonymous_id=a, contact_id=c, linked_at=at, source=source
            )
            for a, c in links.items()
            if a not in known
        ]
        IdentityLink.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if rows:
            _links_changed(workspace)
    return len(rows)


FLUSH_FIELDS = ("id", *store.EVENT_COLUMNS)


def flush_inbox(workspace: Workspace, *, now: datetime | None = None) -> FlushResult:
    """Move every pending inbox event of the workspace to the warehouse; return what moved.

    Holds the workspace's writer lock. Each batch is written (one file per day) before its
    rows are marked flushed; events whose id a day already holds are skipped, not rewritten.
    """
    config = warehouse_config()
    sink = sink_for(config)
    written = skipped = files = 0
    with sink.lock(workspace.pk):
        while True:
            rows = list(
                InboxEvent.objects.filter(workspace=workspace, flushed_at__isnull=True)
                .order_by("id")
                .values(*FLUSH_FIELDS)[: config.flush_batch]
            )
            if not rows:
                break
            batch = _write_batch(sink, workspace.pk, rows)
            mark_flushed([row["id"] for row in rows], now or timezone.now())
            written, skipped, files = (
                written + batch.written,
                skipped + batch.skipped_duplicates,
                files + batch.files,
            )
        if files and config.embedded:
            rollups.refresh(config.root, config.events_root, workspace.pk)
    return FlushResult(written, skipped, files)


def _write_batch(sink: Sink, workspace_id: int, rows: list[dict[str, Any]]) -> FlushResult:
    by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_day[row["ts"].astimezone(UTC).date()].append(row)
    written = skipped = files = 0
    for day, day_rows in sorted(by_day.items()):
        known = sink.known_ids(workspace_id, day)
        fresh = [_flat(row) for row in day_rows if str(row["event_id"]) not in known]
        skipped += len(day_rows) - len(fresh)
        if fresh:
            sink.write(workspace_id, day, store.events_table(fresh))
            written, files = written + len(fresh), files + 1
    return FlushResult(written, skipped, files)


def _flat(row: Mapping[str, Any]) -> dict[str, Any]:
    flat = dict(row)
    flat["event_id"] = str(row["event_id"])
    flat["properties"] = json.dumps(row["properties"] or {}, separators=(",", ":"))
    return flat


def mark_flushed(ids: Iterable[int], at: datetime) -> None:
    """Mark inbox rows as stored in the warehouse (by exact id: ids may commit out of order)."""
    chunk: list[int] = []
    with transaction.atomic():
        for row_id in ids:
            chunk.append(row_id)
            if len(chunk) == MARK_CHUNK:
                InboxEvent.objects.filter(id__in=chunk).update(flushed_at=at)
                chunk = []
        if chunk:
            InboxEvent.objects.filter(id__in=chunk).update(flushed_at=at)


def purge_inbox(*, now: datetime | None = None) -> int:
    """Delete inbox rows flushed longer ago than the deduplication window; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=warehouse_config().dedup_days)
    deleted, _ = InboxEvent.objects.filter(flushed_at__lt=cutoff).delete()
    return deleted


def pending_workspace_ids() -> list[int]:
    """Workspaces that have events waiting in the inbox."""
    return sorted(
        set(
            InboxEvent.objects.filter(flushed_at__isnull=True).values_list(
                "workspace_id", flat=True
            )
        )
    )


def compact_workspace(workspace: Workspace) -> CompactionResult:
    """Merge each day's files into one (de-duplicated by event id); a no-op on remote backends."""
    config = warehouse_config()
    if not config.embedded:
        return CompactionResult(0, 0, 0)
    days = before = after = 0
    with store.workspace_lock(config.root, workspace.pk):
        store.remove_stale_temporaries(config.events_root, workspace.pk)
        for day in store.stored_days(config.events_root, workspace.pk):
            old, new = store.compact_day(config.events_root, workspace.pk, day)
            days, before, after = days + (old != new), before + old, after + new
        rollups.refresh(config.root, config.events_root, workspace.pk)
    return CompactionResult(days, before, after)


def retention_days(workspace: Workspace) -> int:
    """The workspace's retention, else ACCORD_WAREHOUSE_RETENTION_DAYS (one query)."""
    stored = (
        WarehouseSettings.objects.filter(workspace=workspace)
        .values_list("retention_days", flat=True)
        .first()
    )
    return stored if stored is not None else warehouse_config().retention_days


def apply_retention(workspace: Workspace, *, today: date | None = None) -> RetentionResult:
    """Drop the days older than the workspace's retention; remote backends expire rows themselves.

    With 30 days of retention on 2025-03-31, 2025-03-01 is kept and 2025-02-28 dropped.
    """
    config = warehouse_config()
    keep = retention_days(workspace)
    if not config.embedded:
        return RetentionResult(keep, ())
    cutoff = (today or timezone.now().astimezone(UTC).date()) - timedelta(days=keep)
    with store.workspace_lock(config.root, workspace.pk):
        dropped = store.drop_days_before(config.events_root, workspace.pk, cutoff)
        rollups.refresh(config.root, config.events_root, workspace.pk, grace=0)
    return RetentionResult(keep, tuple(dropped))


def set_retention(access: WorkspaceAccess, days: int) -> WarehouseSettings:
    """Keep ``days`` days of events for the workspace (the next retention run applies it)."""
    access.require(Perm.WORKSPACE_MANAGE)
    if days < 1:
        raise ValueError("Retention must be at least one day.")
    with transaction.atomic():
        settings, created = WarehouseSettings.objects.get_or_create(
            workspace=access.workspace, defaults={"retention_days": days}
        )
        before = None if created else {"retention_days": settings.retention_days}
        if not created:
            settings.retention_days = days
            settings.save(update_fields=["retention_days", "updated_at"])
        record_audit(
            access.actor,
            access.workspace,
            "warehouse.set_retention",
            settings,
            before,
            {"retention_days": days},
        )
    return settings


@dataclass(frozen=True)
class ErasureResult:
    """What erasing one contact from the warehouse changed."""

    links: int
    inbox_rows: int
    files: int
    events: int


QUERY_STRING = re.compile(store.QUERY_STRING)


def forget_contact(workspace: Workspace, contact_id: int) -> str:
    """Erase a contact from the operational side of the warehouse now; return the pseudonym.

    Deletes the contact's identity links and anonymises its inbox rows (pending or kept for
    de-duplication) the way ``store.erase_person`` anonymises stored events, then queues the
    rewrite of the stored files (``erase_contact_events``) after commit. Called by the contacts
    app's GDPR erasure.
    """
    from accord.warehouse.tasks import erase_stored_events  # the task module imports this one

    token = f"erased-{uuid.uuid4().hex}"
    links = IdentityLink.objects.filter(workspace=workspace, contact_id=contact_id)
    anonymous = list(links.values_list("anonymous_id", flat=True))
    links.delete()
    if anonymous:
        _links_changed(workspace)
    _anonymise_inbox(workspace, contact_id, anonymous, token)
    transaction.on_commit(lambda: erase_stored_events(workspace.pk, contact_id, anonymous, token))
    return token


def _anonymise_inbox(
    workspace: Workspace, contact_id: int, anonymous: list[str], token: str
) -> int:
    rows = InboxEvent.objects.filter(workspace=workspace).filter(
        Q(contact_id=contact_id) | Q(anonymous_id__in=anonymous)
    )
    changed = []
    for row in rows.only("id", "url", "referrer"):
        row.contact_id, row.anonymous_id, row.session_id = None, token, ""
        row.url, row.referrer = QUERY_STRING.sub("", row.url), QUERY_STRING.sub("", row.referrer)
        row.properties = {}
        changed.append(row)
    fields = ["contact_id", "anonymous_id", "session_id", "url", "referrer", "properties"]
    InboxEvent.objects.bulk_update(changed, fields, batch_size=500)
    return len(changed)


def erase_contact_events(
    workspace_id: int, contact_id: int, anonymous_ids: Sequence[str], token: str
) -> ErasureResult:
    """Rewrite the stored files that hold the contact's events (embedded store), under the lock.

    Idempotent: a rerun after a crash finds only the files not yet rewritten. On a remote
    backend (ClickHouse, BigQuery, Spark) stored events are not rewritten: this logs the ids to
    erase with that engine's own tools (see docs/operations/scale-out.md).
    """
    config = warehouse_config()
    if not config.embedded:
        logger.warning(
            "GDPR erasure: erase contact %s (anonymous ids %s) of workspace %s in %s by hand",
            contact_id,
            list(anonymous_ids),
            workspace_id,
            config.backend,
        )
        return ErasureResult(0, 0, 0, 0)
    with store.workspace_lock(config.root, workspace_id):
        files, events = store.erase_person(
            config.events_root, workspace_id, contact_id, anonymous_ids, token
        )
        rollups.refresh(config.root, config.events_root, workspace_id, grace=0)
    return ErasureResult(0, 0, files, events)
