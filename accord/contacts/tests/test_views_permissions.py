"""Every contacts page against the six roles and an outsider: 404, 403, or allowed.

A denied POST must change nothing: no contact, tag, consent, timeline, audit row, import job
or staged upload appears, changes or disappears.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User
from accord.accounts.roles import Role
from accord.contacts.actions import create_contact, set_consent
from accord.contacts.models import Consent, Contact, ContactTag, ImportJob, TimelineEntry

EVERYONE = {*Role}
EDITORS = {Role.OWNER, Role.MARKETING, Role.COMMUNICATION}
IMPORTERS = {Role.OWNER, Role.MARKETING}


@pytest.fixture(autouse=True)
def own_import_dir(settings: Any, tmp_path: Path) -> None:
    settings.ACCORD_IMPORT_DIR = tmp_path / "imports"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {id} is the contact's id
    allowed: set[Role]
    ok_status: int
    data: Callable[[], dict[str, Any]] | None = None


ENDPOINTS = {
    "list": Endpoint("get", "", EVERYONE, 200),
    "detail": Endpoint("get", "{id}/", EVERYONE, 200),
    "new_form": Endpoint("get", "new/", EDITORS, 200),
    "new_post": Endpoint("post", "new/", EDITORS, 302, lambda: {"email": "new@example.com"}),
    "edit_post": Endpoint(
        "post", "{id}/edit/", EDITORS, 302, lambda: {"email": "ada@example.com", "tags": ""}
    ),
    "merge_post": Endpoint(
        "post", "{id}/merge/", EDITORS, 302, lambda: {"email": "dup@example.com", "confirm": "1"}
    ),
    "gdpr_export": Endpoint("get", "{id}/gdpr.json", IMPORTERS, 200),
    "erase_form": Endpoint("get", "{id}/erase/", {Role.OWNER}, 200),
    "erase_post": Endpoint("post", "{id}/erase/", {Role.OWNER}, 302),
    "import_page": Endpoint("get", "import/", IMPORTERS, 200),
    "import_post": Endpoint(
        "post",
        "import/",
        IMPORTERS,
        302,
        lambda: {"file": SimpleUploadedFile("c.csv", b"email\nz@example.com\n", "text/csv")},
    ),
    "export": Endpoint("get", "export.csv", IMPORTERS, 200),
}
WHO = [*Role, "outsider"]


@pytest.fixture
def ada(owner_access: WorkspaceAccess) -> Contact:
    contact = create_contact(
        owner_access, {"email": "ada@example.com", "first_name": "Ada", "tags": ["vip"]}
    )
    set_consent(owner_access, contact, "sms", True, source="form")
    create_contact(owner_access, {"email": "dup@example.com", "phone": "0102030405"})
    return contact


@pytest.fixture
def user_for(
    owner: User, member: Callable[[Role], User], outsider: User
) -> Callable[[Role | str], User]:
    def make(who: Role | str) -> User:
        if who == "outsider":
            return outsider
        return owner if who == Role.OWNER else member(Role(who))

    return make


def state() -> dict[str, Any]:
    """Everything a contacts page could change."""
    staged = Path(settings.ACCORD_IMPORT_DIR)
    return {
        "contacts": list(Contact.objects.order_by("pk").values()),
        "tags": list(ContactTag.objects.order_by("pk").values()),
        "consents": list(Consent.objects.order_by("pk").values()),
        "timeline": TimelineEntry.objects.count(),
        "audit": AuditEntry.objects.count(),
        "imports": ImportJob.objects.count(),
        "staged": sorted(str(p) for p in staged.rglob("*")) if staged.exists() else [],
    }


@pytest.mark.parametrize("who", WHO, ids=str)
@pytest.mark.parametrize("name", ENDPOINTS)
def test_each_page_enforces_the_role(
    name: str,
    who: Role | str,
    ada: Contact,
    user_for: Callable[[Role | str], User],
    client_for: Callable[[User], Client],
) -> None:
    endpoint = ENDPOINTS[name]
    client = client_for(user_for(who))
    url = "/w/brand/contacts/" + endpoint.path.format(id=ada.pk)
    before = state()
    data = endpoint.data() if endpoint.data else {}
    response = getattr(client, endpoint.method)(url, data)
    if who == "outsider":
        assert response.status_code == 404
    elif who in endpoint.allowed:
        assert response.status_code == endpoint.ok_status
        return
    else:
        assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("name", ["list", "detail", "new_post", "erase_post", "import_post"])
def test_a_signed_out_visitor_is_sent_to_sign_in(name: str, ada: Contact) -> None:
    endpoint = ENDPOINTS[name]
    before = state()
    url = "/w/brand/contacts/" + endpoint.path.format(id=ada.pk)
    response = getattr(Client(), endpoint.method)(url, endpoint.data() if endpoint.data else {})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert state() == before
