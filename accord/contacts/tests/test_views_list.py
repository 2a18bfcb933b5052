"""The contacts list: count, search, filters, pagination and what each role is offered."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User, Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import create_contact, set_consent

LIST = "/w/brand/contacts/"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    """Browsers without a language preference get English in these tests (French is default)."""
    settings.LANGUAGE_CODE = "en"


def rows(html: str) -> list[str]:
    """The emails shown in the list's table, in order."""
    return re.findall(r'<td class="email">([^<]+)</td>', html)


@pytest.fixture
def people(owner_access: WorkspaceAccess) -> None:
    ada = create_contact(
        owner_access,
        {
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "Analytical",
            "language": "en",
            "tags": ["vip", "speaker"],
        },
    )
    create_contact(
        owner_access,
        {
            "email": "blaise@example.fr",
            "first_name": "Blaise",
            "last_name": "Pascal",
            "company": "Pascaline",
            "language": "fr",
            "tags": ["vip"],
        },
    )
    create_contact(owner_access, {"email": "marie@example.fr", "first_name": "Marie"})
    set_consent(owner_access, ada, "email_marketing", True, source="form")


def test_it_lists_every_contact_with_the_total(
    people: None, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert sorted(rows(html)) == ["ada@example.com", "blaise@example.fr", "marie@example.fr"]
    assert "3 contacts" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ada"}, ["ada@example.com"]),
        ({"q": "pascal"}, ["blaise@example.fr"]),
        ({"q": "example.fr"}, ["blaise@example.fr", "marie@example.fr"]),
        ({"tag": "vip"}, ["ada@example.com", "blaise@example.fr"]),
        ({"tag": "speaker"}, ["ada@example.com"]),
        ({"consent": "email_marketing"}, ["ada@example.com"]),
        ({"consent": "sms"}, []),
        ({"company": "pascaline"}, ["blaise@example.fr"]),
        ({"language": "fr"}, ["blaise@example.fr"]),
        ({"language": "en", "tag": "vip"}, ["ada@example.com"]),
        ({"tag": "no-such-tag"}, ["ada@example.com", "blaise@example.fr", "marie@example.fr"]),
    ],
)
def test_it_filters_the_list(
    people: None,
    owner: User,
    client_for: Callable[[User], Client],
    query: dict[str, str],
    expected: list[str],
) -> None:
    response = client_for(owner).get(LIST, query)
    assert response.status_code == 200
    assert sorted(rows(response.content.decode())) == expected


def test_it_says_so_when_no_contact_matches(
    people: None, owner: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(owner).get(LIST, {"q": "nobody"}).content.decode()
    assert "0 contact" in html
    assert "No contact matches these filters." in html


def test_it_pages_by_fifty_and_keeps_the_filters_in_page_links(
    owner_access: WorkspaceAccess, owner: User, client_for: Callable[[User], Client]
) -> None:
    for i in range(53):
        create_contact(owner_access, {"email": f"p{i:02d}@example.com", "tags": ["bulk"]})
    client = client_for(owner)
    first = client.get(LIST, {"tag": "bulk"}).content.decode()
    second = client.get(LIST, {"tag": "bulk", "page": "2"}).content.decode()
    assert len(rows(first)) == 50
    assert len(rows(second)) == 3
    assert "53 contacts" in first
    assert "Page 1 of 2" in first
    assert 'href="?tag=bulk&amp;page=2"' in first
    assert set(rows(first)).isdisjoint(rows(second))


def test_it_reads_the_page_in_a_bounded_number_of_queries(
    owner_access: WorkspaceAccess,
    owner: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    for i in range(30):
        contact = create_contact(
            owner_access, {"email": f"q{i}@example.com", "company": f"C{i}", "tags": ["a", "b"]}
        )
        set_consent(owner_access, contact, "sms", True, source="import")
    client = client_for(owner)
    with django_assert_max_num_queries(14):  # 13, and the open crisis alerts in the navigation
        response = client.get(LIST)
    assert len(rows(response.content.decode())) == 30


def test_it_offers_actions_by_role(
    member: Callable[[Role], User], owner: User, client_for: Callable[[User], Client]
) -> None:
    owner_html = client_for(owner).get(LIST).content.decode()
    viewer_html = client_for(member(Role.VIEWER)).get(LIST).content.decode()
    communication_html = client_for(member(Role.COMMUNICATION)).get(LIST).content.decode()
    for link in ("/contacts/export.csv", "/contacts/import/", "/contacts/new/"):
        assert link in owner_html
        assert link not in viewer_html
    assert "/contacts/new/" in communication_html
    assert "/contacts/export.csv" not in communication_html


def test_an_htmx_request_gets_the_same_results(
    people: None, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get(LIST, {"q": "ada"}, headers={"HX-Request": "true"})
    assert rows(response.content.decode()) == ["ada@example.com"]


def test_it_shows_only_this_workspace(
    people: None,
    other_workspace: Workspace,
    owner: User,
    client_for: Callable[[User], Client],
) -> None:
    create_contact(WorkspaceAccess.system(other_workspace), {"email": "else@example.com"})
    assert "else@example.com" not in client_for(owner).get(LIST).content.decode()
