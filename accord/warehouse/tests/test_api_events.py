"""POST /api/v1/events: durable 200s, per-event rejections, limits, auth; stats and health."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accord.accounts.models import Workspace
from accord.accounts.roles import Role
from accord.warehouse.actions import flush_inbox
from accord.warehouse.events import MAX_BODY_BYTES
from accord.warehouse.models import InboxEvent, IngestionCounter
from accord.warehouse.tests.conftest import EventFactory

URL = "/api/v1/events"
WRITERS = {Role.OWNER, Role.MARKETING}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def client_as(api_token: Callable[[Role], str]) -> Callable[[Role], Client]:
    def make(role: Role) -> Client:
        return Client(headers={"authorization": f"Bearer {api_token(role)}"})

    return make


@pytest.fixture
def fresh(make_event: EventFactory) -> EventFactory:
    """Events stamped one minute ago by the real clock (the API validates against it)."""

    def make(**fields: Any) -> dict[str, Any]:
        ts = (timezone.now() - timedelta(minutes=1)).isoformat()
        return make_event(**{"ts": ts, **fields})

    return make


def _post(client: Client, body: Any) -> Any:
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(URL, data=raw, content_type="application/json")


@pytest.mark.django_db
def test_a_batch_is_stored_before_the_answer_and_resending_it_counts_duplicates(
    client_as: Callable[[Role], Client], fresh: EventFactory, workspace: Workspace
) -> None:
    client = client_as(Role.MARKETING)
    batch = {"events": [fresh() for _ in range(3)]}

    first = _post(client, batch)
    stored = InboxEvent.objects.filter(workspace=workspace).count()
    second = _post(client, batch)

    assert (first.status_code, stored) == (200, 3)
    assert first.json() == {"accepted": 3, "duplicates": 0, "bots": 0, "rejected": []}
    assert second.json() == {"accepted": 0, "duplicates": 3, "bots": 0, "rejected": []}
    flush_inbox(workspace)
    assert client.get(f"{URL}/stats").json()["events"] == 3


@pytest.mark.django_db
def test_bad_events_are_listed_and_good_ones_kept(
    client_as: Callable[[Role], Client], fresh: EventFactory
) -> None:
    far = (timezone.now() + timedelta(days=30)).isoformat()
    old = (timezone.now() - timedelta(days=500)).isoformat()
    events = [
        fresh(),
        fresh(kind="levitation"),
        fresh(ts=far),
        fresh(ts=old),
        fresh(event_id=None),
        fresh(user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)"),
    ]

    response = _post(client_as(Role.OWNER), {"events": events})

    body = response.json()
    assert response.status_code == 200
    assert (body["accepted"], body["duplicates"], body["bots"]) == (2, 0, 1)
    assert [(r["index"], r["reason"]) for r in body["rejected"]] == [
        (1, "unknown_kind"),
        (2, "ts_in_future"),
        (3, "ts_too_old"),
        (4, "missing_event_id"),
    ]


@pytest.mark.django_db
def test_more_than_a_thousand_events_are_refused(
    client_as: Callable[[Role], Client], fresh: EventFactory
) -> None:
    response = _post(client_as(Role.OWNER), {"events": [fresh() for _ in range(1001)]})

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_events"
    assert InboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_exactly_a_thousand_events_are_accepted(
    client_as: Callable[[Role], Client], fresh: EventFactory
) -> None:
    response = _post(client_as(Role.OWNER), {"events": [fresh() for _ in range(1000)]})

    assert (response.status_code, response.json()["accepted"]) == (200, 1000)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"events": [', 400, "malformed_json"),
        (b"\xff\xfe", 400, "malformed_json"),
        ({"event": []}, 422, "invalid"),
        ([{"kind": "page_view"}], 422, "invalid"),
        (b"x" * (MAX_BODY_BYTES + 1), 413, "too_large"),
    ],
)
def test_an_unusable_body_is_refused_with_its_reason(
    client_as: Callable[[Role], Client], body: Any, status: int, code: str
) -> None:
    response = _post(client_as(Role.OWNER), body)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert InboxEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer acc_not-a-token", "Basic dXNlcjpwYXNz"])
def test_without_a_valid_token_the_answer_is_401(
    header: str | None, fresh: EventFactory, workspace: Workspace
) -> None:
    client = Client(headers={"authorization": header} if header else {})

    response = _post(client, {"events": [fresh()]})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert InboxEvent.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_only_owner_and_marketing_tokens_may_send_events(
    role: Role, client_as: Callable[[Role], Client], fresh: EventFactory
) -> None:
    response = _post(client_as(role), {"events": [fresh()]})

    if role in WRITERS:
        assert response.status_code == 200
        assert InboxEvent.objects.count() == 1
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        assert InboxEvent.objects.count() == 0
        assert IngestionCounter.objects.count() == 0


@pytest.mark.django_db
def test_every_role_reads_stats_and_health(
    client_as: Callable[[Role], Client], fresh: EventFactory
) -> None:
    _post(client_as(Role.MARKETING), {"events": [fresh(), fresh(kind="nope")]})

    for role in Role:
        client = client_as(role)
        stats, health = client.get(f"{URL}/stats"), client.get(f"{URL}/health")
        assert (stats.status_code, health.status_code) == (200, 200)
        assert (stats.json()["events"], stats.json()["pending"]) == (0, 1)
        assert health.json()["rejected_by_reason"] == {"unknown_kind": 1}
