"""Upsert contacts by the thousand: the set-based engine under the CSV import and the demo.

Per chunk it reads what exists with a few IN queries, compares in Python and writes each table
with one ``executemany``; it never runs a query per row. The rules:

- rows are matched on the (lower-cased) email; a chunk must not repeat an email;
- a field a row leaves out (a blank cell) keeps the stored value;
- tags are added, never removed; properties are merged key by key;
- the company is found by case-insensitive name, or created;
- a consent is written only when it differs from the stored decision, with its source and proof.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from accord.contacts.models import Company, Consent, Contact, ContactTag, Tag, TimelineEntry

IN_BATCH = 900  # below SQLite's historical limit of 999 variables per statement
TEXT_FIELDS = ("first_name", "last_name", "phone", "language", "source")
_T = TypeVar("_T")


@dataclass(slots=True)
class ConsentValue:
    """A consent decision to record; ``at`` None means now."""

    granted: bool
    source: str
    proof: str
    at: datetime | None = None


@dataclass(slots=True)
class ContactRow:
    """One cleaned input row; mutable and slotted because an import builds a million of them.

    ``fields`` holds only the text fields the row sets (see TEXT_FIELDS); ``created_at`` lets
    the demo backdate a new contact and is ignored for an existing one.
    """

    row: int
    email: str
    fields: dict[str, str] = field(default_factory=dict)
    company: str = ""
    owner_id: int | None = None
    tags: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    consents: dict[str, ConsentValue] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True)
class ImportNote:
    """The timeline entry written on each contact a chunk creates or changes."""

    kind: str
    title: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class ChunkOutcome:
    """What one chunk did: contacts created (email to id), updated and left unchanged."""

    created: Mapping[str, int]
    updated: int
    unchanged: int


class Stored(NamedTuple):
    id: int
    email: str
    first_name: str
    last_name: str
    phone: str
    language: str
    source: str
    company_id: int | None
    owner_id: int | None
    properties: dict[str, Any]


@dataclass
class _Writes:
    """Rows to write once the chunk has been compared with the database."""

    updates: list[tuple[Stored, dict[str, Any]]] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)
    consent_inserts: list[tuple[int, str, ConsentValue]] = field(default_factory=list)
    consent_updates: list[tuple[int, str, ConsentValue]] = field(default_factory=list)
    notes: list[tuple[int, ContactRow, list[str]]] = field(default_factory=list)


def batched(items: Sequence[_T], size: int = IN_BATCH) -> Iterator[Sequence[_T]]:
    """Yield consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)  # noqa: S101  (a concrete column, never a relation)
    return found


def _column(model: type[models.Model], name: str) -> str:
    column = _field(model, name).column
    assert column is not None  # noqa: S101
    return connection.ops.quote_name(column)


def _executemany(model: type[models.Model], sql_tail: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run ``<table> sql_tail`` once per parameter row; names come from model metadata only."""
    if rows:
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(sql_tail.replace("{table}", table), rows)


def _insert(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    names = ", ".join(_column(model, c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    _executemany(model, f"INSERT INTO {{table}} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _json(value: Any) -> str:
    # A JSON string suits SQLite's text column and PostgreSQL's jsonb (psycopg sends str untyped).
    return json.dumps(value) if value else "{}"


@dataclass(frozen=True)
class _Adapters:
    """Turn Python values into database parameters as the ORM would, without its per-call cost."""

    datetime: Callable[[datetime], Any]

    @classmethod
    def current(cls) -> _Adapters:
        return cls(datetime=connection.ops.adapt_datetimefield_value)


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}
_JSON_BOOL = {True: "true", False: "false"}


def uuid7_hexes(count: int) -> list[str]:
    """Make ``count`` time-ordered (version 7) UUIDs as 32 hex digits, as Django stores them.

    New uids then land at the end of the unique index instead of at random pages, which keeps a
    million-row import from re-reading the whole index; 74 bits stay random. PostgreSQL's uuid
    type reads the same text. One urandom call is much cheaper than a uuid.UUID per contact.
    """
    prefix = f"{time.time_ns() // 1_000_000:012x}7"
    raw = os.urandom(16 * count).hex()
    return [
        f"{prefix}{h[:3]}{_VARIANT[h[3]]}{h[4:19]}"
        for h in (raw[i : i + 32] for i in range(0, 32 * count, 32))
    ]


@contextmanager
def sqlite_page_cache(mebibytes: int = 128) -> Iterator[None]:
    """Let SQLite keep more pages in memory during a bulk write, then restore its setting.

    Inserting a million contacts touches index pages at random (emails, names); with the
    default 2 MiB cache each of them is read again and again. No-op on other databases.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-1024 * mebibytes}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


