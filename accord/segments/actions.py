"""Every write to segments: create, edit, delete, members (diffed, with history), refresh."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.models import Workspace
from accord.accounts.roles import Perm
from accord.contacts.actions import append_timeline_bulk, normalise_email
from accord.contacts.models import Contact
from accord.segments.evaluation import Ids, fetch_ids, matching_ids, resolve_references
from accord.segments.models import Segment, SegmentKind, SegmentMember, SegmentSize
from accord.segments.rules import Rule, RuleError, parse_rule, referenced_segments

logger = logging.getLogger(__name__)

# An unchanged size is recorded again once this old, so the chart reaches the present.
SIZE_HEARTBEAT = timedelta(hours=1)
UPDATE_CHUNK = 500
MAX_CSV_BYTES = 10 * 1024 * 1024
# Page paths under segments/ that a segment's slug must not shadow.
RESERVED_SLUGS = {"new", "builder", "preview", "personas", "channels", "insights"}


@dataclass(frozen=True)
class MembershipChange:
    """What one save of a segment's members did."""

    entered: int
    left: int
    size: int
    at: datetime


@dataclass(frozen=True)
class CsvAddResult:
    """Emails of a CSV added to a static list: how many joined, and the unknown addresses."""

    added: int
    already: int
    unknown: tuple[str, ...]


def _as_array(contact_ids: Iterable[int] | Ids) -> Ids:
    if isinstance(contact_ids, np.ndarray):
        return np.unique(contact_ids.astype(np.int64))
    return np.unique(np.fromiter(contact_ids, dtype=np.int64))


def current_member_ids(segment: Segment) -> Ids:
    """The sorted ids of the segment's current members (one query)."""
    rows = SegmentMember.objects.filter(segment=segment, left_at__isnull=True).values_list(
        "contact_id", flat=True
    )
    return fetch_ids(rows, "contact_id")


@transaction.atomic
def save_members(
    segment: Segment, contact_ids: frozenset[int] | Ids, *, now: datetime
) -> MembershipChange:
    """Make ``contact_ids`` the segment's members: diff, history rows, timeline, size.

    Entering contacts get a new stay and a "segment.entered" timeline entry, leaving ones their
    stay closed and a "segment.left" entry, in batched writes. The caller passes live contacts
    of the segment's workspace.
    """
    target = _as_array(contact_ids)
    current = current_member_ids(segment)
    entered = np.setdiff1d(target, current, assume_unique=True)
    left = np.setdiff1d(current, target, assume_unique=True)
    SegmentMember.objects.bulk_create(
        [SegmentMember(segment=segment, contact_id=int(c), entered_at=now) for c in entered],
        batch_size=2000,
    )
    for start in range(0, len(left), UPDATE_CHUNK):
        chunk = [int(c) for c in left[start : start + UPDATE_CHUNK]]
        SegmentMember.objects.filter(
            segment=segment, left_at__isnull=True, contact_id__in=chunk
        ).update(left_at=now)
    data = {"segment": segment.slug, "segment_id": segment.pk}
    for ids, kind, verb in (
        (entered, "segment.entered", "Entered"),
        (left, "segment.left", "Left"),
    ):
        append_timeline_bulk(
            segment.workspace_id,
            (int(c) for c in ids),
            kind,
            f"{verb} segment {segment.name}",
            app="segments",
            data=data,
            at=now,
        )
    _record_size(segment, len(target), now, changed=bool(len(entered) or len(left)))
    segment.size, segment.evaluated_at = len(target), now
    segment.save(update_fields=["size", "evaluated_at"])
    return MembershipChange(len(entered), len(left), len(target), now)


def _record_size(segment: Segment, size: int, now: datetime, *, changed: bool) -> None:
    """Add a size point, unless nothing changed since a point less than an hour old."""
    last = SegmentSize.objects.filter(segment=segment).order_by("-at").first()
    if last is None or changed or now - last.at >= SIZE_HEARTBEAT:
        SegmentSize.objects.create(segment=segment, at=now, size=size)


# Create, edit, delete -------------------------------------------------------------------------


