"""Reads of the CRM: search and filters, one contact, its timeline, its GDPR export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accord.accounts.models import Workspace
from accord.contacts.models import (
    Company,
    Consent,
    Contact,
    ContactTag,
    ImportJob,
    PropertyDefinition,
    Tag,
    TimelineEntry,
)


@dataclass(frozen=True)
class ContactFilter:
    """What the contacts list and the API search filter on; empty fields do not filter."""

    q: str = ""
    tag: str = ""
    company: str = ""
    consent: str = ""  # a purpose: only contacts who granted it
    language: str = ""


def search_contacts(workspace: Workspace, flt: ContactFilter) -> QuerySet[Contact]:
    """Contacts of the workspace matching the filter, newest first, company pre-joined."""
    qs = Contact.objects.filter(workspace=workspace).select_related("company")
    if flt.q:
        for word in flt.q.split()[:5]:
            qs = qs.filter(
                Q(email__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(company__name__icontains=word)
            )
    if flt.tag:
        qs = qs.filter(Exists(ContactTag.objects.filter(contact=OuterRef("pk"), tag__name=flt.tag)))
    if flt.company:
        qs = qs.filter(company__name__iexact=flt.company)
    if flt.consent:
        qs = qs.filter(
            Exists(
                Consent.objects.filter(contact=OuterRef("pk"), purpose=flt.consent, granted=True)
            )
        )
    if flt.language:
        qs = qs.filter(language=flt.language)
    return qs.order_by("-created_at", "-id")


def get_contact(workspace: Workspace, contact_id: int) -> Contact:
    """Return the contact or raise Contact.DoesNotExist (also for another workspace's id)."""
    return Contact.objects.select_related("company", "owner").get(
        workspace=workspace, pk=contact_id
    )


def contact_by_email(workspace: Workspace, email: str) -> Contact | None:
    return Contact.objects.filter(workspace=workspace, email=email.strip().lower()).first()


def tag_names(contact: Contact) -> list[str]:
    return sorted(contact.tags.values_list("name", flat=True))


def consents(contact: Contact) -> QuerySet[Consent]:
    return contact.consents.order_by("purpose")


def timeline(contact: Contact) -> QuerySet[TimelineEntry]:
    """The contact's timeline, newest first."""
    return TimelineEntry.objects.filter(contact=contact).order_by("-at", "-id")


def workspace_tags(workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace).order_by("name")


def workspace_companies(workspace: Workspace) -> QuerySet[Company]:
    return Company.objects.filter(workspace=workspace).order_by("name")


def import_jobs(workspace: Workspace) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(workspace=workspace).order_by("-created_at", "-id")


def gdpr_export(contact: Contact) -> dict[str, Any]:
    """Everything Accord knows about a contact, as JSON-ready data (five queries)."""
    return {
        "contact": {
            "id": contact.pk,
            "uid": str(contact.uid),
            "email": contact.email,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "phone": contact.phone,
            "language": contact.language,
            "company": contact.company.name if contact.company else None,
            "source": contact.source,
            "owner": contact.owner.get_username() if contact.owner else None,
            "properties": contact.properties,
            "created_at": contact.created_at.isoformat(),
            "updated_at": contact.updated_at.isoformat(),
        },
        "tags": tag_names(contact),
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "at": c.at.isoformat(),
                "source": c.source,
                "proof": c.proof,
            }
            for c in consents(contact)
        ],
        "timeline": [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                "app": e.app,
                "title": e.title,
                "data": e.data,
                "actor": e.actor_label,
            }
            for e in timeline(contact)
        ],
        "form_submissions": _form_submissions(contact),
    }


def _form_submissions(contact: Contact) -> list[dict[str, Any]]:
    from accord.tracking.queries import submissions_of  # tracking builds on contacts

    return [
        {
            "form": s.form.name,
            "at": s.at.isoformat(),
            "language": s.language,
            "consent_given": s.consent_given,
            "consent_text": s.consent_text,
            "user_agent": s.user_agent,
            "ip_hash": s.ip_hash,
        }
        for s in submissions_of(contact)
    ]


def search_contacts_with_tags(workspace: Workspace, flt: ContactFilter) -> QuerySet[Contact]:
    """search_contacts with tags prefetched: a page costs two queries, whatever its size."""
    return search_contacts(workspace, flt).prefetch_related("tags")


def contact_or_none(workspace: Workspace, contact_id: int) -> Contact | None:
    return Contact.objects.filter(workspace=workspace, pk=contact_id).first()


def get_company(workspace: Workspace, company_id: int) -> Company:
    """Return the company or raise Company.DoesNotExist (also for another workspace's id)."""
    return Company.objects.get(workspace=workspace, pk=company_id)


def search_companies(workspace: Workspace, q: str = "") -> QuerySet[Company]:
    """The workspace's companies by name, those whose name contains ``q`` when given."""
    companies = workspace_companies(workspace)
    return companies.filter(name__icontains=q.strip()) if q.strip() else companies


@dataclass(frozen=True)
class TagCount:
    """A tag and how many contacts carry it."""

    name: str
    contacts: int


def tag_counts(workspace: Workspace) -> list[TagCount]:
    """Every tag of the workspace with its number of contacts, by name (one query)."""
    rows = (
        Tag.objects.filter(workspace=workspace)
        .annotate(count=Count("contacttag"))
        .order_by("name")
        .values_list("name", "count")
    )
    return [TagCount(name, count) for name, count in rows]


def property_definitions(workspace: Workspace) -> QuerySet[PropertyDefinition]:
    """The workspace's declared contact properties, by key."""
    return PropertyDefinition.objects.filter(workspace=workspace).order_by("key")


def get_import_job(workspace: Workspace, job_id: int) -> ImportJob:
    """Return the import job or raise ImportJob.DoesNotExist (also for another workspace's)."""
    return ImportJob.objects.get(workspace=workspace, pk=job_id)
