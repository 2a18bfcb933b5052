"""The contacts API: CRUD, search, pagination, tags, consent, timeline, merge and GDPR."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry
from accord.accounts.roles import Role
from accord.contacts import actions
from accord.contacts.models import Consent, Contact, PropertyDefinition, TimelineEntry

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


def add(access: WorkspaceAccess, email: str, **values: Any) -> Contact:
    return actions.create_contact(access, {"email": email, **values})


def test_it_creates_reads_updates_and_deletes_a_contact(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    PropertyDefinition.objects.create(
        workspace=owner_access.workspace, key="size", label="Size", type="number"
    )

    created = api.post(
        URL,
        {
            "email": " Ada@Example.COM ",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "language": "English",
            "company": "Analytical Engines",
            "tags": ["vip", "press"],
            "properties": {"size": "12"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    contact_id = body["id"]
    assert body["email"] == "ada@example.com"
    assert body["language"] == "en"
    assert body["company"]["name"] == "Analytical Engines"
    assert body["tags"] == ["press", "vip"]
    assert body["properties"] == {"size": 12.0}
    assert body["erased_at"] is None

    read = api.get(f"{URL}/{contact_id}")
    assert read.status_code == 200
    assert read.json() == body | {"updated_at": read.json()["updated_at"]}

    patched = api.patch(
        f"{URL}/{contact_id}",
        {"last_name": "King", "tags": ["vip"], "company": None},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert (patched.json()["last_name"], patched.json()["tags"]) == ("King", ["vip"])
    assert patched.json()["company"] is None
    assert patched.json()["first_name"] == "Ada"

    deleted = api.delete(f"{URL}/{contact_id}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert not Contact.objects.filter(pk=contact_id).exists()
    assert api.get(f"{URL}/{contact_id}").status_code == 404


def test_it_audits_writes_made_with_a_token(api: Client, workspace: Any) -> None:
    api.post(URL, {"email": "a@example.com"}, content_type="application/json")

    entry = AuditEntry.objects.get(workspace=workspace, action="contact.create")
    assert entry.actor_label == "token:t-owner"
    assert entry.actor_token is not None


def test_it_filters_the_search_by_words_tag_company_consent_and_language(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    ada = add(owner_access, "ada@example.com", first_name="Ada", language="en", tags=["vip"])
    add(owner_access, "alan@example.com", first_name="Alan", company="Bletchley")
    marie = add(owner_access, "marie@example.fr", first_name="Marie", language="fr", tags=["vip"])
    actions.set_consent(owner_access, marie, "email_marketing", True, source="form")
    actions.set_consent(owner_access, ada, "email_marketing", False, source="form")

    def emails(query: str) -> list[str]:
        response = api.get(f"{URL}?{query}")
        assert response.status_code == 200
        return [item["email"] for item in response.json()["items"]]

    assert emails("") == ["marie@example.fr", "alan@example.com", "ada@example.com"]
    assert emails("q=ada") == ["ada@example.com"]
    assert emails("q=BLETCH") == ["alan@example.com"]
    assert emails("q=example.com%20alan") == ["alan@example.com"]
    assert emails("tag=vip") == ["marie@example.fr", "ada@example.com"]
    assert emails("company=bletchley") == ["alan@example.com"]
    assert emails("consent=email_marketing") == ["marie@example.fr"]
    assert emails("language=en") == ["ada@example.com"]
    assert emails("tag=vip&language=fr") == ["marie@example.fr"]
    assert emails("tag=nobody") == []


def test_it_pages_with_a_cursor_without_repeats_or_gaps_when_contacts_arrive(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    existing = [add(owner_access, f"c{i:02}@example.com").pk for i in range(25)]

    first = api.get(f"{URL}?limit=10").json()
    add(owner_access, "late@example.com")
    second = api.get(f"{URL}?limit=10&cursor={first['next_cursor']}").json()
    third = api.get(f"{URL}?limit=10&cursor={second['next_cursor']}").json()

    pages = [first, second, third]
    seen = [item["id"] for page in pages for item in page["items"]]
    assert [len(page["items"]) for page in pages] == [10, 10, 5]
    assert seen == sorted(existing, reverse=True)
    assert third["next_cursor"] is None
    assert first["next_cursor"] is not None


def test_a_page_costs_a_fixed_number_of_queries(
    api: Client,
    owner_access: WorkspaceAccess,
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(40):
        add(owner_access, f"c{i}@example.com", company=f"Co {i % 3}", tags=["a", f"t{i % 4}"])
    api.get(f"{URL}?limit=1")  # the token's last use is recorded once, outside the count

    with django_assert_max_num_queries(3):
        response = api.get(f"{URL}?limit=40")

    assert len(response.json()["items"]) == 40
    assert response.json()["items"][0]["tags"] == ["a", "t3"]
    assert response.json()["items"][0]["company"]["name"] == "Co 0"


def test_it_adds_and_removes_tags(api: Client, owner_access: WorkspaceAccess) -> None:
    contact = add(owner_access, "a@example.com", tags=["old"])

    added = api.post(
        f"{URL}/{contact.pk}/tags", {"tags": ["new", " vip "]}, content_type="application/json"
    )
    removed_one = api.delete(f"{URL}/{contact.pk}/tags/new")
    removed_many = api.post(
        f"{URL}/{contact.pk}/tags/remove",
        {"tags": ["old", "unknown"]},
        content_type="application/json",
    )

    assert added.json() == {"tags": ["new", "old", "vip"]}
    assert removed_one.json() == {"tags": ["old", "vip"]}
    assert removed_many.json() == {"tags": ["vip"]}


def test_it_removes_a_tag_whose_name_needs_url_encoding(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    contact = add(owner_access, "a@example.com", tags=["salon 2025", "vip"])

    response = api.delete(f"{URL}/{contact.pk}/tags/salon%202025")

    assert response.json() == {"tags": ["vip"]}


def test_it_records_a_consent_with_its_proof(api: Client, owner_access: WorkspaceAccess) -> None:
    contact = add(owner_access, "a@example.com")

    response = api.post(
        f"{URL}/{contact.pk}/consents",
        {
            "purpose": "email_marketing",
            "granted": True,
            "source": "newsletter form",
            "proof": "https://example.com/form ip=192.0.2.1",
            "at": "2025-03-01T10:00:00+01:00",
        },
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "purpose": "email_marketing",
        "granted": True,
        "at": "2025-03-01T09:00:00Z",
        "source": "newsletter form",
        "proof": "https://example.com/form ip=192.0.2.1",
    }
    listed = api.get(f"{URL}/{contact.pk}/consents").json()
    assert listed == [response.json()]
    kinds = list(TimelineEntry.objects.filter(contact=contact).values_list("kind", flat=True))
    assert "consent.granted" in kinds


def test_it_refuses_a_consent_for_an_unknown_purpose(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    contact = add(owner_access, "a@example.com")

    response = api.post(
        f"{URL}/{contact.pk}/consents",
        {"purpose": "telepathy", "granted": True, "source": "form"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["purpose"]
    assert not Consent.objects.exists()


def test_it_appends_an_event_pushed_by_another_tool_then_reads_it_back(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    contact = add(owner_access, "a@example.com")

    pushed = api.post(
        f"{URL}/{contact.pk}/timeline",
        {
            "kind": "ticket.opened",
            "title": "Ticket #42: invoice question",
            "app": "helpdesk",
            "data": {"ticket": 42},
            "at": "2030-01-01T12:00:00Z",
        },
        content_type="application/json",
    )
    timeline = api.get(f"{URL}/{contact.pk}/timeline").json()

    assert pushed.status_code == 201
    assert pushed.json() == {
        "id": pushed.json()["id"],
        "at": "2030-01-01T12:00:00Z",
        "kind": "ticket.opened",
        "app": "helpdesk",
        "title": "Ticket #42: invoice question",
        "data": {"ticket": 42},
        "actor": "token:t-owner",
    }
    assert timeline["items"][0] == pushed.json()
    assert [e["kind"] for e in timeline["items"]] == ["ticket.opened", "contact.created"]
    assert timeline["next_cursor"] is None


def test_it_pages_the_timeline(api: Client, owner_access: WorkspaceAccess) -> None:
    contact = add(owner_access, "a@example.com")
    for i in range(4):
        actions.append_timeline(contact, "note", f"n{i}")

    first = api.get(f"{URL}/{contact.pk}/timeline?limit=3").json()
    second = api.get(f"{URL}/{contact.pk}/timeline?limit=3&cursor={first['next_cursor']}").json()

    titles = [e["title"] for e in first["items"] + second["items"]]
    assert titles == ["n3", "n2", "n1", "n0", "Contact created"]
    assert second["next_cursor"] is None


def test_it_refuses_a_naive_event_time(api: Client, owner_access: WorkspaceAccess) -> None:
    contact = add(owner_access, "a@example.com")

    response = api.post(
        f"{URL}/{contact.pk}/timeline",
        {"kind": "call", "title": "Call", "at": "2030-01-01T12:00:00"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["at"]


def test_it_merges_a_duplicate_into_a_contact(api: Client, owner_access: WorkspaceAccess) -> None:
    keep = add(owner_access, "ada@example.com", tags=["vip"])
    duplicate = add(owner_access, "ada.l@example.com", first_name="Ada", tags=["press"])

    response = api.post(
        f"{URL}/{keep.pk}/merge", {"duplicate_id": duplicate.pk}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"
    assert response.json()["first_name"] == "Ada"
    assert response.json()["tags"] == ["press", "vip"]
    assert not Contact.objects.filter(pk=duplicate.pk).exists()


def test_it_refuses_to_merge_a_missing_duplicate(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    keep = add(owner_access, "ada@example.com")

    response = api.post(
        f"{URL}/{keep.pk}/merge", {"duplicate_id": keep.pk + 100}, content_type="application/json"
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["duplicate_id"]


def test_it_exports_everything_known_about_a_contact(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    contact = add(owner_access, "ada@example.com", first_name="Ada", company="AE", tags=["vip"])
    actions.set_consent(owner_access, contact, "sms", True, source="call", proof="rec-7")

    response = api.get(f"{URL}/{contact.pk}/export")

    body = response.json()
    assert response.status_code == 200
    assert body["contact"]["email"] == "ada@example.com"
    assert body["contact"]["first_name"] == "Ada"
    assert body["contact"]["company"] == "AE"
    assert body["tags"] == ["vip"]
    assert [(c["purpose"], c["granted"], c["proof"]) for c in body["consents"]] == [
        ("sms", True, "rec-7")
    ]
    assert [e["kind"] for e in body["timeline"]] == ["consent.granted", "contact.created"]


def test_it_erases_the_personal_data_of_a_contact(
    api: Client, owner_access: WorkspaceAccess
) -> None:
    contact = add(
        owner_access, "ada@example.com", first_name="Ada", phone="+33 1 23 45 67 89", tags=["vip"]
    )

    response = api.post(f"{URL}/{contact.pk}/erase")

    body = response.json()
    assert response.status_code == 200
    assert body["email"].endswith("@erased.invalid")
    assert (body["first_name"], body["phone"], body["tags"]) == ("", "", [])
    assert body["erased_at"] is not None
    export = api.get(f"{URL}/{contact.pk}/export").json()
    assert "ada@example.com" not in str(export)
    assert "Ada" not in str(export)


def test_an_erased_contact_takes_no_new_events(api: Client, owner_access: WorkspaceAccess) -> None:
    contact = actions.erase_contact(owner_access, add(owner_access, "a@example.com"))
    count = TimelineEntry.objects.filter(contact=contact).count()

    response = api.post(
        f"{URL}/{contact.pk}/timeline",
        {"kind": "call", "title": "Called Ada Lovelace"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["contact"]
    assert TimelineEntry.objects.filter(contact=contact).count() == count
