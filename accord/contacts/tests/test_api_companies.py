"""Companies, tags and declared properties through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.contacts import actions
from accord.contacts.models import Company, PropertyDefinition

URL = "/api/v1/companies"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def api(api_token: Callable[[Role], str]) -> Client:
    return Client(headers={"authorization": f"Bearer {api_token(Role.OWNER)}"})


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data, content_type="application/json")


def test_it_creates_reads_updates_and_deletes_a_company(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    created = post(api, URL, {"name": "  Acme   Corp ", "country": "fr", "city": "Lyon"})
    company_id = created.json()["id"]
    contact = actions.create_contact(
        owner_access, {"email": "a@example.com", "company": "acme corp"}
    )

    read = api.get(f"{URL}/{company_id}")
    patched = api.patch(
        f"{URL}/{company_id}", {"industry": "Anvils"}, content_type="application/json"
    )
    deleted = api.delete(f"{URL}/{company_id}")

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("name", "domain", "city", "country")} == {
        "name": "Acme Corp",
        "domain": "",
        "city": "Lyon",
        "country": "FR",
    }
    assert read.json() == created.json()
    assert patched.json()["industry"] == "Anvils"
    assert deleted.status_code == 204
    assert not Company.objects.filter(pk=company_id).exists()
    contact.refresh_from_db()
    assert contact.company_id is None
    assert list(
        AuditEntry.objects.filter(object_type="Company")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["company.create", "company.update", "company.delete"]


def test_a_company_name_is_unique_whatever_its_case(api: Client, workspace: Workspace) -> None:
    Company.objects.create(workspace=workspace, name="Acme")
    other = Company.objects.create(workspace=workspace, name="Globex")

    created = post(api, URL, {"name": "ACME"})
    renamed = api.patch(f"{URL}/{other.pk}", {"name": "acme"}, content_type="application/json")

    assert created.status_code == 422
    assert created.json()["error"]["fields"] == {"name": ["A company named 'ACME' already exists."]}
    assert renamed.status_code == 422
    assert list(renamed.json()["error"]["fields"]) == ["name"]
    assert sorted(Company.objects.values_list("name", flat=True)) == ["Acme", "Globex"]


def test_a_company_may_change_the_case_of_its_own_name(api: Client, workspace: Workspace) -> None:
    acme = Company.objects.create(workspace=workspace, name="acme")

    response = api.patch(f"{URL}/{acme.pk}", {"name": "ACME"}, content_type="application/json")

    assert response.json()["name"] == "ACME"


def test_a_same_name_in_another_workspace_is_allowed(
    api: Client, other_workspace: Workspace
) -> None:
    Company.objects.create(workspace=other_workspace, name="Acme")

    assert post(api, URL, {"name": "Acme"}).status_code == 201


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "country": "France"}, "country"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_bad_company_values_are_field_errors(
    api: Client, values: dict[str, str], field: str
) -> None:
    response = post(api, URL, values)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Company.objects.exists()


def test_it_lists_companies_by_name_page_by_page(api: Client, workspace: Workspace) -> None:
    for name in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"]:
        Company.objects.create(workspace=workspace, name=name)

    first = api.get(URL, {"limit": 2}).json()
    second = api.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()
    third = api.get(URL, {"limit": 2, "cursor": second["next_cursor"]}).json()
    searched = api.get(URL, {"q": "RAV"}).json()

    names = [c["name"] for page in (first, second, third) for c in page["items"]]
    assert names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert third["next_cursor"] is None
    assert [c["name"] for c in searched["items"]] == ["Bravo"]


def test_another_workspaces_company_is_not_found(api: Client, other_workspace: Workspace) -> None:
    theirs = Company.objects.create(workspace=other_workspace, name="Theirs")

    assert api.get(f"{URL}/{theirs.pk}").status_code == 404
    assert api.delete(f"{URL}/{theirs.pk}").status_code == 404
    assert Company.objects.filter(pk=theirs.pk).exists()


def test_it_lists_tags_with_their_number_of_contacts(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    actions.create_contact(owner_access, {"email": "a@example.com", "tags": ["vip", "press"]})
    actions.create_contact(owner_access, {"email": "b@example.com", "tags": ["vip"]})
    actions.ensure_tags(owner_access.workspace.pk, ["unused"])

    response = api.get("/api/v1/tags")

    assert response.json() == [
        {"name": "press", "contacts": 1},
        {"name": "unused", "contacts": 0},
        {"name": "vip", "contacts": 2},
    ]


def test_it_declares_a_property_that_contacts_then_accept(api: Client) -> None:
    declared = post(
        api,
        "/api/v1/properties",
        {"key": "plan", "label": "Plan", "type": "choice", "choices": ["free", "pro", "pro"]},
    )
    accepted = post(
        api, "/api/v1/contacts", {"email": "a@example.com", "properties": {"plan": "pro"}}
    )
    refused = post(
        api, "/api/v1/contacts", {"email": "b@example.com", "properties": {"plan": "gold"}}
    )

    assert declared.status_code == 201
    assert declared.json() == {
        "key": "plan",
        "label": "Plan",
        "type": "choice",
        "choices": ["free", "pro"],
    }
    assert api.get("/api/v1/properties").json() == [declared.json()]
    assert accepted.json()["properties"] == {"plan": "pro"}
    assert list(refused.json()["error"]["fields"]) == ["properties.plan"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"key": "Bad Key", "label": "L"}, "key"),
        ({"key": "size", "label": ""}, "label"),
        ({"key": "size", "label": "L", "type": "choice"}, "choices"),
        ({"key": "size", "label": "L", "type": "text", "choices": ["a"]}, "choices"),
        ({"key": "size", "label": "L", "type": "colour"}, "type"),
    ],
)
def test_bad_property_definitions_are_field_errors(
    api: Client, values: dict[str, Any], field: str
) -> None:
    response = post(api, "/api/v1/properties", values)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == [field]
    assert not PropertyDefinition.objects.exists()


def test_a_property_key_is_defined_once(api: Client, workspace: Workspace) -> None:
    PropertyDefinition.objects.create(workspace=workspace, key="size", label="Size")

    response = post(api, "/api/v1/properties", {"key": "size", "label": "Again"})

    assert response.json()["error"]["fields"] == {"key": ["Property 'size' is already defined."]}
    assert PropertyDefinition.objects.get().label == "Size"


def test_a_viewer_may_not_declare_a_property(api_token: Callable[[Role], str]) -> None:
    viewer = Client(headers={"authorization": f"Bearer {api_token(Role.VIEWER)}"})

    response = post(viewer, "/api/v1/properties", {"key": "size", "label": "Size"})

    assert response.status_code == 403
    assert not PropertyDefinition.objects.exists()
