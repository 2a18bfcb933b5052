"""Reads of tracking: sites, links, forms, the ingestion health panel and a contact's journey."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, Sum

from accord.accounts.models import Workspace
from accord.contacts import queries as contact_queries
from accord.contacts.models import Contact
from accord.tracking.models import (
    FormSubmission,
    LeadForm,
    RejectedHits,
    TrackedLink,
    TrackingSite,
)
from accord.tracking.origins import origin_allowed
from accord.warehouse.queries import IngestionHealth, JourneyStep, contact_journey
from accord.warehouse.queries import ingestion_health as warehouse_health


def site_for(workspace: Workspace) -> TrackingSite | None:
    """The workspace's tracking site, or None before anyone set tracking up."""
    return TrackingSite.objects.filter(workspace=workspace).first()


def site_by_key(key: str) -> TrackingSite | None:
    """The site holding public ``key``, its workspace pre-joined; None when unknown."""
    if not key:
        return None
    return TrackingSite.objects.select_related("workspace").filter(key=key).first()


def origin_known(origin: str) -> bool:
    """Tell whether any site allows ``origin`` (a CORS preflight carries no site key).

    Note: reads every site's domains; an installation holds a handful of sites.
    """
    domains = TrackingSite.objects.values_list("allowed_domains", flat=True)
    return any(origin_allowed(origin, list(allowed)) for allowed in domains)


def link_by_code(code: str) -> TrackedLink | None:
    """The tracked link with ``code``, its workspace pre-joined; None when unknown."""
    return TrackedLink.objects.select_related("workspace").filter(code=code).first()


def links(workspace: Workspace) -> QuerySet[TrackedLink]:
    """The workspace's tracked links, newest first."""
    return TrackedLink.objects.filter(workspace=workspace).order_by("-created_at", "-id")


def lead_forms(workspace: Workspace) -> QuerySet[LeadForm]:
    """The workspace's lead forms, by name."""
    return LeadForm.objects.filter(workspace=workspace).order_by("name", "id")


def lead_form(workspace: Workspace, form_id: int) -> LeadForm:
    """Return the form or raise LeadForm.DoesNotExist (also for another workspace's id)."""
    return LeadForm.objects.get(workspace=workspace, pk=form_id)


def form_by_public_id(public_id: str) -> LeadForm | None:
    """The form published as ``public_id``, its workspace pre-joined; None when unknown."""
    return LeadForm.objects.select_related("workspace").filter(public_id=public_id).first()


def submissions_of(contact: Contact) -> QuerySet[FormSubmission]:
    """The contact's form submissions with their consent proofs, newest first (GDPR export)."""
    return FormSubmission.objects.filter(contact=contact).select_related("form").order_by("-at")


def contact_pk(workspace: Workspace, uid: str) -> int | None:
    """The id of this workspace's contact with ``uid``; None for another workspace's or none.

    Reads Contact directly: contacts.queries has no lookup by uid yet.
    """
    rows = Contact.objects.filter(workspace=workspace, uid=uid, erased_at__isnull=True)
    return rows.values_list("pk", flat=True).first()


def property_targets(workspace: Workspace) -> dict[str, str]:
    """Declared custom properties a form may ask for, as ``properties.KEY`` → label."""
    definitions = contact_queries.property_definitions(workspace)
    return {f"properties.{d.key}": d.label or d.key for d in definitions}


@dataclass(frozen=True)
class RejectionCount:
    """Hits refused before the warehouse for one reason (origin, invalid input…)."""

    reason: str
    count: int


def rejections(workspace: Workspace, since: date) -> list[RejectionCount]:
    """Hits this app refused since ``since`` (inclusive), by reason, most frequent first."""
    rows = (
        RejectedHits.objects.filter(workspace=workspace, day__gte=since)
        .values("reason")
        .annotate(total=Sum("count"))
        .order_by("-total", "reason")
    )
    return [RejectionCount(row["reason"], int(row["total"])) for row in rows]


@dataclass(frozen=True)
class TrackingOverview:
    """Everything the tracking page shows: the site, ingestion health, forms and links."""

    site: TrackingSite | None
    health: IngestionHealth
    refused: list[RejectionCount]
    forms: list[LeadForm]
    links: list[TrackedLink]
    bot_submissions: int


def tracking_overview(workspace: Workspace, since: date, max_links: int = 10) -> TrackingOverview:
    """Gather the tracking page: site, warehouse health, refusals since ``since``, forms, links.

    Note: four queries plus the warehouse's health query.
    """
    forms = list(lead_forms(workspace))
    return TrackingOverview(
        site=site_for(workspace),
        health=warehouse_health(workspace),
        refused=rejections(workspace, since),
        forms=forms,
        links=list(links(workspace)[:max_links]),
        bot_submissions=sum(form.bot_submissions for form in forms),
    )


def journey(workspace: Workspace, contact: Contact) -> list[JourneyStep]:
    """The contact's cross-channel journey from the warehouse, oldest step first."""
    return list(contact_journey(workspace, contact.pk))
