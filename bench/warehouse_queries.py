"""Warehouse analytics at scale: three queries over a year of events, DuckDB on Parquet vs SQLite.

Generates N demo events (``build_demo_events``: twelve months of Maison Lumière, one Parquet file
per day, then the daily and monthly rollups that ``rollups.refresh`` writes after every flush)
into a private ACCORD_HOME, then times three of Accord's Ibis expressions on the embedded
DuckDB, identity stitching and bot filtering included:

- ``daily_channel_counts``: events and distinct visitors per day and channel, twelve months;
- ``campaign_conversion``: per campaign, visitors, purchasers after their first touch, revenue;
- ``monthly_visitors``: distinct visitors per month.

Each query runs once to warm, then the best of three runs is reported (a run opens the
warehouse, as a request does, and resolves people with the identity links of that moment).
``params`` also report the same expressions with the rollups computed from the events on the
fly (what a remote backend does, and what a day whose rollups are stale costs), and the time
and bytes the rollups take. Baseline, same run and same events: the same three queries as SQL
on SQLite, the events loaded from the Parquet files into one table (the columns the queries
read, inserted with ``executemany`` from pyarrow batches, indexed on ts and kind; the load time
is in ``params``), identity links in a second table. Both engines must agree: the daily and
monthly results are compared row for row before any figure is printed.

Targets (issue 3): under 1 s at 10M events and under 5 s at 100M, warm, on 2 cores.
Default 10M events (a few minutes, mostly loading SQLite); ``--events 100000000`` works (memory
stays bounded by one day of events) but takes long, mostly SQLite; ``--baseline-runs 1`` then
times SQLite once after its warm-up run.

Results go to bench/results/warehouse_queries.json (10M events) or warehouse_queries_<N>.json.

Usage: python bench/warehouse_queries.py [--quick] [--events N] [--baseline-runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

# A private ACCORD_HOME (and SQLite) for this run, set before Django reads its settings.
HOME = Path(tempfile.mkdtemp(prefix="accord-bench-warehouse-"))
os.environ["ACCORD_HOME"] = str(HOME)
for name in (
    "DATABASE_URL",
    "REDIS_URL",
    "ACCORD_WAREHOUSE_URL",
    "ACCORD_WAREHOUSE_BACKEND",
    "ACCORD_WAREHOUSE_DIR",
):
    os.environ.pop(name, None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULTS = Path(__file__).resolve().parent / "results" / "warehouse_queries.json"
MACHINE = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
END = date(2025, 3, 13)
CONTACTS = 20_000
LOAD_COLUMNS = ("ts", "kind", "contact_id", "anonymous_id", "channel", "utm_campaign", "value")

VISITS = """
WITH visits AS (
  SELECT e.ts, e.kind, e.channel, e.utm_campaign, e.value,
    CASE WHEN coalesce(e.contact_id, l.contact_id) IS NOT NULL
           THEN 'c:' || coalesce(e.contact_id, l.contact_id)
         WHEN e.anonymous_id IS NOT NULL THEN 'a:' || e.anonymous_id END AS person
  FROM events e LEFT JOIN links l ON l.anonymous_id = e.anonymous_id
  WHERE e.bot = 0
)
"""
SQL = {
    "daily_channel_counts": """SELECT date(ts / 1000000, 'unixepoch') AS day, channel,
       count(*) AS events, count(DISTINCT person) AS visitors
