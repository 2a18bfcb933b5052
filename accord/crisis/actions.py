"""Every write of the crisis room: planned activities, incidents, acknowledgements, settings.

Grouping (``record_findings``): an anomalous point joins the alert one of whose points lies
within ``COOL_DOWN`` of it (in time, whatever the series), else it opens a new alert. So an
episode seen by several series and bucket widths, or re-alerting after the detectors' own
cool-down, grows one alert: occurrences, peak, last seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.models import Workspace
from accord.accounts.roles import Perm
from accord.crisis import delivery, explanations, queries, severity
from accord.crisis.models import (
    SEVERITY_RANK,
    ActivityKind,
    Alert,
    AlertKind,
    AlertPoint,
    DeliverySettings,
    Granularity,
    PlannedActivity,
    Severity,
)

if TYPE_CHECKING:
    from accord.crisis.monitor import Finding

COOL_DOWN = timedelta(hours=6)
BASELINE = timedelta(days=7)
WIDTHS = {
    Granularity.FIVE_MINUTES: timedelta(minutes=5),
    Granularity.HOUR: timedelta(hours=1),
    Granularity.DAY: timedelta(days=1),
}
FINEST_FIRST = (Granularity.FIVE_MINUTES, Granularity.HOUR, Granularity.DAY)


class CrisisError(ValidationError):
    """A crisis write refused, with the field at fault."""


# Planned activities ---------------------------------------------------------------------------


def plan_activity(
    access: WorkspaceAccess,
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    campaign: str = "",
) -> PlannedActivity:
    """Register something the workspace does (launch, post, event, press release).

    A spike during it (see ``queries.activity_window``) is labelled a launch, not a crisis,
    unless sentiment turns negative. Raises ``CrisisError`` on an empty title, an unknown kind,
    a naive datetime or an end before the start. Future campaign and social apps call this.
    """
    access.require(Perm.CRISIS_MANAGE)
    _check_activity(title, kind, starts_at, ends_at)
    with transaction.atomic():
        activity = PlannedActivity.objects.create(
            workspace=access.workspace,
            title=title.strip(),
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            campaign=campaign.strip(),
            created_by=access.actor.user,
        )
        record_audit(
            access.actor,
            access.workspace,
            "crisis.plan_activity",
            activity,
            after={"title": activity.title, "kind": kind, "starts_at": starts_at.isoformat()},
        )
    return activity


def _check_activity(title: str, kind: str, starts_at: datetime, ends_at: datetime | None) -> None:
    if not title.strip():
        raise CrisisError({"title": [_("Give the activity a title.")]})
    if kind not in ActivityKind.values:
        choices = ", ".join(ActivityKind.values)
        raise CrisisError(
            {
                "kind": [
                    _("Unknown kind %(kind)s: use one of %(choices)s.")
                    % {"kind": kind, "choices": choices}
                ]
            }
        )
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if value is not None and timezone.is_naive(value):
            raise CrisisError({name: [_("Give a time zone with the date and time.")]})
    if ends_at is not None and ends_at < starts_at:
        raise CrisisError({"ends_at": [_("The end comes before the start.")]})


def delete_activity(access: WorkspaceAccess, activity: PlannedActivity) -> None:
    """Delete a planned activity; alerts it labelled keep their label."""
    access.require(Perm.CRISIS_MANAGE)
    with transaction.atomic():
        record_audit(
            access.actor,
            access.workspace,
            "crisis.delete_activity",
            activity,
            before={"title": activity.title, "kind": activity.kind},
        )
        activity.delete()


# Acknowledgement ------------------------------------------------------------------------------


def acknowledge_alert(access: WorkspaceAccess, alert: Alert, note: str = "") -> Alert:
    """Record that a teammate took the alert in hand (who, when, an optional note).

    Acknowledging an acknowledged alert changes nothing: the first acknowledgement stands.
    """
    access.require(Perm.CRISIS_ACK)
    if alert.workspace_id != access.workspace.pk:
        raise CrisisError({"alert": [_("This alert belongs to another workspace.")]})
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.acknowledged_at is not None:
            return locked
        locked.acknowledged_by = access.actor.user
        locked.acknowledged_at = timezone.now()
        locked.ack_note = note.strip()[:500]
        locked.save(update_fields=["acknowledged_by", "acknowledged_at", "ack_note", "updated_at"])
        record_audit(
            access.actor,
            access.workspace,
            "crisis.acknowledge",
            locked,
            after={"acknowledged_by": access.actor.label, "note": locked.ack_note},
        )
    return locked


# Delivery settings ----------------------------------------------------------------------------


def save_delivery_settings(
    access: WorkspaceAccess, *, emails: Sequence[str], webhook_url: str, min_severity: str
) -> DeliverySettings:
    """Set who gets alerts by email and which webhook receives them, from which severity.

    Raises ``CrisisError`` naming the bad address (by position), a webhook URL that is not
    http(s), or an unknown severity.
    """
    access.require(Perm.CRISIS_MANAGE)
    cleaned = _clean_emails(emails)
    webhook_url = webhook_url.strip()
    if webhook_url:
        try:
            URLValidator(schemes=["http", "https"])(webhook_url)
        except ValidationError:
            raise CrisisError({"webhook_url": [_("Enter an http:// or https:// URL.")]}) from None
    if min_severity not in Severity.values:
        raise CrisisError({"min_severity": [_("Unknown severity.")]})
    with transaction.atomic():
        found, _created = DeliverySettings.objects.select_for_update().get_or_create(
            workspace=access.workspace
        )
        before = {"emails": found.emails, "webhook_url": bool(found.webhook_url)}
        found.emails, found.webhook_url, found.min_severity = cleaned, webhook_url, min_severity
        found.save()
        after = {"emails": cleaned, "webhook_url": bool(webhook_url), "min_severity": min_severity}
        record_audit(
            access.actor, access.workspace, "crisis.delivery_settings", found, before, after
        )
    return found


def _clean_emails(emails: Sequence[str]) -> list[str]:
    check = EmailValidator()
    cleaned: list[str] = []
    for position, raw in enumerate(emails, start=1):
        address = raw.strip()
        if not address:
            continue
        try:
            check(address)
        except ValidationError:
            message = _("Address %(position)d (%(address)s) is not an email address.")
            raise CrisisError(
                {"emails": [message % {"position": position, "address": address}]}
            ) from None
        if address.lower() not in {known.lower() for known in cleaned}:
            cleaned.append(address)
    return cleaned


# Incidents ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How many alerts a batch of findings opened and grew."""

    opened: int
    grown: int


