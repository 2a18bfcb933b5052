"""GET /api/v1/crisis/alerts and POST /api/v1/crisis/alerts/{id}/ack."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client

from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.crisis.models import Alert, AlertKind, Severity
from accord.crisis.tests.factories import make_alert
from accord.crisis.tests.mentions import NOW, make_query

ApiToken = Callable[[Role], str]
URL = "/api/v1/crisis/alerts"
JSON = "application/json"


def _client(api_token: ApiToken, role: Role = Role.OWNER) -> Client:
    return Client(headers={"authorization": f"Bearer {api_token(role)}"})


@pytest.fixture
def alerts(workspace: Workspace, other_workspace: Workspace) -> list[Alert]:
    query = make_query(workspace)
    made = [
        make_alert(workspace, started_at=NOW - timedelta(days=d), query=query if d == 1 else None,
                   kind=AlertKind.LAUNCH if d == 2 else AlertKind.CRISIS,
                   severity=Severity.WATCH if d == 3 else Severity.CRISIS)
        for d in (1, 2, 3)
    ]  # fmt: skip
    make_alert(other_workspace)
    return made


def test_it_lists_alerts_latest_first_in_pages(api_token: ApiToken, alerts: list[Alert]) -> None:
    client = _client(api_token, Role.VIEWER)

    first = client.get(URL, {"limit": 2}).json()
    second = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [a["id"] for a in first["items"]] == [alerts[0].pk, alerts[1].pk]
    assert [a["id"] for a in second["items"]] == [alerts[2].pk]
    assert second["next_cursor"] is None
    item = first["items"][0]
    assert item["query"] == "lumio"
    assert (item["kind"], item["severity"], item["occurrences"]) == ("crisis", "crisis", 1)
    assert item["started_at"] == "2026-03-19T12:00:00Z"
    assert item["explanation"]["top_terms"][0]["term"] == "battery"
    assert item["acknowledged_by"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"severity": "watch"}, [2]),
        ({"kind": "launch"}, [1]),
        ({"query": "lumio"}, [0]),
        ({"since": "2026-03-17T14:00:00+00:00"}, [0, 1]),
        ({"until": "2026-03-17T23:00:00+00:00"}, [2]),
        ({"status": "acknowledged"}, []),
        ({"status": "open", "kind": "crisis"}, [0, 2]),
    ],
)
def test_filters_combine(
    api_token: ApiToken, alerts: list[Alert], params: dict[str, str], expected: list[int]
) -> None:
    found = _client(api_token).get(URL, params).json()["items"]

    assert [a["id"] for a in found] == [alerts[i].pk for i in expected]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"query": "nope"}, "query"),
        ({"severity": "panic"}, "severity"),
        ({"since": "2026-03-17T00:00:00"}, "since"),
        ({"cursor": "garbage"}, "cursor"),
    ],
)
def test_bad_filters_name_the_field(
    api_token: ApiToken, alerts: list[Alert], params: dict[str, str], field: str
) -> None:
    response = _client(api_token).get(URL, params)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]


def test_it_acknowledges_an_alert(api_token: ApiToken, alerts: list[Alert]) -> None:
    response = _client(api_token, Role.CRISIS_LEAD).post(
        f"{URL}/{alerts[0].pk}/ack", {"note": "statement drafted"}, content_type="application/json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["acknowledged_by"] is None  # a token, not a person
    assert body["acknowledged_at"] is not None
    assert body["ack_note"] == "statement drafted"
    entry = AuditEntry.objects.get(action="crisis.acknowledge")
    assert entry.actor_label == "token:t-crisis_lead"


def test_a_viewer_token_cannot_acknowledge(api_token: ApiToken, alerts: list[Alert]) -> None:
    response = _client(api_token, Role.VIEWER).post(f"{URL}/{alerts[0].pk}/ack", content_type=JSON)

    assert response.status_code == 403
    assert Alert.objects.filter(acknowledged_at__isnull=False).count() == 0
    assert not AuditEntry.objects.filter(action="crisis.acknowledge").exists()


def test_another_workspaces_alert_is_not_found(
    api_token: ApiToken, alerts: list[Alert], other_workspace: Workspace
) -> None:
    theirs = Alert.objects.get(workspace=other_workspace)

    response = _client(api_token).post(f"{URL}/{theirs.pk}/ack", content_type=JSON)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


def test_without_a_token_it_is_401(alerts: list[Alert]) -> None:
    assert Client().get(URL).status_code == 401


def test_it_acknowledges_without_a_body(api_token: ApiToken, alerts: list[Alert]) -> None:
    client = _client(api_token, Role.CRISIS_LEAD)
    empty_json = client.post(f"{URL}/{alerts[0].pk}/ack", content_type=JSON)
    no_body = client.generic("POST", f"{URL}/{alerts[1].pk}/ack")

    assert (empty_json.status_code, no_body.status_code) == (200, 200)
    assert no_body.json()["ack_note"] == ""
    assert Alert.objects.filter(acknowledged_at__isnull=False).count() == 2
