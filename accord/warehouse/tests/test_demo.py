"""build_demo_events: exact volume, deterministic for a seed, campaigns, stitched visitors."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from accord.accounts.access import Actor
from accord.accounts.actions import create_workspace
from accord.accounts.models import Workspace
from accord.warehouse import backend
from accord.warehouse.demo import PROFILES, build_demo_events
from accord.warehouse.models import IdentityLink
from accord.warehouse.queries import analytics_tables, contact_journey, warehouse_stats

END = date(2025, 3, 13)


def _winter(workspace: Workspace, seed: int, events: int, *, replace: bool = False) -> int:
    """Ten weeks: the end of expo-lumière, Noël, the winter sales and the January salon."""
    return build_demo_events(
        workspace, CONTACTS, seed, events, end=date(2025, 1, 31), days=70, replace=replace
    )


CONTACTS = list(range(101, 301))


def _events(root: Path, workspace: Workspace) -> pa.Table:
    files = sorted((root / "events" / f"workspace={workspace.pk}").rglob("part-*.parquet"))
    return pa.concat_tables(pq.read_table(f) for f in files)


@pytest.mark.django_db
def test_it_writes_the_exact_volume_over_365_days(
    workspace: Workspace, warehouse_dir: Path
) -> None:
    written = build_demo_events(workspace, CONTACTS, seed=5, events=20_000, end=END)

    stats = warehouse_stats(workspace)
    assert (written, stats.events, stats.days, stats.files) == (20_000, 20_000, 365, 365)
    assert stats.first_ts is not None
    assert stats.first_ts.date() == date(2024, 3, 14)
    assert set(stats.by_kind) == {
        "page_view", "click", "purchase", "form_submit", "email_sent", "email_opened",
        "email_clicked",
    }  # fmt: skip
    assert 0 < stats.bot_events < 1_000


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_events(workspace: Workspace, warehouse_dir: Path) -> None:
    twin = create_workspace("twin", "Twin", Actor.system())
    _winter(workspace, 9, 3_000)
    _winter(twin, 9, 3_000)

    assert _events(warehouse_dir, workspace).equals(_events(warehouse_dir, twin))


@pytest.mark.django_db
def test_it_is_built_once_unless_replaced(workspace: Workspace, warehouse_dir: Path) -> None:
    _winter(workspace, 1, 2_000)

    again = _winter(workspace, 2, 5_000)
    replaced = _winter(workspace, 2, 3_000, replace=True)

    assert (again, replaced, warehouse_stats(workspace).events) == (2_000, 3_000, 3_000)


@pytest.mark.django_db
def test_campaigns_carry_utm_tags_and_purchases_are_in_euros(
    workspace: Workspace, warehouse_dir: Path
) -> None:
    _winter(workspace, 4, 10_000)
    events = _events(warehouse_dir, workspace).to_pylist()

    campaigns = {row["utm_campaign"] for row in events} - {None}
    purchases = [row for row in events if row["kind"] == "purchase"]
    assert campaigns == {
        "expo-lumiere", "noel-atelier", "soldes-hiver", "salon-maison-objet", "newsletter",
    }  # fmt: skip
    assert purchases
    assert {row["currency"] for row in purchases} == {"EUR"}
    assert all(row["value"] >= 15 for row in purchases)
    assert {row["channel"] for row in events} == {
        "search", "direct", "social", "paid", "email", "referral", "press",
    }  # fmt: skip


@pytest.mark.django_db
def test_weekends_are_busier_than_mondays(workspace: Workspace, warehouse_dir: Path) -> None:
    _winter(workspace, 4, 10_000)
    days = [row["ts"].weekday() for row in _events(warehouse_dir, workspace).to_pylist()]

    assert days.count(5) > days.count(0) * 1.2


@pytest.mark.django_db
def test_visitors_who_signed_up_later_have_stitched_journeys(
    workspace: Workspace, warehouse_dir: Path
) -> None:
    _winter(workspace, 4, 10_000)
    links = list(IdentityLink.objects.filter(workspace=workspace, source="demo"))

    stitched = [contact_journey(workspace, link.contact_id) for link in links[:5]]

    assert 80 < len(links) < 160  # about 60 % of 200 contacts browsed anonymously first
    assert any(step.stitched for journey in stitched for step in journey)
    with analytics_tables(workspace) as tables:
        people = backend.to_rows(tables.visits.select("person").distinct())
    assert sum(1 for row in people if row["person"].startswith("c:")) > 50


@pytest.mark.django_db
def test_visitors_keep_to_their_habits(workspace: Workspace, warehouse_dir: Path) -> None:
    _winter(workspace, 6, 30_000)
    events = _events(warehouse_dir, workspace).filter(pc.invert(pc.field("bot")))
    views = events.filter(pc.field("kind") == "page_view").to_pylist()
    readers = [v for v in views if _profile(v["anonymous_id"]) == 1]  # Instagram-led blog readers
    assert _share(readers, "channel", "social") > 2 * _share(views, "channel", "social")
    assert _share(readers, "url", "/blog/") > 2 * _share(views, "url", "/blog/")
    buyers = [
        _profile(p["anonymous_id"])
        for p in events.filter(pc.field("kind") == "purchase").to_pylist()
    ]
    assert buyers.count(0) > 0.4 * len(buyers)  # shop regulars (a quarter of visitors) buy most


def _profile(anonymous_id: str) -> int:
    return int(anonymous_id.removeprefix("v-")) % len(PROFILES)


def _share(rows: list[dict[str, Any]], column: str, text: str) -> float:
    return sum(1 for row in rows if text in (row[column] or "")) / len(rows)