@dataclass
class _Touched:
    alert: Alert
    opened: bool
    rank_before: int
    kind_before: str


def record_findings(workspace: Workspace, findings: Sequence[Finding], *, now: datetime) -> Outcome:
    """Group anomalous points into alerts, explain them and queue their notifications.

    ``findings`` must be in time order. A point already recorded is skipped, so replaying a
    run never duplicates anything. Runs inside the caller's transaction (the monitor's).
    """
    touched: dict[int, _Touched] = {}
    for finding in findings:
        if _known(workspace, finding):
            continue
        alert = _alert_near(workspace, finding)
        if alert is not None and alert.pk in touched:
            alert = touched[alert.pk].alert
        _record_point(workspace, finding, alert, touched)
    for entry in touched.values():
        _finish(entry, now)
    opened = sum(entry.opened for entry in touched.values())
    return Outcome(opened=opened, grown=len(touched) - opened)


def _known(workspace: Workspace, finding: Finding) -> bool:
    return AlertPoint.objects.filter(
        workspace=workspace,
        scope=finding.scope.key,
        metric=finding.metric,
        granularity=finding.granularity,
        at=finding.start,
    ).exists()


def _alert_near(workspace: Workspace, finding: Finding) -> Alert | None:
    """Return the alert with a point within the cool-down of ``finding``, the earliest."""
    near = Q()
    for granularity, width in WIDTHS.items():
        near |= Q(
            granularity=granularity,
            at__lt=finding.end + COOL_DOWN,
            at__gt=finding.start - COOL_DOWN - width,
        )
    point = (
        AlertPoint.objects.filter(near, workspace=workspace)
        .select_related("alert")
        .order_by("alert__started_at", "alert_id")
        .first()
    )
    return None if point is None else point.alert


