"""API authentication by bearer token, and the per-token rate limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import create_api_token, revoke_api_token
from accord.accounts.models import ApiToken, Workspace
from accord.accounts.roles import Role
from accord.contacts.models import Contact

URL = "/api/v1/contacts"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def bearer(secret: str) -> Client:
    return Client(headers={"authorization": f"Bearer {secret}"})


def assert_unauthenticated(response: Any) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "error": {
            "code": "unauthenticated",
            "message": "A valid API token is required.",
            "fields": {},
        }
    }


def test_a_request_without_a_token_is_unauthenticated(db: None) -> None:
    assert_unauthenticated(Client().get(URL))


def test_a_request_with_another_scheme_is_unauthenticated(db: None) -> None:
    assert_unauthenticated(Client(headers={"authorization": "Basic dXNlcjpwYXNz"}).get(URL))


def test_an_unknown_token_is_unauthenticated_and_creates_nothing(workspace: Workspace) -> None:
    response = bearer("acc_not-a-real-token").post(
        URL, {"email": "a@example.com"}, content_type="application/json"
    )

    assert_unauthenticated(response)
    assert not Contact.objects.exists()


def test_a_revoked_token_is_unauthenticated(
    api_token: Callable[[Role], str], owner_access: WorkspaceAccess
) -> None:
    secret = api_token(Role.OWNER)
    revoke_api_token(owner_access, ApiToken.objects.get())

    assert_unauthenticated(bearer(secret).get(URL))


def test_a_valid_token_is_let_in_and_its_use_recorded(api_token: Callable[[Role], str]) -> None:
    secret = api_token(Role.VIEWER)

    response = bearer(secret).get(URL)

    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_over_its_rate_limit_is_told_when_to_retry(
    api_token: Callable[[Role], str], settings: Any
) -> None:
    settings.ACCORD_API_RATE_LIMIT = 2
    client = bearer(api_token(Role.OWNER))

    statuses = [client.get(URL).status_code for _ in range(2)]
    limited = client.get(URL)

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["error"] == {
        "code": "rate_limited",
        "message": "Too many requests for this token.",
        "fields": {},
    }


def test_a_rate_limited_token_does_not_write(
    api_token: Callable[[Role], str], settings: Any
) -> None:
    settings.ACCORD_API_RATE_LIMIT = 1
    client = bearer(api_token(Role.OWNER))
    client.get(URL)

    response = client.post(URL, {"email": "a@example.com"}, content_type="application/json")

    assert response.status_code == 429
    assert not Contact.objects.exists()


def test_the_rate_limit_counts_each_token_apart(workspace: Workspace, settings: Any) -> None:
    settings.ACCORD_API_RATE_LIMIT = 1
    system = WorkspaceAccess.system(workspace)
    first = bearer(create_api_token(system, "first", Role.VIEWER).secret)
    second = bearer(create_api_token(system, "second", Role.VIEWER).secret)

    statuses = [first.get(URL).status_code, first.get(URL).status_code, second.get(URL).status_code]

    assert statuses == [200, 429, 200]
