"""The Parquet event store: one folder per workspace and UTC day, files published atomically.

Layout: ``<root>/events/workspace=<id>/day=YYYY-MM-DD/part-<uuid>.parquet``. A file is written
under a hidden temporary name, fsynced, then renamed into place, so readers (which only match
``part-*.parquet``) see a whole file or none. Writers of one workspace (flush, compaction,
retention, demo) serialise on a file lock; readers never lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

UTC_TS = pa.timestamp("us", tz="UTC")
EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("ts", UTC_TS),
        ("kind", pa.string()),
        ("contact_id", pa.int64()),
        ("anonymous_id", pa.string()),
        ("session_id", pa.string()),
        ("channel", pa.string()),
        ("utm_source", pa.string()),
        ("utm_medium", pa.string()),
        ("utm_campaign", pa.string()),
        ("utm_content", pa.string()),
        ("utm_term", pa.string()),
        ("url", pa.string()),
        ("referrer", pa.string()),
        ("value", pa.float64()),
        ("currency", pa.string()),
        ("properties", pa.string()),
        ("bot", pa.bool_()),
        ("source", pa.string()),
        ("received_at", UTC_TS),
    ]
)
EVENT_COLUMNS = tuple(EVENT_SCHEMA.names)
PART_GLOB = "part-*.parquet"
STALE_TEMP_SECONDS = 3600
# Rows are stored sorted by kind, then time, in row groups of at most ROW_GROUP_ROWS: a query
# for one kind (a segment's "at least 3 purchases") skips the row groups of the others.
SORT_KEYS = [("kind", "ascending"), ("ts", "ascending")]
ROW_GROUP_ROWS = 16_384
# Test-only fault injection: "before-rename" or "after-rename" makes write_part die hard there.
FAULT_ENV = "ACCORD_FAULT_AFTER_PARQUET_WRITE"


def workspace_dir(events_root: Path, workspace_id: int) -> Path:
    return events_root / f"workspace={workspace_id}"


def day_dir(events_root: Path, workspace_id: int, day: date) -> Path:
    return workspace_dir(events_root, workspace_id) / f"day={day.isoformat()}"


def stored_days(events_root: Path, workspace_id: int) -> list[date]:
    """The days that hold at least one published file, oldest first."""
    base = workspace_dir(events_root, workspace_id)
    if not base.is_dir():
        return []
    days = [
        date.fromisoformat(path.name.removeprefix("day="))
        for path in base.glob("day=*")
        if path.is_dir() and any(path.glob(PART_GLOB))
    ]
    return sorted(days)


def part_files(events_root: Path, workspace_id: int, day: date | None = None) -> list[Path]:
    """The published files of one day, or of every day when ``day`` is None, sorted by path."""
    base = workspace_dir(events_root, workspace_id)
    pattern = f"day={day.isoformat()}/{PART_GLOB}" if day else f"day=*/{PART_GLOB}"
    return sorted(base.glob(pattern))


def events_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Build an Arrow table in EVENT_SCHEMA from row mappings; blank strings become nulls."""
    columns: dict[str, list[Any]] = {name: [] for name in EVENT_COLUMNS}
    for row in rows:
        for name in EVENT_COLUMNS:
            value = row.get(name)
            columns[name].append(None if value == "" else value)
    return pa.table(columns, schema=EVENT_SCHEMA)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fault_point(point: str) -> None:
    """Kill the process at ``point`` when FAULT_ENV names it (crash tests only; never set)."""
    if os.environ.get(FAULT_ENV) == point:
        os._exit(137)


def publish(temporary: Path, final: Path) -> None:
    """Move a fully written file into place atomically; the rename is the commit point."""
    os.replace(temporary, final)


