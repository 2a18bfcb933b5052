from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.contacts import actions, queries
from accord.contacts.models import (
    Company,
    Consent,
    Contact,
    PropertyDefinition,
    PropertyType,
    TimelineEntry,
)


@pytest.fixture
def alice(owner_access: WorkspaceAccess) -> Contact:
    return actions.create_contact(
        owner_access,
        {
            "email": " Alice@Example.COM ",
            "first_name": "Alice",
            "last_name": "Durand",
            "language": "Français",
            "company": "Atelier Nord",
            "tags": "vip; newsletter",
        },
    )


def test_it_stores_emails_lower_cased_and_normalises_fields(alice: Contact) -> None:
    assert alice.email == "alice@example.com"
    assert alice.language == "fr"
    assert alice.company is not None
    assert alice.company.name == "Atelier Nord"
    assert queries.tag_names(alice) == ["newsletter", "vip"]
    assert [e.kind for e in queries.timeline(alice)] == ["contact.created"]


def test_emails_are_unique_per_workspace_whatever_their_case(
    owner_access: WorkspaceAccess, alice: Contact
) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_contact(owner_access, {"email": "ALICE@example.com"})

    assert error.value.message_dict == {
        "email": ["A contact with email alice@example.com already exists."]
    }
    assert Contact.objects.count() == 1


def test_the_same_email_may_exist_in_another_workspace(
    alice: Contact, other_workspace: Workspace
) -> None:
    other = WorkspaceAccess.system(other_workspace)

    copy = actions.create_contact(other, {"email": "alice@example.com"})

    assert copy.workspace == other_workspace
    assert Contact.objects.filter(email="alice@example.com").count() == 2


def test_every_bad_field_is_named_with_its_reason(owner_access: WorkspaceAccess) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_contact(
            owner_access,
            {"email": "jean@", "language": "de", "phone": "call me", "shoe": "42"},
        )

    assert error.value.message_dict == {
        "email": ["'jean@' is not a valid email address."],
        "language": ["Language 'de' is not French or English (use fr or en)."],
        "phone": ["'call me' is not a phone number."],
        "shoe": ["Unknown field 'shoe'."],
    }
    assert Contact.objects.count() == 0


def test_custom_properties_are_checked_against_their_declared_type(
    owner_access: WorkspaceAccess, workspace: Workspace
) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace, key="budget", label="Budget", type=PropertyType.NUMBER
    )
    PropertyDefinition.objects.create(
        workspace=workspace,
        key="interest",
        label="Interest",
        type=PropertyType.CHOICE,
        choices=["luminaire", "textile"],
    )

    contact = actions.create_contact(
        owner_access,
        {
            "email": "b@example.com",
            "properties": {"budget": "1 200,5".replace(" ", ""), "interest": "textile"},
        },
    )
    with pytest.raises(ValidationError) as error:
        actions.update_contact(
            owner_access, contact, {"properties": {"budget": "lots", "interest": "cars", "x": 1}}
        )

    assert contact.properties == {"budget": 1200.5, "interest": "textile"}
    assert error.value.message_dict == {
        "properties.budget": ["'lots' is not a valid number for property 'budget'."],
        "properties.interest": [
            "'cars' is not one of ['luminaire', 'textile'] for property 'interest'."
        ],
        "properties.x": ["Property 'x' is not declared in this workspace."],
    }


def test_an_update_is_audited_with_before_and_after(
    owner_access: WorkspaceAccess, alice: Contact
) -> None:
    actions.update_contact(owner_access, alice, {"last_name": "Dupont", "tags": ["vip"]})

    entry = AuditEntry.objects.get(action="contact.update")
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["last_name"], entry.after["last_name"]) == ("Durand", "Dupont")
    assert (entry.before["tags"], entry.after["tags"]) == (["newsletter", "vip"], ["vip"])
    assert entry.actor_label == "owner"
    assert queries.timeline(alice).first().data == {"fields": ["last_name", "tags"]}  # type: ignore[union-attr]


def test_an_update_that_changes_nothing_writes_nothing(
    owner_access: WorkspaceAccess, alice: Contact
) -> None:
    actions.update_contact(owner_access, alice, {"first_name": "Alice"})

    assert not AuditEntry.objects.filter(action="contact.update").exists()
    assert TimelineEntry.objects.filter(contact=alice).count() == 1


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BRAND_REVIEWER, Role.CRISIS_LEAD])
def test_read_only_roles_change_nothing(
    role: Role, access_for: Callable[[Role], WorkspaceAccess], alice: Contact
) -> None:
    access = access_for(role)
    audit_rows = AuditEntry.objects.count()

    for attempt in (
        lambda: actions.create_contact(access, {"email": "new@example.com"}),
        lambda: actions.update_contact(access, alice, {"first_name": "Mallory"}),
        lambda: actions.add_tags(access, alice, ["hacked"]),
        lambda: actions.set_consent(access, alice, "sms", True, source="x"),
        lambda: actions.erase_contact(access, alice),
    ):
        with pytest.raises(PermissionDenied):
            attempt()

    alice.refresh_from_db()
    assert (alice.first_name, Contact.objects.count()) == ("Alice", 1)
    assert queries.tag_names(alice) == ["newsletter", "vip"]
    assert AuditEntry.objects.count() == audit_rows


