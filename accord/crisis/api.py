"""Crisis API: the alert history with filters, and acknowledging an alert.

Reads need ``crisis.view``; acknowledging needs ``crisis.ack``. Another workspace's alert is a
404, like a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.api import Page, access_of, paginate
from accord.contacts.schemas import ErrorOut
from accord.crisis import actions, queries
from accord.crisis.models import Alert
from accord.listening.models import ListeningQuery

router: Router = Router(tags=["crisis"])


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_in_utc)]


class AckIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=500, description="Optional: what the team is doing.")


class AlertOut(Schema):
    id: int
    kind: str = Field(description="crisis or launch (a spike during a planned activity).")
    severity: str = Field(description="watch, warning or crisis.")
    query: str | None = Field(description="Slug of the one listening query involved, if one.")
    started_at: Timestamp
    last_seen_at: Timestamp
    window_end: Timestamp
    occurrences: int = Field(description="Anomalous points grouped into this alert.")
    peak_at: Timestamp
    peak_metric: str
    peak_granularity: str
    peak_observed: float
    peak_expected: float
    peak_score: float
    activity: str | None = Field(description="Title of the planned activity it coincided with.")
    explanation: dict[str, Any]
    acknowledged_by: str | None
    acknowledged_at: Timestamp | None
    ack_note: str

    @staticmethod
    def resolve_query(obj: Alert) -> str | None:
        return obj.query.slug if obj.query else None

    @staticmethod
    def resolve_activity(obj: Alert) -> str | None:
        return obj.activity.title if obj.activity else None

    @staticmethod
    def resolve_acknowledged_by(obj: Alert) -> str | None:
        return obj.acknowledged_by.get_username() if obj.acknowledged_by else None


class AlertPage(Schema):
    items: list[AlertOut]
    next_cursor: str | None


class AlertQuery(Schema):
    cursor: str | None = Field(None, description="The next_cursor of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Items per page, 1 to 200.")
    severity: Literal["", "watch", "warning", "crisis"] = ""
    status: Literal["", "open", "acknowledged"] = Field("", description="open: not acknowledged.")
    kind: Literal["", "crisis", "launch"] = ""
    query: str = Field("", description="Slug of a listening query.")
    since: AwareDatetime | None = Field(None, description="Episodes ending after this moment.")
    until: AwareDatetime | None = Field(None, description="Episodes starting before it.")


def answers(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    return {**ok, **dict.fromkeys(sorted({401, 429, *errors}), ErrorOut)}


def _access(request: HttpRequest, perm: Perm = Perm.CRISIS_VIEW) -> WorkspaceAccess:
    access = access_of(request)
    access.require(perm)
    return access


def _query(access: WorkspaceAccess, slug: str) -> ListeningQuery | None:
    if not slug:
        return None
    found = ListeningQuery.objects.filter(workspace=access.workspace, slug=slug).first()
    if found is None:
        raise ValidationError({"query": [f"No listening query {slug!r} in this workspace."]})
    return found


@router.get("/crisis/alerts", response=answers({200: AlertPage}, 403, 422), summary="List alerts")
def list_alerts(request: HttpRequest, filters: Query[AlertQuery]) -> Page[Alert]:
    """List alerts, the latest episode first; filters combine."""
    access = _access(request)
    chosen = queries.AlertFilter(
        severity=filters.severity,
        status=filters.status,
        kind=filters.kind,
        query=_query(access, filters.query),
        since=filters.since,
        until=filters.until,
    )
    found = queries.alerts(access.workspace, chosen)
    return paginate(found, filters.cursor, filters.limit, key="-started_at")


@router.post(
    "/crisis/alerts/{int:alert_id}/ack",
    response=answers({200: AlertOut}, 403, 404, 422),
    summary="Acknowledge an alert",
)
def ack_alert(request: HttpRequest, alert_id: int, payload: AckIn | None = None) -> Alert:
    """Record that the caller took the alert in hand; acknowledging twice keeps the first."""
    access = _access(request, Perm.CRISIS_ACK)
    alert = queries.get_alert(access.workspace, alert_id)
    acknowledged = actions.acknowledge_alert(access, alert, payload.note if payload else "")
    return queries.get_alert(access.workspace, acknowledged.pk)
