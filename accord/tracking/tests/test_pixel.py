"""The 1×1 pixel /t.gif: it always answers the GIF and stores what it can."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.contacts.actions import create_contact
from accord.tracking.models import RejectedHits, TrackingSite
from accord.tracking.public import GIF
from accord.tracking.tests.conftest import BROWSER, stored
from accord.warehouse.queries import contact_journey

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def assert_is_the_gif(response: Response) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["Cache-Control"] == "no-cache, no-store, must-revalidate, max-age=0"
    assert response["Pragma"] == "no-cache"
    assert response.content == GIF
    assert len(GIF) == 43


def test_an_email_open_is_logged_for_the_contact_and_the_gif_returned(
    client: Client, site: TrackingSite, owner_access: WorkspaceAccess, workspace: Workspace
) -> None:
    contact = create_contact(owner_access, {"email": "zoe@example.com"})

    response = client.get(
        "/t.gif",
        {"k": site.key, "e": "email_opened", "c": str(contact.uid), "cp": "spring"},
        HTTP_USER_AGENT=BROWSER,
    )

    assert_is_the_gif(response)
    (event,) = stored(workspace)
    assert (event.kind, event.contact_id, event.channel) == ("email_opened", contact.pk, "email")
    assert (event.utm_campaign, event.source) == ("spring", "pixel")
    assert [step.kind for step in contact_journey(workspace, contact.pk)] == ["email_opened"]


def test_email_opened_is_the_default_kind(
    client: Client, site: TrackingSite, workspace: Workspace
) -> None:
    assert_is_the_gif(client.get("/t.gif", {"k": site.key}))

    assert [event.kind for event in stored(workspace)] == ["email_opened"]


def test_another_workspaces_contact_uid_is_not_linked(
    client: Client, site: TrackingSite, other_workspace: Workspace, workspace: Workspace
) -> None:
    stranger = create_contact(WorkspaceAccess.system(other_workspace), {"email": "x@example.com"})

    client.get("/t.gif", {"k": site.key, "c": str(stranger.uid)})

    assert [event.contact_id for event in stored(workspace)] == [None]


def test_a_bad_kind_still_answers_the_gif_and_is_counted_as_rejected(
    client: Client, site: TrackingSite, workspace: Workspace
) -> None:
    response = client.get("/t.gif", {"k": site.key, "e": "purchase"})

    assert_is_the_gif(response)
    assert stored(workspace) == []
    assert list(RejectedHits.objects.values_list("reason", "count")) == [("invalid:kind", 1)]


@pytest.mark.parametrize(
    "query", [{}, {"k": "unknown"}, {"k": "x" * 5000}, {"e": "<script>"}, {"c": "not-a-uuid"}]
)
def test_any_other_bad_input_still_answers_the_gif(
    client: Client, site: TrackingSite, workspace: Workspace, query: dict[str, str]
) -> None:
    assert_is_the_gif(client.get("/t.gif", query))

    assert stored(workspace) == []
