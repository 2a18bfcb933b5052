"""The operational side of the warehouse: the durable inbox, ingestion counters, identity links.

Events themselves live in Parquet files (see ``store.py``); these tables hold what must be
transactional: an accepted event until it is flushed, and who an anonymous visitor turned out to be.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from accord.accounts.models import Workspace


class InboxEvent(models.Model):
    """An accepted event, durable from the moment the ingestion transaction commits.

    ``flushed_at`` is set once the event is in the warehouse; flushed rows stay for the
    deduplication window so that a client retrying a batch hears "duplicate", then are purged.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    event_id = models.UUIDField()
    ts = models.DateTimeField()
    kind = models.CharField(max_length=32)
    contact_id = models.BigIntegerField(null=True, blank=True)
    anonymous_id = models.CharField(max_length=200, blank=True)
    session_id = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=200, blank=True)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    url = models.TextField(blank=True)
    referrer = models.TextField(blank=True)
    value = models.FloatField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    properties: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    bot = models.BooleanField(default=False)
    source = models.CharField(max_length=32)
    received_at = models.DateTimeField()
    flushed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "event_id"], name="inbox_event_once")
        ]
        indexes = [
            models.Index(
                fields=["workspace", "id"],
                condition=Q(flushed_at__isnull=True),
                name="inbox_pending",
            ),
            models.Index(fields=["flushed_at"], name="inbox_flushed"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"


class Outcome(models.TextChoices):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    BOT = "bot"


class IngestionCounter(models.Model):
    """How many events of a workspace met one outcome (and reason) on one UTC day."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.CharField(max_length=40, blank=True)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "day", "outcome", "reason"], name="ingestion_counter_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.outcome} {self.reason}: {self.count}"


class IdentityLink(models.Model):
    """An anonymous visitor known to be a contact; reads attribute its events to the contact.

    One anonymous id points at one contact; stitching it again moves it (the latest sign-in wins).
    ``contact_id`` is a plain id, not a foreign key: the warehouse outlives contact rows.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    anonymous_id = models.CharField(max_length=200)
    contact_id = models.BigIntegerField()
    linked_at = models.DateTimeField()
    source = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "anonymous_id"], name="identity_link_once")
        ]
        indexes = [models.Index(fields=["workspace", "contact_id"], name="identity_by_contact")]

    def __str__(self) -> str:
        return f"{self.anonymous_id} → {self.contact_id}"


class WarehouseSettings(models.Model):
    """A workspace's warehouse policy: how many days of events to keep."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="warehouse_settings"
    )
    retention_days = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.workspace_id}: {self.retention_days} days"


class LinkStamp(models.Model):
    """A new random ``stamp`` each time a workspace's identity links change (in the same
    transaction): a reader may reuse the links it loaded under the stamp it reads now."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    stamp = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"links of workspace {self.workspace_id}: {self.stamp}"