def _select_in(
    model: type[models.Model],
    columns: Sequence[str],
    key: str,
    values: Sequence[Any],
    workspace_id: int | None = None,
) -> list[tuple[Any, ...]]:
    """Read ``columns`` of the rows whose ``key`` is in ``values``, one query per IN_BATCH.

    Raw SQL: the ORM spends more time preparing a 900-item IN list than SQLite running it.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(_column(model, c) for c in columns)
    scope = "" if workspace_id is None else f"{_column(model, 'workspace')} = %s AND "
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for batch in batched(values):
            marks = ", ".join(["%s"] * len(batch))
            where = f"{scope}{_column(model, key)} IN ({marks})"
            params = list(batch) if workspace_id is None else [workspace_id, *batch]
            cursor.execute(f"SELECT {names} FROM {table} WHERE {where}", params)  # noqa: S608
            found.extend(cursor.fetchall())
    return found


def _loaded(value: Any) -> dict[str, Any]:
    """Decode a JSON column read with raw SQL (text on SQLite and, through Django, PostgreSQL)."""
    return value if isinstance(value, dict) else dict(json.loads(value or "{}"))


class ContactUpserter:
    """Upsert chunks of ContactRow into one workspace; caches company and tag ids across chunks."""

    def __init__(self, workspace_id: int, *, note: ImportNote | None, actor_label: str) -> None:
        self.workspace_id = workspace_id
        self.note = note
        self.actor_label = actor_label
        self._companies: dict[str, int] | None = None
        self._tags: dict[str, int] = {}
        self._adapt = _Adapters.current()

    def upsert(self, rows: Sequence[ContactRow]) -> ChunkOutcome:
        """Apply one chunk in one transaction; retried once if a concurrent writer collides."""
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    return self._upsert(rows)
            except IntegrityError:
                self._companies, self._tags = None, {}
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _upsert(self, rows: Sequence[ContactRow]) -> ChunkOutcome:
        self._adapt = _Adapters.current()
        companies = self._company_ids({r.company for r in rows if r.company})
        tags = self._tag_ids({t for r in rows for t in r.tags})
        stored = self._stored([r.email for r in rows])
        now = timezone.now()
        created = self._create([r for r in rows if r.email not in stored], companies, now)
        old_ids = [s.id for s in stored.values()]
        links = self._links(old_ids) if tags else set()
        consents = self._consents(old_ids) if any(r.consents for r in rows) else {}
        writes = _Writes()
        for row in rows:
            current = stored.get(row.email)
            contact_id = current.id if current else created[row.email]
            changed = _changes(row, current, companies) if current else {}
            if changed and current:
                writes.updates.append((current, changed))
            touched = [name.removesuffix("_id") for name in changed]
            touched += _plan_tags(writes, contact_id, row, tags, links)
            touched += _plan_consents(writes, contact_id, row, consents)
            if current is None or touched:
                writes.notes.append((contact_id, row, [] if current is None else sorted(touched)))
        self._write(writes, now)
        updated = sum(1 for _, _, fields in writes.notes if fields)
        return ChunkOutcome(
            created=created, updated=updated, unchanged=len(rows) - len(created) - updated
        )

    def _company_ids(self, names: set[str]) -> dict[str, int]:
        """Map each name's casefold to a company id, creating the missing companies."""
        if not names:
            return {}
        if self._companies is None:
            pairs = Company.objects.filter(workspace_id=self.workspace_id).values_list("name", "id")
            self._companies = {name.casefold(): pk for name, pk in pairs}
        known = self._companies
        missing = {n.casefold(): n for n in names if n.casefold() not in known}
        if missing:
            Company.objects.bulk_create(
                [Company(workspace_id=self.workspace_id, name=n) for n in missing.values()],
                ignore_conflicts=True,
            )
            self._remember_companies(list(missing.values()))
        return {n.casefold(): known[n.casefold()] for n in names}

    def _remember_companies(self, names: list[str]) -> None:
        known = self._companies if self._companies is not None else {}
        for batch in batched(names):
            found = Company.objects.filter(workspace_id=self.workspace_id, name__in=batch)
            known.update((name.casefold(), pk) for name, pk in found.values_list("name", "id"))
        for name in names:  # a case variant another writer created meanwhile
            if name.casefold() not in known:
                company = Company.objects.get(workspace_id=self.workspace_id, name__iexact=name)
                known[name.casefold()] = company.pk

    def _tag_ids(self, names: set[str]) -> dict[str, int]:
        """Map tag names to ids, creating missing tags in one insert."""
        missing = sorted(names - self._tags.keys())
        if missing:
            Tag.objects.bulk_create(
                [Tag(workspace_id=self.workspace_id, name=n) for n in missing],
                ignore_conflicts=True,
            )
            for batch in batched(missing):
                found = Tag.objects.filter(workspace_id=self.workspace_id, name__in=batch)
                self._tags.update(found.values_list("name", "id"))
        return {n: self._tags[n] for n in names}

    def _stored(self, emails: list[str]) -> dict[str, Stored]:
        found = _select_in(Contact, _STORED_COLUMNS, "email", emails, self.workspace_id)
        return {row[1]: Stored._make((*row[:-1], _loaded(row[-1]))) for row in found}

    def _links(self, contact_ids: list[int]) -> set[tuple[int, int]]:
        return {
            (c, t) for c, t in _select_in(ContactTag, ("contact", "tag"), "contact", contact_ids)
        }

    def _consents(self, contact_ids: list[int]) -> dict[tuple[int, str], bool]:
        columns = ("contact", "purpose", "granted")
        found = _select_in(Consent, columns, "contact", contact_ids)
        return {(c, p): bool(g) for c, p, g in found}

    def _create(
        self, rows: list[ContactRow], companies: Mapping[str, int], now: datetime
    ) -> dict[str, int]:
        """Insert new contacts with one executemany, then read their ids back."""
        if not rows:
            return {}
        adapt = self._adapt
        at = adapt.datetime(now)
        uids = uuid7_hexes(len(rows))
        values = [
            (
                self.workspace_id,
                uids[i],
                r.email,
                *_text_values(r.fields),
                companies.get(r.company.casefold()) if r.company else None,
                r.owner_id,
                _json(r.properties),
                adapt.datetime(r.created_at) if r.created_at else at,
                at,
            )
            for i, r in enumerate(rows)
        ]
        columns = ("workspace", "uid", "email", *TEXT_FIELDS, "company", "owner", "properties")
        _insert(Contact, (*columns, "created_at", "updated_at"), values)
        emails = [r.email for r in rows]
        return dict(_select_in(Contact, ("email", "id"), "email", emails, self.workspace_id))

    def _write(self, writes: _Writes, now: datetime) -> None:
        _update_contacts(writes.updates, self._adapt, now)
        _insert(ContactTag, ("contact", "tag"), writes.links)
        _write_consents(writes, self._adapt, now)
        _insert(TimelineEntry, _TIMELINE_COLUMNS, self._timeline_rows(writes, now))

    def _timeline_rows(self, writes: _Writes, now: datetime) -> list[tuple[Any, ...]]:
        at = self._adapt.datetime(now)
        rows = self._note_rows(writes, at) + self._consent_rows(writes, at)
        return [(self.workspace_id, *r, "contacts", self.actor_label) for r in rows]

    def _note_rows(self, writes: _Writes, at: Any) -> list[tuple[Any, ...]]:
        note = self.note
        if note is None:
            return []
        # The JSON is written by hand (same document as json.dumps): a million dumps cost seconds.
        start = json.dumps(dict(note.data))[:-1] + (", " if note.data else "")
        rows = []
        for contact_id, row, fields in writes.notes:
            changed = json.dumps(fields) if fields else "[]"
            data = f'{start}"row": {row.row}, "created": {_JSON_BOOL[not fields]}, '
            data += f'"fields": {changed}}}'
            rows.append((contact_id, at, note.kind, note.title, data))
        return rows

    def _consent_rows(self, writes: _Writes, at: Any) -> list[tuple[Any, ...]]:
        rows = []
        for contact_id, purpose, value in writes.consent_inserts + writes.consent_updates:
            kind = "consent.granted" if value.granted else "consent.withdrawn"
            title = f"Consent {'granted' if value.granted else 'withdrawn'}: {purpose}"
            data = f'{{"purpose": "{purpose}", "source": {json.dumps(value.source)}, '
            data += f'"proof": {json.dumps(value.proof)}}}'
            when = self._adapt.datetime(value.at) if value.at else at
            rows.append((contact_id, when, kind, title, data))
        return rows


