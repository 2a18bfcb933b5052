"""Events API: ``POST /events`` answers 200 only once the batch is durable; stats and health.

The body is read here rather than by a ninja schema so that each way a batch can be unusable
(too large, not JSON, not ``{"events": [...]}``, too many events) gets its own answer, while a
bad event inside a good batch is only listed in ``rejected``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from accord.accounts.roles import Perm
from accord.api import access_of, error_response
from accord.warehouse import actions, queries
from accord.warehouse.events import KINDS, MAX_BATCH, MAX_BODY_BYTES, BadBatch, batch_events

router: Router = Router(tags=["events"])

BATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["events"],
    "properties": {
        "events": {
            "type": "array",
            "maxItems": MAX_BATCH,
            "items": {
                "type": "object",
                "required": ["event_id", "ts", "kind"],
                "properties": {
                    "event_id": {"type": "string", "format": "uuid"},
                    "ts": {"type": "string", "format": "date-time"},
                    "kind": {"type": "string", "enum": sorted(KINDS)},
                    "contact_id": {"type": "integer", "minimum": 1},
                    "value": {"type": "number"},
                    "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
                    "properties": {"type": "object"},
                    **{
                        name: {"type": "string"}
                        for name in (
                            "anonymous_id session_id channel utm_source utm_medium utm_campaign "
                            "utm_content utm_term url referrer user_agent"
                        ).split()
                    },
                },
            },
        }
    },
}


class RejectionOut(Schema):
    index: int
    reason: str
    detail: str


class IngestOut(Schema):
    accepted: int
    duplicates: int
    bots: int
    rejected: list[RejectionOut]


class StatsOut(Schema):
    events: int
    by_kind: dict[str, int]
    bot_events: int
    first_ts: datetime | None
    last_ts: datetime | None
    days: int
    files: int
    pending: int


class HealthOut(Schema):
    window_days: int
    accepted: int
    duplicates: int
    bot_filtered: int
    rejected: int
    rejected_by_reason: dict[str, int]
    pending: int
    oldest_pending_at: datetime | None
    lag_seconds: float


def _read_batch(request: HttpRequest) -> list[Any]:
    """Read ``{"events": [...]}`` from the body (at most MAX_BODY_BYTES) or raise BadBatch."""
    too_large = BadBatch(
        413,
        "too_large",
        f"The body is larger than {MAX_BODY_BYTES} bytes; send smaller batches.",
        {},
    )
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise too_large
    return batch_events(body)


@router.post(
    "/events",
    response=IngestOut,
    summary="Send a batch of events",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": BATCH_SCHEMA}}}
    },
)
def post_events(request: HttpRequest) -> IngestOut | HttpResponse:
    """Store up to 1,000 events; 200 means every accepted event survives a crash.

    Events are idempotent by ``event_id``. Needs a token whose role grants events.write.
    """
    access = access_of(request)
    access.require(Perm.EVENTS_WRITE)
    try:
        events = _read_batch(request)
    except BadBatch as exc:
        return error_response(request, exc.status, exc.code, exc.message, exc.fields)
    result = actions.ingest_events(access.workspace, events, source="api")
    return IngestOut(
        accepted=result.accepted,
        duplicates=result.duplicates,
        bots=result.bots,
        rejected=[
            RejectionOut(index=r.index, reason=r.reason, detail=r.detail) for r in result.rejected
        ],
    )


@router.get("/events/stats", response=StatsOut, summary="Events stored in the warehouse")
def get_stats(request: HttpRequest) -> dict[str, Any]:
    """Distinct events flushed to the warehouse, by kind; ``pending`` are still in the inbox."""
    access = access_of(request)
    access.require(Perm.ANALYTICS_VIEW)
    return queries.warehouse_stats(access.workspace).as_json()


@router.get("/events/health", response=HealthOut, summary="Ingestion health (last 7 days)")
def get_health(request: HttpRequest) -> queries.IngestionHealth:
    """Accepted, duplicate, bot and rejected counts (by reason) and the flush lag."""
    access = access_of(request)
    access.require(Perm.ANALYTICS_VIEW)
    return queries.ingestion_health(access.workspace)
