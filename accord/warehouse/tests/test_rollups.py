"""Rollups give the answers of the raw events: computed, stored, stale, after new links."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ibis.expr.types import Table

from accord.accounts.models import Workspace
from accord.contacts.models import Contact
from accord.warehouse import expressions, rollups, store
from accord.warehouse.actions import (
    apply_retention,
    compact_workspace,
    erase_contact_events,
    flush_inbox,
    ingest_events,
    stitch_identity,
)
from accord.warehouse.config import warehouse_config
from accord.warehouse.models import WarehouseSettings
from accord.warehouse.queries import analytics_tables
from accord.warehouse.tests.conftest import NOW, EventFactory

CHANNELS = ["search", "social", "email", None]
CAMPAIGNS = ["expo", "soldes", None, None]


def _random_history(seed: int, count: int = 400) -> tuple[pa.Table, pa.Table]:
    """Events over ~40 days where linked visitors and their contacts share days and channels."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        who = rng.randrange(30)
        contact = 100 + who % 8 if who < 12 and rng.random() < 0.5 else None
        rows.append(
            {
                "event_id": f"00000000-0000-4000-8000-{n:012d}",
                "ts": NOW - timedelta(days=rng.randrange(40), minutes=rng.randrange(1440)),
                "kind": rng.choice(["page_view", "page_view", "purchase", "email_opened"]),
                "contact_id": contact,
                "anonymous_id": None if who == 29 else f"a{who}",
                "channel": rng.choice(CHANNELS),
                "utm_campaign": rng.choice(CAMPAIGNS),
                "value": float(rng.randrange(1, 90)),
                "bot": rng.random() < 0.05,
            }
        )
    linked = sorted(rng.sample(range(12), 7))
    links = pa.table(
        {
            "anonymous_id": [f"a{who}" for who in linked],
            "contact_id": pa.array([100 + who % 8 for who in linked], pa.int64()),
        }
    )
    return store.events_table(rows), links