FROM visits GROUP BY 1, 2 ORDER BY 1, 2""",
    "campaign_conversion": """, touches AS (
  SELECT utm_campaign, person, min(ts) AS first_touch FROM visits
  WHERE utm_campaign IS NOT NULL AND person IS NOT NULL GROUP BY 1, 2
), purchases AS (
  SELECT person AS buyer, ts AS bought_at, value AS amount FROM visits
  WHERE kind = 'purchase' AND person IS NOT NULL
), outcomes AS (
  SELECT t.utm_campaign, count(DISTINCT p.buyer) AS purchasers, sum(p.amount) AS revenue
  FROM touches t JOIN purchases p ON p.buyer = t.person AND p.bought_at >= t.first_touch
  GROUP BY 1
), reach AS (SELECT utm_campaign, count(*) AS visitors FROM touches GROUP BY 1)
SELECT r.utm_campaign, r.visitors, coalesce(o.purchasers, 0) AS purchasers,
       coalesce(o.revenue, 0.0) AS revenue,
       CAST(coalesce(o.purchasers, 0) AS REAL) / r.visitors AS conversion_rate
FROM reach r LEFT JOIN outcomes o ON o.utm_campaign = r.utm_campaign ORDER BY 1""",
    "monthly_visitors": """SELECT date(ts / 1000000, 'unixepoch', 'start of month') AS month,
       count(DISTINCT person) AS visitors
FROM visits GROUP BY 1 ORDER BY 1""",
}


def generate(count: int) -> tuple[Any, list[Path], float]:
    """Write the demo events and their rollups; return the files and the rollups' seconds."""
    from accord.accounts.access import Actor
    from accord.accounts.actions import create_workspace
    from accord.warehouse import rollups, store
    from accord.warehouse.config import warehouse_config
    from accord.warehouse.demo import build_demo_events

    workspace = create_workspace("lumiere", "Maison Lumière", Actor.system("bench"))
    contacts = list(range(1, CONTACTS + 1))
    build_demo_events(workspace, contacts, seed=42, events=count, end=END)
    config = warehouse_config()
    shutil.rmtree(rollups.rollups_root(config.root, workspace.pk))  # timed on their own below
    started = time.perf_counter()
    rollups.refresh(config.root, config.events_root, workspace.pk)
    return workspace, store.part_files(config.events_root, workspace.pk), started


