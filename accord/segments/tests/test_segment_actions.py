"""Segment actions: create with permissions, dynamic refresh with history, static lists."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.contacts.models import Contact, TimelineEntry
from accord.segments import actions, queries
from accord.segments.models import Segment, SegmentKind, SegmentMember, SegmentSize
from accord.segments.tasks import refresh_segments
from accord.segments.tests.conftest import NOW
from accord.warehouse.actions import ingest_events

VIP = {"type": "tag", "tag": "vip"}
BUYERS = {"type": "event", "kind": "purchase", "window": {"last_days": 30}}


def _contacts(workspace: Workspace, count: int) -> list[Contact]:
    return [
        Contact.objects.create(workspace=workspace, email=f"c{i}@example.com", first_name=f"C{i}")
        for i in range(count)
    ]


def _buy(workspace: Workspace, contact: Contact, when: Any) -> None:
    event = {
        "event_id": str(uuid.uuid4()),
        "kind": "purchase",
        "contact_id": contact.pk,
        "ts": when.isoformat(),
        "value": 10,
    }
    result = ingest_events(workspace, [event], source="test", now=when)
    assert result.accepted == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OWNER, Role.MARKETING])
def test_editors_create_a_dynamic_segment_evaluated_once_committed(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    access_for: Callable[[Role], WorkspaceAccess],
    django_capture_on_commit_callbacks: Any,
    role: Role,
) -> None:
    contacts = _contacts(workspace, 3)
    access = owner_access if role == Role.OWNER else access_for(role)
    from accord.contacts.actions import add_tags

    add_tags(owner_access, contacts[1], ["vip"])

    with django_capture_on_commit_callbacks(execute=True):
        segment = actions.create_segment(access, name="VIP clients", kind="dynamic", rule=VIP)

    segment.refresh_from_db()
    assert (segment.slug, segment.size, segment.created_by) == (
        "vip-clients",
        1,
        access.actor.user,
    )
    assert queries.member_ids(segment) == [contacts[1].pk]
    assert (
        AuditEntry.objects.filter(action="segment.create", object_id=str(segment.pk)).count() == 1
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.COMMUNICATION, Role.VIEWER, Role.BRAND_REVIEWER])
def test_other_roles_may_not_create_segments(
    workspace: Workspace, access_for: Callable[[Role], WorkspaceAccess], role: Role
) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_segment(access_for(role), name="X", kind="dynamic", rule=VIP)

    assert Segment.objects.count() == 0
    assert AuditEntry.objects.filter(action="segment.create").count() == 0


@pytest.mark.django_db
def test_slugs_are_unique_and_avoid_page_names(owner_access: WorkspaceAccess) -> None:
    first = actions.create_segment(owner_access, name="New", kind="static")
    second = actions.create_segment(owner_access, name="New", kind="static")
    third = actions.create_segment(owner_access, name="Été 2025", kind="static")

    assert [first.slug, second.slug, third.slug] == ["new-2", "new-3", "ete-2025"]


@pytest.mark.django_db
def test_a_dynamic_segment_needs_a_rule_and_a_static_one_has_none(
    owner_access: WorkspaceAccess,
) -> None:
    with pytest.raises(ValidationError) as missing:
        actions.create_segment(owner_access, name="X", kind="dynamic")
    with pytest.raises(ValidationError) as extra:
        actions.create_segment(owner_access, name="X", kind="static", rule=VIP)

    assert missing.value.message_dict == {"rule": ["A dynamic segment needs a rule."]}
    assert extra.value.message_dict == {"rule": ["Only a dynamic segment has a rule."]}
    assert Segment.objects.count() == 0


@pytest.mark.django_db
def test_refresh_records_entering_and_leaving_with_history_and_timeline(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    alice, bob, carol = _contacts(workspace, 3)
    segment = actions.create_segment(owner_access, name="Buyers", kind="dynamic", rule=BUYERS)
    day1, day2, day40 = NOW, NOW + timedelta(days=1), NOW + timedelta(days=40)
    _buy(workspace, alice, day1 - timedelta(hours=1))
    _buy(workspace, bob, day1 - timedelta(hours=1))
    actions.refresh_workspace(workspace, now=day1)

    _buy(workspace, carol, day2 - timedelta(hours=1))
    change = actions.refresh_workspace(workspace, now=day2)
    assert change == 1
    left = actions.refresh_segment(segment, now=day40)

    assert (left.entered, left.left, left.size) == (0, 3, 0)
    stays = SegmentMember.objects.filter(segment=segment).order_by("contact_id")
    assert [(s.contact_id, s.entered_at, s.left_at) for s in stays] == [
        (alice.pk, day1, day40),
        (bob.pk, day1, day40),
        (carol.pk, day2, day40),
    ]
    entries = TimelineEntry.objects.filter(app="segments", contact=carol).order_by("at")
    assert [(e.kind, e.title, e.at) for e in entries] == [
        ("segment.entered", "Entered segment Buyers", day2),
        ("segment.left", "Left segment Buyers", day40),
    ]
    assert [(p.at, p.size) for p in queries.size_history(segment)] == [
        (day1, 2),
        (day2, 3),
        (day40, 0),
    ]


@pytest.mark.django_db
def test_save_members_writes_in_a_fixed_number_of_queries(
    workspace: Workspace, django_assert_max_num_queries: Any
) -> None:
    contacts = _contacts(workspace, 60)
    segment = Segment.objects.create(workspace=workspace, name="S", slug="s", kind="static")

    with django_assert_max_num_queries(8):
        change = actions.save_members(segment, frozenset(c.pk for c in contacts), now=NOW)

    assert (change.entered, change.left, change.size) == (60, 0, 60)
    assert TimelineEntry.objects.filter(kind="segment.entered").count() == 60


@pytest.mark.django_db
def test_an_unchanged_size_is_recorded_again_only_after_an_hour(workspace: Workspace) -> None:
    segment = Segment.objects.create(workspace=workspace, name="S", slug="s", kind="static")
    for minutes in (0, 1, 59, 61):
        actions.save_members(segment, frozenset(), now=NOW + timedelta(minutes=minutes))

    assert [p.at for p in queries.size_history(segment)] == [NOW, NOW + timedelta(minutes=61)]


@pytest.mark.django_db
def test_the_periodic_task_catches_new_events_within_the_minute(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    (alice,) = _contacts(workspace, 1)
    segment = actions.create_segment(
        owner_access, name="Visitors", kind="dynamic", rule={"type": "event", "kind": "page_view"}
    )
    refresh_segments.call_local()
    assert queries.member_ids(segment) == []

    now = timezone.now()
    event = {"event_id": str(uuid.uuid4()), "kind": "page_view", "contact_id": alice.pk}
    assert ingest_events(workspace, [{**event, "ts": now.isoformat()}], source="t").accepted == 1
    refresh_segments.call_local()

    segment.refresh_from_db()
    assert (segment.size, queries.member_ids(segment)) == (1, [alice.pk])


@pytest.mark.django_db
def test_a_segment_using_another_is_refreshed_after_it(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    (alice,) = _contacts(workspace, 1)
    from accord.contacts.actions import add_tags

    add_tags(owner_access, alice, ["vip"])
    outer = Segment.objects.create(
        workspace=workspace,
        name="Outer",
        slug="outer",
        kind="dynamic",
        rule={"type": "segment", "slug": "inner"},
    )
    inner = Segment.objects.create(
        workspace=workspace, name="Inner", slug="inner", kind="dynamic", rule=VIP
    )

    assert actions.refresh_order([outer, inner]) == [inner, outer]
    assert actions.refresh_workspace(workspace, now=NOW) == 2
    assert queries.member_ids(outer) == [alice.pk]
    with pytest.raises(ValidationError):
        actions.delete_segment(owner_access, inner)
    assert Segment.objects.filter(pk=inner.pk).exists()


@pytest.mark.django_db
def test_static_lists_take_ids_csv_emails_and_frozen_segments(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    contacts = _contacts(workspace, 4)
    static = actions.create_segment(owner_access, name="Press", kind="static")

    added = actions.add_members(owner_access, static, [contacts[0].pk, contacts[1].pk])
    csv = b"name;email\nZoe;C2@Example.com\nX;nobody@example.com\nY;c0@example.com\n"
    from_csv = actions.add_members_from_csv(owner_access, static, csv)
    removed = actions.remove_members(owner_access, static, [contacts[1].pk, 999])
    frozen = actions.freeze_segment(owner_access, static, name="Press copy")

    assert (added.entered, added.size) == (2, 2)
    assert from_csv == actions.CsvAddResult(added=1, already=1, unknown=("nobody@example.com",))
    assert (removed.left, removed.size) == (1, 2)
    assert queries.member_ids(static) == [contacts[0].pk, contacts[2].pk]
    assert (frozen.kind, queries.member_ids(frozen)) == (
        SegmentKind.STATIC,
        [contacts[0].pk, contacts[2].pk],
    )


@pytest.mark.django_db
def test_adding_unknown_ids_adds_nothing(
    workspace: Workspace, other_workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    (mine,) = _contacts(workspace, 1)
    theirs = Contact.objects.create(workspace=other_workspace, email="x@example.com")
    static = actions.create_segment(owner_access, name="Press", kind="static")

    with pytest.raises(ValidationError) as caught:
        actions.add_members(owner_access, static, [mine.pk, theirs.pk])

    assert caught.value.message_dict == {
        "contact_ids": [f"No such contact in this workspace: {theirs.pk}."]
    }
    assert SegmentMember.objects.count() == 0


@pytest.mark.django_db
def test_a_csv_with_a_bad_email_names_its_row(owner_access: WorkspaceAccess) -> None:
    static = actions.create_segment(owner_access, name="Press", kind="static")

    with pytest.raises(ValidationError) as caught:
        actions.add_members_from_csv(owner_access, static, b"email\na@example.com\nnot-an-email\n")

    assert caught.value.message_dict == {"file": ["Row 2: 'not-an-email' is not an email."]}
    assert SegmentMember.objects.count() == 0


@pytest.mark.django_db
def test_members_of_a_dynamic_segment_are_not_edited_by_hand(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    (alice,) = _contacts(workspace, 1)
    segment = actions.create_segment(owner_access, name="VIP", kind="dynamic", rule=VIP)

    with pytest.raises(ValidationError):
        actions.add_members(owner_access, segment, [alice.pk])

    assert SegmentSize.objects.count() == 0


@pytest.mark.django_db
def test_memberships_of_lists_the_current_segments_of_a_contact(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    alice, bob = _contacts(workspace, 2)
    press = actions.create_segment(owner_access, name="Press", kind="static")
    board = actions.create_segment(owner_access, name="Board", kind="static")
    actions.add_members(owner_access, press, [alice.pk, bob.pk])
    actions.add_members(owner_access, board, [alice.pk])
    actions.remove_members(owner_access, board, [alice.pk])

    found = queries.memberships_of(alice)

    assert [(m.slug, m.name, m.kind) for m in found] == [("press", "Press", "static")]


@pytest.mark.django_db
def test_erasing_a_contact_takes_it_out_of_every_segment_and_its_history(
    workspace: Workspace, owner_access: WorkspaceAccess, django_capture_on_commit_callbacks: Any
) -> None:
    from accord.contacts.actions import erase_contact

    contacts = _contacts(workspace, 3)
    static = actions.create_segment(owner_access, name="Press", kind="static")
    frozen_old = actions.create_segment(owner_access, name="Old", kind="static")
    actions.add_members(owner_access, static, [c.pk for c in contacts])
    actions.add_members(owner_access, frozen_old, [contacts[0].pk])
    actions.remove_members(owner_access, frozen_old, [contacts[0].pk])  # a closed stay

    with django_capture_on_commit_callbacks(execute=True):
        erase_contact(owner_access, contacts[0])

    assert not SegmentMember.objects.filter(contact=contacts[0]).exists()
    assert queries.member_ids(static) == [contacts[1].pk, contacts[2].pk]
    static.refresh_from_db()
    assert static.size == 2
    latest = SegmentSize.objects.filter(segment=static).order_by("at").last()
    assert latest is not None
    assert latest.size == 2
    assert SegmentMember.objects.filter(segment=static).count() == 2
