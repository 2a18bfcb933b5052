"""Crisis: what the monitor remembers between runs, the alerts it raises and where they go.

An ``Alert`` is one incident: every anomalous point (``AlertPoint``) of any watched series that
falls within the cool-down of the incident joins it, so an episode grows one alert (occurrences,
peak, last seen) instead of raising dozens. ``SeriesState`` holds the learnt detectors of one
scope (the whole workspace or one listening query) and bucket width, and the next bucket to read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import Workspace
from accord.listening.models import ListeningQuery


class ActivityKind(models.TextChoices):
    CAMPAIGN_LAUNCH = "campaign_launch", _("Campaign launch")
    POST = "post", _("Post")
    EVENT = "event", _("Event")
    PRESS_RELEASE = "press_release", _("Press release")


class PlannedActivity(models.Model):
    """Something the workspace itself does that may make people talk: a spike then is expected.

    ``ends_at`` is None for a one-off (a post): it then counts as lasting ``ACTIVITY_ECHO`` (see
    ``queries.activity_window``). ``campaign`` names the campaign it belongs to, if any.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    campaign = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "starts_at"], name="crisis_activity_time")]
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class Granularity(models.TextChoices):
    FIVE_MINUTES = "5m", _("5 minutes")
    HOUR = "hour", _("Hourly")
    DAY = "day", _("Daily")


class Metric(models.TextChoices):
    MENTIONS = "mentions", _("Mention volume")
    NEGATIVE = "negative", _("Negative mentions")
    NET_SENTIMENT = "net_sentiment", _("Net sentiment")


class SeriesState(models.Model):
    """The detectors of one scope and bucket width, saved between monitor runs.

    ``scope`` is "all" for the whole workspace or "q<id>" for one listening query (a string, so
    the unique constraint also holds for the workspace scope). ``state`` is zlib-compressed JSON:
    ``{metric: SpikeDetector.to_dict()}``. ``next_start`` is the first bucket not read yet.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=24)
    query = models.ForeignKey(
        ListeningQuery, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granularity = models.CharField(max_length=8, choices=Granularity.choices)
    next_start = models.DateTimeField()
    state = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "scope", "granularity"], name="crisis_series_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.granularity}"


class VolumePoint(models.Model):
    """Observed and expected mention volume of one bucket, kept for the alerts page chart."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=24)
    granularity = models.CharField(max_length=8, choices=Granularity.choices)
    at = models.DateTimeField()
    observed = models.FloatField()
    expected = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "scope", "granularity", "at"], name="crisis_volume_point"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.granularity} {self.at:%Y-%m-%d %H:%M}"


class Severity(models.TextChoices):
    WATCH = "watch", _("Watch")
    WARNING = "warning", _("Warning")
    CRISIS = "crisis", _("Crisis")


SEVERITY_RANK = {Severity.WATCH: 0, Severity.WARNING: 1, Severity.CRISIS: 2}


class AlertKind(models.TextChoices):
    CRISIS = "crisis", _("Crisis")
    LAUNCH = "launch", _("Launch")


class Alert(models.Model):
    """One incident: the anomalous points of one episode, grouped, with their explanation.

    ``query`` is the single listening query involved, None when several (or only the
    workspace-wide series) are. ``kind`` is "launch" while the episode coincides with a planned
    activity and sentiment has not turned negative; it never goes back from "crisis".
    ``explanation`` is JSON written by ``explanations.explain`` (see that module).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey(
        ListeningQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    activity = models.ForeignKey(
        PlannedActivity, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    window_end = models.DateTimeField()
    occurrences = models.PositiveIntegerField(default=0)
    peak_at = models.DateTimeField()
    peak_metric = models.CharField(max_length=16, choices=Metric.choices)
    peak_granularity = models.CharField(max_length=8, choices=Granularity.choices)
    peak_observed = models.FloatField()
    peak_expected = models.FloatField()
    peak_score = models.FloatField()
    explanation: models.JSONField[Any] = models.JSONField(default=dict)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "started_at"], name="crisis_alert_time"),
            models.Index(fields=["workspace", "last_seen_at"], name="crisis_alert_seen"),
        ]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.severity} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class AlertPoint(models.Model):
    """One anomalous bucket of one series; unique, so a point never alerts twice."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="points")
    scope = models.CharField(max_length=24)
    query = models.ForeignKey(
        ListeningQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    metric = models.CharField(max_length=16, choices=Metric.choices)
    granularity = models.CharField(max_length=8, choices=Granularity.choices)
    at = models.DateTimeField()
    observed = models.FloatField()
    expected = models.FloatField()
    anomaly_score = models.FloatField()
    z_score = models.FloatField()
    mentions = models.PositiveIntegerField()
    negative = models.PositiveIntegerField()
    severity = models.CharField(max_length=10, choices=Severity.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "scope", "metric", "granularity", "at"],
                name="crisis_alert_point",
            )
        ]
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.metric} {self.granularity} {self.at:%Y-%m-%d %H:%M}"


class DeliverySettings(models.Model):
    """Where a workspace's alerts go besides the alerts page; edited with CRISIS_MANAGE.

    ``emails`` is a list of addresses; ``webhook_url`` a Slack or Mattermost incoming webhook.
    Alerts below ``min_severity`` and launch alerts stay in the app.
    """

    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="+")
    emails: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    webhook_url = models.URLField(max_length=500, blank=True)
    min_severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.WARNING
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"delivery settings of {self.workspace_id}"


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One notification of one alert on one channel, with its attempts: the delivery log."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    target = models.CharField(max_length=500)
    reason = models.CharField(max_length=20)  # "opened" or "escalated"
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="crisis_delivery_due")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"
