"""The interface speaks the user's language, else the browser's."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from accord.accounts.models import User, Workspace
from accord.accounts.roles import Role

LIST = "/w/brand/contacts/"


def test_a_french_user_sees_french_whatever_the_browser_says(
    workspace: Workspace, member: Callable[[Role], User], client_for: Callable[[User], Client]
) -> None:
    user = member(Role.MARKETING)
    user.language = "fr"
    user.save(update_fields=["language"])
    html = client_for(user).get(LIST, headers={"accept-language": "en-US,en;q=0.9"}).content
    page = html.decode()
    assert '<html lang="fr">' in page
    assert "Nouveau contact" in page
    assert "Importer un CSV" in page
    assert "Rechercher" in page
    assert "New contact" not in page


def test_an_english_browser_without_a_preference_sees_english(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(owner).get(LIST, headers={"accept-language": "en-GB,en;q=0.8"})
    html = page.content.decode()
    assert '<html lang="en">' in html
    assert "New contact" in html
    assert "Nouveau contact" not in html


def test_a_french_browser_without_a_preference_sees_french(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    html = client_for(owner).get(LIST, headers={"accept-language": "fr-FR"}).content.decode()
    assert "Nouveau contact" in html
    assert "Consentement" in html


def test_the_language_switch_is_remembered_on_the_user(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(owner)
    response = client.post("/language/", {"language": "fr", "next": LIST})
    owner.refresh_from_db()
    assert response["Location"] == LIST
    assert owner.language == "fr"
    html = client.get(LIST, headers={"accept-language": "en"}).content.decode()
    assert "Nouveau contact" in html


def test_the_sign_in_page_follows_the_browser() -> None:
    english = Client().get("/login/", headers={"accept-language": "en"}).content.decode()
    french = Client().get("/login/", headers={"accept-language": "fr"}).content.decode()
    assert "Username" in english
    assert "Nom d’utilisateur" in french
