"""The personas page, its refresh button, the best-channel panel and the best-channel endpoint."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from pytest_django.fixtures import Settings

import accord.api  # noqa: F401  (the API root first: it mounts insight_api's router)
from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User, Workspace
from accord.accounts.roles import Role
from accord.segments import insight_urls
from accord.segments import urls as segment_urls
from accord.segments.actions import create_segment, save_members
from accord.segments.insight_api import BestChannelOut, get_best_channel
from accord.segments.models import Segment, SegmentKind
from accord.segments.personas import refresh_personas
from accord.segments.tests.test_channels_query import NOW, event, write_events
from accord.segments.tests.test_personas_refresh import three_personas

# This module is also the URLconf of its tests: the app's pages with the insight ones first (the
# integrator adds them to the app's urls), then every page of the site.
urlpatterns = [
    path("", include(([*insight_urls.urlpatterns, *segment_urls.urlpatterns], "segments"))),
    path("", include("accord.urls")),
]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def warehouse_dir(settings: Settings, tmp_path: Path) -> Path:
    path_ = tmp_path / "warehouse"
    settings.ACCORD_WAREHOUSE_DIR = str(path_)
    return path_


def _personas_url(workspace: Workspace) -> str:
    return reverse("segments:personas", kwargs={"slug": workspace.slug})


@pytest.mark.django_db
def test_the_page_lists_personas_in_the_readers_language(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    owner: User,
    client_for: Callable[[User], Client],
) -> None:
    three_personas(workspace)
    refresh_personas(owner_access, now=NOW)

    english = client_for(owner).get(_personas_url(workspace), HTTP_ACCEPT_LANGUAGE="en")
    french = client_for(owner).get(_personas_url(workspace), HTTP_ACCEPT_LANGUAGE="fr")

    assert english.status_code == 200
    page = english.content.decode()
    assert "Loyal, mostly reached on Instagram, drawn to /boutique" in page
    assert (
        "20 contacts, last active 1 day ago" in page
        or "20 contacts, last active 1 days ago" in page
    )
    assert "best silhouette score among k = 2 to 8" in page
    assert "3 personas: silhouette" in page
    assert "Recompute the personas" in page
    loyal = Segment.objects.get(persona__key="loyal-mostly-reached-on-instagram-drawn-to-boutique")
    assert reverse("segments:detail", args=[workspace.slug, loyal.slug]) in page
    assert "Fidèles, surtout joints par Instagram, attirés par /boutique" in french.content.decode()


@pytest.mark.django_db
def test_a_viewer_sees_personas_without_the_refresh_button(
    workspace: Workspace, member: Callable[[Role], User], client_for: Callable[[User], Client]
) -> None:
    response = client_for(member(Role.VIEWER)).get(
        _personas_url(workspace), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "No personas yet." in response.content.decode()
    assert "Recompute the personas" not in response.content.decode()


@pytest.mark.django_db
def test_the_refresh_button_recomputes_the_personas(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    three_personas(workspace)
    url = reverse("segments:personas_refresh", kwargs={"slug": workspace.slug})

    response = client_for(owner).post(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == _personas_url(workspace)
    assert Segment.objects.filter(workspace=workspace, kind=SegmentKind.PERSONA).count() == 3


@pytest.mark.django_db
def test_a_viewer_may_not_press_refresh(
    workspace: Workspace, member: Callable[[Role], User], client_for: Callable[[User], Client]
) -> None:
    three_personas(workspace)
    url = reverse("segments:personas_refresh", kwargs={"slug": workspace.slug})

    response = client_for(member(Role.VIEWER)).post(url)

    assert response.status_code == 403
    assert not Segment.objects.filter(workspace=workspace).exists()


@pytest.mark.django_db
def test_an_outsider_does_not_see_the_page(
    workspace: Workspace, outsider: User, client_for: Callable[[User], Client]
) -> None:
    assert client_for(outsider).get(_personas_url(workspace)).status_code == 404


def _segment_of(access: WorkspaceAccess, ids: list[int]) -> Segment:
    segment = create_segment(access, name="Clients Instagram", kind=SegmentKind.STATIC)
    save_members(segment, frozenset(ids), now=NOW)
    return segment


@pytest.mark.django_db
def test_the_panel_shows_the_best_channel_with_its_interval(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    owner: User,
    client_for: Callable[[User], Client],
) -> None:
    ids = three_personas(workspace)
    segment = _segment_of(owner_access, ids[:20])
    url = reverse("segments:best_channel", kwargs={"slug": workspace.slug, "segment": segment.slug})

    response = client_for(owner).get(url, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    # Every loyal member bought from Instagram: Beta(20 p + 20, 20 (1 - p)) with p = 1.
    assert "<strong>Instagram</strong>" in page
    assert "Members reached" in page
    assert "90 % interval" in page


@pytest.mark.django_db
def test_the_panel_of_an_unknown_segment_is_404(
    workspace: Workspace, owner: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("segments:best_channel", kwargs={"slug": workspace.slug, "segment": "nope"})

    assert client_for(owner).get(url).status_code == 404


@pytest.mark.django_db
def test_the_endpoint_answers_the_best_channel_of_a_segment(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    access_for: Callable[[Role], WorkspaceAccess],
) -> None:
    ids = three_personas(workspace)
    write_events(workspace, [event("email_opened", contact=ids[0], channel="email")])
    segment = _segment_of(owner_access, ids[:20])
    request = RequestFactory().get(f"/api/v1/segments/{segment.slug}/best-channel")
    request.auth = access_for(Role.VIEWER)  # type: ignore[attr-defined]

    body = BestChannelOut.model_validate(get_best_channel(request, segment.slug))

    assert body.members == 20
    assert body.best == "instagram"
    assert [c.channel for c in body.channels] == ["instagram", "email"]
    assert body.channels[0].reached == 20
    assert body.channels[0].conversion.successes == 20
    assert body.channels[1].reached == 1
    assert body.channels[1].engagement.successes == 1
