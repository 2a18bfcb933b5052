"""The tracking page (snippet, health, domains), the journey partial, and who may use them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User, Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import create_contact
from accord.tracking.models import TrackingSite
from accord.tracking.tests.conftest import Beacon


def test_the_tracking_page_shows_the_snippet_and_the_ingestion_health(
    owner: User, client_for: Callable[[User], Client], beacon: Beacon, site: TrackingSite
) -> None:
    beacon()
    beacon(user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")
    beacon(origin="https://evil.example")
    beacon("custom")  # no event name: refused

    response = client_for(owner).get("/w/brand/tracking/")

    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-site="{site.key}"' in body
    assert 'src="http://testserver/t.js"' in body
    assert '<dd id="health-accepted">2</dd>' in body
    assert '<dd id="health-bots">1</dd>' in body
    assert '<dd id="health-duplicates">0</dd>' in body
    assert '<dd id="health-rejected">2</dd>' in body
    assert "<code>origin</code>" in body
    assert "<code>invalid:name</code>" in body
    assert 'href="/w/brand/tracking/forms/new/"' in body


def test_every_role_with_contacts_view_sees_the_page_but_only_editors_get_the_forms(
    member: Callable[[Role], User], client_for: Callable[[User], Client], site: TrackingSite
) -> None:
    viewer = client_for(member(Role.VIEWER)).get("/w/brand/tracking/").content.decode()
    editor = client_for(member(Role.COMMUNICATION)).get("/w/brand/tracking/").content.decode()

    assert site.key in viewer
    assert 'action="/w/brand/tracking/site/"' not in viewer
    assert "<code>shop.example</code>" in viewer
    assert 'action="/w/brand/tracking/site/"' in editor


def test_the_navigation_links_to_the_tracking_page(
    owner: User, workspace: Workspace, client_for: Callable[[User], Client]
) -> None:
    body = client_for(owner).get("/w/brand/tracking/").content.decode()

    assert 'href="/w/brand/tracking/" aria-current="page"' in body


def test_before_set_up_the_page_asks_for_the_domains(
    owner: User, workspace: Workspace, client_for: Callable[[User], Client]
) -> None:
    body = client_for(owner).get("/w/brand/tracking/").content.decode()

    assert "Tracking is not set up yet" in body
    assert "data-site=" not in body


def test_the_page_speaks_french_to_a_french_browser(
    owner: User, workspace: Workspace, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).get("/w/brand/tracking/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "Le suivi n’est pas encore configuré." in body


def test_an_editor_sets_the_allowed_domains_which_creates_the_site_key(
    owner: User, workspace: Workspace, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).post(
        "/w/brand/tracking/site/",
        {"allowed_domains": "https://www.Shop.example/page\n*.brand.example, localhost:8000"},
    )

    assert response.status_code == 302
    site = TrackingSite.objects.get(workspace=workspace)
    assert site.allowed_domains == ["*.brand.example", "localhost:8000", "www.shop.example"]
    assert len(site.key) == 16
    entry = AuditEntry.objects.get(action="tracking.site.save")
    assert entry.after == {"allowed_domains": site.allowed_domains}


def test_a_bad_domain_is_shown_and_nothing_is_saved(
    owner: User, site: TrackingSite, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).post(
        "/w/brand/tracking/site/", {"allowed_domains": "good.example\nnot a domain!"}
    )

    assert response.status_code == 400
    assert 'id="id_allowed_domains_error"' in response.content.decode()
    site.refresh_from_db()
    assert site.allowed_domains == ["shop.example"]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.BRAND_REVIEWER, Role.CRISIS_LEAD])
def test_a_role_without_contacts_edit_cannot_change_the_domains(
    role: Role,
    member: Callable[[Role], User],
    client_for: Callable[[User], Client],
    site: TrackingSite,
) -> None:
    response = client_for(member(role)).post(
        "/w/brand/tracking/site/", {"allowed_domains": "evil.example"}
    )

    assert response.status_code == 403
    site.refresh_from_db()
    assert site.allowed_domains == ["shop.example"]
    assert AuditEntry.objects.filter(action="tracking.site.save").count() == 1


def test_an_outsider_does_not_learn_the_workspace_exists(
    outsider: User, workspace: Workspace, client_for: Callable[[User], Client]
) -> None:
    client = client_for(outsider)

    assert client.get("/w/brand/tracking/").status_code == 404
    assert (
        client.post("/w/brand/tracking/links/", {"destination": "https://x.example/"}).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/w/brand/tracking/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_journey_partial_merges_channels_in_time_order(
    member: Callable[[Role], User],
    client_for: Callable[[User], Client],
    owner_access: WorkspaceAccess,
    site: TrackingSite,
    client: Client,
) -> None:
    contact = create_contact(owner_access, {"email": "zoe@example.com"})
    client.get("/t.gif", {"k": site.key, "c": str(contact.uid)}, HTTP_USER_AGENT="Mozilla/5.0")

    response = client_for(member(Role.VIEWER)).get(
        f"/w/brand/contacts/{contact.pk}/journey/", HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="journey"' in body
    assert "Email opened" in body


def test_the_journey_of_another_workspaces_contact_is_404(
    owner: User,
    workspace: Workspace,
    other_workspace: Workspace,
    client_for: Callable[[User], Client],
) -> None:
    stranger = create_contact(WorkspaceAccess.system(other_workspace), {"email": "x@example.com"})

    response = client_for(owner).get(f"/w/brand/contacts/{stranger.pk}/journey/")

    assert response.status_code == 404


def test_an_empty_journey_says_so(
    owner: User, owner_access: WorkspaceAccess, client_for: Callable[[User], Client]
) -> None:
    contact = create_contact(owner_access, {"email": "zoe@example.com"})

    body = client_for(owner).get(f"/w/brand/contacts/{contact.pk}/journey/").content.decode()

    assert "No visit, click or email event for this contact yet." in body
