"""Segments API: preview, list, read, create, edit, members; errors name the rule's path."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import add_tags
from accord.contacts.models import Contact
from accord.segments import actions, queries
from accord.segments.models import Segment

URL = "/api/v1/segments"
VIP = {"type": "tag", "tag": "vip"}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def client_as(api_token: Callable[[Role], str]) -> Callable[[Role], Client]:
    def make(role: Role) -> Client:
        return Client(headers={"authorization": f"Bearer {api_token(role)}"})

    return make


@pytest.fixture
def people(workspace: Workspace, owner_access: WorkspaceAccess) -> list[Contact]:
    found = [
        Contact.objects.create(
            workspace=workspace, email=f"p{i}@example.com", first_name=f"P{i}", last_name="Doe"
        )
        for i in range(25)
    ]
    for contact in found[:22]:
        add_tags(owner_access, contact, ["vip"])
    return found


def _post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_every_member_role_previews_a_rule(
    client_as: Callable[[Role], Client], people: list[Contact], role: Role
) -> None:
    response = _post(client_as(role), f"{URL}/preview", {"rule": {"all": [VIP]}})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 22
    assert [c["id"] for c in body["sample"]] == [c.pk for c in reversed(people[2:22])]
    assert body["sample"][0] == {
        "id": people[21].pk,
        "email": "p21@example.com",
        "first_name": "P21",
        "last_name": "Doe",
    }


@pytest.mark.django_db
def test_an_invalid_rule_answers_400_naming_the_node(client_as: Callable[[Role], Client]) -> None:
    rule = {"all": [VIP, {"type": "field", "field": "email", "op": "eqq", "value": "x"}]}

    response = _post(client_as(Role.VIEWER), f"{URL}/preview", {"rule": rule})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_rule"
    assert error["fields"] == {
        "$.all[1].op": [
            "unknown operator 'eqq'; expected one of eq, neq, contains, not_contains, "
            "starts_with, in, not_in, is_set, is_not_set"
        ]
    }


@pytest.mark.django_db
def test_an_invalid_rule_answers_every_bad_node(client_as: Callable[[Role], Client]) -> None:
    rule = {"any": [{"type": "tag"}, VIP, {"type": "revenue", "op": "gte", "value": "x"}]}

    response = _post(client_as(Role.VIEWER), f"{URL}/preview", {"rule": rule})

    error = response.json()["error"]
    assert sorted(error["fields"]) == ["$.any[0].tag", "$.any[2].value"]
    assert error["message"].startswith("The rule is invalid at $.any[0].tag: ")
    assert error["message"].endswith("(1 more problem(s) in the details.)")


@pytest.mark.django_db
def test_without_a_token_the_preview_is_refused(people: list[Contact]) -> None:
    response = _post(Client(), f"{URL}/preview", {"rule": VIP})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.django_db
def test_a_token_sees_its_own_workspace_only(
    client_as: Callable[[Role], Client],
    other_workspace: Workspace,
    owner_access: WorkspaceAccess,
) -> None:
    Segment.objects.create(workspace=other_workspace, name="Theirs", slug="theirs", kind="static")
    actions.create_segment(owner_access, name="Mine", kind="static")

    listed = client_as(Role.VIEWER).get(URL)
    theirs = client_as(Role.VIEWER).get(f"{URL}/theirs")

    assert [s["slug"] for s in listed.json()["items"]] == ["mine"]
    assert theirs.status_code == 404


@pytest.mark.django_db
def test_segments_list_in_pages_by_name(
    client_as: Callable[[Role], Client], owner_access: WorkspaceAccess
) -> None:
    for name in ("Charlie", "Alpha", "Bravo"):
        actions.create_segment(owner_access, name=name, kind="static")
    client = client_as(Role.VIEWER)

    first = client.get(URL, {"limit": 2}).json()
    second = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()

    assert [s["name"] for s in first["items"]] == ["Alpha", "Bravo"]
    assert [s["name"] for s in second["items"]] == ["Charlie"]
    assert second["next_cursor"] is None


@pytest.mark.django_db
def test_create_then_read_a_dynamic_segment(
    client_as: Callable[[Role], Client],
    people: list[Contact],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_as(Role.MARKETING)
    with django_capture_on_commit_callbacks(execute=True):
        created = _post(client, URL, {"name": "VIP", "kind": "dynamic", "rule": VIP})

    read = client.get(f"{URL}/vip").json()

    assert created.status_code == 201
    assert (read["slug"], read["kind"], read["size"], read["rule"]) == ("vip", "dynamic", 22, VIP)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMUNICATION, Role.CRISIS_LEAD])
def test_roles_without_segments_edit_create_nothing(
    client_as: Callable[[Role], Client], role: Role
) -> None:
    response = _post(client_as(role), URL, {"name": "VIP", "kind": "dynamic", "rule": VIP})

    assert response.status_code == 403
    assert Segment.objects.count() == 0


@pytest.mark.django_db
def test_editing_with_a_bad_rule_changes_nothing(
    client_as: Callable[[Role], Client], owner_access: WorkspaceAccess
) -> None:
    segment = actions.create_segment(owner_access, name="VIP", kind="dynamic", rule=VIP)
    bad = {"any": [VIP, {"type": "event", "kind": "click", "window": {"last_days": -1}}]}

    response = client_as(Role.OWNER).patch(
        f"{URL}/vip", json.dumps({"rule": bad, "name": "Other"}), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "$.any[1].window.last_days": ["expected a number from 1 to 3650"]
    }
    segment.refresh_from_db()
    assert (segment.name, segment.rule) == ("VIP", VIP)


@pytest.mark.django_db
def test_static_list_members_through_the_api(
    client_as: Callable[[Role], Client], owner_access: WorkspaceAccess, people: list[Contact]
) -> None:
    segment = actions.create_segment(owner_access, name="Press", kind="static")
    client = client_as(Role.MARKETING)

    added = _post(client, f"{URL}/press/members", {"contact_ids": [people[0].pk, people[1].pk]})
    removed = _post(client, f"{URL}/press/members/remove", {"contact_ids": [people[0].pk]})
    unknown = _post(client, f"{URL}/press/members", {"contact_ids": [10_000_000]})

    assert added.json() == {"size": 2, "entered": 2, "left": 0}
    assert removed.json() == {"size": 1, "entered": 0, "left": 1}
    assert unknown.status_code == 422
    assert queries.member_ids(segment) == [people[1].pk]


@pytest.mark.django_db
def test_deleting_needs_segments_edit(
    client_as: Callable[[Role], Client], owner_access: WorkspaceAccess
) -> None:
    actions.create_segment(owner_access, name="Press", kind="static")

    denied = client_as(Role.VIEWER).delete(f"{URL}/press")
    deleted = client_as(Role.OWNER).delete(f"{URL}/press")

    assert (denied.status_code, deleted.status_code) == (403, 204)
    assert Segment.objects.count() == 0
