"""Every failure of the API answers {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import create_api_token
from accord.accounts.models import Workspace
from accord.accounts.roles import Role
from accord.contacts import actions
from accord.contacts.models import Contact, PropertyDefinition

URL = "/api/v1/contacts"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def client_as(api_token: Callable[[Role], str]) -> Callable[[Role], Client]:
    """A client sending a fresh token of ``role`` of the workspace."""

    def make(role: Role = Role.OWNER) -> Client:
        return Client(headers={"authorization": f"Bearer {api_token(role)}"})

    return make


@pytest.fixture
def api(client_as: Callable[[Role], Client]) -> Client:
    return client_as(Role.OWNER)


def error_of(response: Any, status: int) -> dict[str, Any]:
    """Assert the status and the error shape; return the error."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "fields", "message"]
    return dict(body["error"])


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def test_a_viewer_may_not_create_and_nothing_is_created(
    client_as: Callable[[Role], Client],
) -> None:
    response = post(client_as(Role.VIEWER), URL, {"email": "a@example.com"})

    error = error_of(response, 403)
    assert error["code"] == "forbidden"
    assert error["fields"] == {}
    assert not Contact.objects.exists()


def test_another_workspaces_contact_is_not_found(api: Client, other_workspace: Workspace) -> None:
    theirs = actions.create_contact(
        WorkspaceAccess.system(other_workspace), {"email": "secret@example.com"}
    )

    responses = [
        api.get(f"{URL}/{theirs.pk}"),
        api.patch(f"{URL}/{theirs.pk}", {"first_name": "X"}, content_type="application/json"),
        api.delete(f"{URL}/{theirs.pk}"),
        api.post(f"{URL}/{theirs.pk}/erase"),
        api.get(f"{URL}/{theirs.pk}/export"),
    ]

    assert [error_of(r, 404)["code"] for r in responses] == ["not_found"] * 5
    theirs.refresh_from_db()
    assert (theirs.email, theirs.first_name, theirs.erased_at) == ("secret@example.com", "", None)


def test_a_bad_email_is_a_field_error(api: Client) -> None:
    error = error_of(post(api, URL, {"email": "not an email"}), 422)

    assert error["code"] == "invalid"
    assert error["fields"] == {"email": ["'not an email' is not a valid email address."]}


def test_a_duplicate_email_is_a_field_error(api: Client, owner_access: WorkspaceAccess) -> None:
    actions.create_contact(owner_access, {"email": "a@example.com"})

    error = error_of(post(api, URL, {"email": "A@example.com"}), 422)

    assert list(error["fields"]) == ["email"]
    assert Contact.objects.count() == 1


def test_an_undeclared_property_is_a_field_error(api: Client) -> None:
    error = error_of(post(api, URL, {"email": "a@example.com", "properties": {"size": 3}}), 422)

    assert error["fields"] == {
        "properties.size": ["Property 'size' is not declared in this workspace."]
    }


def test_a_property_of_the_wrong_type_is_a_field_error(api: Client, workspace: Workspace) -> None:
    PropertyDefinition.objects.create(workspace=workspace, key="size", label="S", type="number")

    error = error_of(post(api, URL, {"email": "a@example.com", "properties": {"size": "big"}}), 422)

    assert list(error["fields"]) == ["properties.size"]


def test_an_unknown_field_is_refused(api: Client) -> None:
    error = error_of(post(api, URL, {"email": "a@example.com", "nickname": "Ada"}), 422)

    assert list(error["fields"]) == ["nickname"]
    assert not Contact.objects.exists()


def test_a_missing_required_field_is_named(api: Client) -> None:
    error = error_of(post(api, URL, {"first_name": "Ada"}), 422)

    assert list(error["fields"]) == ["email"]


def test_a_body_that_is_not_json_is_a_bad_request(api: Client) -> None:
    error = error_of(api.post(URL, "{not json", content_type="application/json"), 400)

    assert error["code"] == "bad_request"


