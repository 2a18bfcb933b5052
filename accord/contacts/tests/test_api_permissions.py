"""Which role may do what through the API; a denied call changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Role
from accord.contacts import actions
from accord.contacts.models import Company, Contact

URL = "/api/v1/contacts"
EDITORS = {Role.OWNER, Role.MARKETING, Role.COMMUNICATION}
EXPORTERS = {Role.OWNER, Role.MARKETING}
ERASERS = {Role.OWNER}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def client_as(api_token: Callable[[Role], str]) -> Callable[[Role], Client]:
    """A client sending a fresh token of ``role`` of the workspace."""

    def make(role: Role) -> Client:
        return Client(headers={"authorization": f"Bearer {api_token(role)}"})

    return make


@pytest.fixture
def ada(owner_access: WorkspaceAccess) -> Contact:
    return actions.create_contact(owner_access, {"email": "ada@example.com", "first_name": "Ada"})


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_contacts(
    role: Role, client_as: Callable[[Role], Client], ada: Contact
) -> None:
    client = client_as(role)

    assert client.get(URL).json()["items"][0]["email"] == "ada@example.com"
    assert client.get(f"{URL}/{ada.pk}").status_code == 200
    assert client.get(f"{URL}/{ada.pk}/timeline").status_code == 200
    assert client.get("/api/v1/companies").status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_only_editors_create_contacts(role: Role, client_as: Callable[[Role], Client]) -> None:
    response = client_as(role).post(
        URL, {"email": "new@example.com"}, content_type="application/json"
    )

    assert response.status_code == (201 if role in EDITORS else 403)
    assert Contact.objects.filter(email="new@example.com").exists() == (role in EDITORS)


@pytest.mark.parametrize("role", list(Role))
def test_only_editors_update_contacts(
    role: Role, client_as: Callable[[Role], Client], ada: Contact
) -> None:
    response = client_as(role).patch(
        f"{URL}/{ada.pk}", {"first_name": "Grace"}, content_type="application/json"
    )

    ada.refresh_from_db()
    assert response.status_code == (200 if role in EDITORS else 403)
    assert ada.first_name == ("Grace" if role in EDITORS else "Ada")


@pytest.mark.parametrize("role", list(Role))
def test_only_exporters_export_a_contact(
    role: Role, client_as: Callable[[Role], Client], ada: Contact
) -> None:
    response = client_as(role).get(f"{URL}/{ada.pk}/export")

    assert response.status_code == (200 if role in EXPORTERS else 403)
    assert ("ada@example.com" in response.content.decode()) == (role in EXPORTERS)


@pytest.mark.parametrize("role", list(Role))
def test_only_erasers_erase_a_contact(
    role: Role, client_as: Callable[[Role], Client], ada: Contact
) -> None:
    response = client_as(role).post(f"{URL}/{ada.pk}/erase")

    ada.refresh_from_db()
    assert response.status_code == (200 if role in ERASERS else 403)
    assert (ada.erased_at is not None) == (role in ERASERS)
    assert (ada.email == "ada@example.com") == (role not in ERASERS)


@pytest.mark.parametrize("role", list(Role))
def test_only_erasers_delete_a_contact(
    role: Role, client_as: Callable[[Role], Client], ada: Contact
) -> None:
    response = client_as(role).delete(f"{URL}/{ada.pk}")

    assert response.status_code == (204 if role in ERASERS else 403)
    assert Contact.objects.filter(pk=ada.pk).exists() == (role not in ERASERS)


@pytest.mark.parametrize("role", list(Role))
def test_only_editors_create_companies(role: Role, client_as: Callable[[Role], Client]) -> None:
    response = client_as(role).post(
        "/api/v1/companies", {"name": "Acme"}, content_type="application/json"
    )

    assert response.status_code == (201 if role in EDITORS else 403)
    assert Company.objects.filter(name="Acme").exists() == (role in EDITORS)
