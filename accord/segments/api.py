"""Segments API: list, read, create, edit, delete, preview a rule, static list members.

Reads need contacts.view; writes need segments.edit (checked in the actions). A rule that does
not parse answers 400 with ``fields`` naming the bad node's path, e.g. ``$.all[1].op``.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.api import Page, access_of, error_response, paginate
from accord.contacts.schemas import ErrorOut, Input, PageQuery, Timestamp
from accord.segments import actions, queries
from accord.segments.models import Segment
from accord.segments.rules import RuleError, parse_rule

router: Router = Router(tags=["segments"])

SEGMENT = "/segments/{slug}"
RULE_HELP = (
    'A rule: groups {"all": [...]}, {"any": [...]}, {"not": node}; filters {"type": ...} '
    "(field, property, tag, consent, event, first_seen, last_seen, revenue, email_engagement, "
    "visited_url, utm_source, segment)."
)


class SegmentOut(Schema):
    slug: str
    name: str
    description: str
    kind: str
    size: int
    evaluated_at: Timestamp | None
    rule: dict[str, Any] | None
    created_at: Timestamp
    updated_at: Timestamp


class SegmentPage(Schema):
    items: list[SegmentOut]
    next_cursor: str | None


class SegmentIn(Input):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["dynamic", "static"]
    description: str = ""
    rule: Any = Field(None, description=RULE_HELP + " Dynamic segments only.")


class SegmentPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    rule: Any = Field(None, description=RULE_HELP)


class PreviewIn(Input):
    rule: Any = Field(description=RULE_HELP)


class SampleContact(Schema):
    id: int
    email: str
    first_name: str
    last_name: str


class PreviewOut(Schema):
    count: int
    sample: list[SampleContact]


class MembersIn(Input):
    contact_ids: list[int] = Field(min_length=1, max_length=10_000)


class MembershipOut(Schema):
    size: int
    entered: int
    left: int


def answers(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    return {**ok, **dict.fromkeys(sorted({401, 429, *errors}), ErrorOut)}


def _access(request: HttpRequest) -> WorkspaceAccess:
    access = access_of(request)
    access.require(Perm.CONTACTS_VIEW)
    return access


def invalid_rule(request: HttpRequest, exc: RuleError) -> HttpResponse:
    """Answer 400 naming the path of every bad node and why (the first one in the message)."""
    message = f"The rule is invalid at {exc.path}: {exc.reason}."
    if len(exc.errors) > 1:
        message += f" ({len(exc.errors) - 1} more problem(s) in the details.)"
    details: dict[str, list[str]] = {}
    for path, reason in exc.errors:
        details.setdefault(path, []).append(reason)
    return error_response(request, 400, "invalid_rule", message, details)


@router.get("/segments", response=answers({200: SegmentPage}, 403, 422), summary="List segments")
def list_segments(request: HttpRequest, page: Query[PageQuery]) -> Page[Segment]:
    """List the workspace's segments by name, with their size at the last evaluation."""
    found = queries.segments(_access(request).workspace)
    return paginate(found, page.cursor, page.limit, key="name")


# Registered before {slug}: Django takes the first path that matches.
@router.post(
    "/segments/preview",
    response=answers({200: PreviewOut}, 400, 403, 422),
    summary="Preview a rule",
)
def preview(request: HttpRequest, payload: PreviewIn) -> Any:
    """Count the contacts a rule selects now and return up to 20 of them (newest first)."""
    access = _access(request)
    try:
        rule = parse_rule(payload.rule)
        result = queries.preview(access.workspace, rule)
    except RuleError as exc:
        return invalid_rule(request, exc)
    return {"count": result.count, "sample": result.sample}


@router.post(
    "/segments", response=answers({201: SegmentOut}, 400, 403, 422), summary="Create a segment"
)
def create_segment(request: HttpRequest, payload: SegmentIn) -> Any:
    """Create a dynamic segment (with its rule, evaluated right after) or a static list."""
    try:
        segment = actions.create_segment(
            access_of(request),
            name=payload.name,
            kind=payload.kind,
            rule=payload.rule,
            description=payload.description,
        )
    except RuleError as exc:
        return invalid_rule(request, exc)
    return Status(201, segment)


@router.get(SEGMENT, response=answers({200: SegmentOut}, 403, 404), summary="Read a segment")
def get_segment(request: HttpRequest, slug: str) -> Segment:
    """Return one segment: its size at the last evaluation and its rule."""
    return queries.get_segment(_access(request).workspace, slug)


@router.patch(
    SEGMENT, response=answers({200: SegmentOut}, 400, 403, 404, 422), summary="Edit a segment"
)
def update_segment(request: HttpRequest, slug: str, payload: SegmentPatch) -> Any:
    """Change the fields sent; a new rule is checked, then evaluated."""
    access = access_of(request)
    segment = queries.get_segment(access.workspace, slug)
    values = payload.model_dump(exclude_unset=True)
    try:
        return actions.update_segment(access, segment, **values)
    except RuleError as exc:
        return invalid_rule(request, exc)


@router.delete(SEGMENT, response=answers({204: None}, 403, 404, 422), summary="Delete a segment")
def delete_segment(request: HttpRequest, slug: str) -> Status[None]:
    """Delete a segment and its history; refused while another segment's rule uses it."""
    access = access_of(request)
    actions.delete_segment(access, queries.get_segment(access.workspace, slug))
    return Status(204, None)


def _membership(change: actions.MembershipChange) -> dict[str, int]:
    return {"size": change.size, "entered": change.entered, "left": change.left}


@router.post(
    f"{SEGMENT}/members",
    response=answers({200: MembershipOut}, 403, 404, 422),
    summary="Add contacts to a static list",
)
def add_members(request: HttpRequest, slug: str, payload: MembersIn) -> dict[str, int]:
    """Add contacts by id; an unknown id refuses the whole request."""
    access = access_of(request)
    segment = queries.get_segment(access.workspace, slug)
    return _membership(actions.add_members(access, segment, payload.contact_ids))


@router.post(
    f"{SEGMENT}/members/remove",
    response=answers({200: MembershipOut}, 403, 404, 422),
    summary="Remove contacts from a static list",
)
def remove_members(request: HttpRequest, slug: str, payload: MembersIn) -> dict[str, int]:
    """Remove contacts by id; ids that are not members are ignored."""
    access = access_of(request)
    segment = queries.get_segment(access.workspace, slug)
    return _membership(actions.remove_members(access, segment, payload.contact_ids))
