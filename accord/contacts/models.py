"""The CRM: contacts, companies, tags, declared custom properties, consent and the timeline."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import LANGUAGE_CHOICES, Workspace


class Company(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="companies")
    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=200, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace", Lower("name"), name="company_name_unique_per_workspace"
            )
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="tag_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PropertyType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    BOOLEAN = "boolean", _("Yes/no")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")


class PropertyDefinition(models.Model):
    """A declared custom contact property; values live in ``Contact.properties[key]``."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="property_definitions"
    )
    key = models.SlugField(max_length=64)
    label = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=PropertyType.choices, default=PropertyType.TEXT)
    choices: models.JSONField[Any] = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="property_key_unique")
        ]
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Contact(models.Model):
    """A person; ``email`` is stored lower-cased, so uniqueness is case-insensitive."""

    # Indexed by the (workspace, email) unique constraint; a lone FK index would only slow writes.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.CharField(max_length=254)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    source = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    properties: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    tags = models.ManyToManyField(Tag, through="ContactTag", related_name="contacts", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"], name="contact_email_unique_per_workspace"
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "last_name", "first_name"]),
            models.Index(fields=["workspace", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ContactTag(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "tag"], name="contact_tag_unique")
        ]
        indexes = [models.Index(fields=["tag", "contact"])]

    def __str__(self) -> str:
        return f"{self.contact_id}:{self.tag_id}"


class ConsentPurpose(models.TextChoices):
    EMAIL_MARKETING = "email_marketing", _("Email marketing")
    SMS = "sms", _("SMS")
    TRACKING = "tracking", _("Tracking")


class Consent(models.Model):
    """The current consent of a contact for one purpose; each change is also on the timeline."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="consents", db_index=False
    )
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField()
    at = models.DateTimeField()
    source = models.CharField(max_length=100)
    proof = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "purpose"], name="consent_unique")
        ]
        indexes = [models.Index(fields=["purpose", "granted", "contact"])]

    def __str__(self) -> str:
        return f"{self.purpose}={self.granted}"


class TimelineEntry(models.Model):
    """Something that happened to a contact; every app appends here through contacts.actions."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="timeline", db_index=False
    )
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=50)
    app = models.CharField(max_length=30, default="contacts")
    title = models.CharField(max_length=300)
    data: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["contact", "-at"])]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """A CSV import run in the worker; counters are updated as it goes for the progress bar."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    file_name = models.CharField(max_length=255)
    path = models.CharField(max_length=500)
    mapping: models.JSONField[Any] = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_bytes = models.BigIntegerField(default=0)
    processed_bytes = models.BigIntegerField(default=0)
    rows = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    error_report = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def progress(self) -> int:
        """Percent of the file read, 100 once done."""
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_bytes:
            return 0
        return min(99, int(100 * self.processed_bytes / self.total_bytes))