def _record_point(
    workspace: Workspace, finding: Finding, alert: Alert | None, touched: dict[int, _Touched]
) -> None:
    """Score one finding, then open an alert with it or grow ``alert``."""
    detection = finding.detection
    query = finding.scope.query
    share = severity.negative_share(finding.mentions, finding.negative)
    ratio = severity.excess_ratio(finding.metric, detection.observed, detection.expected)
    level = severity.severity_of(detection.anomaly_score, ratio, share)
    baseline = queries.sentiment_counts(workspace, finding.start - BASELINE, finding.start, query)
    negative = severity.turned_negative(finding.metric, share, baseline.negative_share)
    activity = queries.overlapping_activity(workspace, finding.start, finding.end)
    if alert is None:
        alert = _open_alert(workspace, finding, level, activity is not None and not negative)
        alert.activity = activity
        touched[alert.pk] = _Touched(alert, True, SEVERITY_RANK[Severity(level)], alert.kind)
    else:
        if alert.pk not in touched:
            rank = SEVERITY_RANK[Severity(alert.severity)]
            touched[alert.pk] = _Touched(alert, False, rank, alert.kind)
        _grow(alert, finding, level, ratio, negative, activity)
    AlertPoint.objects.create(
        workspace=workspace, alert=alert, scope=finding.scope.key, query=query,
        metric=finding.metric, granularity=finding.granularity, at=finding.start,
        observed=detection.observed, expected=detection.expected,
        anomaly_score=detection.anomaly_score, z_score=detection.z_score,
        mentions=finding.mentions, negative=finding.negative, severity=level,
    )  # fmt: skip


def _open_alert(workspace: Workspace, finding: Finding, level: Severity, launch: bool) -> Alert:
    detection = finding.detection
    return Alert.objects.create(
        workspace=workspace, query=finding.scope.query,
        kind=AlertKind.LAUNCH if launch else AlertKind.CRISIS, severity=level,
        started_at=finding.start, last_seen_at=finding.start, window_end=finding.end,
        occurrences=1, peak_at=finding.start, peak_metric=finding.metric,
        peak_granularity=finding.granularity, peak_observed=detection.observed,
        peak_expected=detection.expected, peak_score=detection.anomaly_score,
    )  # fmt: skip


def _grow(
    alert: Alert,
    finding: Finding,
    level: Severity,
    ratio: float,
    negative: bool,
    activity: PlannedActivity | None,
) -> None:
    """Add one finding to an alert in memory: occurrences, severity, kind, peak, last seen."""
    detection = finding.detection
    alert.occurrences += 1
    alert.last_seen_at = max(alert.last_seen_at, finding.start)
    if SEVERITY_RANK[level] > SEVERITY_RANK[Severity(alert.severity)]:
        alert.severity = level
    if negative:
        alert.kind = AlertKind.CRISIS
    if alert.activity_id is None and activity is not None:
        alert.activity = activity
    peak_ratio = severity.excess_ratio(alert.peak_metric, alert.peak_observed, alert.peak_expected)
    if (detection.anomaly_score, ratio) > (alert.peak_score, peak_ratio):
        alert.peak_at, alert.peak_metric = finding.start, finding.metric
        alert.peak_granularity = finding.granularity
        alert.peak_observed, alert.peak_expected = detection.observed, detection.expected
        alert.peak_score = detection.anomaly_score


def _finish(entry: _Touched, now: datetime) -> None:
    """Recompute an alert's window and explanation, save it, queue its notifications."""
    alert = entry.alert
    _set_window(alert)
    alert.explanation = explanations.explain(alert)
    alert.save()
    if entry.opened:
        delivery.queue_deliveries(alert, "opened", now=now)
    elif (
        SEVERITY_RANK[Severity(alert.severity)] > entry.rank_before
        or alert.kind != entry.kind_before
    ):
        delivery.queue_deliveries(alert, "escalated", now=now)


def _set_window(alert: Alert) -> None:
    """Set started_at and window_end from the points of the finest bucket width it has.

    Also sets ``query``: the one listening query among the points, None when several.
    """
    rows = AlertPoint.objects.filter(alert=alert).values_list("granularity", "at", "query_id")
    points = [(g, at) for g, at, _query in rows]
    query_ids = {query_id for _g, _at, query_id in rows if query_id is not None}
    alert.query_id = query_ids.pop() if len(query_ids) == 1 else None
    for granularity in FINEST_FIRST:
        starts = [at for g, at in points if g == granularity]
        if starts:
            alert.started_at = min(starts)
            alert.window_end = max(starts) + WIDTHS[granularity]
            return