def test_a_json_body_that_is_not_an_object_is_invalid(api: Client) -> None:
    error = error_of(post(api, URL, ["a@example.com"]), 422)

    assert list(error["fields"]) == ["body"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_refused(api: Client) -> None:
    error = error_of(post(api, URL, {"email": "a@example.com", "source": "x" * 2000}), 413)

    assert error["code"] == "too_large"
    assert not Contact.objects.exists()


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(json.dumps(["name", "x", 1]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["created_at", "yesterday", 1]).encode()).decode(),
        base64.urlsafe_b64encode(
            json.dumps(["created_at", "2025-01-01T00:00", 1]).encode()
        ).decode(),
    ],
)
def test_a_bad_cursor_is_a_field_error(api: Client, cursor: str) -> None:
    error = error_of(api.get(URL, {"cursor": cursor}), 422)

    assert list(error["fields"]) == ["cursor"]


@pytest.mark.parametrize("limit", ["0", "201", "ten"])
def test_a_limit_outside_1_to_200_is_a_field_error(api: Client, limit: str) -> None:
    error = error_of(api.get(URL, {"limit": limit}), 422)

    assert list(error["fields"]) == ["limit"]


def test_an_unknown_path_is_not_found(api: Client) -> None:
    error = error_of(api.get("/api/v1/nothing/here"), 404)

    assert error["code"] == "not_found"


def test_a_non_numeric_id_is_not_found(api: Client) -> None:
    error_of(api.get(f"{URL}/abc"), 404)


def test_a_wrong_method_is_refused_with_the_allowed_ones(api: Client) -> None:
    response = api.put(f"{URL}/1", {}, content_type="application/json")

    error = error_of(response, 405)
    assert error["code"] == "method_not_allowed"
    assert sorted(response["Allow"].split(", ")) == ["DELETE", "GET", "PATCH"]


def test_a_token_of_another_workspace_changes_nothing(
    owner_access: WorkspaceAccess, other_workspace: Workspace
) -> None:
    mine = actions.create_contact(owner_access, {"email": "mine@example.com", "tags": ["vip"]})
    secret = create_api_token(WorkspaceAccess.system(other_workspace), "theirs", Role.OWNER).secret
    outsider = Client(headers={"authorization": f"Bearer {secret}"})

    listed = outsider.get(URL).json()
    statuses = [
        outsider.patch(f"{URL}/{mine.pk}", {"email": "x@x.com"}, content_type="application/json"),
        outsider.post(f"{URL}/{mine.pk}/tags", {"tags": ["x"]}, content_type="application/json"),
        outsider.delete(f"{URL}/{mine.pk}/tags/vip"),
        outsider.post(
            f"{URL}/{mine.pk}/consents",
            {"purpose": "sms", "granted": True, "source": "x"},
            content_type="application/json",
        ),
        outsider.post(
            f"{URL}/{mine.pk}/timeline",
            {"kind": "x", "title": "x"},
            content_type="application/json",
        ),
        outsider.post(f"{URL}/{mine.pk}/erase"),
        outsider.delete(f"{URL}/{mine.pk}"),
    ]

    assert listed == {"items": [], "next_cursor": None}
    assert [r.status_code for r in statuses] == [404] * 7
    mine.refresh_from_db()
    assert mine.email == "mine@example.com"
    assert mine.erased_at is None
    assert sorted(mine.tags.values_list("name", flat=True)) == ["vip"]
    assert not mine.consents.exists()
    assert list(mine.timeline.values_list("kind", flat=True)) == ["contact.created"]


def test_token_calls_need_no_csrf_token_and_unknown_paths_stay_json(
    api_token: Callable[[Role], str],
) -> None:
    client = Client(
        enforce_csrf_checks=True, headers={"authorization": f"Bearer {api_token(Role.OWNER)}"}
    )

    created = post(client, URL, {"email": "a@example.com"})
    unknown = post(client, "/api/v1/nothing", {})

    assert created.status_code == 201
    error_of(unknown, 404)


def test_an_unexpected_failure_is_a_server_error_in_the_same_shape(
    api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("accord.contacts.queries.search_contacts_with_tags", broken)

    error = error_of(api.get(URL), 500)

    assert error == {
        "code": "server_error",
        "message": "Something went wrong on our side.",
        "fields": {},
    }
