"""Event ingestion and analytics: Accord's batched durable inbox and DuckDB over Parquet.

Figure 1, ``ingest_events_durable``: events per second through
``accord.warehouse.actions.ingest_events`` in batches of 1,000, each batch committed to the
SQLite inbox with ``synchronous=FULL`` before the call returns (what a 200 of
``POST /api/v1/events`` promises), then flushed to Parquet. Baseline, same run and same events:
the same function called once per event (one durable transaction per event), what an endpoint
receiving one hit per request pays.

Figure 2, ``daily_channel_counts``: events and distinct visitors per day and channel over a year
of demo events (``build_demo_events``), with the Ibis expression on DuckDB over the Parquet
files (identity stitching and bot filtering included). Baseline, same events: the equivalent
``GROUP BY`` through the Django ORM on the operational SQLite database (no stitching, so less
work than Accord does).

Usage: python bench/ingest.py [--quick] [--events N] [--baseline-events N] [--query-events N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# A private ACCORD_HOME (and SQLite) for this run, set before Django reads its settings.
HOME = Path(tempfile.mkdtemp(prefix="accord-bench-ingest-"))
os.environ["ACCORD_HOME"] = str(HOME)
for name in ("DATABASE_URL", "REDIS_URL", "ACCORD_WAREHOUSE_URL", "ACCORD_WAREHOUSE_BACKEND"):
    os.environ.pop(name, None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"
MACHINE = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
NOW = datetime(2025, 3, 14, 12, tzinfo=UTC)
KINDS = ("page_view", "page_view", "page_view", "click", "form_submit", "purchase")


def make_events(count: int, seed: int) -> list[dict[str, Any]]:
    """Browser-like events over the last day, deterministic for a seed."""
    rng = random.Random(seed)
    events = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        event: dict[str, Any] = {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "ts": (NOW - timedelta(seconds=rng.randrange(86_400))).isoformat(),
            "kind": kind,
            "anonymous_id": f"v-{rng.randrange(count // 5 + 1)}",
            "session_id": f"s-{i // 4}",
            "url": f"https://maison-lumiere.example/boutique/{rng.randrange(40)}",
            "utm_source": "instagram",
            "utm_medium": "social",
            "utm_campaign": "expo-lumiere",
            "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15",
        }
        if kind == "purchase":
            event.update(value=round(rng.uniform(20, 900), 2), currency="EUR")
        events.append(event)
    return events


def _workspace(slug: str) -> Any:
    from accord.accounts.access import Actor
    from accord.accounts.actions import create_workspace

    return create_workspace(slug, slug.title(), Actor.system("bench"))


def bench_ingest(count: int, baseline_count: int) -> dict[str, Any]:
    from django.db import connection

    from accord.warehouse.actions import flush_inbox, ingest_events

    events = make_events(count, seed=1)
    baseline_ws, accord_ws = _workspace("baseline"), _workspace("accord")
    started = time.perf_counter()
    for event in events[:baseline_count]:
        ingest_events(baseline_ws, [event], source="bench", now=NOW)
        connection.close()  # a new request, a new connection: synchronous=FULL again
    baseline = baseline_count / (time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, count, 1000):
        ingest_events(accord_ws, events[start : start + 1000], source="bench", now=NOW)
    seconds = time.perf_counter() - started
    flush_started = time.perf_counter()
    flushed = flush_inbox(accord_ws)
    flush_seconds = time.perf_counter() - flush_started
    params = {
        "events": count,
        "batch": 1000,
        "database": "SQLite (WAL, synchronous=FULL)",
        "machine": MACHINE,
        "baseline_events": baseline_count,
        "seconds": round(seconds, 2),
        "flushed": flushed.written,
        "flush_events_per_s": round(flushed.written / flush_seconds, 1),
    }
    base = ("ingest_events, one event (one durable transaction) per call", baseline)
    return figure("ingest_events_durable", params, count / seconds, "events/s", base)


def _load_into_sqlite(workspace: Any, files: list[Path]) -> int:
    """Copy the demo events into the inbox table (marked flushed), as an all-SQL store would."""
    import pyarrow.parquet as pq

    from accord.warehouse.models import InboxEvent

    loaded = 0
    for path in files:
        rows = [_inbox_values(row) for row in pq.read_table(path).to_pylist()]
        InboxEvent.objects.bulk_create(
            [InboxEvent(workspace=workspace, flushed_at=NOW, **row) for row in rows],
            batch_size=2000,
        )
        loaded += len(rows)
    return loaded


def _inbox_values(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as InboxEvent fields: nulls become blanks, properties a dict."""
    values = {key: ("" if value is None else value) for key, value in row.items()}
    values.update(
        contact_id=row["contact_id"], value=row["value"], properties=json.loads(row["properties"])
    )
    return values


