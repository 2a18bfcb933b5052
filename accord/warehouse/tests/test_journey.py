"""contact_journey and stitch_identity: earlier anonymous events are stitched to the contact."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.accounts.models import Workspace
from accord.warehouse.actions import flush_inbox, ingest_events, stitch_identity
from accord.warehouse.models import IdentityLink
from accord.warehouse.queries import contact_journey
from accord.warehouse.tests.conftest import NOW, EventFactory


def _ts(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).isoformat()


@pytest.mark.django_db
def test_the_visitors_earlier_anonymous_events_are_stitched_to_the_contact(
    workspace: Workspace, make_event: EventFactory
) -> None:
    before = [
        make_event(ts=_ts(50), anonymous_id="v-42", url="/boutique", utm_campaign="soldes-hiver"),
        make_event(ts=_ts(49), anonymous_id="v-42", kind="click", properties={"cta": "Acheter"}),
        make_event(ts=_ts(48), anonymous_id="v-99"),  # someone else
        make_event(ts=_ts(47), anonymous_id="v-42", user_agent="Googlebot/2.1"),  # a bot
    ]
    ingest_events(workspace, before, source="tracking", now=NOW)
    flush_inbox(workspace)
    signup = make_event(ts=_ts(2), anonymous_id="v-42", contact_id=7, kind="form_submit")
    ingest_events(workspace, [signup], source="tracking", now=NOW)  # still in the inbox

    stitch_identity(workspace, "v-42", 7)
    journey = contact_journey(workspace, 7)

    assert [(s.kind, s.url, s.utm_campaign, s.stitched) for s in journey] == [
        ("page_view", "/boutique", "soldes-hiver", True),
        ("click", "https://maison-lumiere.example/", "", True),
        ("form_submit", "https://maison-lumiere.example/", "", False),
    ]
    assert journey[1].summary == "cta: Acheter"
    assert [s.ts for s in journey] == [NOW - timedelta(hours=h) for h in (50, 49, 2)]


@pytest.mark.django_db
def test_without_a_link_anonymous_events_stay_out_of_the_journey(
    workspace: Workspace, make_event: EventFactory
) -> None:
    ingest_events(
        workspace,
        [make_event(anonymous_id="v-1", ts=_ts(3)), make_event(contact_id=5, ts=_ts(1))],
        source="tracking",
        now=NOW,
    )

    assert [s.kind for s in contact_journey(workspace, 5)] == ["page_view"]
    assert contact_journey(workspace, 6) == []


@pytest.mark.django_db
def test_an_anonymous_event_of_another_contact_is_not_stitched(
    workspace: Workspace, make_event: EventFactory
) -> None:
    shared_device = [
        make_event(anonymous_id="v-7", ts=_ts(3)),
        make_event(anonymous_id="v-7", contact_id=8, ts=_ts(2)),
    ]
    ingest_events(workspace, shared_device, source="tracking", now=NOW)
    stitch_identity(workspace, "v-7", 5)

    assert [s.ts for s in contact_journey(workspace, 5)] == [NOW - timedelta(hours=3)]


@pytest.mark.django_db
def test_the_journey_keeps_the_latest_steps_in_time_order(
    workspace: Workspace, make_event: EventFactory
) -> None:
    events = [make_event(contact_id=3, ts=_ts(h)) for h in range(10, 0, -1)]
    ingest_events(workspace, events[:6], source="api", now=NOW)
    flush_inbox(workspace)
    ingest_events(workspace, events[6:], source="api", now=NOW)

    journey = contact_journey(workspace, 3, limit=4)

    assert [s.ts for s in journey] == [NOW - timedelta(hours=h) for h in (4, 3, 2, 1)]


@pytest.mark.django_db
def test_stitching_again_moves_the_link(workspace: Workspace) -> None:
    stitch_identity(workspace, "v-5", 1)
    stitch_identity(workspace, "v-5", 2)

    assert list(IdentityLink.objects.values_list("anonymous_id", "contact_id")) == [("v-5", 2)]


@pytest.mark.django_db
@pytest.mark.parametrize(("anonymous_id", "contact_id"), [("", 1), ("x" * 201, 1), ("v-1", 0)])
def test_stitching_refuses_bad_ids(
    workspace: Workspace, anonymous_id: str, contact_id: int
) -> None:
    with pytest.raises(ValueError, match="must"):
        stitch_identity(workspace, anonymous_id, contact_id)

    assert IdentityLink.objects.count() == 0
