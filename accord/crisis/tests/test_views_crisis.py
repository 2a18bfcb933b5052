"""Crisis pages: who sees them, filters, the chart, acknowledgement, activities, delivery."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.accounts.models import AuditEntry, User, Workspace
from accord.accounts.roles import Role
from accord.crisis.models import (
    AlertKind,
    DeliverySettings,
    Granularity,
    PlannedActivity,
    Severity,
    VolumePoint,
)
from accord.crisis.tests.factories import make_alert
from accord.crisis.tests.mentions import make_query

ClientFor = Callable[[User], Client]
Member = Callable[[Role], User]
EN = {"accept-language": "en"}


def _user(role: Role, owner: User, member: Member) -> User:
    return owner if role == Role.OWNER else member(role)


@pytest.mark.parametrize("role", list(Role))
def test_every_member_sees_the_alerts_and_activities(
    workspace: Workspace, owner: User, member: Member, client_for: ClientFor, role: Role
) -> None:
    alert = make_alert(workspace, started_at=timezone.now() - timedelta(hours=2))
    client = client_for(_user(role, owner, member))

    for url in (
        reverse("crisis:alerts", kwargs={"slug": "brand"}),
        reverse("crisis:alert", args=["brand", alert.pk]),
        reverse("crisis:activities", args=["brand"]),
    ):
        assert client.get(url).status_code == 200, url


def test_an_outsider_gets_404(workspace: Workspace, outsider: User, client_for: ClientFor) -> None:
    alert = make_alert(workspace)
    client = client_for(outsider)

    assert client.get(reverse("crisis:alerts", args=["brand"])).status_code == 404
    assert client.get(reverse("crisis:alert", args=["brand", alert.pk])).status_code == 404


def test_the_alerts_page_filters_and_explains(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    now = timezone.now()
    query = make_query(workspace)
    crisis = make_alert(workspace, started_at=now - timedelta(hours=5), query=query)
    make_alert(workspace, started_at=now - timedelta(days=3), kind=AlertKind.LAUNCH,
               severity=Severity.WARNING)  # fmt: skip
    make_alert(workspace, started_at=now - timedelta(days=60))
    client = client_for(owner)
    url = reverse("crisis:alerts", args=["brand"])

    everything = client.get(url, {"period": "all"}, headers=EN)
    default = client.get(url, headers=EN)
    launches = client.get(url, {"kind": "launch"}, headers=EN)
    of_query = client.get(url, {"query": str(query.pk), "period": "all"}, headers=EN)

    assert len(everything.context["alerts"]) == 3
    assert len(default.context["alerts"]) == 2  # the last 30 days
    assert [a.kind for a in launches.context["alerts"]] == ["launch"]
    assert list(of_query.context["alerts"]) == [crisis]
    assert "2 crisis alerts not acknowledged" in default.content.decode()
    assert "24 vs 0.65 expected" in default.content.decode()


def test_the_chart_draws_observed_expected_and_alert_points(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    query = make_query(workspace)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=10)
    scope = f"q{query.pk}"
    for i in range(6):
        VolumePoint.objects.create(
            workspace=workspace, scope=scope, granularity=Granularity.HOUR,
            at=hour + timedelta(hours=i), observed=30.0 if i == 3 else 4.0, expected=4.5,
        )  # fmt: skip
    make_alert(workspace, started_at=hour + timedelta(hours=3), query=query)

    response = client_for(owner).get(reverse("crisis:alerts", args=["brand"]), headers=EN)

    charts = response.context["charts"]
    assert [(c.title, c.points) for c in charts] == [("Lumio", 6)]
    figure = json.loads(charts[0].figure_json)
    observed, expected, crisis, launch = figure["data"]
    assert observed["y"] == [4.0, 4.0, 4.0, 30.0, 4.0, 4.0]
    assert expected["y"] == [4.5] * 6
    assert (crisis["name"], crisis["y"]) == ("Crisis alert", [30.0])
    assert launch["y"] == []
    page = response.content.decode()
    assert 'src="/static/plotly/plotly.min.js"' in page
    assert f'id="chart-{scope}"' in page


def test_the_detail_page_shows_the_explanation(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    alert = make_alert(workspace)

    page = client_for(owner).get(reverse("crisis:alert", args=["brand", alert.pk]), headers=EN)

    text = page.content.decode()
    assert "252 mentions during the episode, where 22.2 were expected" in text
    assert "Negative mentions: 71% (the week before: 18%)." in text
    assert "battery" in text
    assert "my Lumio battery melted" in text
    assert "Acknowledge" in text


def test_a_crisis_lead_acknowledges_from_the_page(
    workspace: Workspace, member: Member, client_for: ClientFor
) -> None:
    alert = make_alert(workspace)
    lead = member(Role.CRISIS_LEAD)

    response = client_for(lead).post(
        reverse("crisis:ack", args=["brand", alert.pk]),
        {"note": "Taking it"},
        follow=True,
        headers=EN,
    )

    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.ack_note) == (lead, "Taking it")
    assert "Acknowledged by user-crisis_lead" in response.content.decode()


def test_a_viewer_cannot_acknowledge(
    workspace: Workspace, member: Member, client_for: ClientFor
) -> None:
    alert = make_alert(workspace)

    response = client_for(member(Role.VIEWER)).post(reverse("crisis:ack", args=["brand", alert.pk]))

    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not AuditEntry.objects.filter(action="crisis.acknowledge").exists()


def test_a_manager_adds_a_planned_activity(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    data = {"title": "Aurora", "kind": "campaign_launch", "starts_at": "2026-04-01T09:00",
            "ends_at": "", "campaign": "Spring"}  # fmt: skip

    response = client_for(owner).post(
        reverse("crisis:activities", args=["brand"]), data, headers=EN
    )

    assert response.status_code == 302
    activity = PlannedActivity.objects.get()
    assert (activity.title, activity.kind, activity.campaign) == (
        "Aurora",
        "campaign_launch",
        "Spring",
    )
    assert timezone.localtime(activity.starts_at).hour == 9


def test_the_activity_form_explains_a_bad_end(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    data = {"title": "Aurora", "kind": "event", "starts_at": "2026-04-01T09:00",
            "ends_at": "2026-03-01T09:00"}  # fmt: skip

    response = client_for(owner).post(
        reverse("crisis:activities", args=["brand"]), data, headers=EN
    )

    assert response.status_code == 200
    assert "The end comes before the start." in response.content.decode()
    assert PlannedActivity.objects.count() == 0


def test_a_viewer_cannot_add_or_delete_activities(
    workspace: Workspace, owner: User, member: Member, client_for: ClientFor
) -> None:
    viewer = client_for(member(Role.VIEWER))
    data = {"title": "Aurora", "kind": "post", "starts_at": "2026-04-01T09:00"}

    assert viewer.post(reverse("crisis:activities", args=["brand"]), data).status_code == 403
    client_for(owner).post(reverse("crisis:activities", args=["brand"]), data)
    activity = PlannedActivity.objects.get()
    delete = reverse("crisis:activity_delete", args=["brand", activity.pk])
    assert viewer.post(delete).status_code == 403
    assert PlannedActivity.objects.count() == 1
    assert client_for(owner).post(delete).status_code == 302
    assert PlannedActivity.objects.count() == 0


def test_delivery_settings_page_saves_and_refuses_viewers(
    workspace: Workspace, owner: User, member: Member, client_for: ClientFor
) -> None:
    url = reverse("crisis:settings", args=["brand"])
    data = {"emails": "lead@example.com\npress@example.com", "webhook_url":
            "https://chat.example.com/hooks/1", "min_severity": "crisis"}  # fmt: skip

    viewer = client_for(member(Role.VIEWER))
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, data).status_code == 403
    assert DeliverySettings.objects.count() == 0
    assert client_for(owner).post(url, data).status_code == 302

    found = DeliverySettings.objects.get()
    assert found.emails == ["lead@example.com", "press@example.com"]
    assert found.min_severity == "crisis"


def test_delivery_settings_page_names_a_bad_address(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    data = {"emails": "lead@example.com\nnope", "webhook_url": "", "min_severity": "warning"}

    response = client_for(owner).post(reverse("crisis:settings", args=["brand"]), data, headers=EN)

    assert "Address 2 (nope) is not an email address." in response.content.decode()
    assert DeliverySettings.objects.count() == 0


def test_the_navigation_counts_open_crisis_alerts_in_both_languages(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    url = reverse("contacts:list", args=["brand"])
    assert "nav-badge" not in client.get(url, headers=EN).content.decode()

    now = timezone.now()
    make_alert(workspace, started_at=now - timedelta(hours=1))
    make_alert(workspace, started_at=now - timedelta(hours=2))
    make_alert(
        workspace, started_at=now - timedelta(hours=3), kind=AlertKind.LAUNCH
    )  # not a crisis
    make_alert(workspace, started_at=now - timedelta(hours=4), acknowledged_at=now)

    english = client.get(url, headers=EN).content.decode()
    french = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert '<span class="visually-hidden">2 open alerts</span>' in english
    assert '<span class="visually-hidden">2 alertes ouvertes</span>' in french