def test_only_owners_erase_or_delete(
    access_for: Callable[[Role], WorkspaceAccess], alice: Contact
) -> None:
    for role in (Role.MARKETING, Role.COMMUNICATION):
        access = access_for(role)
        with pytest.raises(PermissionDenied):
            actions.erase_contact(access, alice)
        with pytest.raises(PermissionDenied):
            actions.delete_contact(access, alice)
    assert Contact.objects.get(pk=alice.pk).erased_at is None


def test_a_contact_of_another_workspace_cannot_be_touched(
    alice: Contact, other_workspace: Workspace
) -> None:
    stranger = WorkspaceAccess.system(other_workspace)

    with pytest.raises(Contact.DoesNotExist):
        actions.update_contact(stranger, alice, {"first_name": "Eve"})

    alice.refresh_from_db()
    assert alice.first_name == "Alice"


def test_consent_keeps_source_proof_and_history(
    owner_access: WorkspaceAccess, alice: Contact
) -> None:
    at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    actions.set_consent(
        owner_access,
        alice,
        "email_marketing",
        True,
        source="form:newsletter",
        proof="ip=203.0.113.4 ua=Firefox",
        at=at,
    )
    actions.set_consent(owner_access, alice, "email_marketing", False, source="unsubscribe link")

    consent = Consent.objects.get(contact=alice)
    assert (consent.granted, consent.source) == (False, "unsubscribe link")
    kinds = [e.kind for e in queries.timeline(alice)]
    # The timeline is ordered by when things happened, not when they were recorded.
    assert kinds == ["consent.withdrawn", "contact.created", "consent.granted"]
    with pytest.raises(ValidationError):
        actions.set_consent(owner_access, alice, "telepathy", True, source="x")
    with pytest.raises(ValidationError):
        actions.set_consent(owner_access, alice, "sms", True, source=" ")


def test_merge_fills_blanks_unites_tags_and_moves_history(
    owner_access: WorkspaceAccess, alice: Contact
) -> None:
    old = datetime(2025, 1, 1, tzinfo=UTC)
    twin = actions.create_contact(
        owner_access,
        {"email": "alice.durand@work.example", "phone": "+33 6 12 34 56 78", "tags": ["client"]},
    )
    actions.set_consent(owner_access, twin, "sms", True, source="shop", at=old)
    actions.set_consent(owner_access, alice, "email_marketing", True, source="form")
    actions.set_consent(owner_access, twin, "email_marketing", False, source="old", at=old)

    kept = actions.merge_contacts(owner_access, alice, twin)

    assert Contact.objects.filter(pk=twin.pk).count() == 0
    assert (kept.first_name, kept.phone) == ("Alice", "+33 6 12 34 56 78")
    assert queries.tag_names(kept) == ["client", "newsletter", "vip"]
    consents = {c.purpose: (c.granted, c.source) for c in Consent.objects.filter(contact=kept)}
    assert consents == {"email_marketing": (True, "form"), "sms": (True, "shop")}
    kinds = [e.kind for e in queries.timeline(kept)]
    assert kinds.count("contact.created") == 2
    assert kinds[0] == "contact.merged"


def test_gdpr_export_holds_everything_and_erasure_removes_all_pii(
    owner_access: WorkspaceAccess, alice: Contact
) -> None:
    actions.set_consent(
        owner_access, alice, "email_marketing", True, source="form", proof="ip=1.2.3.4"
    )
    actions.append_timeline(
        alice, "form.submit", "Downloaded the catalogue", data={"ip": "1.2.3.4"}
    )

    export = queries.gdpr_export(alice)
    actions.erase_contact(owner_access, alice)
    alice.refresh_from_db()

    assert export["contact"]["email"] == "alice@example.com"
    assert export["tags"] == ["newsletter", "vip"]
    assert export["consents"][0]["proof"] == "ip=1.2.3.4"
    assert len(export["timeline"]) == 3
    assert alice.email.endswith("@erased.invalid")
    assert (alice.first_name, alice.last_name, alice.phone, alice.company) == ("", "", "", None)
    assert queries.tag_names(alice) == []
    assert Consent.objects.get(contact=alice).proof == ""
    assert set(TimelineEntry.objects.filter(contact=alice).values_list("title", flat=True)) == {
        "(erased)"
    }
    dumped = str(list(AuditEntry.objects.values("before", "after", "actor_label")))
    assert "alice@example.com" not in dumped
    assert "Durand" not in dumped
    assert Company.objects.filter(name="Atelier Nord").exists()  # the company is not personal data


def test_an_erased_contact_cannot_get_personal_data_back(
    owner_access: WorkspaceAccess, alice: Contact
) -> None:
    actions.erase_contact(owner_access, alice)

    with pytest.raises(ValidationError):
        actions.update_contact(owner_access, alice, {"first_name": "Alice"})
    with pytest.raises(ValidationError):
        actions.add_tags(owner_access, alice, ["vip"])
    with pytest.raises(ValidationError):
        actions.set_consent(owner_access, alice, "sms", True, source="phone")

    alice.refresh_from_db()
    assert alice.first_name == ""
    assert queries.tag_names(alice) == []
