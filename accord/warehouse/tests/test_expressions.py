"""The analytics expressions on DuckDB give the exact figures of a small hand-made history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import ibis
import pyarrow as pa
import pytest
from ibis.expr.types import Table

from accord.warehouse import expressions, store


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=UTC)


def _event(n: int, ts: datetime, kind: str = "page_view", **fields: Any) -> dict[str, Any]:
    return {"event_id": f"00000000-0000-4000-8000-{n:012d}", "ts": ts, "kind": kind, **fields}


HISTORY = [
    # a1 browses anonymously (two sessions on the 10th), later known as contact 7.
    _event(1, _at(10, 10), anonymous_id="a1", channel="social", utm_campaign="expo"),
    _event(2, _at(10, 10, 10), anonymous_id="a1", channel="social"),
    _event(3, _at(10, 11), anonymous_id="a1", channel="direct"),
    _event(4, _at(11, 9), "purchase", contact_id=7, channel="email", value=100.0, currency="EUR"),
    # a2 sees the expo campaign and never buys.
    _event(5, _at(10, 12), anonymous_id="a2", channel="social", utm_campaign="expo"),
    # a3 buys within the soldes visit.
    _event(6, _at(11, 13), anonymous_id="a3", channel="paid", utm_campaign="soldes"),
    _event(7, _at(11, 13, 5), "purchase", anonymous_id="a3", channel="paid", value=50.0),
    # contact 9 bought before touching expo: not a conversion of expo.
    _event(8, _at(9, 8), "purchase", contact_id=9, channel="direct", value=30.0),
    _event(9, _at(10, 15), contact_id=9, channel="social", utm_campaign="expo"),
    # A crawler, left out everywhere.
    _event(10, _at(10, 16), anonymous_id="b1", channel="social", utm_campaign="expo", bot=True),
]


EVENTS = store.events_table([{"bot": False, **row} for row in HISTORY])
LINKS = pa.table({"anonymous_id": ["a1"], "contact_id": pa.array([7], pa.int64())})


@pytest.fixture
def visits() -> Table:
    return expressions.visitor_events(ibis.memtable(EVENTS), ibis.memtable(LINKS))


@pytest.fixture
def rollups() -> expressions.Rollups:
    return expressions.rollups(ibis.memtable(EVENTS), ibis.memtable(LINKS))


def _rows(expr: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ibis.duckdb.connect().to_pyarrow(expr).to_pylist()
    return rows


def test_anonymous_events_are_stitched_and_bots_dropped(
    visits: Table, rollups: expressions.Rollups
) -> None:
    people = _rows(visits.select("event_id", "person").order_by("event_id"))

    assert [row["person"] for row in people] == [
        "c:7", "c:7", "c:7", "c:7", "a:a2", "a:a3", "a:a3", "c:9", "c:9",
    ]  # fmt: skip
    assert ibis.duckdb.connect().execute(expressions.unique_visitors(rollups)) == 4


def test_daily_channel_counts(rollups: expressions.Rollups) -> None:
    assert _rows(expressions.daily_channel_counts(rollups)) == [
        {"day": date(2025, 3, 9), "channel": "direct", "events": 1, "visitors": 1},
        {"day": date(2025, 3, 10), "channel": "direct", "events": 1, "visitors": 1},
        {"day": date(2025, 3, 10), "channel": "social", "events": 4, "visitors": 3},
        {"day": date(2025, 3, 11), "channel": "email", "events": 1, "visitors": 1},
        {"day": date(2025, 3, 11), "channel": "paid", "events": 2, "visitors": 1},
    ]


def test_daily_visitors(rollups: expressions.Rollups) -> None:
    assert _rows(expressions.daily_visitors(rollups)) == [
        {"day": date(2025, 3, 9), "visitors": 1},
        {"day": date(2025, 3, 10), "visitors": 3},
        {"day": date(2025, 3, 11), "visitors": 2},
    ]


def test_campaign_conversion_counts_purchases_after_the_first_touch(
    rollups: expressions.Rollups,
) -> None:
    assert _rows(expressions.campaign_conversion(rollups)) == [
        {
            "utm_campaign": "expo",
            "visitors": 3,
            "purchasers": 1,
            "revenue": 100.0,
            "conversion_rate": pytest.approx(1 / 3),
        },
        {
            "utm_campaign": "soldes",
            "visitors": 1,
            "purchasers": 1,
            "revenue": 50.0,
            "conversion_rate": 1.0,
        },
    ]


def test_sessions_split_after_thirty_minutes_of_inactivity(visits: Table) -> None:
    rows = _rows(expressions.sessions(visits).select("person", "session_number", "events"))

    assert [tuple(row.values()) for row in rows] == [
        ("a:a2", 1, 1),
        ("a:a3", 1, 2),
        ("c:7", 1, 2),
        ("c:7", 2, 1),
        ("c:7", 3, 1),
        ("c:9", 1, 1),
        ("c:9", 2, 1),
    ]


def test_daily_sessions(visits: Table) -> None:
    assert _rows(expressions.daily_sessions(visits)) == [
        {"day": date(2025, 3, 9), "sessions": 1, "bounces": 1, "mean_duration_seconds": 0.0},
        {"day": date(2025, 3, 10), "sessions": 4, "bounces": 3, "mean_duration_seconds": 150.0},
        {"day": date(2025, 3, 11), "sessions": 2, "bounces": 1, "mean_duration_seconds": 150.0},
    ]
