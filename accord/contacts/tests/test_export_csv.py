"""CSV export: its columns, its filters, and the round trip through the import."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pytest_django import DjangoAssertNumQueries

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.models import Membership, User, Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import (
    add_tags,
    create_contact,
    erase_contact,
    import_contacts,
    set_consent,
)
from accord.contacts.exporting import export_contacts_csv
from accord.contacts.models import Consent, Contact, PropertyDefinition, PropertyType
from accord.contacts.queries import ContactFilter


def declare_properties(workspace: Workspace) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace,
        key="interest",
        label="Intérêt",
        type=PropertyType.CHOICE,
        choices=["luminaire", "textile"],
    )
    PropertyDefinition.objects.create(
        workspace=workspace, key="ltv", label="Valeur", type=PropertyType.NUMBER
    )
    PropertyDefinition.objects.create(
        workspace=workspace, key="vip", label="VIP", type=PropertyType.BOOLEAN
    )
    PropertyDefinition.objects.create(workspace=workspace, key="notes", label="Notes")


def fill(access: WorkspaceAccess, owner: User) -> None:
    declare_properties(access.workspace)
    ana = create_contact(
        access,
        {
            "email": "ana@exemple.fr",
            "first_name": "Ana",
            "last_name": "Lefèvre",
            "phone": "+33 6 39 98 00 01",
            "language": "fr",
            "company": "Atelier Nord",
            "source": "salon",
            "properties": {"interest": "luminaire", "ltv": 1250.5, "vip": True, "notes": "a\nb"},
        },
    )
    Contact.objects.filter(pk=ana.pk).update(owner=owner)
    add_tags(access, ana, ["vip", "client"])
    set_consent(access, ana, "email_marketing", True, source="form")
    set_consent(access, ana, "sms", False, source="form")
    create_contact(
        access,
        {
            "email": "leo@mail.example",
            "first_name": '=HYPERLINK("http://x.example")',
            "language": "en",
        },
    )


def export(workspace: Workspace, flt: ContactFilter | None = None) -> list[dict[str, str]]:
    handle = io.StringIO()
    export_contacts_csv(workspace, handle, flt)
    return list(csv.DictReader(io.StringIO(handle.getvalue())))


def snapshot(workspace: Workspace) -> dict[str, dict[str, Any]]:
    """Everything the export carries, except dates, for each contact of a workspace."""
    found = {}
    for contact in Contact.objects.filter(workspace=workspace).select_related("company", "owner"):
        found[contact.email] = {
            "names": (contact.first_name, contact.last_name),
            "phone": contact.phone,
            "language": contact.language,
            "company": contact.company.name if contact.company else "",
            "source": contact.source,
            "owner": contact.owner.username if contact.owner else "",
            "tags": sorted(contact.tags.values_list("name", flat=True)),
            "properties": contact.properties,
            "consents": dict(
                Consent.objects.filter(contact=contact).values_list("purpose", "granted")
            ),
        }
    return found


def test_export_writes_one_row_per_contact_with_tags_consents_and_properties(
    owner_access: WorkspaceAccess, workspace: Workspace, owner: User
) -> None:
    fill(owner_access, owner)

    rows = export(workspace)

    assert list(rows[0]) == [
        "email",
        "first_name",
        "last_name",
        "phone",
        "language",
        "company",
        "tags",
        "source",
        "owner",
        "created_at",
        "consent_email_marketing",
        "consent_sms",
        "consent_tracking",
        "properties.interest",
        "properties.ltv",
        "properties.notes",
        "properties.vip",
    ]
    ana = {k: v for k, v in rows[0].items() if k != "created_at"}
    assert ana == {
        "email": "ana@exemple.fr",
        "first_name": "Ana",
        "last_name": "Lefèvre",
        "phone": "'+33 6 39 98 00 01",
        "language": "fr",
        "company": "Atelier Nord",
        "tags": "client, vip",
        "source": "salon",
        "owner": "owner",
        "consent_email_marketing": "yes",
        "consent_sms": "no",
        "consent_tracking": "",
        "properties.interest": "luminaire",
        "properties.ltv": "1250.5",
        "properties.notes": "a\nb",
        "properties.vip": "yes",
    }
    assert rows[0]["created_at"].startswith("20")
    assert rows[1]["first_name"] == '\'=HYPERLINK("http://x.example")'
    assert [r["email"] for r in rows] == ["ana@exemple.fr", "leo@mail.example"]


def test_export_then_import_into_an_empty_workspace_reproduces_the_contacts(
    owner_access: WorkspaceAccess,
    workspace: Workspace,
    other_workspace: Workspace,
    owner: User,
    tmp_path: Path,
) -> None:
    fill(owner_access, owner)
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        export_contacts_csv(workspace, handle)
    declare_properties(other_workspace)
    Membership.objects.create(user=owner, workspace=other_workspace, role=Role.OWNER.value)
    target = WorkspaceAccess(other_workspace, Actor.for_user(owner), Role.OWNER.value)

    result = import_contacts(target, path)

    assert (result.created, result.rejected) == (2, 0)
    assert snapshot(other_workspace) == snapshot(workspace)


def test_reimporting_an_export_into_its_workspace_changes_nothing(
    owner_access: WorkspaceAccess, workspace: Workspace, owner: User, tmp_path: Path
) -> None:
    fill(owner_access, owner)
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        export_contacts_csv(workspace, handle)
    before = snapshot(workspace)

    result = import_contacts(owner_access, path)

    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 2, 0)
    assert snapshot(workspace) == before


def test_export_applies_the_filter_and_leaves_out_erased_contacts(
    owner_access: WorkspaceAccess, workspace: Workspace, owner: User
) -> None:
    fill(owner_access, owner)
    gone = create_contact(owner_access, {"email": "gone@exemple.fr"})
    erase_contact(owner_access, gone)

    assert [r["email"] for r in export(workspace)] == ["ana@exemple.fr", "leo@mail.example"]
    assert [r["email"] for r in export(workspace, ContactFilter(tag="vip"))] == ["ana@exemple.fr"]


def test_export_runs_the_same_few_queries_for_any_number_of_contacts(
    owner_access: WorkspaceAccess,
    workspace: Workspace,
    tmp_path: Path,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    path = tmp_path / "many.csv"
    lines = [f"c{i}@exemple.fr,Studio {i % 7},vip;b2b,yes" for i in range(300)]
    path.write_text("email,company,tags,optin\n" + "\n".join(lines) + "\n", encoding="utf-8")
    import_contacts(owner_access, path)

    with django_assert_max_num_queries(4):
        rows = export(workspace)

    assert len(rows) == 300
    assert (rows[0]["tags"], rows[0]["consent_email_marketing"]) == ("b2b, vip", "yes")
