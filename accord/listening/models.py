"""Listening: what a workspace listens for, where it listens, and what it heard (mentions).

A mention is also written to the event warehouse (``properties.mention``) so analytics read it
beside every other interaction; this table holds what people change on it (tags, assignment,
spam verdict) and what the mentions page and the crisis detector read.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import Workspace


class ListeningQuery(models.Model):
    """Keywords that make a text a mention of the brand (or of a named competitor).

    ``competitors`` is a list of ``{"name": str, "keywords": [str, ...]}``: a text matching a
    competitor's keywords is a mention of that competitor (for share of voice), not of the brand.
    An empty ``languages`` list means every language.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    keywords: models.JSONField[Any] = models.JSONField(default=list)
    exclusions: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    languages: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    competitors: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="listening_query_slug")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    RSS = "rss", _("RSS / Atom")
    MASTODON = "mastodon", _("Mastodon")
    BLUESKY = "bluesky", _("Bluesky")
    REVIEWS = "reviews", _("Reviews (CSV)")
    WEBHOOK = "webhook", _("Webhook")
    MANUAL = "manual", _("Manual entry")


class Source(models.Model):
    """Where mentions come from: one connector kind and its settings (feed URL, hashtag…)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    name = models.CharField(max_length=200)
    config: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    fetch_every_minutes = models.PositiveIntegerField(default=15)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Items from a review import, the webhook or manual entry that match no keyword of any
    # query still belong to the brand: they count for this query.
    query = models.ForeignKey(
        ListeningQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The webhook's shared secret (empty for other kinds); compared in constant time.
    secret = models.CharField(max_length=64, blank=True)
    # What the connector remembers between fetches (newest id seen, cursor…).
    state: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    PRESS = "press", _("Press")
    SOCIAL = "social", _("Social")
    REVIEW = "review", _("Review")
    OTHER = "other", _("Other")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Mention(models.Model):
    """One text that names the brand or a competitor, analysed (language, sentiment).

    ``subject`` is empty for the brand itself, else the competitor's name. ``uid`` is also the
    warehouse event id. ``fingerprint`` is a 64-bit SimHash of the text (stored signed) for
    near-duplicate detection; ``duplicate_of`` points at the first copy seen.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    query = models.ForeignKey(
        ListeningQuery, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subject = models.CharField(max_length=100, blank=True)
    url = models.CharField(max_length=2048, blank=True)
    url_key = models.CharField(max_length=64, blank=True)
    external_id = models.CharField(max_length=300, blank=True)
    fingerprint = models.BigIntegerField(default=0)
    author = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    lang = models.CharField(max_length=5)
    sentiment = models.CharField(max_length=10, choices=Sentiment.choices)
    score = models.FloatField()
    rating = models.FloatField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)
    published_at = models.DateTimeField()
    collected_at = models.DateTimeField()
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_spam = models.BooleanField(default=False)
    spam_reason = models.CharField(max_length=200, blank=True)
    tags: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "published_at"], name="mention_ws_time"),
            models.Index(fields=["workspace", "query", "published_at"], name="mention_query_time"),
            models.Index(fields=["workspace", "url_key"], name="mention_url"),
        ]
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title or self.text[:60]


class MentionReply(models.Model):
    """A reply posted on the mention's network by a member, through the source's connector."""

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    external_id = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=2048, blank=True)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return self.text[:60]
