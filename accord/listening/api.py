"""Listening API: the mentions list, manual entry, and the webhook other tools post to.

The webhook is the one endpoint without an API token: it authenticates with its source's
secret (header ``X-Accord-Secret``), is rate limited per source, and answers 201 only once
the mentions are stored (and written to the warehouse inbox).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from accord.accounts.ratelimit import hit
from accord.accounts.roles import Perm
from accord.api import Page, RateLimited, access_of, error_response, paginate
from accord.listening import actions, queries
from accord.listening.models import Mention
from accord.listening.recording import RecordResult
from accord.listening.schemas import ErrorOut, MentionIn, MentionPage, MentionQuery, RecordOut
from accord.listening.sources.webhook import PayloadError

router: Router = Router(tags=["listening"])

WEBHOOK_RATE_LIMIT = 60  # requests per minute per webhook source
SECRET_HEADER = "X-Accord-Secret"  # noqa: S105 (a header name, not a secret)


def answers(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    return {**ok, **dict.fromkeys(sorted({401, 429, *errors}), ErrorOut)}


def _recorded(result: RecordResult) -> Status[dict[str, Any]]:
    body = {
        "received": result.received,
        "stored": result.stored,
        "known": result.known,
        "unmatched": result.unmatched,
        "duplicates": result.duplicates,
        "spam": result.spam,
        "mention_ids": list(result.mention_ids),
    }
    return Status(201 if result.stored else 200, body)


def _payload_error(error: PayloadError) -> ValidationError:
    field = error.path.removeprefix("$").removeprefix(".") or "body"
    return ValidationError({field: [error.message]})


@router.get(
    "/listening/mentions",
    response=answers({200: MentionPage}, 403, 422),
    summary="List mentions",
)
def list_mentions(request: HttpRequest, filters: Query[MentionQuery]) -> Page[Mention]:
    """Mentions newest first; by default neither spam nor duplicates (``spam=show`` for all)."""
    access = access_of(request)
    access.require(Perm.LISTENING_VIEW)
    found = queries.filter_mentions(access.workspace, filters.as_filter())
    return paginate(found, filters.cursor, filters.limit, key="-published_at")


@router.post(
    "/listening/mentions",
    response=answers({200: RecordOut, 201: RecordOut}, 403, 422),
    summary="Add a mention by hand",
)
def create_mention(request: HttpRequest, payload: MentionIn) -> Status[dict[str, Any]]:
    """Record one mention seen elsewhere (201), or say it is already known (200, stored 0)."""
    data = payload.model_dump(mode="json", exclude_none=True)
    try:
        result = actions.add_manual_mention(access_of(request), data)
    except PayloadError as exc:
        raise _payload_error(exc) from None
    return _recorded(result)


@router.post(
    "/listening/webhook/{int:source_id}",
    auth=None,
    response=answers({200: RecordOut, 201: RecordOut}, 400, 413, 422),
    summary="Receive mentions from another tool",
)
def webhook(request: HttpRequest, source_id: int) -> Any:
    """Store the body's mentions in the webhook source ``source_id``.

    Send the source's secret in ``X-Accord-Secret`` and ``{"mentions": [...]}`` as the body
    (see docs/user/listening.md). Any invalid item refuses the whole body (422, ``fields``
    names its path, e.g. ``mentions[2].published_at``).
    """
    limit = hit(f"listening-webhook:{source_id}", WEBHOOK_RATE_LIMIT)
    if not limit.allowed:
        raise RateLimited(limit.reset_in)
    try:
        source = actions.webhook_source(source_id, request.headers.get(SECRET_HEADER, ""))
    except actions.WebhookRefused:
        return error_response(request, 401, "unauthenticated", "Unknown webhook or wrong secret.")
    try:
        result = actions.receive_webhook(source, request.body)
    except PayloadError as exc:
        raise _payload_error(exc) from None
    return _recorded(result)


__all__ = ["PermissionDenied", "router"]
