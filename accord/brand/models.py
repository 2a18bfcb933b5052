"""Style guide, gated content and lint records of a workspace's brand voice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import Workspace


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SOCIAL = "social", _("Social post")
    PRESS = "press", _("Press release")
    AD = "ad", _("Ad copy")
    LANDING = "landing", _("Landing page")


class Language(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StyleGuide(models.Model):
    """A workspace's brand voice; the JSON fields are read by ``accord.brand.guide``.

    ``preferred``: {preferred term: [words it replaces]}; ``banned``: [words];
    ``avoid``: {word: suggestion}; ``channels``: {channel: {max_length, max_hashtags, emoji,
    links, legal_notice}}; ``readability``: {fr_min_ease, en_min_ease, en_max_grade};
    ``custom_rules``: {rule name: Vale rule definition}, uploaded or written as YAML.
    """

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="style_guide"
    )
    tone_fr = models.TextField(blank=True, default="")
    tone_en = models.TextField(blank=True, default="")
    brand_name = models.CharField(max_length=100, blank=True, default="")
    preferred = models.JSONField(default=dict, blank=True)
    banned = models.JSONField(default=list, blank=True)
    avoid = models.JSONField(default=dict, blank=True)
    inclusive = models.BooleanField(default=True)
    channels = models.JSONField(default=dict, blank=True)
    readability = models.JSONField(default=dict, blank=True)
    custom_rules = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Style guide of {self.workspace_id}"


class Content(models.Model):
    """A piece of outgoing copy going through the brand gate (draft → submitted → decision)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contents")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.FR)
    sponsored = models.BooleanField(default=False)
    campaign = models.CharField(max_length=100, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ContentStatus.choices, default=ContentStatus.DRAFT
    )
    last_lint = models.JSONField(default=dict, blank=True)
    override_reason = models.TextField(blank=True, default="")
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def overridden(self) -> bool:
        """Tell whether a brand reviewer waived this content's error alerts."""
        return self.override_at is not None


class LintRecord(models.Model):
    """One lint of a submitted or approved content: the facts behind the consistency scores."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    content = models.ForeignKey(Content, on_delete=models.CASCADE, related_name="lint_records")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    campaign = models.CharField(max_length=100, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    words = models.PositiveIntegerField()
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    suggestions = models.PositiveIntegerField(default=0)
    score = models.FloatField()
    rules = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["workspace", "at"])]

    def __str__(self) -> str:
        return f"{self.content_id}@{self.at:%Y-%m-%d}: {self.score}"
