"""The embedded warehouse's rollups: each day's events summed once, kept as Parquet files.

Visitor counts, campaign conversion and segment behaviour filters read ``expressions.Rollups``.
On a remote backend they are computed from the events at query time; here each day's rollups
(``visitors``, ``channels``, ``touches``, ``purchases``, ``activity``) and each month's
``months`` and ``monthly`` are written as files beside the events (decision records 0005 and
0006), and a query reads those instead of a year of events.

Layout: ``<root>/rollups/workspace=<id>/day=YYYY-MM-DD/<table>-<fingerprint>.parquet`` and
``.../month=YYYY-MM/<table>-<fingerprint>.parquet`` (the days' tables gathered, ``months`` and
``monthly``). A day's fingerprint is a hash of the names of
its event files (each write, compaction or erasure publishes files under new names), a month's
is a hash of its days' fingerprints. A rollup whose fingerprint is not the current one is stale
and never read: queries compute that day (or month) from its events instead, so answers are
always those of the events, whether or not ``refresh`` has run since the last write. Writers
call ``refresh`` under the workspace lock after they change files (flush, compaction,
retention, erasure, the demo); it rebuilds the stale rollups and deletes the rest, so erased
identities do not survive in a rollup.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import shutil
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from ibis.backends import BaseBackend
from ibis.expr.types import Table

from accord.warehouse import expressions, store

DAY_TABLES: Mapping[str, Callable[[Table], Table]] = {
    "visitors": expressions.day_visitors,
    "channels": lambda events: expressions.day_channels(expressions.day_visitors(events)),
    "touches": expressions.day_touches,
    "purchases": expressions.day_purchases,
    "activity": expressions.day_activity,
}
ACTIVITY = "activity"
# ``activity`` stays in day files: a query reads the days it needs, the folder names telling
# which (it is read with hive partitioning), and ``monthly`` sums whole months.
GATHERED = tuple(table for table in DAY_TABLES if table != ACTIVITY)
ACTIVITY_COLUMNS = (
    "day",
    "kind",
    "contact_id",
    "anonymous_id",
    "events",
    "value",
    "first_ts",
    "last_ts",
)
MONTHS = "months"
MONTHLY = "monthly"
MONTH_TABLES = (*GATHERED, MONTHS, MONTHLY)
# Part of every fingerprint: bump it when a rollup's definition changes, so all are rebuilt.
VERSION = "3"
# ``activity`` and ``monthly`` sorted by kind in small row groups: a query for one kind reads
# only the row groups that hold it (their statistics say which).
BY_KIND = (ACTIVITY, MONTHLY)
ROW_GROUP_ROWS = 65_536
SUPERSEDED = "superseded.json"
SUPERSEDED_GRACE_SECONDS = 120.0


@dataclass(frozen=True)
class Layout:
    """What the events folder holds now: each day's event files and fingerprint."""

    parts: Mapping[date, list[Path]]
    fingerprints: Mapping[date, str]

    def months(self) -> dict[date, list[date]]:
        """Each month (its first day) and its days, in order."""
        found: dict[date, list[date]] = defaultdict(list)
        for day in sorted(self.parts):
            found[day.replace(day=1)].append(day)
        return dict(found)

    def month_fingerprint(self, days: Iterable[date]) -> str:
        return _digest(f"{day}:{self.fingerprints[day]}" for day in days)


@dataclass(frozen=True)
class RefreshResult:
    days_built: int
    months_built: int
    removed: int


def rollups_root(root: Path, workspace_id: int) -> Path:
    return root / "rollups" / f"workspace={workspace_id}"


def _digest(names: Iterable[str]) -> str:
    return hashlib.blake2b("\n".join(names).encode(), digest_size=8).hexdigest()


def layout(events_root: Path, workspace_id: int) -> Layout:
    """List the event files of every day (one directory listing per day)."""
    parts: dict[date, list[Path]] = {}
    base = store.workspace_dir(events_root, workspace_id)
    for folder in base.glob("day=*") if base.is_dir() else []:
        files = sorted(folder.glob(store.PART_GLOB))
        if files:
            parts[date.fromisoformat(folder.name.removeprefix("day="))] = files
    fingerprints = {
        day: _digest([VERSION, *(f.name for f in files)]) for day, files in parts.items()
    }
    return Layout(dict(sorted(parts.items())), fingerprints)


def _file(root: Path, workspace_id: int, folder: str, table: str, fingerprint: str) -> Path:
    return rollups_root(root, workspace_id) / folder / f"{table}-{fingerprint}.parquet"


def _day_files(root: Path, workspace_id: int, day: date, fingerprint: str) -> dict[str, Path]:
    folder = f"day={day.isoformat()}"
    return {table: _file(root, workspace_id, folder, table, fingerprint) for table in DAY_TABLES}


