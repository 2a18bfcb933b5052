"""channel_recommendation over real Parquet files: who was reached, engaged and converted where."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from accord.accounts.models import Workspace
from accord.segments.channels import channel_recommendation
from accord.warehouse import store
from accord.warehouse.actions import stitch_identities
from accord.warehouse.config import warehouse_config

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def warehouse_dir(settings: Settings, tmp_path: Path) -> Path:
    """A warehouse folder of this test only (workspace ids repeat across tests)."""
    path = tmp_path / "warehouse"
    settings.ACCORD_WAREHOUSE_DIR = str(path)
    return path


def event(
    kind: str, *, contact: int | None = None, days_ago: float = 1, **fields: Any
) -> dict[str, Any]:
    """A stored event row (EVENT_SCHEMA); a page view from search unless told otherwise."""
    row: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "ts": NOW - timedelta(days=days_ago),
        "kind": kind,
        "contact_id": contact,
        "channel": "search",
        "url": "https://maison-lumiere.example/",
        "properties": "{}",
        "bot": False,
        "source": "test",
    }
    row.update(fields)
    row["received_at"] = row["ts"]
    return row


def write_events(workspace: Workspace, rows: list[dict[str, Any]]) -> None:
    """Publish the rows as Parquet files, one per UTC day, as a flush would."""
    root = warehouse_config().events_root
    by_day: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_day[row["ts"].date()].append(row)
    for day, day_rows in by_day.items():
        store.write_part(root, workspace.pk, day, store.events_table(day_rows), durable=False)


@pytest.mark.django_db
def test_rates_count_members_reached_engaged_and_converted_per_channel(
    workspace: Workspace,
) -> None:
    write_events(
        workspace,
        [
            # Contact 1: email sent and opened, then a purchase from an email visit.
            event("email_sent", contact=1, channel="email"),
            event("email_opened", contact=1, channel="email"),
            event("purchase", contact=1, channel="email", value=80.0),
            # Contact 2: email sent, never opened; browses from Instagram and clicks.
            event("email_sent", contact=2, channel="email"),
            event("page_view", contact=2, channel="social", utm_source="Instagram"),
            event("click", contact=2, channel="social", utm_source="instagram"),
            # Contact 3 (not in the group): Instagram visit that converts.
            event("page_view", contact=3, channel="social", utm_source="instagram"),
            event("form_submit", contact=3, channel="social", utm_source="instagram"),
            # A bot's purchase never counts.
            event("purchase", contact=1, channel="paid", bot=True),
        ],
    )

    advice = channel_recommendation(workspace, [1, 2], prior_weight=10)

    by_channel = {s.channel: s for s in advice.channels}
    assert advice.members == 2
    assert sorted(by_channel) == ["email", "instagram"]
    email, instagram = by_channel["email"], by_channel["instagram"]
    assert (email.reached, email.engagement.successes, email.conversion.successes) == (2, 1, 1)
    assert email.engagement.prior_mean == 0.5  # the workspace: contacts 1, 2 reached by email
    assert (instagram.reached, instagram.engagement.successes) == (1, 1)
    assert instagram.conversion.successes == 0
    assert instagram.conversion.prior_mean == 0.5  # contact 3 converted, contact 2 did not
    # Email: Beta(5 + 1, 5 + 1) → 0.5; Instagram: Beta(5 + 0, 5 + 1) → 5/11.
    assert email.conversion.mean == pytest.approx(0.5)
    assert instagram.conversion.mean == pytest.approx(5 / 11)
    assert advice.best is not None
    assert advice.best.channel == "email"


@pytest.mark.django_db
def test_anonymous_events_count_for_the_contact_they_were_stitched_to(
    workspace: Workspace,
) -> None:
    write_events(
        workspace,
        [
            event("page_view", anonymous_id="v-9", channel="press", days_ago=3),
            event("purchase", anonymous_id="v-9", channel="press", days_ago=3, value=40.0),
            event("page_view", contact=5, channel="direct"),
        ],
    )
    stitch_identities(workspace, {"v-9": 5}, source="test", now=NOW)

    advice = channel_recommendation(workspace, {5})

    assert [(s.channel, s.reached, s.conversion.successes) for s in advice.channels] == [
        ("press", 1, 1),
        ("direct", 1, 0),
    ]


@pytest.mark.django_db
def test_an_empty_warehouse_recommends_nothing(workspace: Workspace) -> None:
    advice = channel_recommendation(workspace, [1, 2, 3])

    assert advice.members == 3
    assert advice.channels == ()
    assert advice.best is None
