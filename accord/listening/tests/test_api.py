"""Listening API: the mentions list and its filters, manual entry, the webhook and its errors."""

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
from accord.listening.models import ListeningQuery, Mention, Source, SourceKind
from accord.listening.recording import record_mentions
from accord.listening.tests.conftest import make_source, raw

Token = Callable[[Role], str]
MENTIONS = "/api/v1/listening/mentions"


def _get(token: str, path: str) -> Any:
    return Client().get(path, headers={"Authorization": f"Bearer {token}"})


def _post(token: str, path: str, body: Any) -> Any:
    return Client().post(
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def mentions(workspace: Workspace, brand_query: ListeningQuery) -> list[Mention]:
    source = make_source(
        workspace, SourceKind.MASTODON, config={"instance": "https://m.example", "hashtag": "x"}
    )
    now = timezone.now()
    items = [
        raw(
            "Maison Lumière, une merveille absolue, je recommande",
            url="https://m.example/1",
            published_at=now - timedelta(hours=3),
        ),
        raw(
            "Maison Lumière : lampe cassée, service horrible et nul",
            url="https://m.example/2",
            published_at=now - timedelta(hours=2),
        ),
        raw(
            "Maison Lumière buy followers now",
            url="https://m.example/3",
            published_at=now - timedelta(hours=1),
        ),
    ]
    record_mentions(workspace, source, items, now=now)
    return list(Mention.objects.order_by("-published_at"))


def test_the_list_hides_spam_and_pages_newest_first(
    mentions: list[Mention], api_token: Token
) -> None:
    token = api_token(Role.VIEWER)

    first = _get(token, f"{MENTIONS}?limit=1").json()
    second = _get(token, f"{MENTIONS}?limit=1&cursor={first['next_cursor']}").json()

    assert [m["url"] for m in first["items"]] == ["https://m.example/2"]
    assert [m["url"] for m in second["items"]] == ["https://m.example/1"]
    assert second["next_cursor"] is None
    assert first["items"][0]["query"] == "maison-lumiere"


def test_the_list_filters_by_sentiment_and_shows_spam_on_request(
    mentions: list[Mention], api_token: Token
) -> None:
    token = api_token(Role.VIEWER)

    negative = _get(token, f"{MENTIONS}?sentiment=negative").json()
    only_spam = _get(token, f"{MENTIONS}?spam=only").json()

    assert [m["url"] for m in negative["items"]] == ["https://m.example/2"]
    assert [(m["url"], m["spam_reason"]) for m in only_spam["items"]] == [
        ("https://m.example/3", "phrase:buy followers")
    ]


def test_another_workspace_sees_none_of_the_mentions(
    mentions: list[Mention], other_workspace: Workspace
) -> None:
    from accord.accounts.access import WorkspaceAccess
    from accord.accounts.actions import create_api_token

    token = create_api_token(WorkspaceAccess.system(other_workspace), "other", Role.OWNER).secret

    assert _get(token, MENTIONS).json() == {"items": [], "next_cursor": None}


def test_a_bad_filter_names_the_field(api_token: Token) -> None:
    response = _get(api_token(Role.VIEWER), f"{MENTIONS}?sentiment=angry")

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["sentiment"]


def test_a_member_who_triages_adds_a_mention_by_hand(
    workspace: Workspace, brand_query: ListeningQuery, api_token: Token
) -> None:
    body = {
        "text": "Vu dans Elle : Maison Lumière",
        "published_at": "2026-11-20T10:00:00+01:00",
        "channel": "press",
    }

    response = _post(api_token(Role.MARKETING), MENTIONS, body)

    assert response.status_code == 201
    mention = Mention.objects.get()
    assert response.json()["mention_ids"] == [mention.pk]
    assert (mention.source_kind, mention.channel, mention.query) == ("manual", "press", brand_query)


def test_a_viewer_cannot_add_a_mention(workspace: Workspace, api_token: Token) -> None:
    body = {"text": "Maison Lumière", "published_at": "2026-11-20T10:00:00Z"}

    response = _post(api_token(Role.VIEWER), MENTIONS, body)

    assert response.status_code == 403
    assert not Mention.objects.exists()
    assert not Source.objects.exists()


def test_a_manual_mention_without_a_time_zone_is_refused(api_token: Token) -> None:
    body = {"text": "Maison Lumière", "published_at": "2026-11-20T10:00:00"}

    response = _post(api_token(Role.MARKETING), MENTIONS, body)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["published_at"]
    assert not Mention.objects.exists()


# Webhook ----------------------------------------------------------------------------------


@pytest.fixture
def hook(workspace: Workspace, brand_query: ListeningQuery) -> Source:
    return make_source(workspace, SourceKind.WEBHOOK, config={"channel": "social"}, secret="s3cret")


def _hook(source: Source, body: Any, secret: str = "s3cret") -> Any:  # noqa: S107 (a test secret)
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Client().post(
        f"/api/v1/listening/webhook/{source.pk}",
        data,
        content_type="application/json",
        headers={"X-Accord-Secret": secret},
    )


ITEM = {
    "text": "Maison Lumière au top",
    "published_at": "2026-11-20T10:00:00Z",
    "url": "https://t.example/1",
}


def test_the_webhook_stores_mentions_and_answers_201(hook: Source) -> None:
    response = _hook(hook, {"mentions": [ITEM]})

    assert response.status_code == 201
    assert response.json()["stored"] == 1
    assert Mention.objects.values_list("source_kind", "channel", "url").get() == (
        "webhook",
        "social",
        "https://t.example/1",
    )


def test_the_same_item_sent_twice_is_stored_once(hook: Source) -> None:
    _hook(hook, {"mentions": [ITEM]})

    again = _hook(hook, {"mentions": [ITEM]})

    assert (again.status_code, again.json()["known"]) == (200, 1)
    assert Mention.objects.count() == 1


def test_a_wrong_secret_is_refused_and_nothing_is_stored(hook: Source) -> None:
    response = _hook(hook, {"mentions": [ITEM]}, secret="guess")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert not Mention.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (b"{not json", "body", "the body is not JSON"),
        ({"items": []}, "mentions", "expected an object with a list of mentions"),
        ({"mentions": []}, "mentions", "send 1 to 500 mentions"),
        (
            {"mentions": [ITEM, {**ITEM, "published_at": "2026-11-20"}]},
            "mentions[1].published_at",
            "needs a time zone (Z or +01:00)",
        ),
        (
            {"mentions": [{**ITEM, "rating": 9}]},
            "mentions[0].rating",
            "must be a number from 1 to 5",
        ),
        ({"mentions": [{**ITEM, "text": " "}]}, "mentions[0].text", "required, a non-empty string"),
        ({"mentions": [{**ITEM, "color": "red"}]}, "mentions[0].color", "unknown field"),
        (
            {"mentions": [{**ITEM, "channel": "tv"}]},
            "mentions[0].channel",
            "must be one of press, social, review, other",
        ),
    ],
)
def test_a_bad_body_names_the_path_and_stores_nothing(
    hook: Source, body: Any, field: str, message: str
) -> None:
    response = _hook(hook, body)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {field: [message]}
    assert not Mention.objects.exists()


def test_the_webhook_is_rate_limited_per_source(
    hook: Source, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.clear()
    monkeypatch.setattr("accord.listening.api.WEBHOOK_RATE_LIMIT", 2)

    statuses = [
        _hook(hook, {"mentions": [{**ITEM, "url": f"https://t.example/{i}"}]}).status_code
        for i in range(3)
    ]

    assert statuses == [201, 201, 429]
    assert Mention.objects.count() == 2


def test_a_webhook_source_without_a_secret_accepts_nothing(
    workspace: Workspace, brand_query: ListeningQuery
) -> None:
    source = make_source(workspace, SourceKind.WEBHOOK, config={"channel": "social"}, secret="")

    response = _hook(source, {"mentions": [ITEM]}, secret="")

    assert response.status_code == 401
    assert not Mention.objects.exists()