def _unique_slug(workspace: Workspace, name: str) -> str:
    base = slugify(name)[:180] or "segment"
    taken = RESERVED_SLUGS | set(
        Segment.objects.filter(workspace=workspace, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ValidationError({"name": ["Give a name of 1–200 characters."]})
    return name


def check_rule(workspace: Workspace, data: Any, slug: str | None = None) -> Rule:
    """Parse a rule and check it against the workspace: properties, segments, no cycle.

    Raises RuleError naming the bad node. ``slug`` is the segment the rule is for, if saved.
    """
    rule = parse_rule(data)
    resolve_references(workspace, rule)
    if slug is not None:
        _check_cycle(workspace, slug, rule)
    return rule


def _check_cycle(workspace: Workspace, slug: str, rule: Rule) -> None:
    """Refuse a rule that tests membership of itself, directly or through other segments."""
    rules = dict(
        Segment.objects.filter(workspace=workspace, kind=SegmentKind.DYNAMIC).values_list(
            "slug", "rule"
        )
    )
    seen: set[str] = set()
    waiting = list(referenced_segments(rule))
    while waiting:
        other = waiting.pop()
        if other == slug:
            raise RuleError("$", f"the rule refers to segment {slug!r} itself (directly or not)")
        if other in seen:
            continue
        seen.add(other)
        if rules.get(other) is None:  # a static list or a persona uses no other segment
            continue
        try:
            waiting.extend(referenced_segments(parse_rule(rules[other])))
        except RuleError:
            continue


@transaction.atomic
def create_segment(
    access: WorkspaceAccess,
    *,
    name: str,
    kind: str,
    rule: Mapping[str, Any] | None = None,
    description: str = "",
    persona: Mapping[str, Any] | None = None,
) -> Segment:
    """Create a segment; a dynamic one needs a valid rule and is evaluated once committed.

    Raises ValidationError on name/kind, RuleError on the rule.
    """
    access.require(Perm.SEGMENTS_EDIT)
    name = _clean_name(name)
    if kind not in SegmentKind.values:
        raise ValidationError(
            {"kind": [f"Unknown kind {kind!r}; use one of {SegmentKind.values}."]}
        )
    if kind == SegmentKind.DYNAMIC and rule is None:
        raise ValidationError({"rule": ["A dynamic segment needs a rule."]})
    if kind != SegmentKind.DYNAMIC and rule is not None:
        raise ValidationError({"rule": ["Only a dynamic segment has a rule."]})
    slug = _unique_slug(access.workspace, name)
    if rule is not None:
        check_rule(access.workspace, rule, slug)
    segment = Segment.objects.create(
        workspace=access.workspace,
        name=name,
        slug=slug,
        description=description.strip(),
        kind=kind,
        rule=dict(rule) if rule is not None else None,
        persona=dict(persona or {}),
        created_by=access.actor.user,
    )
    record_audit(
        access.actor, access.workspace, "segment.create", segment, None, _snapshot(segment)
    )
    if kind == SegmentKind.DYNAMIC:
        _refresh_on_commit(segment)
    return segment


def _snapshot(segment: Segment) -> dict[str, Any]:
    return {
        "name": segment.name,
        "slug": segment.slug,
        "kind": segment.kind,
        "description": segment.description,
        "rule": segment.rule,
    }


def _refresh_on_commit(segment: Segment) -> None:
    from accord.segments.tasks import refresh_segment_task

    segment_id = segment.pk
    transaction.on_commit(lambda: refresh_segment_task(segment_id))


def _check_same_workspace(access: WorkspaceAccess, segment: Segment) -> None:
    if segment.workspace_id != access.workspace.pk:
        raise Segment.DoesNotExist("Segment not found in this workspace.")


@transaction.atomic
def update_segment(
    access: WorkspaceAccess,
    segment: Segment,
    *,
    name: str | None = None,
    description: str | None = None,
    rule: Mapping[str, Any] | None = None,
) -> Segment:
    """Change a segment's name, description or (dynamic only) rule; a new rule re-evaluates it."""
    access.require(Perm.SEGMENTS_EDIT)
    _check_same_workspace(access, segment)
    before = _snapshot(segment)
    if name is not None:
        segment.name = _clean_name(name)
    if description is not None:
        segment.description = description.strip()
    if rule is not None:
        if segment.kind != SegmentKind.DYNAMIC:
            raise ValidationError({"rule": ["Only a dynamic segment has a rule."]})
        check_rule(access.workspace, rule, segment.slug)
        segment.rule = dict(rule)
    after = _snapshot(segment)
    if after == before:
        return segment
    segment.save(update_fields=["name", "description", "rule", "updated_at"])
    record_audit(access.actor, access.workspace, "segment.update", segment, before, after)
    if rule is not None and after["rule"] != before["rule"]:
        _refresh_on_commit(segment)
    return segment


def segments_using(segment: Segment) -> list[Segment]:
    """The dynamic segments whose rule tests membership of ``segment``."""
    dynamic = Segment.objects.filter(workspace_id=segment.workspace_id, kind=SegmentKind.DYNAMIC)
    using = []
    for other in dynamic.exclude(pk=segment.pk):
        try:
            if segment.slug in referenced_segments(parse_rule(other.rule)):
                using.append(other)
        except RuleError:
            continue
    return using


@transaction.atomic
def delete_segment(access: WorkspaceAccess, segment: Segment) -> None:
    """Delete a segment and its history; refused while another segment's rule uses it."""
    access.require(Perm.SEGMENTS_EDIT)
    _check_same_workspace(access, segment)
    users = segments_using(segment)
    if users:
        names = ", ".join(s.name for s in users)
        raise ValidationError({"segment": [f"Used by the rule of: {names}. Edit those first."]})
    record_audit(access.actor, access.workspace, "segment.delete", segment, _snapshot(segment))
    segment.delete()


# Static lists ---------------------------------------------------------------------------------


def _require_static(access: WorkspaceAccess, segment: Segment) -> None:
    access.require(Perm.SEGMENTS_EDIT)
    _check_same_workspace(access, segment)
    if segment.kind != SegmentKind.STATIC:
        raise ValidationError({"segment": ["Members are added or removed on static lists only."]})


def _live_ids(workspace: Workspace, contact_ids: Iterable[int]) -> tuple[Ids, list[int]]:
    """Split ids into the workspace's live contacts and the unknown ones (one query)."""
    wanted = sorted({int(c) for c in contact_ids})
    found = set(
        Contact.objects.filter(
            workspace=workspace, erased_at__isnull=True, pk__in=wanted
        ).values_list("pk", flat=True)
    )
    return _as_array(found), [c for c in wanted if c not in found]


@transaction.atomic
def add_members(
    access: WorkspaceAccess, segment: Segment, contact_ids: Iterable[int]
) -> MembershipChange:
    """Add contacts to a static list; unknown or erased ids raise ValidationError, adding none."""
    _require_static(access, segment)
    found, unknown = _live_ids(access.workspace, contact_ids)
    if unknown:
        shown = ", ".join(str(c) for c in unknown[:20])
        raise ValidationError({"contact_ids": [f"No such contact in this workspace: {shown}."]})
    change = save_members(
        segment, np.union1d(current_member_ids(segment), found), now=timezone.now()
    )
    record_audit(
        access.actor,
        access.workspace,
        "segment.members_add",
        segment,
        None,
        {"added": change.entered},
    )
    return change


@transaction.atomic
def remove_members(
    access: WorkspaceAccess, segment: Segment, contact_ids: Iterable[int]
) -> MembershipChange:
    """Remove contacts from a static list; ids that are not members are ignored."""
    _require_static(access, segment)
    removed = _as_array(int(c) for c in contact_ids)
    remaining = np.setdiff1d(current_member_ids(segment), removed, assume_unique=True)
    change = save_members(segment, remaining, now=timezone.now())
    record_audit(
        access.actor,
        access.workspace,
        "segment.members_remove",
        segment,
        None,
        {"removed": change.left},
    )
    return change


def forget_contact(contact: Contact) -> int:
    """GDPR erasure: take the contact out of every segment and delete its stays; return how many.

    Membership history says what a person did and was interested in, so it goes; the segments
    that held the contact get their new size. Called by the contacts app's erasure.
    """
    stays = SegmentMember.objects.filter(contact=contact)
    current = sorted(set(stays.filter(left_at__isnull=True).values_list("segment_id", flat=True)))
    deleted, _ = stays.delete()
    now = timezone.now()
    for segment in Segment.objects.filter(pk__in=current):
        size = SegmentMember.objects.filter(segment=segment, left_at__isnull=True).count()
        _record_size(segment, size, now, changed=True)
        segment.size = size
        segment.save(update_fields=["size"])
    return deleted


def emails_of_csv(content: bytes) -> list[str]:
    """Read the email column of a CSV (a header named email, else the first column).

    Raises ValidationError naming the problem: too large, not UTF-8, no email column.
    """
    if len(content) > MAX_CSV_BYTES:
        raise ValidationError({"file": [f"The file is larger than {MAX_CSV_BYTES} bytes."]})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": ["The file is not UTF-8 text."]}) from None
    rows = [row for row in csv.reader(io.StringIO(text), dialect=_dialect(text)) if any(row)]
    if not rows:
        raise ValidationError({"file": ["The file holds no rows."]})
    header = [cell.strip().lower() for cell in rows[0]]
    column = header.index("email") if "email" in header else 0
    body = rows[1:] if "email" in header or "@" not in rows[0][0] else rows
    return [
        row[column].strip().lower() for row in body if len(row) > column and row[column].strip()
    ]


def _dialect(text: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


@transaction.atomic
def add_members_from_csv(access: WorkspaceAccess, segment: Segment, content: bytes) -> CsvAddResult:
    """Add the contacts whose emails a CSV lists to a static list; report the unknown ones."""
    _require_static(access, segment)
    emails = []
    for line, raw in enumerate(emails_of_csv(content), start=1):
        try:
            emails.append(normalise_email(raw))
        except ValidationError:
            raise ValidationError({"file": [f"Row {line}: {raw!r} is not an email."]}) from None
    known = dict(
        Contact.objects.filter(
            workspace=access.workspace, erased_at__isnull=True, email__in=set(emails)
        ).values_list("email", "pk")
    )
    unknown = tuple(sorted({e for e in emails if e not in known}))
    current = current_member_ids(segment)
    wanted = _as_array(known.values())
    already = int(np.intersect1d(current, wanted, assume_unique=True).size)
    change = save_members(segment, np.union1d(current, wanted), now=timezone.now())
    record_audit(
        access.actor,
        access.workspace,
        "segment.members_csv",
        segment,
        None,
        {"added": change.entered, "unknown": len(unknown)},
    )
    return CsvAddResult(change.entered, already, unknown)


@transaction.atomic
def freeze_segment(access: WorkspaceAccess, segment: Segment, name: str = "") -> Segment:
    """Copy a segment's current members into a new static list (the segment itself stays)."""
    access.require(Perm.SEGMENTS_EDIT)
    _check_same_workspace(access, segment)
    day = timezone.now().date().isoformat()
    frozen = create_segment(
        access,
        name=name or f"{segment.name} ({day})",
        kind=SegmentKind.STATIC,
        description=segment.description,
    )
    save_members(frozen, current_member_ids(segment), now=timezone.now())
    return frozen


# Refresh --------------------------------------------------------------------------------------


def refresh_segment(segment: Segment, *, now: datetime | None = None) -> MembershipChange:
    """Evaluate a dynamic segment's rule and save its members; raise RuleError if it went bad."""
    if segment.kind != SegmentKind.DYNAMIC or segment.rule is None:
        raise ValidationError({"segment": ["Only a dynamic segment is evaluated."]})
    now = now or timezone.now()
    ids = matching_ids(segment.workspace, parse_rule(segment.rule), now=now)
    return save_members(segment, ids, now=now)


def refresh_order(segments: list[Segment]) -> list[Segment]:
    """Order dynamic segments so that one using another's membership comes after it."""
    by_slug = {s.slug: s for s in segments}
    uses: dict[str, set[str]] = {}
    for segment in segments:
        try:
            uses[segment.slug] = referenced_segments(parse_rule(segment.rule)) & set(by_slug)
        except RuleError:
            uses[segment.slug] = set()
    ordered: list[Segment] = []
    done: set[str] = set()
    while len(ordered) < len(segments):
        ready = [s for s in segments if s.slug not in done and uses[s.slug] <= done]
        ready = ready or [s for s in segments if s.slug not in done][:1]  # a cycle: break it
        for segment in ready:
            ordered.append(segment)
            done.add(segment.slug)
    return ordered


def refresh_workspace(workspace: Workspace, *, now: datetime | None = None) -> int:
    """Flush the workspace's pending events, then re-evaluate its dynamic segments in order.

    A segment whose rule fails is logged and skipped; return how many were refreshed.
    """
    from accord.warehouse.actions import flush_inbox, pending_workspace_ids

    if workspace.pk in pending_workspace_ids():
        flush_inbox(workspace)
    dynamic = list(
        Segment.objects.filter(workspace=workspace, kind=SegmentKind.DYNAMIC).select_related(
            "workspace"
        )
    )
    refreshed = 0
    for segment in refresh_order(dynamic):
        try:
            refresh_segment(segment, now=now)
        except Exception:
            logger.exception("segment refresh failed for %s/%s", workspace.slug, segment.slug)
            continue
        refreshed += 1
    return refreshed


def refresh_dynamic_segments(*, now: datetime | None = None) -> int:
    """Refresh the dynamic segments of every workspace; return how many were refreshed."""
    ids = Segment.objects.filter(kind=SegmentKind.DYNAMIC).values_list("workspace_id", flat=True)
    total = 0
    for workspace in Workspace.objects.filter(pk__in=set(ids)).order_by("pk"):
        total += refresh_workspace(workspace, now=now)
    return total
