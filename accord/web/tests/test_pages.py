"""The frame every page shares: sign-in, navigation, workspace switcher, error pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from accord.accounts.access import Actor
from accord.accounts.actions import create_workspace
from accord.accounts.models import Membership, User, Workspace
from accord.accounts.roles import Role
from accord.conftest import PASSWORD


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


def nav(html: str) -> list[tuple[str, str]]:
    """(label, href) of the sidebar's links."""
    block = re.search(r'<nav class="sidebar".*?</nav>', html, flags=re.S)
    assert block is not None
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block.group(0))


def test_the_sign_in_page_has_labelled_fields_and_signs_in(workspace: Workspace) -> None:
    client = Client()
    page = client.get("/login/").content.decode()
    assert '<label for="id_username">' in page
    assert '<label for="id_password">' in page
    response = client.post("/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_announced(owner: User) -> None:
    response = Client().post("/login/", {"username": "owner", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error" role="alert"' in html
    assert 'aria-invalid="true"' in html


def test_home_sends_a_member_to_the_contacts_of_their_workspace(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get("/")
    assert response["Location"] == "/w/brand/contacts/"


def test_the_navigation_links_only_what_exists_and_the_role_may_see(
    workspace: Workspace,
    owner: User,
    member: Callable[[Role], User],
    client_for: Callable[[User], Client],
) -> None:
    owner_nav = nav(client_for(owner).get("/w/brand/contacts/").content.decode())
    viewer_nav = nav(client_for(member(Role.VIEWER)).get("/w/brand/contacts/").content.decode())
    assert ("/w/brand/contacts/", "Contacts") in owner_nav
    assert ("/w/brand/contacts/import/", "Import") in owner_nav
    assert ("/w/brand/audit/", "Audit log") in owner_nav
    assert ("/w/brand/contacts/", "Contacts") in viewer_nav
    assert not {href for href, _label in viewer_nav} & {
        "/w/brand/contacts/import/",
        "/w/brand/audit/",
    }
    assert all(href.startswith("/w/brand/") for href, _label in owner_nav)


def test_only_the_deepest_matching_entry_is_current(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(owner).get("/w/brand/contacts/import/").content.decode()
    assert html.count('aria-current="page"') == 1
    assert '<a href="/w/brand/contacts/import/" aria-current="page" class="active">' in html


def test_the_switcher_lists_the_workspaces_and_switches(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    create_workspace("second", "Second brand", Actor.for_user(owner))
    client = client_for(owner)
    html = client.get("/w/brand/contacts/").content.decode()
    assert '<label for="workspace-switcher"' in html
    assert '<option value="brand" selected>Brand</option>' in html
    assert '<option value="second">Second brand</option>' in html
    assert client.get("/switch/", {"workspace": "second"})["Location"] == "/w/second/contacts/"
    assert client.get("/")["Location"] == "/w/second/contacts/"


def test_the_switcher_refuses_a_workspace_one_is_not_in(
    workspace: Workspace,
    other_workspace: Workspace,
    owner: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(owner)
    response = client.get("/switch/", {"workspace": "other"}, follow=True)
    assert response.redirect_chain[-1][0] == "/w/brand/contacts/"
    assert "You are not a member of that workspace." in response.content.decode()


def test_the_top_bar_shows_the_role_by_its_name(
    workspace: Workspace, member: Callable[[Role], User], client_for: Callable[[User], Client]
) -> None:
    html = client_for(member(Role.BRAND_REVIEWER)).get("/w/brand/contacts/").content.decode()
    assert '<span class="role">Brand reviewer</span>' in html


def test_forbidden_and_missing_pages_explain_themselves_in_the_frame(
    workspace: Workspace, member: Callable[[Role], User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(member(Role.VIEWER))
    denied = client.get("/w/brand/contacts/import/")
    missing = client.get("/w/nowhere/contacts/")
    assert denied.status_code == 403
    assert "Not allowed" in denied.content.decode()
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode()
    assert 'class="sidebar"' in missing.content.decode()


def test_every_page_loads_htmx_and_the_stylesheet_from_this_server(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(owner).get("/w/brand/contacts/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert sources == ["/static/web/accord.css", "/static/django_htmx/htmx-2.min.js"]
    assert finders.find("django_htmx/htmx-2.min.js") is not None
    assert "http" not in "".join(sources)


def test_a_member_of_two_workspaces_sees_each_ones_role(
    workspace: Workspace,
    other_workspace: Workspace,
    member: Callable[[Role], User],
    client_for: Callable[[User], Client],
) -> None:
    user = member(Role.VIEWER)
    Membership.objects.create(user=user, workspace=other_workspace, role=Role.OWNER.value)
    client = client_for(user)
    assert "Viewer" in client.get("/w/brand/contacts/").content.decode()
    assert "Owner" in client.get("/w/other/contacts/").content.decode()
