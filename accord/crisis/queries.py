"""Reads of the crisis room: alerts and their filters, planned activities, delivery settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accord.accounts.models import Workspace
from accord.crisis.models import (
    Alert,
    Delivery,
    DeliverySettings,
    Granularity,
    PlannedActivity,
    VolumePoint,
)
from accord.listening.models import ListeningQuery, Sentiment
from accord.listening.queries import counted_mentions

ACTIVITY_LEAD = timedelta(hours=2)  # people start talking a little before an announced launch
ACTIVITY_ECHO = timedelta(hours=48)  # and keep talking for a while after it


@dataclass(frozen=True)
class AlertFilter:
    """What the alerts page and the API filter on; empty strings and None mean "any"."""

    severity: str = ""
    status: str = ""  # "open" (not acknowledged) or "acknowledged"
    kind: str = ""
    query: ListeningQuery | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class SentimentCounts:
    """Counted mentions of a period and how many were negative or positive."""

    mentions: int
    negative: int
    positive: int

    @property
    def negative_share(self) -> float:
        return self.negative / self.mentions if self.mentions else 0.0

    @property
    def net_sentiment(self) -> float:
        return (self.positive - self.negative) / self.mentions if self.mentions else 0.0


def alerts(workspace: Workspace, filters: AlertFilter | None = None) -> QuerySet[Alert]:
    """The workspace's alerts, newest first, narrowed by ``filters``.

    ``filters.query`` keeps the alerts with at least one point of that query; the period keeps
    alerts whose episode overlaps ``[since, until)``.
    """
    found = Alert.objects.filter(workspace=workspace).select_related(
        "query", "activity", "acknowledged_by"
    )
    f = filters or AlertFilter()
    if f.severity:
        found = found.filter(severity=f.severity)
    if f.kind:
        found = found.filter(kind=f.kind)
    if f.status == "open":
        found = found.filter(acknowledged_at__isnull=True)
    elif f.status == "acknowledged":
        found = found.filter(acknowledged_at__isnull=False)
    if f.query is not None:
        found = found.filter(pk__in=_alert_ids_of_query(f.query))
    if f.since is not None:
        found = found.filter(window_end__gt=f.since)
    if f.until is not None:
        found = found.filter(started_at__lt=f.until)
    return found.order_by("-started_at", "-pk")


def _alert_ids_of_query(query: ListeningQuery) -> QuerySet[Alert, int]:
    return Alert.objects.filter(Q(query=query) | Q(points__query=query)).values_list(
        "pk", flat=True
    )


def get_alert(workspace: Workspace, alert_id: int) -> Alert:
    """Return one alert of the workspace; another workspace's alert is a 404 like a missing one."""
    try:
        return alerts(workspace).get(pk=alert_id)
    except Alert.DoesNotExist:
        raise Http404("No such alert.") from None


def open_alert_count(workspace: Workspace) -> int:
    """How many crisis alerts (not launches) nobody acknowledged yet."""
    return Alert.objects.filter(
        workspace=workspace, kind="crisis", acknowledged_at__isnull=True
    ).count()


def first_mention_at(workspace: Workspace, query: ListeningQuery | None) -> datetime | None:
    """When the earliest counted mention of the scope was published, None without any."""
    first = counted_mentions(workspace, query=query).order_by("published_at").first()
    return None if first is None else first.published_at


def sentiment_counts(
    workspace: Workspace, start: datetime, end: datetime, query: ListeningQuery | None
) -> SentimentCounts:
    """Count the scope's counted mentions published in ``[start, end)`` by sentiment (1 query)."""
    row = (
        counted_mentions(workspace, query=query)
        .filter(published_at__gte=start, published_at__lt=end)
        .aggregate(
            mentions=Count("pk"),
            negative=Count("pk", filter=Q(sentiment=Sentiment.NEGATIVE)),
            positive=Count("pk", filter=Q(sentiment=Sentiment.POSITIVE)),
        )
    )
    return SentimentCounts(row["mentions"], row["negative"], row["positive"])


def activity_window(activity: PlannedActivity) -> tuple[datetime, datetime]:
    """Return when a planned activity may cause mentions: a lead before it, an echo after it."""
    end = activity.ends_at or activity.starts_at
    return activity.starts_at - ACTIVITY_LEAD, end + ACTIVITY_ECHO


def overlapping_activity(
    workspace: Workspace, start: datetime, end: datetime
) -> PlannedActivity | None:
    """Return the planned activity whose window overlaps ``[start, end)``, the latest started."""
    reach = start - ACTIVITY_ECHO
    return (
        PlannedActivity.objects.filter(workspace=workspace, starts_at__lt=end + ACTIVITY_LEAD)
        .filter(Q(ends_at__isnull=True, starts_at__gt=reach) | Q(ends_at__gt=reach))
        .order_by("-starts_at")
        .first()
    )


def planned_activities(workspace: Workspace) -> QuerySet[PlannedActivity]:
    """The workspace's planned activities, latest start first."""
    return PlannedActivity.objects.filter(workspace=workspace).select_related("created_by")


def delivery_settings(workspace: Workspace) -> DeliverySettings:
    """Return the workspace's delivery settings (unsaved defaults when never set)."""
    found = DeliverySettings.objects.filter(workspace=workspace).first()
    return found or DeliverySettings(workspace=workspace)


def deliveries(workspace: Workspace) -> QuerySet[Delivery]:
    """The delivery log, newest first."""
    return Delivery.objects.filter(workspace=workspace).select_related("alert")


def volume_points(
    workspace: Workspace, scope: str, granularity: Granularity, start: datetime, end: datetime
) -> QuerySet[VolumePoint]:
    """Observed and expected volume of one scope in ``[start, end)``, oldest first."""
    return VolumePoint.objects.filter(
        workspace=workspace, scope=scope, granularity=granularity, at__gte=start, at__lt=end
    ).order_by("at")


def scope_key(query: ListeningQuery | None) -> str:
    """Return the series scope of a listening query: "all" for the whole workspace."""
    return "all" if query is None else f"q{query.pk}"


def active_query_list(workspace: Workspace) -> list[ListeningQuery]:
    """The workspace's active listening queries, by name."""
    return list(ListeningQuery.objects.filter(workspace=workspace, is_active=True).order_by("name"))
