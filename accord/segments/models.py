"""Segments: dynamic (a rule kept current), static lists and personas; members and size history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.accounts.models import Workspace
from accord.contacts.models import Contact


class SegmentKind(models.TextChoices):
    DYNAMIC = "dynamic", _("Dynamic")
    STATIC = "static", _("Static list")
    PERSONA = "persona", _("Persona")


class Segment(models.Model):
    """A named set of contacts; a dynamic one's ``rule`` says who belongs (kept current)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=SegmentKind.choices)
    rule: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    persona: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    size = models.IntegerField(default=0)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="segment_slug_unique")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SegmentMember(models.Model):
    """One stay of a contact in a segment; ``left_at`` is None while the contact is a member."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="segment_stays", db_index=False
    )
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["segment", "left_at"]),
            models.Index(fields=["contact", "left_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id}:{self.contact_id}"


class SegmentSize(models.Model):
    """The size of a segment at one evaluation (the size-over-time chart)."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="sizes")
    at = models.DateTimeField()
    size = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["segment", "at"])]
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.size} @ {self.at}"
