"""refresh_personas over real events: personas saved as segments, kept, retired, permissions."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from pytest_django.fixtures import Settings

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, User, Workspace
from accord.accounts.roles import Role
from accord.contacts.models import Contact, TimelineEntry
from accord.segments.models import Segment, SegmentKind, SegmentMember
from accord.segments.persona_commands import register_personas
from accord.segments.personas import (
    PersonaError,
    build_demo_personas,
    list_personas,
    refresh_personas,
    refresh_personas_task,
)
from accord.segments.tests.test_channels_query import NOW, event, write_events

SITE = "https://maison-lumiere.example"


@pytest.fixture(autouse=True)
def warehouse_dir(settings: Settings, tmp_path: Path) -> Path:
    path = tmp_path / "warehouse"
    settings.ACCORD_WAREHOUSE_DIR = str(path)
    return path


def make_contacts(workspace: Workspace, count: int) -> list[int]:
    Contact.objects.bulk_create(
        Contact(workspace=workspace, email=f"c{i}@example.com") for i in range(count)
    )
    return list(workspace.contacts.order_by("pk").values_list("pk", flat=True))


def loyal(contact: int) -> list[dict[str, Any]]:
    """Thirty days of Instagram visits to the shop, a purchase every tenth day."""
    rows = []
    for day in range(1, 31):
        social = {"channel": "social", "utm_source": "instagram"}
        rows.append(
            event(
                "page_view", contact=contact, days_ago=day, url=f"{SITE}/boutique/lampe", **social
            )
        )
        if day % 10 == 0:
            rows.append(event("purchase", contact=contact, days_ago=day, value=250.0, **social))
    return rows


def dormant(contact: int) -> list[dict[str, Any]]:
    """One search visit to the blog, long ago."""
    return [event("page_view", contact=contact, days_ago=200, url=f"{SITE}/blog/atelier")]


def readers(contact: int) -> list[dict[str, Any]]:
    """Newsletters sent, opened and clicked on three recent days."""
    rows = []
    for day in (3, 10, 17):
        for kind in ("email_sent", "email_opened", "email_clicked"):
            rows.append(event(kind, contact=contact, days_ago=day, channel="email"))
    return rows


def three_personas(workspace: Workspace) -> list[int]:
    ids = make_contacts(workspace, 70)
    rows: list[dict[str, Any]] = []
    for index, contact in enumerate(ids[:60]):
        rows += (loyal, dormant, readers)[index // 20](contact)
    write_events(workspace, rows)
    return ids


@pytest.mark.django_db
def test_it_saves_each_persona_as_a_segment_with_its_members(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    ids = three_personas(workspace)

    personas = refresh_personas(owner_access, now=NOW)

    # Equal sizes: by the segment's name, here French (the workspace's language).
    assert [(p.name_en, p.size) for p in personas] == [
        ("Recently active, mostly reached by email", 20),
        ("Dormant, mostly reached through search, drawn to /blog", 20),
        ("Loyal, mostly reached on Instagram, drawn to /boutique", 20),
    ]
    loyal_segment = Segment.objects.get(pk=personas[2].segment_id)
    assert loyal_segment.kind == SegmentKind.PERSONA
    assert loyal_segment.name == "Fidèles, surtout joints par Instagram, attirés par /boutique"
    assert set(
        SegmentMember.objects.filter(segment=loyal_segment, left_at=None).values_list(
            "contact_id", flat=True
        )
    ) == set(ids[:20])
    assert personas[2].figures["mean_monetary"] == 750.0
    assert personas[2].figures["mean_active_days"] == 30.0
    assert personas[1].figures["median_recency_days"] == 200.0
    assert personas[0].method["k"] == 3
    assert personas[0].method["criterion"] == "silhouette"
    assert personas[0].refreshed_at == NOW
    assert AuditEntry.objects.filter(action="segments.refresh_personas").count() == 1
    assert TimelineEntry.objects.filter(kind="segment.entered", contact_id=ids[0]).count() == 1


@pytest.mark.django_db
def test_a_second_refresh_keeps_the_same_segments(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    three_personas(workspace)
    first = refresh_personas(owner_access, now=NOW)

    second = refresh_personas(owner_access, now=NOW + timedelta(hours=1))

    assert [p.segment_id for p in second] == [p.segment_id for p in first]
    assert Segment.objects.filter(workspace=workspace, kind=SegmentKind.PERSONA).count() == 3


@pytest.mark.django_db
def test_a_persona_no_longer_found_is_emptied_and_hidden(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    ids = three_personas(workspace)
    refresh_personas(owner_access, now=NOW)
    gone = Segment.objects.create(
        workspace=workspace,
        name="Old",
        slug="old",
        kind=SegmentKind.PERSONA,
        persona={"key": "old", "name_en": "Old"},
    )
    SegmentMember.objects.create(segment=gone, contact_id=ids[0], entered_at=NOW)

    personas = refresh_personas(owner_access, now=NOW)

    gone.refresh_from_db()
    assert gone.persona["retired"] is True
    assert gone.size == 0
    assert not SegmentMember.objects.filter(segment=gone, left_at=None).exists()
    assert "Old" not in [p.name_en for p in personas]
    assert len(list_personas(workspace)) == 3


@pytest.mark.django_db
def test_a_viewer_may_not_refresh_personas(
    workspace: Workspace, access_for: Callable[[Role], WorkspaceAccess]
) -> None:
    three_personas(workspace)

    with pytest.raises(PermissionDenied):
        refresh_personas(access_for(Role.VIEWER), now=NOW)

    assert not Segment.objects.filter(workspace=workspace).exists()
    assert not AuditEntry.objects.filter(action="segments.refresh_personas").exists()


@pytest.mark.django_db
def test_without_enough_activity_nothing_is_saved(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    ids = make_contacts(workspace, 5)
    write_events(workspace, [event("page_view", contact=c) for c in ids])

    with pytest.raises(PersonaError, match="found 5"):
        refresh_personas(owner_access, now=NOW)

    assert not Segment.objects.filter(workspace=workspace).exists()


@pytest.mark.django_db
def test_erased_contacts_are_left_out(workspace: Workspace, owner_access: WorkspaceAccess) -> None:
    ids = three_personas(workspace)
    Contact.objects.filter(pk=ids[0]).update(erased_at=NOW)

    personas = refresh_personas(owner_access, now=NOW)

    assert sorted(p.size for p in personas) == [19, 20, 20]


@pytest.mark.django_db
def test_the_worker_task_refreshes_as_the_user_who_asked(
    workspace: Workspace, owner: User, member: Callable[[Role], User]
) -> None:
    three_personas(workspace)
    viewer = member(Role.VIEWER)

    refresh_personas_task(workspace.pk, viewer.pk)
    assert not Segment.objects.filter(workspace=workspace).exists()

    refresh_personas_task(workspace.pk, owner.pk)
    assert Segment.objects.filter(workspace=workspace, kind=SegmentKind.PERSONA).count() == 3
    assert AuditEntry.objects.get(action="segments.refresh_personas").actor == owner


@pytest.mark.django_db
def test_the_demo_helper_refreshes_as_the_owner(workspace: Workspace, owner: User) -> None:
    three_personas(workspace)

    personas = build_demo_personas(workspace, owner)

    assert len(personas) == 3


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    register_personas(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    code: int = args.func(args)
    return code


@pytest.mark.django_db
def test_the_command_prints_the_personas(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    three_personas(workspace)

    code = _cli("personas", "--workspace", workspace.slug, "--language", "en")

    out = capsys.readouterr().out
    assert code == 0
    assert "      20  Loyal, mostly reached on Instagram, drawn to /boutique" in out
    assert "k = 3, silhouette" in out


@pytest.mark.django_db
def test_the_command_names_an_unknown_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    code = _cli("personas", "--workspace", "nope")

    assert code == 2
    assert "No workspace with slug 'nope'." in capsys.readouterr().err


@pytest.mark.django_db
def test_the_command_explains_too_little_activity(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _cli("personas", "--workspace", workspace.slug)

    assert code == 1
    assert "found 0" in capsys.readouterr().err


@pytest.mark.django_db
def test_listing_personas_is_one_query(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    django_assert_num_queries: Any,
) -> None:
    three_personas(workspace)
    refresh_personas(owner_access, now=NOW)

    with django_assert_num_queries(1):
        personas = list_personas(workspace)

    assert len(personas) == 3
