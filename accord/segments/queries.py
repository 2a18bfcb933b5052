"""Reads of segments: lists, one segment, members, size history, memberships, previews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from accord.accounts.models import Workspace
from accord.contacts.models import Contact
from accord.segments.evaluation import matching_ids
from accord.segments.models import Segment, SegmentMember, SegmentSize
from accord.segments.rules import Rule

SAMPLE_SIZE = 20
MAX_POINTS = 2000


@dataclass(frozen=True)
class Membership:
    """A segment a contact belongs to now, and since when."""

    segment_id: int
    name: str
    slug: str
    kind: str
    entered_at: datetime


@dataclass(frozen=True)
class Preview:
    """How many contacts a rule selects now, and a sample of them (the newest ids)."""

    count: int
    sample: list[Contact]


def segments(workspace: Workspace, kind: str = "") -> QuerySet[Segment]:
    """The workspace's segments by name, of one kind when given."""
    found = Segment.objects.filter(workspace=workspace)
    return (found.filter(kind=kind) if kind else found).order_by("name", "pk")


def get_segment(workspace: Workspace, slug: str) -> Segment:
    """Return the segment or raise Segment.DoesNotExist (also for another workspace's)."""
    return Segment.objects.select_related("workspace").get(workspace=workspace, slug=slug)


def members(segment: Segment) -> QuerySet[Contact]:
    """The segment's current members, newest stay first, company pre-joined."""
    return (
        Contact.objects.filter(segment_stays__segment=segment, segment_stays__left_at__isnull=True)
        .select_related("company")
        .order_by("-segment_stays__entered_at", "-pk")
    )


def member_ids(segment: Segment, limit: int | None = None) -> list[int]:
    """The ids of the current members in id order, the first ``limit`` when given."""
    ids = SegmentMember.objects.filter(segment=segment, left_at__isnull=True).order_by("contact_id")
    rows = ids.values_list("contact_id", flat=True)
    return list(rows[:limit] if limit is not None else rows)


def size_history(segment: Segment) -> list[SegmentSize]:
    """The size points of the segment, oldest first, thinned to at most 2,000 (the last kept)."""
    points = list(SegmentSize.objects.filter(segment=segment).order_by("at", "pk"))
    if len(points) <= MAX_POINTS:
        return points
    step = -(-len(points) // MAX_POINTS)
    thinned = points[::step]
    return thinned if thinned[-1] is points[-1] else [*thinned, points[-1]]


def memberships_of(contact: Contact) -> list[Membership]:
    """The segments the contact belongs to now, by name (one query)."""
    rows = (
        SegmentMember.objects.filter(contact=contact, left_at__isnull=True)
        .select_related("segment")
        .order_by("segment__name", "segment_id")
    )
    return [
        Membership(
            row.segment_id, row.segment.name, row.segment.slug, row.segment.kind, row.entered_at
        )
        for row in rows
    ]


def preview(workspace: Workspace, rule: Rule, *, now: datetime | None = None) -> Preview:
    """Evaluate a rule without saving: the count and up to 20 members (newest ids first)."""
    ids = matching_ids(workspace, rule, now=now)
    newest = [int(i) for i in ids[-SAMPLE_SIZE:][::-1]]
    sample = {c.pk: c for c in Contact.objects.filter(pk__in=newest)}
    return Preview(len(ids), [sample[i] for i in newest if i in sample])