_STORED_COLUMNS = (*Stored._fields[:-3], "company", "owner", "properties")
_TIMELINE_COLUMNS = ("workspace", "contact", "at", "kind", "title", "data", "app", "actor_label")
_UPDATED_COLUMNS = (*TEXT_FIELDS, "company", "owner", "properties", "updated_at")


TimelineRow = tuple[int, datetime, str, str, str, Mapping[str, Any]]


def add_timeline_entries(
    workspace_id: int, entries: Sequence[TimelineRow], *, actor_label: str
) -> None:
    """Insert timeline entries (contact id, at, kind, app, title, data) with one executemany."""
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (workspace_id, contact_id, adapt(at), kind, title[:300], _json(data), app, actor_label)
        for contact_id, at, kind, app, title, data in entries
    ]
    _insert(TimelineEntry, _TIMELINE_COLUMNS, rows)


def _text_values(fields: Mapping[str, str]) -> tuple[str, str, str, str, str]:
    """The TEXT_FIELDS of a new contact, in their order, blank where the row sets none."""
    get = fields.get
    return (
        get("first_name", ""),
        get("last_name", ""),
        get("phone", ""),
        get("language", ""),
        get("source", ""),
    )


def _changes(row: ContactRow, current: Stored, companies: Mapping[str, int]) -> dict[str, Any]:
    """Return the stored columns (by attribute name) that the row changes, with new values."""
    changes: dict[str, Any] = {
        name: value for name, value in row.fields.items() if getattr(current, name) != value
    }
    company_id = companies[row.company.casefold()] if row.company else None
    if company_id is not None and company_id != current.company_id:
        changes["company_id"] = company_id
    if row.owner_id is not None and row.owner_id != current.owner_id:
        changes["owner_id"] = row.owner_id
    if row.properties:
        merged = {**current.properties, **row.properties}
        if merged != current.properties:
            changes["properties"] = merged
    return changes