def bench_query(count: int) -> dict[str, Any]:
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from accord.warehouse import backend, expressions, store
    from accord.warehouse.config import warehouse_config
    from accord.warehouse.demo import build_demo_events
    from accord.warehouse.models import InboxEvent
    from accord.warehouse.queries import analytics_tables

    accord_ws, baseline_ws = _workspace("demo"), _workspace("demo-sql")
    contacts = list(range(1, 5001))
    build_demo_events(accord_ws, contacts, seed=42, events=count, end=date(2025, 3, 13))
    files = store.part_files(warehouse_config().events_root, accord_ws.pk)
    _load_into_sqlite(baseline_ws, files)

    def baseline() -> list[Any]:
        return list(
            InboxEvent.objects.filter(workspace=baseline_ws, bot=False)
            .annotate(day=TruncDate("ts", tzinfo=UTC))
            .values("day", "channel")
            .annotate(events=Count("id"), visitors=Count("anonymous_id", distinct=True))
            .order_by("day", "channel")
        )

    def accord() -> list[dict[str, Any]]:
        with analytics_tables(accord_ws) as tables:
            return backend.to_rows(expressions.daily_channel_counts(tables.visits))

    baseline_seconds, baseline_rows = _best_of(baseline)
    seconds, rows = _best_of(accord)
    params = {
        "events": count,
        "files": len(files),
        "rows": len(rows),
        "baseline_rows": len(baseline_rows),
        "engine": "DuckDB over Parquet via Ibis",
        "machine": MACHINE,
    }
    base = ("Django ORM GROUP BY on the SQLite events table", baseline_seconds)
    result = figure("daily_channel_counts", params, seconds, "s", base)
    result["ratio"] = round(baseline_seconds / seconds, 2)
    return result


def _best_of(run: Any, times: int = 3) -> tuple[float, list[Any]]:
    """The fastest of ``times`` runs (the first warms caches and imports) and its rows."""
    best, rows = float("inf"), list[Any]()
    for _ in range(times):
        started = time.perf_counter()
        rows = run()
        best = min(best, time.perf_counter() - started)
    return best, rows


def figure(
    name: str, params: dict[str, Any], value: float, unit: str, base: tuple[str, float]
) -> dict[str, Any]:
    return {
        "name": name,
        "params": params,
        "value": round(value, 3 if unit == "s" else 1),
        "unit": unit,
        "baseline": {"name": base[0], "value": round(base[1], 3 if unit == "s" else 1)},
        "ratio": round(value / base[1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes, under a minute.")
    parser.add_argument("--events", type=int)
    parser.add_argument("--baseline-events", type=int)
    parser.add_argument("--query-events", type=int)
    args = parser.parse_args()
    count = args.events or (20_000 if args.quick else 200_000)
    baseline_count = args.baseline_events or (500 if args.quick else 5_000)
    query_count = args.query_events or (50_000 if args.quick else 1_000_000)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.commands import migrate

    migrate()
    figures = [bench_ingest(count, baseline_count), bench_query(query_count)]
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for item in figures:
        print(json.dumps(item))
    return 0


if __name__ == "__main__":
    sys.exit(main())