def _month_files(
    root: Path, workspace_id: int, month: date, fingerprint: str, today: date
) -> dict[str, Path]:
    """A month's files: ``monthly`` only once the month is over (see ``open_month``)."""
    folder = f"month={month:%Y-%m}"
    tables = MONTH_TABLES if month < open_month(today) else MONTH_TABLES[:-1]
    return {t: _file(root, workspace_id, folder, t, fingerprint) for t in tables}


def open_month(today: date) -> date:
    """The first day of the month still under way: it has no ``monthly`` file.

    Every flush rewrites the current day, and summing the month's activity again each time
    would cost seconds a minute at 100M events a year; a query reads the current month's
    ``activity`` day files instead. A month gets its ``monthly`` at the first refresh after it
    ends (until then, reads compute it).
    """
    return today.replace(day=1)


def _today() -> date:
    return datetime.now(UTC).date()


def _write(table: pa.Table, final: Path, *, durable: bool, row_group: int | None = None) -> None:
    """Write ``table`` to ``final`` atomically (hidden temporary name, then rename).

    ``durable``: fsync before the rename, so that a power cut cannot leave a torn file under a
    name that looks fresh. The demo, whose events are not synced either, skips it.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.parent / f".{final.stem}-{uuid.uuid4().hex}.tmp"
    pq.write_table(table, temporary, compression="zstd", row_group_size=row_group)
    if durable:
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    os.replace(temporary, final)


def refresh(
    root: Path,
    events_root: Path,
    workspace_id: int,
    *,
    durable: bool = True,
    grace: float = SUPERSEDED_GRACE_SECONDS,
    today: date | None = None,
) -> RefreshResult:
    """Rebuild every stale rollup of the workspace and delete the others; hold the lock.

    A day's rollups are built from its events (the stale days of a month in one query per
    table); a month's files gather its days' rollups (a query then reads a dozen files for a
    year) plus ``months``. Cheap when nothing changed (a directory listing per day): a flush
    rebuilds the days it wrote to and their months. Superseded files go ``grace`` seconds later.
    """
    current = layout(events_root, workspace_id)
    today = today or _today()
    connection = ibis.duckdb.connect()
    days_built = months_built = 0
    keep: set[Path] = set()
    try:
        for month, days in current.months().items():
            daily = {d: _day_files(root, workspace_id, d, current.fingerprints[d]) for d in days}
            fingerprint = current.month_fingerprint(days)
            gathered = _month_files(root, workspace_id, month, fingerprint, today)
            keep.update(path for files in daily.values() for path in files.values())
            keep.update(gathered.values())
            stale = [d for d in days if not all(p.exists() for p in daily[d].values())]
            if stale:
                parts = [str(f) for d in stale for f in current.parts[d]]
                _build_days(connection, parts, {d: daily[d] for d in stale}, durable)
                days_built += len(stale)
            if not all(path.exists() for path in gathered.values()):
                _gather_month(connection, list(daily.values()), gathered, durable)
                months_built += 1
    finally:
        connection.disconnect()
    removed = _remove_others(root, workspace_id, keep, grace)
    return RefreshResult(days_built, months_built, removed)


def _build_days(
    connection: BaseBackend,
    parts: list[str],
    wanted: Mapping[date, Mapping[str, Path]],
    durable: bool,
) -> None:
    """Compute the rollups of some days of one month from their events; one file per day."""
    events = connection.read_parquet(parts, hive_partitioning=True)
    visitors = connection.to_pyarrow(expressions.day_visitors(events))
    built = {
        "visitors": visitors,
        "channels": connection.to_pyarrow(expressions.day_channels(ibis.memtable(visitors))),
        "touches": connection.to_pyarrow(expressions.day_touches(events)),
        "purchases": connection.to_pyarrow(expressions.day_purchases(events)),
        ACTIVITY: connection.to_pyarrow(expressions.day_activity(events)),
    }
    for day, files in wanted.items():
        for table, rows in built.items():
            one_day = rows.filter(pc.equal(rows.column("day"), pa.scalar(day, pa.date32())))
            _write_rollup(one_day, table, files[table], durable=durable)


def _gather_month(
    connection: BaseBackend,
    daily: list[Mapping[str, Path]],
    gathered: Mapping[str, Path],
    durable: bool,
) -> None:
    """Write a month's files: its days' rollups together, ``months`` and ``monthly``."""
    for table in GATHERED:
        rows = connection.read_parquet([str(f[table]) for f in daily], hive_partitioning=False)
        _write(connection.to_pyarrow(rows.order_by("day")), gathered[table], durable=durable)
    visitors = connection.read_parquet(gathered["visitors"], hive_partitioning=False)
    months = connection.to_pyarrow(expressions.month_visitors(visitors))
    _write(months, gathered[MONTHS], durable=durable)
    if MONTHLY in gathered:  # the month is over
        activity = connection.read_parquet(
            [str(f[ACTIVITY]) for f in daily], hive_partitioning=False
        )
        monthly = connection.to_pyarrow(expressions.month_activity(activity))
        _write_rollup(monthly, MONTHLY, gathered[MONTHLY], durable=durable)


def _write_rollup(rows: pa.Table, table: str, final: Path, *, durable: bool) -> None:
    """Write a day's or month's ``table``; sorted by kind in small row groups if in BY_KIND."""
    if table in BY_KIND:
        _write(rows.sort_by("kind"), final, durable=durable, row_group=ROW_GROUP_ROWS)
    else:
        _write(rows, final, durable=durable)


def _remove_others(root: Path, workspace_id: int, keep: set[Path], grace: float) -> int:
    """Delete the rollup files not in ``keep`` once superseded for ``grace`` seconds.

    A query that listed a file just before it was superseded may still open it: superseded
    files are noted (with the time) in a small JSON manifest and deleted on a later refresh,
    ``grace`` seconds on. Erasure and retention pass 0: what they drop goes at once.
    """
    base = rollups_root(root, workspace_id)
    if not base.is_dir():
        return 0
    manifest = base / SUPERSEDED
    noted: dict[str, float] = json.loads(manifest.read_text()) if manifest.exists() else {}
    now = time.time()
    still: dict[str, float] = {}
    removed = 0
    for folder in sorted(base.glob("*=*")):
        for path in folder.iterdir():
            if path in keep:
                continue
            since = noted.get(str(path), now)
            if now - since >= grace:
                path.unlink(missing_ok=True)
                removed += 1
            else:
                still[str(path)] = since
        if not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
    temporary = base / f".{SUPERSEDED}-{uuid.uuid4().hex}.tmp"
    temporary.write_text(json.dumps(still))
    os.replace(temporary, manifest)
    return removed


def read(
    connection: BaseBackend,
    root: Path,
    events_root: Path,
    workspace_id: int,
    links: Table,
    today: date | None = None,
) -> expressions.Rollups | None:
    """The workspace's rollups: fresh month files, else fresh day files, else the events.

    ``monthly`` covers the months before ``open_month(today)`` only. None when the workspace
    has no events.
    """
    current = layout(events_root, workspace_id)
    if not current.parts:
        return None
    today = today or _today()
    files: dict[str, list[str]] = {table: [] for table in (*MONTH_TABLES, ACTIVITY)}
    stale_months: list[date] = []
    stale_parts: list[str] = []
    for month, days in current.months().items():
        gathered = _month_files(root, workspace_id, month, current.month_fingerprint(days), today)
        daily = {
            day: _day_files(root, workspace_id, day, current.fingerprints[day]) for day in days
        }
        activity = [daily[day][ACTIVITY] for day in days]
        if all(path.exists() for path in (*gathered.values(), *activity)):
            for table, path in gathered.items():
                files[table].append(str(path))
            files[ACTIVITY] += [str(path) for path in activity]
            continue
        stale_months.append(month)
        for day in days:
            if all(path.exists() for path in daily[day].values()):
                for table, path in daily[day].items():
                    files[table].append(str(path))
            else:
                stale_parts += [str(f) for f in current.parts[day]]
    computed = connection.read_parquet(stale_parts, hive_partitioning=True) if stale_parts else None
    tables = {
        table: _union(
            connection,
            files[table],
            None if computed is None else build(computed),
            by_day=table == ACTIVITY,
        )
        for table, build in DAY_TABLES.items()
    }
    visitors, activity = tables["visitors"], tables["activity"]
    closed = [m for m in stale_months if m < open_month(today)]
    computed_months = expressions.month_visitors(_within(visitors, stale_months))
    computed_monthly = expressions.month_activity(_within(activity, closed))
    months = _union(connection, files[MONTHS], computed_months if stale_months else None)
    # With no month over yet and nothing to compute, an empty ``monthly``.
    monthly = _union(
        connection, files[MONTHLY], computed_monthly if closed or not files[MONTHLY] else None
    )
    return expressions.Rollups(
        tables["visitors"],
        tables["channels"],
        months,
        tables["touches"],
        tables["purchases"],
        tables["activity"],
        monthly,
        links,
        monthly_until=open_month(today),
    )


def _union(
    connection: BaseBackend, files: list[str], computed: Table | None, *, by_day: bool = False
) -> Table:
    """The rows of ``files`` and of ``computed`` (at least one of them).

    ``by_day``: day files, read with hive partitioning so that a filter on ``day`` skips the
    files of other days unopened (the columns the folder names add are left out).
    """
    if not files:
        assert computed is not None  # noqa: S101  (every day is in a file or computed)
        return computed
    stored = connection.read_parquet(files, hive_partitioning=by_day)
    if by_day:
        stored = stored.select(*ACTIVITY_COLUMNS)
    return stored if computed is None else stored.union(computed.select(*stored.columns))


def _within(rows: Table, months: list[date]) -> Table:
    """The rows (with ``day``) of these months; none when the list is empty."""
    within = [(rows.day >= m) & (rows.day < _next_month(m)) for m in months]
    return rows.filter(reduce(operator.or_, within, ibis.literal(False)))


def _next_month(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)