def load_sqlite(workspace: Any, files: list[Path], path: Path) -> sqlite3.Connection:
    """The events (the columns the queries read) and the identity links, indexed."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from accord.warehouse.queries import identity_links

    db = sqlite3.connect(path)
    db.executescript(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;"
        "CREATE TABLE events (ts INTEGER NOT NULL, kind TEXT, contact_id INTEGER,"
        " anonymous_id TEXT, channel TEXT, utm_campaign TEXT, value REAL, bot INTEGER);"
        "CREATE TABLE links (anonymous_id TEXT PRIMARY KEY, contact_id INTEGER);"
    )
    insert = "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    for file in files:
        for batch in pq.ParquetFile(str(file)).iter_batches(65_536, columns=[*LOAD_COLUMNS, "bot"]):
            columns = [pc.cast(batch.column("ts"), "int64").to_pylist()]
            columns += [batch.column(name).to_pylist() for name in LOAD_COLUMNS[1:]]
            columns.append([int(bool(b)) for b in batch.column("bot").to_pylist()])
            db.executemany(insert, zip(*columns, strict=True))
    links = identity_links(workspace).to_pylist()
    db.executemany("INSERT INTO links VALUES (:anonymous_id, :contact_id)", links)
    db.executescript(
        "CREATE INDEX events_ts ON events (ts); CREATE INDEX events_kind ON events (kind);ANALYZE;"
    )
    db.commit()
    return db


def accord_query(
    workspace: Any, name: str, *, on_the_fly: bool = False
) -> Callable[[], list[tuple[Any, ...]]]:
    """Run one expression over the stored rollups, or over rollups computed from the events."""
    from accord.warehouse import backend, expressions
    from accord.warehouse.queries import analytics_tables

    build = getattr(expressions, name)

    def run() -> list[tuple[Any, ...]]:
        with analytics_tables(workspace) as tables:
            rolled = tables.rollups
            if on_the_fly:
                rolled = expressions.rollups(tables.events, tables.links)
            return [tuple(row.values()) for row in backend.to_rows(build(rolled))]

    return run


def sqlite_query(db: sqlite3.Connection, name: str) -> Callable[[], list[tuple[Any, ...]]]:
    def run() -> list[tuple[Any, ...]]:
        return db.execute(VISITS + SQL[name]).fetchall()

    return run


def warm_best(
    run: Callable[[], list[tuple[Any, ...]]], runs: int = 3
) -> tuple[float, list[tuple[Any, ...]]]:
    """Run once to warm, then return the fastest of ``runs`` timed runs and its rows."""
    rows = run()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        rows = run()
        best = min(best, time.perf_counter() - started)
    return best, rows


def same_answers(name: str, ours: list[tuple[Any, ...]], theirs: list[tuple[Any, ...]]) -> None:
    """Daily and monthly rows must match exactly (days compared as ISO strings)."""
    if name == "campaign_conversion":
        same = [(r[0], r[1], r[2]) for r in ours] == [(r[0], r[1], r[2]) for r in theirs]
    else:
        same = [(str(r[0]), *r[1:]) for r in ours] == [tuple(r) for r in theirs]
    if not same:
        raise SystemExit(f"{name}: DuckDB and SQLite disagree ({len(ours)} vs {len(theirs)} rows)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="200,000 events, under a minute.")
    parser.add_argument("--events", type=int, help="Events to generate (default 10,000,000).")
    parser.add_argument(
        "--baseline-runs", type=int, default=3, help="Timed SQLite runs after the warm-up."
    )
    args = parser.parse_args()
    count = args.events or (200_000 if args.quick else 10_000_000)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.commands import migrate

    migrate()
    started = time.perf_counter()
    workspace, files, rollups_started = generate(count)
    rollup_seconds = time.perf_counter() - rollups_started
    generate_seconds = rollups_started - started
    started = time.perf_counter()
    db = load_sqlite(workspace, files, HOME / "baseline.sqlite3")
    load_seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in files)
    params = {
        "events": count,
        "files": len(files),
        "parquet_bytes": size,
        "parquet_bytes_per_million_events": round(size / (count / 1e6)),
        "generate_seconds": round(generate_seconds, 1),
        "rollup_seconds": round(rollup_seconds, 1),
        "rollup_bytes": sum(
            f.stat().st_size for f in (HOME / "warehouse" / "rollups").rglob("*.parquet")
        ),
        "sqlite_load_seconds": round(load_seconds, 1),
        "sqlite_bytes": (HOME / "baseline.sqlite3").stat().st_size,
        "engine": "DuckDB over Parquet rollups via Ibis",
        "timing": "warm, best of 3",
        "baseline_timing": f"warm, best of {args.baseline_runs}",
        "machine": MACHINE,
    }
    figures = [figure(name, workspace, db, params, args.baseline_runs) for name in SQL]
    # Other sizes keep their own file: the 10M and 100M figures are both quoted.
    results = RESULTS if count == 10_000_000 else RESULTS.with_stem(f"{RESULTS.stem}_{count}")
    results.parent.mkdir(exist_ok=True)
    results.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for item in figures:
        print(json.dumps(item))
    return 0


def figure(
    name: str, workspace: Any, db: sqlite3.Connection, params: dict[str, Any], baseline_runs: int
) -> Any:
    seconds, ours = warm_best(accord_query(workspace, name))
    on_the_fly, computed = warm_best(accord_query(workspace, name, on_the_fly=True))
    baseline, theirs = warm_best(sqlite_query(db, name), baseline_runs)
    same_answers(name, ours, theirs)
    same_answers(name, computed, theirs)
    return {
        "name": f"warehouse_{name}",
        "params": {**params, "rows": len(ours), "on_the_fly_seconds": round(on_the_fly, 3)},
        "value": round(seconds, 3),
        "unit": "s",
        "baseline": {
            "name": "the same query as SQL on SQLite (indexed table)",
            "value": round(baseline, 3),
        },
        "ratio": round(baseline / seconds, 2),
    }


if __name__ == "__main__":
    sys.exit(main())