def _rows(expr: Any, connection: Any = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = (connection or ibis.duckdb.connect()).to_pyarrow(expr).to_pylist()
    return rows


def _reference(visits: Table, name: str) -> Table:
    """The same figure as a plain distinct count over every resolved event."""
    if name == "daily_channel_counts":
        grouped = visits.group_by(["day", "channel"]).aggregate(
            events=visits.count(), visitors=visits.person.nunique()
        )
        return grouped.order_by(["day", "channel"])
    if name == "daily_visitors":
        return visits.group_by("day").aggregate(visitors=visits.person.nunique()).order_by("day")
    dated = visits.mutate(month=visits.day.truncate("M"))
    return dated.group_by("month").aggregate(visitors=dated.person.nunique()).order_by("month")


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("name", ["daily_channel_counts", "daily_visitors", "monthly_visitors"])
def test_visitor_counts_from_rollups_equal_distinct_people_over_the_events(
    seed: int, name: str
) -> None:
    events, links = _random_history(seed)
    visits = expressions.visitor_events(ibis.memtable(events), ibis.memtable(links))
    rolled = expressions.rollups(ibis.memtable(events), ibis.memtable(links))

    assert _rows(getattr(expressions, name)(rolled)) == _rows(_reference(visits, name))
    assert ibis.duckdb.connect().execute(
        expressions.unique_visitors(rolled)
    ) == ibis.duckdb.connect().execute(visits.person.nunique())


def _flushed(workspace: Workspace, events: list[dict[str, Any]]) -> None:
    ingest_events(workspace, events, source="api", now=NOW)
    flush_inbox(workspace)


def _stored_figures(workspace: Workspace) -> dict[str, Any]:
    with analytics_tables(workspace) as tables:
        return {
            name: _rows(getattr(expressions, name)(tables.rollups), tables.connection)
            for name in ("daily_channel_counts", "monthly_visitors", "campaign_conversion")
        }


def _computed_figures(workspace: Workspace) -> dict[str, Any]:
    """The same figures with the rollups computed from the events, ignoring the files."""
    with analytics_tables(workspace) as tables:
        computed = expressions.rollups(tables.events, tables.links)
        return {
            name: _rows(getattr(expressions, name)(computed), tables.connection)
            for name in ("daily_channel_counts", "monthly_visitors", "campaign_conversion")
        }


def _rollup_files(root: Path) -> list[Path]:
    return sorted((root / "rollups").rglob("*.parquet"))


def _history(make_event: EventFactory) -> list[dict[str, Any]]:
    return [
        make_event(ts=(NOW - timedelta(days=33)).isoformat(), anonymous_id="v1", channel="social"),
        make_event(ts=(NOW - timedelta(days=2)).isoformat(), anonymous_id="v1", utm_campaign="x"),
        make_event(ts=(NOW - timedelta(days=2)).isoformat(), anonymous_id="v2", channel="email"),
        make_event(
            ts=(NOW - timedelta(days=1)).isoformat(), anonymous_id="v1", kind="purchase", value=40
        ),
        make_event(ts=(NOW - timedelta(hours=3)).isoformat(), contact_id=None, anonymous_id="v3"),
    ]


@pytest.mark.django_db
def test_a_flush_writes_the_rollups_of_its_days_and_months(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    _flushed(workspace, _history(make_event))

    files = _rollup_files(warehouse_dir)
    days = {p.parent.name for p in files if p.parent.name.startswith("day=")}
    assert days == {"day=2025-02-09", "day=2025-03-12", "day=2025-03-13", "day=2025-03-14"}
    assert {p.parent.name for p in files if p.name.startswith("months-")} == {
        "month=2025-02",
        "month=2025-03",
    }
    assert len(files) == 4 * 5 + 2 * 6  # 5 tables a day; 4 gathered, months and monthly a month
    result = rollups.refresh(warehouse_dir, warehouse_config().events_root, workspace.pk)
    assert result == rollups.RefreshResult(0, 0, 0)  # nothing stale: nothing rebuilt
    assert _stored_figures(workspace)["monthly_visitors"] == [
        {"month": date(2025, 2, 1), "visitors": 1},
        {"month": date(2025, 3, 1), "visitors": 3},
    ]


@pytest.mark.django_db
def test_stale_rollups_are_never_read_and_a_refresh_replaces_them(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    _flushed(workspace, _history(make_event))
    before = _rollup_files(warehouse_dir)
    # A file written behind the rollups' back (a writer that crashed before its refresh).
    late = make_event(ts=(NOW - timedelta(days=2)).isoformat(), anonymous_id="v9", channel="email")
    day = (NOW - timedelta(days=2)).date()
    table = store.events_table([{**late, "ts": NOW - timedelta(days=2), "bot": False}])
    store.write_part(warehouse_config().events_root, workspace.pk, day, table)

    figures = _stored_figures(workspace)
    assert figures == _computed_figures(workspace)
    email = [r for r in figures["daily_channel_counts"] if r["channel"] == "email"]
    assert email == [{"day": day, "channel": "email", "events": 2, "visitors": 2}]

    result = rollups.refresh(warehouse_dir, warehouse_config().events_root, workspace.pk, grace=0)
    assert (result.days_built, result.months_built) == (1, 1)
    assert result.removed == 5 + 6  # the day's five rollups and its month's six
    assert len(_rollup_files(warehouse_dir)) == len(before)
    assert _stored_figures(workspace) == figures


@pytest.mark.django_db
def test_links_made_after_the_rollups_count_at_once(
    workspace: Workspace, make_event: EventFactory
) -> None:
    contact = Contact.objects.create(workspace=workspace, email="lea@example.org")
    _flushed(
        workspace,
        [
            *_history(make_event),
            make_event(ts=(NOW - timedelta(days=2)).isoformat(), contact_id=contact.pk),
        ],
    )
    march = {"month": date(2025, 3, 1), "visitors": 4}
    assert _stored_figures(workspace)["monthly_visitors"][1] == march

    stitch_identity(workspace, "v1", contact.pk)
    stitch_identity(workspace, "v2", contact.pk)

    figures = _stored_figures(workspace)
    assert figures["monthly_visitors"][1] == {"month": date(2025, 3, 1), "visitors": 2}
    assert figures == _computed_figures(workspace)
    assert figures["campaign_conversion"] == [
        {
            "utm_campaign": "x",
            "visitors": 1,
            "purchasers": 1,
            "revenue": 40.0,
            "conversion_rate": 1.0,
        }
    ]


@pytest.mark.django_db
def test_compaction_retention_and_erasure_leave_no_stale_rollup(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    contact = Contact.objects.create(workspace=workspace, email="lea@example.org")
    _flushed(workspace, _history(make_event))
    _flushed(
        workspace, [make_event(ts=(NOW - timedelta(days=2)).isoformat(), contact_id=contact.pk)]
    )

    compact_workspace(workspace)
    WarehouseSettings.objects.create(workspace=workspace, retention_days=30)
    apply_retention(workspace, today=NOW.date())
    erase_contact_events(workspace.pk, contact.pk, ["v1"], "erased-1")

    files = _rollup_files(warehouse_dir)
    assert "day=2025-02-09" not in {p.parent.name for p in files}  # dropped with its events
    assert "month=2025-02" not in {p.parent.name for p in files}
    current = rollups.layout(warehouse_config().events_root, workspace.pk)
    fingerprints = {f"{day:%Y-%m-%d}": fp for day, fp in current.fingerprints.items()}
    for path in files:
        if path.parent.name.startswith("day="):
            assert path.stem.endswith(fingerprints[path.parent.name.removeprefix("day=")])
    stored = pa.concat_tables(pq.read_table(str(p)) for p in files if "visitors-" in p.name)
    assert contact.pk not in stored.column("contact_id").to_pylist()
    assert "v1" not in stored.column("anonymous_id").to_pylist()
    assert _stored_figures(workspace) == _computed_figures(workspace)


@pytest.mark.django_db
def test_superseded_rollups_stay_readable_for_a_while_then_go(
    workspace: Workspace, make_event: EventFactory, warehouse_dir: Path
) -> None:
    _flushed(workspace, _history(make_event))
    before = set(_rollup_files(warehouse_dir))
    _flushed(workspace, [make_event(ts=(NOW - timedelta(hours=2)).isoformat(), anonymous_id="v7")])

    superseded = before - set(_rollup_files(warehouse_dir))
    assert superseded == set()  # a query that listed them a moment ago can still open them
    after = set(_rollup_files(warehouse_dir)) - before
    assert {p.parent.name for p in after} == {"day=2025-03-14", "month=2025-03"}
    events_root = warehouse_config().events_root
    assert rollups.refresh(warehouse_dir, events_root, workspace.pk).removed == 0
    noted = json.loads(
        (rollups.rollups_root(warehouse_dir, workspace.pk) / "superseded.json").read_text()
    )
    assert len(noted) == 5 + 6  # today's five rollups and March's six

    result = rollups.refresh(warehouse_dir, events_root, workspace.pk, grace=0)

    assert result.removed == 5 + 6
    assert set(_rollup_files(warehouse_dir)) == (before | after) - set(map(Path, noted))
