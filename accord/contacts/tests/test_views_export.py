"""The CSV export button: the list's filters apply, and the file downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User
from accord.contacts.actions import create_contact, erase_contact


def test_export_downloads_the_filtered_contacts_as_csv(
    owner_access: WorkspaceAccess, owner: User, client_for: Callable[[User], Client]
) -> None:
    create_contact(owner_access, {"email": "ada@example.com", "tags": ["vip"]})
    create_contact(owner_access, {"email": "bob@example.com", "tags": ["vip"], "language": "fr"})
    create_contact(owner_access, {"email": "cy@example.com"})
    erase_contact(owner_access, create_contact(owner_access, {"email": "gone@example.com"}))
    client = client_for(owner)

    everyone = client.get("/w/brand/contacts/export.csv")
    vip_fr = client.get("/w/brand/contacts/export.csv", {"tag": "vip", "language": "fr"})

    assert everyone.status_code == 200
    assert everyone["Content-Type"] == "text/csv; charset=utf-8"
    assert everyone["Content-Disposition"].startswith('attachment; filename="brand-contacts-')
    rows = list(csv.DictReader(io.StringIO(everyone.content.decode())))
    assert sorted(r["email"] for r in rows) == [
        "ada@example.com",
        "bob@example.com",
        "cy@example.com",
    ]
    filtered = list(csv.DictReader(io.StringIO(vip_fr.content.decode())))
    assert [r["email"] for r in filtered] == ["bob@example.com"]


def test_the_export_link_carries_the_lists_filters(
    owner_access: WorkspaceAccess, owner: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(owner).get("/w/brand/contacts/", {"tag": "vip", "page": "1"}).content
    assert b'href="/w/brand/contacts/export.csv?tag=vip"' in html
