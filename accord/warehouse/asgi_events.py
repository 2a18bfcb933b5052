"""``POST /api/v1/events`` served in front of Django's middleware, with group commit.

Measured reason (docs/decisions/0004-ingestion-throughput.md): through Django, every request
runs the sync middleware chain (sessions, locale, CSRF...) in asgiref's single sync thread, so
requests are handled one at a time and each pays its own fsync (~75 single-event requests/s).
This ASGI wrapper answers the well-formed case itself: a known, unrevoked token allowed to write
events, a body that is ``{"events": [...]}`` within the limits. It validates the events on the
event loop and awaits the group committer (``committer.py``), so concurrent requests share one
commit and one fsync; 200 still means durable. Anything else (no or bad token, missing
permission, unreadable body, too many events) is handed to Django unchanged, body included, so
errors keep their exact shape and wording from ``accord.warehouse.api``.

Token lookups are cached in this process for TOKEN_TTL seconds: a revoked token or a changed
role takes effect within that delay here (at once through the rest of the API).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone

from accord.accounts import queries as account_queries
from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import token_digest, touch_api_token, touch_due
from accord.accounts.ratelimit import hit
from accord.accounts.roles import Perm
from accord.warehouse.actions import IngestResult, parse_batch
from accord.warehouse.committer import committer
from accord.warehouse.events import MAX_BODY_BYTES, BadBatch, batch_events

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[..., Awaitable[None]]  # Django's handler types its arguments more narrowly

PATH = "/api/v1/events"
TOKEN_TTL = 5.0  # seconds a resolved token is trusted before it is looked up again
TOKEN_CACHE_SIZE = 1024
HEADERS = [
    (b"content-type", b"application/json; charset=utf-8"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]

_tokens: dict[str, tuple[float, WorkspaceAccess]] = {}


class EventsEndpoint:
    """Wrap Django's ASGI app; serve the fast path of ``POST /api/v1/events`` itself."""

    def __init__(self, django: ASGIApp) -> None:
        self.django = django

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.django(scope, receive, send)
            return
        body, complete = await _read_body(receive)
        access = await _access(scope) if complete else None
        events = _events_of(body) if access is not None else None
        if access is None or events is None:
            await self.django(scope, _replay(body, complete, receive), send)
            return
        await _ingest(access, events, send)


async def _ingest(access: WorkspaceAccess, events: list[Any], send: Send) -> None:
    token = access.actor.token
    assert token is not None  # noqa: S101  # _access only returns token accesses
    limit = hit(f"api:{token.pk}", settings.ACCORD_API_RATE_LIMIT)  # as TokenAuth does
    if not limit.allowed:
        error = {
            "code": "rate_limited",
            "message": "Too many requests for this token.",
            "fields": {},
        }
        retry = [(b"retry-after", str(limit.reset_in).encode())]
        await _respond(send, 429, {"error": error}, retry)
        return
    await _touch(access)
    batch = parse_batch(access.workspace.pk, events, source="api")
    try:
        result: IngestResult = await asyncio.wrap_future(committer.submit(batch))
    except Exception:  # logged by the committer; nothing was stored for this batch
        error = {"code": "server_error", "message": "Something went wrong on our side."}
        await _respond(send, 500, {"error": {**error, "fields": {}}}, [])
        return
    payload = {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "bots": result.bots,
        "rejected": [  # asdict() deep-copies: 3 µs a rejection
            {"index": r.index, "reason": r.reason, "detail": r.detail} for r in result.rejected
        ],
    }
    await _respond(send, 200, payload, [])


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The body, and whether it is complete (False: over MAX_BODY_BYTES, left for Django)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), size <= MAX_BODY_BYTES
        if size > MAX_BODY_BYTES:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive: Receive) -> Receive:
    """A ``receive`` that gives Django the body already read, then the rest of the stream."""
    pending = [{"type": "http.request", "body": body, "more_body": not complete}]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed


async def _access(scope: Scope) -> WorkspaceAccess | None:
    """The token's access when it may write events, else None (Django then answers)."""
    secret = _bearer(scope)
    if not secret:
        return None
    digest = token_digest(secret)
    cached = _tokens.get(digest)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        access = cached[1]
    else:
        found = await sync_to_async(account_queries.access_for_token)(secret)
        if found is None or found.actor.token is None:
            return None
        if len(_tokens) >= TOKEN_CACHE_SIZE:
            _tokens.clear()
        _tokens[digest] = (now + TOKEN_TTL, found)
        access = found
    return access if access.can(Perm.EVENTS_WRITE) else None


def _bearer(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, secret = value.decode("latin-1").partition(" ")
            return secret.strip() if scheme.lower() == "bearer" else ""
    return ""


async def _touch(access: WorkspaceAccess) -> None:
    token = access.actor.token
    if token is None:
        return
    if touch_due(token, timezone.now()):  # checked here to skip the thread hop when not due
        await sync_to_async(touch_api_token)(token)


def _events_of(body: bytes) -> list[Any] | None:
    """The events of a well-formed batch, else None (Django explains what is wrong)."""
    try:
        return batch_events(body)
    except BadBatch:
        return None


async def _respond(
    send: Send, status: int, payload: dict[str, Any], extra: list[tuple[bytes, bytes]]
) -> None:
    body = json.dumps(payload).encode()
    headers = [*HEADERS, (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
