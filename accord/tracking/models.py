"""Tracking: the public site key, daily salts, tracked links, lead forms and consent proofs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from accord.accounts.models import LANGUAGE_CHOICES, Workspace
from accord.contacts.models import ConsentPurpose, Contact


class TrackingSite(models.Model):
    """A workspace's public, non-secret site key and the domains allowed to send events with it."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="tracking_site"
    )
    key = models.CharField(max_length=32, unique=True)
    allowed_domains: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class DailySalt(models.Model):
    """The secret mixed into cookieless visitor hashes for one day; older days are deleted."""

    day = models.DateField(unique=True)
    value = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.day.isoformat()


class RejectedHits(models.Model):
    """How many hits a workspace refused in one day for one reason, before reaching the store."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    reason = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "day", "reason"], name="rejected_hits_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason}: {self.count}"


class TrackedLink(models.Model):
    """A short redirect link ``/l/<code>`` to a stored destination, with the UTMs to append."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tracked_links")
    code = models.CharField(max_length=16, unique=True)
    destination = models.URLField(max_length=2000)
    campaign = models.CharField(max_length=200, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    clicks = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def utms(self) -> dict[str, str]:
        """The link's non-blank UTM parameters, by their query-string name."""
        names = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
        return {name: getattr(self, name) for name in names if getattr(self, name)}


class LeadForm(models.Model):
    """An embeddable lead-capture form; ``fields`` lists contact fields and ``properties.KEY``.

    ``version`` grows on every edit so that a consent proof names the wording that was shown.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="lead_forms")
    public_id = models.CharField(max_length=24, unique=True)
    name = models.CharField(max_length=100)
    language = models.CharField(max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    fields: models.JSONField[Any] = models.JSONField(default=list)
    consent_purpose = models.CharField(
        max_length=20, choices=ConsentPurpose.choices, default=ConsentPurpose.EMAIL_MARKETING
    )
    consent_required = models.BooleanField(default=False)
    consent_text_fr = models.TextField(blank=True)
    consent_text_en = models.TextField(blank=True)
    success_message_fr = models.TextField(blank=True)
    success_message_en = models.TextField(blank=True)
    redirect_url = models.URLField(max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    submissions = models.PositiveIntegerField(default=0)
    bot_submissions = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="lead_form_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def consent_text(self, language: str) -> str:
        """The consent wording in ``language``, falling back on the other language."""
        fr, en = self.consent_text_fr, self.consent_text_en
        return (en or fr) if language == "en" else (fr or en)

    def success_message(self, language: str) -> str:
        """The thank-you text in ``language``, falling back on the other language ('' if none)."""
        fr, en = self.success_message_fr, self.success_message_en
        return (en or fr) if language == "en" else (fr or en)


class FormSubmission(models.Model):
    """One accepted submission and the proof of the consent given with it."""

    form = models.ForeignKey(LeadForm, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    form_version = models.PositiveIntegerField()
    language = models.CharField(max_length=2)
    consent_given = models.BooleanField()
    consent_text = models.TextField(blank=True)
    ip_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=500, blank=True)
    anonymous_ids: models.JSONField[Any] = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["form", "-at"])]

    def __str__(self) -> str:
        return f"{self.form_id} @ {self.at}"