def _plan_tags(
    writes: _Writes,
    contact_id: int,
    row: ContactRow,
    tags: Mapping[str, int],
    links: set[tuple[int, int]],
) -> list[str]:
    if not row.tags:
        return []
    added = [(contact_id, tags[t]) for t in row.tags if (contact_id, tags[t]) not in links]
    writes.links.extend(added)
    return ["tags"] if added else []


def _plan_consents(
    writes: _Writes, contact_id: int, row: ContactRow, stored: Mapping[tuple[int, str], bool]
) -> list[str]:
    touched = []
    for purpose, value in row.consents.items():
        previous = stored.get((contact_id, purpose))
        if previous is None:
            writes.consent_inserts.append((contact_id, purpose, value))
        elif previous != value.granted:
            writes.consent_updates.append((contact_id, purpose, value))
        else:
            continue
        touched.append(f"consent.{purpose}")
    return touched


def _update_contacts(
    updates: list[tuple[Stored, dict[str, Any]]], adapt: _Adapters, now: datetime
) -> None:
    at = adapt.datetime(now)
    rows = []
    for current, changes in updates:
        merged = current._replace(**changes)
        rows.append(
            (
                *(getattr(merged, name) for name in TEXT_FIELDS),
                merged.company_id,
                merged.owner_id,
                _json(merged.properties),
                at,
                merged.id,
            )
        )
    assignments = ", ".join(f"{_column(Contact, c)} = %s" for c in _UPDATED_COLUMNS)
    where = f"{_column(Contact, 'id')} = %s"
    _executemany(Contact, f"UPDATE {{table}} SET {assignments} WHERE {where}", rows)  # noqa: S608


def _write_consents(writes: _Writes, adapt: _Adapters, now: datetime) -> None:
    at = adapt.datetime(now)

    def values(items: Iterable[tuple[int, str, ConsentValue]]) -> list[tuple[Any, ...]]:
        return [
            (v.granted, adapt.datetime(v.at) if v.at else at, v.source[:100], v.proof, cid, p)
            for cid, p, v in items
        ]

    columns = ("granted", "at", "source", "proof", "contact", "purpose")
    _insert(Consent, columns, values(writes.consent_inserts))
    assignments = ", ".join(f"{_column(Consent, c)} = %s" for c in columns[:4])
    contact, purpose = _column(Consent, "contact"), _column(Consent, "purpose")
    _executemany(
        Consent,
        f"UPDATE {{table}} SET {assignments} WHERE {contact} = %s AND {purpose} = %s",  # noqa: S608
        values(writes.consent_updates),
    )
