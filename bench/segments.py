"""Segment evaluation at scale: a five-filter rule (three behavioural) over contacts and events.

Generates N contacts (bulk SQL inserts into the CRM tables: about 70% French-speaking, 40%
tagged ``newsletter``) and M demo events for them (``build_demo_events``: twelve months of
Maison Lumière written straight to Parquet, with identity links), then times
``accord.segments.evaluation.evaluate_rule`` on this rule:

    all of: language = fr; tagged "newsletter";
            at least 3 page views in the last 90 days;          (behavioural)
            purchases worth 100 or more in the last 365 days;  (behavioural)
            at least one email opened in the last 180 days     (behavioural)

Accord runs the three behavioural filters as one Ibis query on DuckDB over the Parquet
rollups (decision record 0006: ``monthly`` for the whole months of each window, ``activity`` for
its other days, events for part-days; bots left out, anonymous activity stitched through the
identity links, loaded from SQLite once per change of the links), then the contact filters as
one SQL query on SQLite restricted to the contacts the behavioural filters kept (a JSON list of
ids, looked up by primary key).
Baseline, same run, same data: the same rule as Django ORM queries over SQLite — the events
loaded into a throwaway Django model's table (bots dropped and each event's contact resolved
through the identity links at load time, which favours the baseline; a covering index on kind,
ts, contact, value), each behavioural filter an ORM aggregation
(``values().annotate().filter()``) used as a ``pk__in`` subquery of the contact query. Both
must return the same contacts before any figure is printed. Each side runs once to warm, then
the best of three runs is reported (the cold first run is in ``params``).

Target (issue 4): under 2 s at 1,000,000 contacts and 100,000,000 events on 2 cores.
Defaults are those full sizes (hours on a small machine, mostly loading SQLite); ``--contacts``
and ``--events`` choose others, ``--quick`` runs 5,000 contacts and 200,000 events.

Usage: python bench/segments.py [--quick] [--contacts N] [--events N]
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
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# A private ACCORD_HOME (and SQLite) for this run, set before Django reads its settings.
HOME = Path(tempfile.mkdtemp(prefix="accord-bench-segments-"))
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

RESULTS = Path(__file__).resolve().parent / "results" / "segments.json"
MACHINE = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
END = date(2025, 3, 13)
NOW = datetime(2025, 3, 14, tzinfo=UTC)
SEED = 42
RULE: dict[str, Any] = {
    "all": [
        {"type": "field", "field": "language", "op": "eq", "value": "fr"},
        {"type": "tag", "tag": "newsletter", "has": True},
        {"type": "event", "kind": "page_view", "did": True, "min": 3, "window": {"last_days": 90}},
        {"type": "revenue", "op": "gte", "value": 100, "window": {"last_days": 365}},
        {
            "type": "email_engagement",
            "metric": "opened",
            "op": "gte",
            "value": 1,
            "window": {"last_days": 180},
        },
    ]
}
INSERT_CHUNK = 50_000


def insert_contacts(workspace_id: int, count: int) -> list[int]:
    """Insert ``count`` contacts and their "newsletter" tags with executemany; return the ids."""
    import numpy as np
    from django.db import connection

    rng = np.random.default_rng(SEED)
    french = rng.random(count) < 0.7
    tagged = rng.random(count) < 0.4
    stamp = "2024-01-01 00:00:00"
    rows = (
        (
            workspace_id,
            uuid.UUID(int=i + 1, version=4).hex,
            f"contact{i}@exemple.fr",
            "fr" if french[i] else "en",
            stamp,
            stamp,
        )
        for i in range(count)
    )
    connection.ensure_connection()
    db: sqlite3.Connection = connection.connection
    with db:
        db.executemany(
            "INSERT INTO contacts_contact (workspace_id, uid, email, first_name, last_name,"
            " phone, language, company_id, source, owner_id, properties, created_at,"
            " updated_at, erased_at) VALUES (?, ?, ?, '', '', '', ?, NULL, 'bench', NULL,"
            " '{}', ?, ?, NULL)",
            rows,
        )
        tag = db.execute(
            "INSERT INTO contacts_tag (workspace_id, name) VALUES (?, 'newsletter')",
            (workspace_id,),
        ).lastrowid
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM contacts_contact WHERE workspace_id = ? ORDER BY id",
                (workspace_id,),
            )
        ]
        db.executemany(
            "INSERT INTO contacts_contacttag (contact_id, tag_id) VALUES (?, ?)",
            ((ids[i], tag) for i in np.flatnonzero(tagged)),
        )
    return ids


def generate(contacts: int, events: int) -> tuple[Any, list[int], float, float]:
    """The workspace, its contact ids, and the seconds spent on contacts and on events."""
    from accord.accounts.access import Actor
    from accord.accounts.actions import create_workspace
    from accord.warehouse.demo import build_demo_events

    workspace = create_workspace("lumiere", "Maison Lumière", Actor.system("bench"))
    started = time.perf_counter()
    ids = insert_contacts(workspace.pk, contacts)
    contact_seconds = time.perf_counter() - started
    started = time.perf_counter()
    build_demo_events(workspace, ids, seed=SEED, events=events, end=END)
    return workspace, ids, contact_seconds, time.perf_counter() - started


def baseline_model() -> Any:
    """A throwaway Django model for the baseline's events, its table created on the spot."""
    from django.db import connection, models

    class BenchEvent(models.Model):
        contact_id = models.BigIntegerField(null=True)
        kind = models.CharField(max_length=32)
        ts = models.DateTimeField()
        value = models.FloatField(null=True)

        class Meta:
            app_label = "segments"
            db_table = "bench_segment_events"
            managed = False

        def __str__(self) -> str:
            return f"{self.kind} {self.contact_id} {self.ts}"

    with connection.schema_editor() as editor:
        editor.create_model(BenchEvent)
    return BenchEvent


