"""Tracked links: creation, the redirect with UTMs, the logged click, open-redirect safety."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User, Workspace
from accord.accounts.roles import Role
from accord.contacts.actions import create_contact
from accord.tracking.actions import LinkSpec, create_link
from accord.tracking.models import TrackedLink
from accord.tracking.tests.conftest import BROWSER, stored
from accord.warehouse.queries import contact_journey


@pytest.fixture
def link(owner_access: WorkspaceAccess) -> TrackedLink:
    return create_link(
        owner_access,
        LinkSpec(
            destination="https://shop.example/spring?ref=x",
            campaign="Spring sale",
            utm_source="newsletter",
            utm_medium="email",
            utm_campaign="spring",
        ),
    )


def test_creating_a_link_draws_a_short_unguessable_code_and_is_audited(
    link: TrackedLink, owner: User
) -> None:
    assert len(link.code) == 8
    assert link.created_by == owner
    entry = AuditEntry.objects.get(action="tracking.link.create")
    assert entry.after == {
        "code": link.code,
        "destination": "https://shop.example/spring?ref=x",
        "campaign": "Spring sale",
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "spring",
        "utm_content": "",
        "utm_term": "",
    }


def test_a_hit_redirects_with_the_utms_appended_and_logs_the_click(
    client: Client, link: TrackedLink, workspace: Workspace
) -> None:
    response = client.get(
        f"/l/{link.code}",
        HTTP_USER_AGENT=BROWSER,
        HTTP_REFERER="https://www.linkedin.com/feed/",
    )

    assert response.status_code == 302
    assert response["Location"] == (
        "https://shop.example/spring?ref=x&utm_source=newsletter&utm_medium=email"
        "&utm_campaign=spring"
    )
    assert response["Cache-Control"] == "no-store"
    (event,) = stored(workspace)
    assert (event.kind, event.source, event.channel) == ("click", "link", "email")
    assert event.referrer == "https://www.linkedin.com/feed/"
    assert (event.utm_source, event.utm_campaign) == ("newsletter", "spring")
    assert event.url == "https://shop.example/spring?ref=x"
    assert event.properties == {"link": link.code, "campaign": "Spring sale"}
    link.refresh_from_db()
    assert link.clicks == 1


def test_the_links_utms_replace_those_already_in_the_destination(
    client: Client, owner_access: WorkspaceAccess
) -> None:
    link = create_link(
        owner_access,
        LinkSpec(destination="https://shop.example/?utm_source=old&a=1", utm_source="new"),
    )

    response = client.get(f"/l/{link.code}")

    assert response["Location"] == "https://shop.example/?a=1&utm_source=new"


def test_a_contact_uid_names_the_contact_of_the_click(
    client: Client, link: TrackedLink, owner_access: WorkspaceAccess, workspace: Workspace
) -> None:
    contact = create_contact(owner_access, {"email": "zoe@example.com"})

    client.get(f"/l/{link.code}", {"c": str(contact.uid)}, HTTP_USER_AGENT=BROWSER)

    assert [step.kind for step in contact_journey(workspace, contact.pk)] == ["click"]


def test_a_bot_click_is_logged_flagged_but_not_counted(
    client: Client, link: TrackedLink, workspace: Workspace
) -> None:
    client.get(f"/l/{link.code}", HTTP_USER_AGENT="curl/8.5.0")

    assert [event.bot for event in stored(workspace)] == [True]
    link.refresh_from_db()
    assert link.clicks == 0


@pytest.mark.django_db
def test_an_unknown_code_is_404(client: Client) -> None:
    assert client.get("/l/nope1234").status_code == 404


@pytest.mark.parametrize(
    "destination",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example/x",
        "/relative/path",
        "//shop.example/x",
        "https://user:secret@shop.example/",
        "shop.example",
        "",
    ],
)
def test_only_absolute_http_destinations_are_accepted(
    owner_access: WorkspaceAccess, destination: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        create_link(owner_access, LinkSpec(destination=destination))

    assert list(raised.value.message_dict) == ["destination"]
    assert TrackedLink.objects.count() == 0


def test_an_editor_creates_a_link_from_the_links_page(
    member: Callable[[Role], User], client_for: Callable[[User], Client], workspace: Workspace
) -> None:
    client = client_for(member(Role.COMMUNICATION))

    response = client.post(
        "/w/brand/tracking/links/",
        {"destination": "https://shop.example/", "campaign": "Launch", "utm_medium": "social"},
    )

    assert response.status_code == 302
    link = TrackedLink.objects.get()
    assert (link.workspace, link.destination, link.campaign, link.utm_medium) == (
        workspace,
        "https://shop.example/",
        "Launch",
        "social",
    )
    page = client.get("/w/brand/tracking/links/").content.decode()
    assert f"/l/{link.code}" in page


def test_the_links_page_shows_a_bad_destination_next_to_its_field(
    owner: User, workspace: Workspace, client_for: Callable[[User], Client]
) -> None:
    response = client_for(owner).post(
        "/w/brand/tracking/links/", {"destination": "javascript:alert(1)"}
    )

    assert response.status_code == 400
    assert "id_destination_error" in response.content.decode()
    assert TrackedLink.objects.count() == 0


def test_a_viewer_sees_links_but_cannot_create_one(
    member: Callable[[Role], User], client_for: Callable[[User], Client], link: TrackedLink
) -> None:
    client = client_for(member(Role.VIEWER))

    page = client.get("/w/brand/tracking/links/")
    refused = client.post("/w/brand/tracking/links/", {"destination": "https://shop.example/"})

    assert page.status_code == 200
    assert link.code in page.content.decode()
    assert "New tracked link" not in page.content.decode()
    assert refused.status_code == 403
    assert TrackedLink.objects.count() == 1


def test_a_viewer_cannot_create_a_link_through_the_action(
    access_for: Callable[[Role], WorkspaceAccess],
) -> None:
    with pytest.raises(PermissionDenied):
        create_link(access_for(Role.VIEWER), LinkSpec(destination="https://shop.example/"))

    assert TrackedLink.objects.count() == 0
