"""CSV import: encodings, delimiters, headers, mapping, upsert rules and the error report."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.conf import settings

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User, Workspace
from accord.contacts.actions import add_tags, create_contact, import_contacts
from accord.contacts.importing import ImportSetupError
from accord.contacts.models import (
    Company,
    Consent,
    Contact,
    PropertyDefinition,
    PropertyType,
    TimelineEntry,
)


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def report_rows(path: str | None) -> list[list[str]]:
    assert path is not None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def contact(workspace: Workspace, email: str) -> Contact:
    return Contact.objects.get(workspace=workspace, email=email)


def company_name(found: Contact) -> str:
    return found.company.name if found.company else ""


@pytest.mark.parametrize(
    ("encoding", "company"), [("latin-1", "Café Ça Va"), ("cp1252", "Café Œuvre – Déco")]
)
def test_it_imports_a_latin1_or_windows_file_with_accents(
    owner_access: WorkspaceAccess,
    workspace: Workspace,
    tmp_path: Path,
    encoding: str,
    company: str,
) -> None:
    path = write(
        tmp_path,
        f"Prénom;Nom;Email;Société\nHélène;Lefèvre;helene@exemple.fr;{company}\n",
        encoding,
    )

    result = import_contacts(owner_access, path)

    assert (result.created, result.rejected, result.error_report) == (1, 0, None)
    imported = contact(workspace, "helene@exemple.fr")
    assert (imported.first_name, imported.last_name) == ("Hélène", "Lefèvre")
    assert company_name(imported) == company


def test_a_stray_windows_byte_after_the_first_mib_of_utf8_does_not_stop_the_import(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    rows = "".join(f"p{i}@exemple.fr,Zoé\n" for i in range(60_000)).encode()
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"email,first_name\n" + rows + b"late@exemple.fr,Ren\xe9e\n")

    result = import_contacts(owner_access, path)

    assert (result.created, result.rejected) == (60_001, 0)
    assert contact(workspace, "late@exemple.fr").first_name == "Renée"


def test_it_reads_utf8_with_a_byte_order_mark(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, "email,first_name\nzoe@exemple.fr,Zoé\n", "utf-8-sig")

    result = import_contacts(owner_access, path)

    assert result.created == 1
    assert contact(workspace, "zoe@exemple.fr").first_name == "Zoé"


def test_it_detects_semicolons_with_commas_inside_fields(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, 'email;company\na@exemple.fr;"Dupont, Fils & Cie"\nb@exemple.fr;Nord\n')

    assert import_contacts(owner_access, path).created == 2
    assert company_name(contact(workspace, "a@exemple.fr")) == "Dupont, Fils & Cie"


def test_it_detects_tabs(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, "E-mail\tLast name\tTags\nann@mail.example\tRoy\tvip, client\n")

    assert import_contacts(owner_access, path).created == 1
    imported = contact(workspace, "ann@mail.example")
    assert imported.last_name == "Roy"
    assert sorted(imported.tags.values_list("name", flat=True)) == ["client", "vip"]


def test_quoted_line_breaks_stay_in_their_cell_and_rows_count_like_a_spreadsheet(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    PropertyDefinition.objects.create(workspace=workspace, key="notes", label="Notes")
    path = write(
        tmp_path,
        'email,notes\nmia@exemple.fr,"ligne 1\nligne 2\nligne 3"\nbroken@,x\nleo@exemple.fr,ok\n',
    )

    result = import_contacts(owner_access, path)

    assert (result.created, result.rejected) == (2, 1)
    assert contact(workspace, "mia@exemple.fr").properties == {"notes": "ligne 1\nligne 2\nligne 3"}
    assert report_rows(result.error_report)[1][0] == "3"


def test_it_maps_french_headers_whatever_their_case_accents_and_spaces(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "COURRIEL;prenom;Nom de famille;Téléphone;LANGUE;Étiquettes;Entreprise;Source\n"
        "jean@exemple.fr;Jean;Valjean;+33 6 39 98 00 01;français;presse;Atelier Nord;salon\n",
    )

    assert import_contacts(owner_access, path).created == 1
    imported = contact(workspace, "jean@exemple.fr")
    assert (imported.first_name, imported.last_name) == ("Jean", "Valjean")
    assert (imported.phone, imported.language, imported.source) == (
        "+33 6 39 98 00 01",
        "fr",
        "salon",
    )
    assert company_name(imported) == "Atelier Nord"
    assert list(imported.tags.values_list("name", flat=True)) == ["presse"]


def test_map_option_names_unknown_columns_and_ignores_others(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, "Adresse pro,Prénom,Nom\nines@studio.example,Inès,Moreau\n")

    mapping = {"adresse pro": "email", "Nom": "ignore"}
    result = import_contacts(owner_access, path, mapping=mapping)

    assert result.created == 1
    imported = contact(workspace, "ines@studio.example")
    assert (imported.first_name, imported.last_name) == ("Inès", "")


def test_an_explicit_mapping_takes_a_field_from_the_suggested_column(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, "email,work email\nperso@exemple.fr,pro@studio.example\n")

    import_contacts(owner_access, path, mapping={"work email": "email"})

    assert list(Contact.objects.values_list("email", flat=True)) == ["pro@studio.example"]


def test_headers_matching_a_declared_property_key_or_label_fill_that_property(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace,
        key="interest",
        label="Centre d'intérêt",
        type=PropertyType.CHOICE,
        choices=["mobilier", "luminaire"],
    )
    PropertyDefinition.objects.create(
        workspace=workspace, key="vip", label="VIP", type=PropertyType.BOOLEAN
    )
    PropertyDefinition.objects.create(
        workspace=workspace, key="ltv", label="Valeur", type=PropertyType.NUMBER
    )
    path = write(
        tmp_path,
        "email;Centre d'intérêt;properties.vip;LTV\nana@exemple.fr;luminaire;oui;1234,50\n",
    )

    assert import_contacts(owner_access, path).created == 1
    assert contact(workspace, "ana@exemple.fr").properties == {
        "interest": "luminaire",
        "vip": True,
        "ltv": 1234.5,
    }


def test_each_rejected_row_is_reported_with_a_specific_reason(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace, key="vip", label="VIP", type=PropertyType.BOOLEAN
    )
    path = write(
        tmp_path,
        "email,language,phone,vip\n"
        "good@exemple.fr,fr,,\n"
        "jean@,fr,,\n"
        ",en,,\n"
        "hans@exemple.fr,de,,\n"
        "six@exemple.fr,fr\n"
        "tel@exemple.fr,en,call me,peut-être\n"
        "GOOD@exemple.fr,en,,\n"
        "trailing@exemple.fr,en,,,\n"
        "=1+1,fr,,\n",
    )

    result = import_contacts(owner_access, path)

    assert (result.created, result.rejected) == (2, 7)
    assert report_rows(result.error_report) == [
        ["row", "column", "value", "reason"],
        ["3", "email", "jean@", "email: 'jean@' is not a valid email address"],
        ["4", "email", "", "email: missing (every row needs an email)"],
        ["5", "language", "de", "language: 'de' is not French or English (use fr or en)"],
        ["6", "", "", "row has 2 fields, header has 4"],
        ["7", "phone", "call me", "phone: 'call me' is not a phone number"],
        [
            "7",
            "vip",
            "peut-être",
            "properties.vip: 'peut-être' is not a valid boolean for property 'vip'",
        ],
        ["8", "email", "GOOD@exemple.fr", "duplicate of row 2 in this file"],
        ["10", "email", "'=1+1", "email: '=1+1' is not a valid email address"],
    ]
    report = Path(str(result.error_report))
    assert report.parent == Path(settings.ACCORD_IMPORT_DIR)
    assert sorted(Contact.objects.values_list("email", flat=True)) == [
        "good@exemple.fr",
        "trailing@exemple.fr",
    ]


def test_rerunning_the_same_file_changes_nothing(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "email,first_name,tags,company,email consent\n"
        "a@exemple.fr,Ann,vip,Nord,yes\n"
        "b@exemple.fr,Bob,,,no\n"
        "bad@,X,,,\n",
    )
    first = import_contacts(owner_access, path)
    entries = TimelineEntry.objects.count()

    again = import_contacts(owner_access, path)

    assert first.as_json() | {"error_report": None} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "error_report": None,
    }
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 1)
    assert TimelineEntry.objects.count() == entries
    assert AuditEntry.objects.filter(action="contacts.import").count() == 2


def test_a_later_row_with_the_same_email_in_another_case_is_a_duplicate(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, "email,first_name\nJean@X.example,Jean\njean@x.EXAMPLE,Johnny\n")

    result = import_contacts(owner_access, path)

    assert (result.created, result.rejected) == (1, 1)
    assert contact(workspace, "jean@x.example").first_name == "Jean"
    assert report_rows(result.error_report)[1] == [
        "3",
        "email",
        "jean@x.EXAMPLE",
        "duplicate of row 2 in this file",
    ]


def test_it_updates_existing_contacts_keeping_blank_cells_and_adding_tags(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    existing = create_contact(
        owner_access, {"email": "jean@exemple.fr", "phone": "0639980001", "first_name": "J"}
    )
    add_tags(owner_access, existing, ["client"])
    path = write(tmp_path, "email,first_name,phone,tags\nJEAN@exemple.fr,Jean,,vip\n")

    result = import_contacts(owner_access, path)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    existing.refresh_from_db()
    assert (existing.first_name, existing.phone) == ("Jean", "0639980001")
    assert sorted(existing.tags.values_list("name", flat=True)) == ["client", "vip"]
    entry = TimelineEntry.objects.get(contact=existing, kind="contact.imported")
    assert entry.data == {
        "file": "contacts.csv",
        "row": 2,
        "created": False,
        "fields": ["first_name", "tags"],
    }


def test_companies_are_found_by_name_whatever_the_case_or_created(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    nord = Company.objects.create(workspace=workspace, name="Atelier Nord")
    path = write(
        tmp_path,
        "email,company\n"
        "a@exemple.fr,atelier NORD\nb@exemple.fr,Galerie Sud\nc@exemple.fr,galerie sud\n",
    )

    assert import_contacts(owner_access, path).created == 3

    assert contact(workspace, "a@exemple.fr").company_id == nord.pk
    assert Company.objects.filter(workspace=workspace).count() == 2
    assert (
        contact(workspace, "b@exemple.fr").company_id
        == contact(workspace, "c@exemple.fr").company_id
    )


def test_a_consent_column_records_clear_answers_with_source_and_proof(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "email;Consentement email\na@exemple.fr;oui\nb@exemple.fr;Non\nc@exemple.fr;peut-être\n",
        name="salon.csv",
    )

    result = import_contacts(owner_access, path)

    assert (result.created, result.rejected) == (3, 0)
    consents = {c.contact.email: c for c in Consent.objects.select_related("contact")}
    assert sorted(consents) == ["a@exemple.fr", "b@exemple.fr"]
    given = consents["a@exemple.fr"]
    assert (given.purpose, given.granted, given.source) == (
        "email_marketing",
        True,
        "import:salon.csv",
    )
    assert given.proof == "column 'Consentement email' of file 'salon.csv' row 2"
    assert consents["b@exemple.fr"].granted is False
    kinds = TimelineEntry.objects.filter(contact__email="b@exemple.fr").values_list(
        "kind", flat=True
    )
    assert sorted(kinds) == ["consent.withdrawn", "contact.imported"]


def test_a_changed_consent_answer_updates_the_contact(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    import_contacts(owner_access, write(tmp_path, "email,optin\na@exemple.fr,yes\n"))

    result = import_contacts(owner_access, write(tmp_path, "email,optin\na@exemple.fr,no\n"))

    assert (result.updated, result.unchanged) == (1, 0)
    assert Consent.objects.get().granted is False


def test_owners_are_members_found_by_username_or_email(
    owner_access: WorkspaceAccess, workspace: Workspace, owner: User, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "email,owner\na@exemple.fr,OWNER\nb@exemple.fr,owner@example.com\nc@exemple.fr,zoe\n",
    )

    result = import_contacts(owner_access, path)

    assert (result.created, result.rejected) == (2, 1)
    assert set(Contact.objects.values_list("owner_id", flat=True)) == {owner.pk}
    assert (
        report_rows(result.error_report)[1][3] == "owner: 'zoe' is not a member of this workspace"
    )


def test_each_import_writes_one_audit_row_and_one_timeline_entry_per_contact(
    owner_access: WorkspaceAccess, workspace: Workspace, tmp_path: Path
) -> None:
    path = write(tmp_path, "email\na@exemple.fr\nb@exemple.fr\n")

    result = import_contacts(owner_access, path)

    audit = AuditEntry.objects.get(action="contacts.import")
    assert audit.actor_label == "owner"
    assert audit.after == {"file": "contacts.csv", **result.as_json(), "completed": True}
    assert TimelineEntry.objects.filter(kind="contact.imported").count() == 2


@pytest.mark.parametrize(
    ("text", "mapping", "message"),
    [
        ("name,phone\nAnn,0639980001\n", None, "No column holds the email; map one with email."),
        ("email\na@exemple.fr\n", {"email": "birthday"}, "Unknown field 'birthday' for column"),
        ("email\na@exemple.fr\n", {"mail": "email"}, "The file has no column 'mail'"),
        (
            "email,courriel\na@b.fr,c@d.fr\n",
            {"email": "email", "courriel": "email"},
            "Columns 'email' and 'courriel' both map to 'email'.",
        ),
        ("\n\n", None, "The file is empty or its first row (the header) is blank."),
    ],
)
def test_an_unusable_file_or_mapping_stops_before_writing(
    owner_access: WorkspaceAccess,
    workspace: Workspace,
    tmp_path: Path,
    text: str,
    mapping: dict[str, str] | None,
    message: str,
) -> None:
    with pytest.raises(ImportSetupError) as raised:
        import_contacts(owner_access, write(tmp_path, text), mapping=mapping)

    assert raised.value.messages[0].startswith(message)
    assert Contact.objects.count() == 0
    assert not AuditEntry.objects.filter(action="contacts.import").exists()


def test_a_missing_file_is_a_setup_error(owner_access: WorkspaceAccess, tmp_path: Path) -> None:
    with pytest.raises(ImportSetupError, match="Cannot read"):
        import_contacts(owner_access, tmp_path / "nowhere.csv")


def test_the_timeline_names_the_fields_an_import_changed(
    owner_access: WorkspaceAccess, workspace: Workspace, owner: User, tmp_path: Path
) -> None:
    PropertyDefinition.objects.create(workspace=workspace, key="plan", label="Plan")
    create_contact(owner_access, {"email": "a@exemple.fr"})
    path = write(tmp_path, "email,company,owner,plan,optin\na@exemple.fr,Nord,owner,pro,oui\n")

    import_contacts(owner_access, path)

    entry = TimelineEntry.objects.get(kind="contact.imported")
    assert entry.data["fields"] == ["company", "consent.email_marketing", "owner", "properties"]
    assert (entry.title, entry.actor_label) == ("Imported from contacts.csv", "owner")