def load_baseline(workspace: Any, model: Any) -> int:
    """Copy every human event into the model's table, its contact resolved; index it."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from django.db import connection

    from accord.warehouse import store
    from accord.warehouse.config import warehouse_config
    from accord.warehouse.queries import identity_links

    links = identity_links(workspace)
    table = model._meta.db_table
    insert = f"INSERT INTO {table} (contact_id, kind, ts, value) VALUES (?, ?, ?, ?)"  # noqa: S608
    connection.ensure_connection()
    db: sqlite3.Connection = connection.connection
    loaded = 0
    columns = ["contact_id", "anonymous_id", "kind", "ts", "value", "bot"]
    with db:
        db.execute("PRAGMA synchronous = OFF")
        for file in store.part_files(warehouse_config().events_root, workspace.pk):
            for batch in pq.ParquetFile(str(file)).iter_batches(INSERT_CHUNK, columns=columns):
                humans = batch.filter(pc.invert(pc.fill_null(batch.column("bot"), False)))
                linked = pc.take(
                    links.column("contact_id"),
                    pc.index_in(
                        humans.column("anonymous_id"), value_set=links.column("anonymous_id")
                    ),
                )
                contact = pc.coalesce(humans.column("contact_id"), linked)
                # Django's SQLite text format; %S keeps the microseconds ("05.250000").
                ts = pc.strftime(humans.column("ts"), format="%Y-%m-%d %H:%M:%S")
                db.executemany(
                    insert,
                    zip(
                        contact.to_pylist(),
                        humans.column("kind").to_pylist(),
                        ts.to_pylist(),
                        humans.column("value").to_pylist(),
                        strict=True,
                    ),
                )
                loaded += humans.num_rows
        db.execute(f"CREATE INDEX bench_events_kind_ts ON {table} (kind, ts, contact_id, value)")
        db.execute("ANALYZE")
    return loaded


def baseline_ids(workspace: Any, model: Any) -> frozenset[int]:
    """The rule as Django ORM queries: contact filters, three aggregations as subqueries."""
    from django.db.models import Count, Sum

    from accord.contacts.models import Contact

    def since(days: int) -> datetime:
        return NOW - timedelta(days=days)

    views = (
        model.objects.filter(kind="page_view", ts__gte=since(90), contact_id__isnull=False)
        .values("contact_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
        .values("contact_id")
    )
    revenue = (
        model.objects.filter(kind="purchase", ts__gte=since(365), contact_id__isnull=False)
        .values("contact_id")
        .annotate(total=Sum("value"))
        .filter(total__gte=100)
        .values("contact_id")
    )
    opened = model.objects.filter(
        kind="email_opened", ts__gte=since(180), contact_id__isnull=False
    ).values("contact_id")
    contacts = (
        Contact.objects.filter(
            workspace=workspace,
            erased_at__isnull=True,
            language__iexact="fr",
            tags__name="newsletter",
        )
        .filter(pk__in=views)
        .filter(pk__in=revenue)
        .filter(pk__in=opened)
    )
    return frozenset(contacts.values_list("pk", flat=True))


def accord_ids(workspace: Any) -> frozenset[int]:
    from accord.segments.evaluation import evaluate_rule

    return evaluate_rule(workspace, RULE, now=NOW)


def timed(run: Callable[[], frozenset[int]]) -> tuple[float, float, float, frozenset[int]]:
    """(cold seconds, best of three warm seconds, best of three CPU seconds, the ids).

    CPU seconds are this process's, every thread included (DuckDB's workers too): on a shared
    machine they show the work done, which the wall clock mixes with waiting for a core.
    """
    started = time.perf_counter()
    ids = run()
    cold = time.perf_counter() - started
    best = cpu = float("inf")
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        ids = run()
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    return cold, best, cpu, ids


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="5,000 contacts, 200,000 events.")
    parser.add_argument("--contacts", type=int, help="Contacts (default 1,000,000).")
    parser.add_argument("--events", type=int, help="Events (default 100,000,000).")
    parser.add_argument("--keep", action="store_true", help=f"Keep the data in {HOME}.")
    args = parser.parse_args()
    try:
        return run(args)
    finally:
        if not args.keep:
            shutil.rmtree(HOME, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    """Generate the data, time Accord and the baseline, print and save the figure."""
    contacts = args.contacts or (5_000 if args.quick else 1_000_000)
    events = args.events or (200_000 if args.quick else 100_000_000)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.commands import migrate

    migrate()
    workspace, _ids, contact_seconds, event_seconds = generate(contacts, events)
    model = baseline_model()
    started = time.perf_counter()
    loaded = load_baseline(workspace, model)
    load_seconds = time.perf_counter() - started

    cold, seconds, cpu, ours = timed(lambda: accord_ids(workspace))
    baseline_cold, baseline, baseline_cpu, theirs = timed(lambda: baseline_ids(workspace, model))
    if ours != theirs:
        only = len(ours - theirs), len(theirs - ours)
        raise SystemExit(f"Accord and the ORM baseline disagree (only ours, only theirs: {only})")
    figure = {
        "name": "segments_rule_evaluation",
        "params": {
            "contacts": contacts,
            "events": events,
            "matching_contacts": len(ours),
            "rule": "5 filters: language, tag, and 3 behavioural (page views, revenue, opens)",
            "generate_contacts_seconds": round(contact_seconds, 1),
            "generate_events_seconds": round(event_seconds, 1),
            "baseline_rows_loaded": loaded,
            "baseline_load_seconds": round(load_seconds, 1),
            "accord_cold_seconds": round(cold, 3),
            "baseline_cold_seconds": round(baseline_cold, 3),
            "accord_cpu_seconds": round(cpu, 3),
            "baseline_cpu_seconds": round(baseline_cpu, 3),
            "engine": "DuckDB over Parquet rollups via Ibis (behaviour), then SQLite (contact "
            "filters, restricted to the behaviour candidates)",
            "timing": "warm, best of 3",
            "target": "< 2 s at 1,000,000 contacts and 100,000,000 events on 2 cores",
            "machine": MACHINE,
        },
        "value": round(seconds, 3),
        "unit": "s",
        "baseline": {
            "name": "the same rule as Django ORM aggregation subqueries over SQLite tables "
            "(events pre-resolved to contacts, bots dropped, covering index)",
            "value": round(baseline, 3),
        },
        "ratio": round(baseline / seconds, 2),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps([figure], indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figure))
    return 0


if __name__ == "__main__":
    sys.exit(main())
