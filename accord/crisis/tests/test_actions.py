"""Crisis writes: planned activities, acknowledgement and delivery settings; roles and audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.crisis import actions
from accord.crisis.actions import CrisisError
from accord.crisis.models import Alert, DeliverySettings, PlannedActivity, Severity
from accord.crisis.queries import overlapping_activity
from accord.crisis.tests.factories import make_alert

AccessFor = Callable[[Role], WorkspaceAccess]
LAUNCH = datetime(2026, 2, 23, 9, 0, tzinfo=UTC)


def test_plan_activity_records_it_and_audits(owner_access: WorkspaceAccess) -> None:
    activity = actions.plan_activity(
        owner_access, title=" Aurora launch ", kind="campaign_launch", starts_at=LAUNCH,
        campaign="Aurora",
    )  # fmt: skip

    assert (activity.title, activity.kind, activity.campaign) == (
        "Aurora launch",
        "campaign_launch",
        "Aurora",
    )
    assert activity.created_by == owner_access.actor.user
    entry = AuditEntry.objects.get(action="crisis.plan_activity")
    assert entry.object_id == str(activity.pk)
    assert entry.after == {
        "title": "Aurora launch",
        "kind": "campaign_launch",
        "starts_at": "2026-02-23T09:00:00+00:00",
    }


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"title": "  "}, "title", "Give the activity a title."),
        (
            {"kind": "webinar"},
            "kind",
            "Unknown kind webinar: use one of campaign_launch, post, event, press_release.",
        ),
        (
            {"starts_at": datetime(2026, 2, 23, 9, 0)},  # noqa: DTZ001  (naive on purpose)
            "starts_at",
            "Give a time zone with the date and time.",
        ),
        ({"ends_at": LAUNCH - timedelta(hours=1)}, "ends_at", "The end comes before the start."),
    ],
)
def test_plan_activity_refuses_bad_input_naming_the_field(
    owner_access: WorkspaceAccess, kwargs: dict[str, object], field: str, message: str
) -> None:
    values: dict[str, object] = {"title": "Launch", "kind": "post", "starts_at": LAUNCH, **kwargs}

    with pytest.raises(CrisisError) as caught:
        actions.plan_activity(owner_access, **values)  # type: ignore[arg-type]

    assert caught.value.message_dict == {field: [message]}
    assert PlannedActivity.objects.count() == 0


@pytest.mark.parametrize("role", [Role.MARKETING, Role.VIEWER, Role.BRAND_REVIEWER])
def test_only_crisis_managers_plan_activities(access_for: AccessFor, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        actions.plan_activity(access_for(role), title="x", kind="post", starts_at=LAUNCH)

    assert PlannedActivity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="crisis.plan_activity").exists()


@pytest.mark.parametrize("role", [Role.COMMUNICATION, Role.CRISIS_LEAD])
def test_communication_and_crisis_leads_plan_activities(access_for: AccessFor, role: Role) -> None:
    actions.plan_activity(access_for(role), title="Press day", kind="event", starts_at=LAUNCH)

    assert PlannedActivity.objects.get().title == "Press day"


def test_a_spike_overlaps_an_activity_from_two_hours_before_to_two_days_after(
    owner_access: WorkspaceAccess, workspace: Workspace
) -> None:
    post = actions.plan_activity(owner_access, title="Post", kind="post", starts_at=LAUNCH)
    hour = timedelta(hours=1)

    assert overlapping_activity(workspace, LAUNCH - 3 * hour, LAUNCH - 2 * hour) is None
    assert overlapping_activity(workspace, LAUNCH - 2 * hour, LAUNCH - hour) == post
    assert overlapping_activity(workspace, LAUNCH + 47 * hour, LAUNCH + 48 * hour) == post
    assert overlapping_activity(workspace, LAUNCH + 48 * hour, LAUNCH + 49 * hour) is None


def test_a_long_campaign_covers_its_whole_span(
    owner_access: WorkspaceAccess, workspace: Workspace
) -> None:
    tour = actions.plan_activity(
        owner_access, title="Tour", kind="event", starts_at=LAUNCH,
        ends_at=LAUNCH + timedelta(days=20),
    )  # fmt: skip

    middle = LAUNCH + timedelta(days=10)
    assert overlapping_activity(workspace, middle, middle + timedelta(hours=1)) == tour


def test_acknowledging_records_who_and_when_once(
    workspace: Workspace, access_for: AccessFor
) -> None:
    alert = make_alert(workspace)
    lead = access_for(Role.CRISIS_LEAD)

    acknowledged = actions.acknowledge_alert(lead, alert, "  On it, statement at 15:00 ")
    again = actions.acknowledge_alert(access_for(Role.COMMUNICATION), alert, "me too")

    assert acknowledged.acknowledged_by == lead.actor.user
    assert acknowledged.acknowledged_at is not None
    assert acknowledged.ack_note == "On it, statement at 15:00"
    assert again.acknowledged_by == lead.actor.user
    assert again.acknowledged_at == acknowledged.acknowledged_at
    entries = AuditEntry.objects.filter(action="crisis.acknowledge")
    assert [(e.actor, e.object_id) for e in entries] == [(lead.actor.user, str(alert.pk))]
    assert entries[0].after == {
        "acknowledged_by": "user-crisis_lead",
        "note": "On it, statement at 15:00",
    }  # noqa: E501


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETING, Role.BRAND_REVIEWER])
def test_watchers_cannot_acknowledge(
    workspace: Workspace, access_for: AccessFor, role: Role
) -> None:
    alert = make_alert(workspace)

    with pytest.raises(PermissionDenied):
        actions.acknowledge_alert(access_for(role), alert)

    assert Alert.objects.get().acknowledged_at is None
    assert not AuditEntry.objects.filter(action="crisis.acknowledge").exists()


def test_an_alert_of_another_workspace_cannot_be_acknowledged(
    other_workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    alert = make_alert(other_workspace)

    with pytest.raises(CrisisError):
        actions.acknowledge_alert(owner_access, alert)

    assert Alert.objects.get().acknowledged_at is None


def test_delivery_settings_are_saved_deduplicated_and_audited(
    owner_access: WorkspaceAccess,
) -> None:
    actions.save_delivery_settings(
        owner_access,
        emails=["lead@example.com", " LEAD@example.com", "", "press@example.com"],
        webhook_url="https://chat.example.com/hooks/xyz",
        min_severity=Severity.CRISIS,
    )

    found = DeliverySettings.objects.get()
    assert found.emails == ["lead@example.com", "press@example.com"]
    assert (found.webhook_url, found.min_severity) == (
        "https://chat.example.com/hooks/xyz",
        "crisis",
    )
    entry = AuditEntry.objects.get(action="crisis.delivery_settings")
    assert entry.after == {
        "emails": ["lead@example.com", "press@example.com"],
        "webhook_url": True,
        "min_severity": "crisis",
    }


@pytest.mark.parametrize(
    ("kwargs", "errors"),
    [
        (
            {"emails": ["ok@example.com", "not-an-address"]},
            {"emails": ["Address 2 (not-an-address) is not an email address."]},
        ),  # noqa: E501
        (
            {"webhook_url": "ftp://chat.example.com/x"},
            {"webhook_url": ["Enter an http:// or https:// URL."]},
        ),  # noqa: E501
        ({"min_severity": "panic"}, {"min_severity": ["Unknown severity."]}),
    ],
)
def test_delivery_settings_refuse_bad_input(
    owner_access: WorkspaceAccess, kwargs: dict[str, object], errors: dict[str, list[str]]
) -> None:
    values: dict[str, object] = {"emails": [], "webhook_url": "", "min_severity": "warning"}

    with pytest.raises(CrisisError) as caught:
        actions.save_delivery_settings(owner_access, **{**values, **kwargs})  # type: ignore[arg-type]

    assert caught.value.message_dict == errors
    assert DeliverySettings.objects.count() == 0


def test_only_crisis_managers_change_delivery(access_for: AccessFor) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_delivery_settings(
            access_for(Role.VIEWER), emails=["a@example.com"], webhook_url="", min_severity="watch"
        )

    assert DeliverySettings.objects.count() == 0