def write_part(
    events_root: Path, workspace_id: int, day: date, table: pa.Table, *, durable: bool = True
) -> Path:
    """Write ``table`` as a new file of ``day`` and return its path once durable and visible.

    ``durable=False`` skips the fsyncs (the demo generator, whose data can be rebuilt): the
    file still appears whole or not at all, but a power cut may lose it.
    """
    folder = day_dir(events_root, workspace_id, day)
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    temporary = folder / f".part-{name}.parquet.tmp"
    final = folder / f"part-{name}.parquet"
    ordered = table.cast(EVENT_SCHEMA).sort_by(SORT_KEYS)
    pq.write_table(ordered, temporary, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    if durable:
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    _fault_point("before-rename")
    publish(temporary, final)
    _fault_point("after-rename")
    if durable:
        _fsync_dir(folder)
    return final


def event_ids(events_root: Path, workspace_id: int, day: date) -> set[str]:
    """The event ids already published for ``day`` (reads one column of that day's files)."""
    files = part_files(events_root, workspace_id, day)
    if not files:
        return set()
    column = pq.read_table([str(f) for f in files], columns=["event_id"]).column("event_id")
    return set(column.to_pylist())


def compact_day(events_root: Path, workspace_id: int, day: date) -> tuple[int, int]:
    """Merge the day's files into one de-duplicated file; return (files before, after).

    The merged file is published before the old ones are removed: a reader listing files in
    between sees each event twice, which counts of distinct event ids do not mind.
    """
    files = part_files(events_root, workspace_id, day)
    if len(files) < 2:
        return len(files), len(files)
    connection = duckdb.connect()
    try:
        merged = connection.execute(
            "SELECT * EXCLUDE (rank) FROM (SELECT *, row_number() OVER "
            "(PARTITION BY event_id ORDER BY received_at, ts) AS rank "
            "FROM read_parquet(?, hive_partitioning = false)) WHERE rank = 1",
            [[str(f) for f in files]],
        ).to_arrow_table()
    finally:
        connection.close()
    write_part(events_root, workspace_id, day, merged)
    for path in files:
        path.unlink()
    _fsync_dir(files[0].parent)
    return len(files), 1


# What erasure cuts from a url or referrer: its query string and fragment (Python re and RE2).
QUERY_STRING = r"[?#](?s:.*)"
ERASED_MATCH = "(contact_id = $contact OR list_contains($anonymous, anonymous_id))"
ERASED_FILES_SQL = f"""
SELECT filename, count(*) FROM read_parquet($files, filename = true, hive_partitioning = false)
WHERE {ERASED_MATCH} GROUP BY filename
"""  # noqa: S608  (constants only; values are bound parameters)
ERASED_SQL = f"""
SELECT * EXCLUDE (erase) REPLACE (
    CASE WHEN erase THEN NULL ELSE contact_id END AS contact_id,
    CASE WHEN erase THEN $token ELSE anonymous_id END AS anonymous_id,
    CASE WHEN erase THEN NULL ELSE session_id END AS session_id,
    CASE WHEN erase THEN regexp_replace(url, $query_string, '') ELSE url END AS url,
    CASE WHEN erase THEN regexp_replace(referrer, $query_string, '') ELSE referrer END AS referrer,
    CASE WHEN erase THEN '{{}}' ELSE properties END AS properties
)
FROM (SELECT *, {ERASED_MATCH} AS erase FROM read_parquet($files, hive_partitioning = false))
"""  # noqa: S608  (constants only; values are bound parameters)


def erase_person(
    events_root: Path,
    workspace_id: int,
    contact_id: int,
    anonymous_ids: Sequence[str],
    token: str,
) -> tuple[int, int]:
    """Rewrite every file holding a contact's events without what identifies the person.

    Matching events (the contact's id, or one of its ``anonymous_ids``) lose the contact id,
    the session id, their properties and the query string of url and referrer; their anonymous
    id becomes ``token`` (one per erased person, stored nowhere else), so the events still count
    once as "a visitor". Each file is replaced by its rewritten copy (published, then the old
    one removed); a crash in between leaves the old file, which a rerun rewrites again.
    Returns (files rewritten, events anonymised).
    """
    files = part_files(events_root, workspace_id)
    if not files:
        return 0, 0
    params = {"contact": contact_id, "anonymous": list(anonymous_ids)}
    connection = duckdb.connect()
    try:
        hits = connection.execute(
            ERASED_FILES_SQL, {**params, "files": [str(f) for f in files]}
        ).fetchall()
        for name, _count in hits:
            path = Path(name)
            table = connection.execute(
                ERASED_SQL,
                {**params, "token": token, "files": [name], "query_string": QUERY_STRING},
            ).to_arrow_table()
            day = date.fromisoformat(path.parent.name.removeprefix("day="))
            write_part(events_root, workspace_id, day, table)
            path.unlink()
            _fsync_dir(path.parent)
    finally:
        connection.close()
    return len(hits), sum(count for _name, count in hits)


def drop_days_before(events_root: Path, workspace_id: int, cutoff: date) -> list[date]:
    """Delete every day folder older than ``cutoff``; each vanishes in one rename first."""
    base = workspace_dir(events_root, workspace_id)
    dropped = []
    for path in sorted(base.glob("day=*")) if base.is_dir() else []:
        day = date.fromisoformat(path.name.removeprefix("day="))
        if day >= cutoff:
            continue
        trash = base / f".trash-{uuid.uuid4().hex}"
        path.rename(trash)
        shutil.rmtree(trash)
        dropped.append(day)
    return dropped


def remove_stale_temporaries(events_root: Path, workspace_id: int) -> int:
    """Delete temporary files an interrupted writer left behind more than an hour ago."""
    base = workspace_dir(events_root, workspace_id)
    cutoff = time.time() - STALE_TEMP_SECONDS
    removed = 0
    for path in base.glob("day=*/.part-*.tmp"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@contextmanager
def workspace_lock(root: Path, workspace_id: int) -> Iterator[None]:
    """Hold the workspace's writer lock (an flock: released by the kernel if the process dies)."""
    folder = root / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"workspace={workspace_id}.lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
