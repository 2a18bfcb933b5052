"""The contact page and the pages that change one contact: new, edit, merge, GDPR, erase."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User, Workspace
from accord.contacts.actions import append_timeline, create_contact, set_consent
from accord.contacts.models import Contact, PropertyDefinition, PropertyType, TimelineEntry

BASE = "/w/brand/contacts/"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def ada(owner_access: WorkspaceAccess) -> Contact:
    PropertyDefinition.objects.create(
        workspace=owner_access.workspace, key="plan", label="Plan", type=PropertyType.TEXT
    )
    PropertyDefinition.objects.create(
        workspace=owner_access.workspace, key="vip", label="VIP", type=PropertyType.BOOLEAN
    )
    contact = create_contact(
        owner_access,
        {
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "Analytical",
            "phone": "+44 20 1234 5678",
            "tags": ["speaker", "vip"],
            "properties": {"plan": "gold", "vip": "yes"},
        },
    )
    set_consent(
        owner_access, contact, "email_marketing", True, source="newsletter form", proof="ip 1.2.3.4"
    )
    return contact


def test_the_contact_page_shows_profile_tags_properties_consents_and_timeline(
    ada: Contact, owner: User, client_for: Callable[[User], Client]
) -> None:
    append_timeline(ada, "email.opened", "Opened “Spring news”", app="mailing")
    response = client_for(owner).get(f"{BASE}{ada.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ada Lovelace</h1>" in html
    assert "<title>Ada Lovelace · Accord</title>" in html
    for text in ("+44 20 1234 5678", "Analytical", "speaker", "Plan", "gold", "VIP", "Yes"):
        assert text in html
    assert "Email marketing" in html
    assert "Granted" in html
    assert "newsletter form" in html
    assert "ip 1.2.3.4" in html
    assert html.count('class="tl-item') == 3
    assert "Contact created" in html
    assert "Consent granted" in html
    assert "Email marketing · newsletter form" in html
    assert "Opened “Spring news”" in html
    assert "by owner" in html


def test_another_workspaces_contact_is_not_found(
    other_workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    theirs = create_contact(WorkspaceAccess.system(other_workspace), {"email": "x@example.com"})
    assert client_for(owner).get(f"{BASE}{theirs.pk}/").status_code == 404
    assert client_for(owner).get(f"{BASE}999999/").status_code == 404


def test_the_new_contact_form_creates_a_contact(
    owner: User, client_for: Callable[[User], Client], workspace: Workspace
) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace, key="plan", label="Plan", type=PropertyType.TEXT
    )
    response = client_for(owner).post(
        f"{BASE}new/",
        {
            "email": " Grace@Example.com ",
            "first_name": "Grace",
            "last_name": "Hopper",
            "language": "en",
            "company": "Navy",
            "tags": "cobol, speaker",
            "prop_plan": "silver",
        },
    )
    contact = Contact.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}{contact.pk}/"
    assert (contact.email, contact.full_name, contact.language) == (
        "grace@example.com",
        "Grace Hopper",
        "en",
    )
    assert contact.company is not None
    assert contact.company.name == "Navy"
    assert sorted(contact.tags.values_list("name", flat=True)) == ["cobol", "speaker"]
    assert contact.properties == {"plan": "silver"}


def test_the_form_shows_the_actions_errors_next_to_their_fields(
    ada: Contact, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    bad_email = client.post(f"{BASE}new/", {"email": "not-an-email", "phone": "call me"})
    taken = client.post(f"{BASE}new/", {"email": "ADA@example.com"})
    html = bad_email.content.decode()
    assert bad_email.status_code == 422
    assert 'id="id_email_error" role="alert"' in html
    assert "is not a valid email address" in html
    assert 'id="id_phone_error" role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert "A contact with email ada@example.com already exists." in taken.content.decode()
    assert Contact.objects.count() == 1


def test_the_edit_form_is_prefilled_and_saves_changes(
    ada: Contact, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    form = client.get(f"{BASE}{ada.pk}/edit/").content.decode()
    assert 'value="ada@example.com"' in form
    assert 'value="speaker, vip"' in form
    assert 'value="gold"' in form
    response = client.post(
        f"{BASE}{ada.pk}/edit/",
        {
            "email": "ada@example.com",
            "first_name": "Augusta Ada",
            "last_name": "Lovelace",
            "tags": "vip",
            "prop_plan": "",
            "prop_vip": "true",
        },
    )
    ada.refresh_from_db()
    assert response.status_code == 302
    assert ada.first_name == "Augusta Ada"
    assert ada.company is None
    assert list(ada.tags.values_list("name", flat=True)) == ["vip"]
    assert ada.properties == {"vip": True}
    assert TimelineEntry.objects.filter(contact=ada, kind="contact.updated").count() == 1


def test_a_custom_property_error_shows_next_to_its_field(
    owner: User, client_for: Callable[[User], Client], workspace: Workspace
) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace, key="since", label="Client since", type=PropertyType.DATE
    )
    response = client_for(owner).post(f"{BASE}new/", {"email": "a@b.fr", "prop_since": "soon"})
    assert response.status_code == 422
    assert 'id="id_prop_since_error"' in response.content.decode()
    assert not Contact.objects.exists()


def test_merge_asks_for_confirmation_then_merges(
    ada: Contact,
    owner_access: WorkspaceAccess,
    owner: User,
    client_for: Callable[[User], Client],
) -> None:
    dup = create_contact(
        owner_access, {"email": "lovelace@example.com", "phone": "", "tags": ["poet"]}
    )
    client = client_for(owner)
    preview = client.post(f"{BASE}{ada.pk}/merge/", {"email": "lovelace@example.com"})
    assert preview.status_code == 200
    assert Contact.objects.filter(pk=dup.pk).exists()
    assert 'name="confirm" value="1"' in preview.content.decode()
    done = client.post(f"{BASE}{ada.pk}/merge/", {"email": "lovelace@example.com", "confirm": "1"})
    assert done.status_code == 302
    assert not Contact.objects.filter(pk=dup.pk).exists()
    assert sorted(ada.tags.values_list("name", flat=True)) == ["poet", "speaker", "vip"]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.com", "No contact has this email in this workspace."),
        ("ada@example.com", "This is the contact itself; pick another one."),
    ],
)
def test_merge_explains_a_bad_pick(
    ada: Contact, owner: User, client_for: Callable[[User], Client], email: str, message: str
) -> None:
    response = client_for(owner).post(f"{BASE}{ada.pk}/merge/", {"email": email, "confirm": "1"})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Contact.objects.count() == 1


def test_gdpr_export_downloads_everything_as_json(
    ada: Contact, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get(f"{BASE}{ada.pk}/gdpr.json")
    data = json.loads(response.content)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="contact-{ada.pk}.json"'
    assert data["contact"]["email"] == "ada@example.com"
    assert data["tags"] == ["speaker", "vip"]
    assert [c["purpose"] for c in data["consents"]] == ["email_marketing"]
    assert len(data["timeline"]) == 2


def test_erase_confirms_first_then_erases(
    ada: Contact, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    confirm = client.get(f"{BASE}{ada.pk}/erase/")
    ada.refresh_from_db()
    assert confirm.status_code == 200
    assert "Erase permanently" in confirm.content.decode()
    assert ada.erased_at is None
    done = client.post(f"{BASE}{ada.pk}/erase/")
    ada.refresh_from_db()
    assert done.status_code == 302
    assert ada.erased_at is not None
    assert ada.first_name == ""
    page = client.get(f"{BASE}{ada.pk}/").content.decode()
    assert "personal data was erased" in page
    assert "<h1>Erased contact</h1>" in page
    assert "erased.invalid" not in page.split("<h2")[0]
    assert "Personal data erased" in page
    assert f"{BASE}{ada.pk}/edit/" not in page
    assert client.get(f"{BASE}{ada.pk}/edit/").status_code == 404
    assert AuditEntry.objects.filter(action="contact.erase").count() == 1
