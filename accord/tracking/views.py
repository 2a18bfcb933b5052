"""Tracking pages of a workspace: health and snippet, allowed domains, links, forms, journeys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.contacts import queries as contact_queries
from accord.contacts.models import Contact
from accord.tracking import actions, queries
from accord.tracking.forms import LeadFormForm, LinkForm, SiteForm
from accord.tracking.models import LeadForm
from accord.tracking.queries import TrackingOverview
from accord.warehouse.queries import JourneyStep
from accord.web.guards import workspace_view

HEALTH_DAYS = 7
LINKS_PAGE_SIZE = 50

# Event kinds as the journey shows them: an icon (hidden from screen readers), a tone, a label.
KINDS: dict[str, tuple[str, str, Promise]] = {
    "page_view": ("◉", "neutral", gettext_lazy("Page view")),
    "click": ("↗", "accent", gettext_lazy("Click")),
    "form_submit": ("▤", "ok", gettext_lazy("Form submitted")),
    "email_sent": ("✉", "neutral", gettext_lazy("Email sent")),
    "email_opened": ("✉", "accent", gettext_lazy("Email opened")),
    "email_clicked": ("✉", "accent", gettext_lazy("Email link clicked")),
    "email_bounced": ("✉", "danger", gettext_lazy("Email bounced")),
    "email_unsubscribed": ("✉", "danger", gettext_lazy("Unsubscribed")),
    "social_impression": ("#", "neutral", gettext_lazy("Social post seen")),
    "social_engagement": ("#", "accent", gettext_lazy("Social engagement")),
    "ad_impression": ("▣", "neutral", gettext_lazy("Ad seen")),
    "ad_click": ("▣", "accent", gettext_lazy("Ad clicked")),
    "purchase": ("€", "ok", gettext_lazy("Purchase")),
    "custom": ("★", "neutral", gettext_lazy("Custom event")),
}
CHANNELS: dict[str, Promise] = {
    "search": gettext_lazy("Search"),
    "social": gettext_lazy("Social"),
    "email": gettext_lazy("Email"),
    "paid": gettext_lazy("Paid"),
    "referral": gettext_lazy("Referral"),
    "direct": gettext_lazy("Direct"),
}
REFUSALS: dict[str, Promise] = {
    "origin": gettext_lazy("Sent from a page or origin outside the allowed domains"),
    "invalid:not_json": gettext_lazy("Not a JSON body"),
    "invalid:too_large": gettext_lazy("Body too large"),
    "invalid:kind": gettext_lazy("Unknown event kind"),
    "invalid:url": gettext_lazy("Missing or malformed page address"),
    "invalid:name": gettext_lazy("Missing or malformed event name"),
    "invalid:properties": gettext_lazy("Malformed properties"),
}


@dataclass(frozen=True)
class RejectionRow:
    """One reason hits were refused, by this app or by the event store."""

    reason: str
    label: str
    count: int


@dataclass(frozen=True)
class JourneyRow:
    """One journey step as the contact page shows it."""

    icon: str
    tone: str
    label: str
    channel: str
    url: str
    summary: str
    campaign: str
    value: float | None
    currency: str
    stitched: bool
    at: datetime


def rejection_rows(overview: TrackingOverview) -> list[RejectionRow]:
    """Merge this app's refusals and the warehouse's rejections, most frequent first."""
    rows = [
        RejectionRow(r.reason, str(REFUSALS.get(r.reason, r.reason)), r.count)
        for r in overview.refused
    ]
    store = _("Refused by the event store")
    rows += [
        RejectionRow(reason, str(store), count)
        for reason, count in overview.health.rejected_by_reason.items()
    ]
    return sorted(rows, key=lambda row: (-row.count, row.reason))


def journey_row(step: JourneyStep) -> JourneyRow:
    """Label a warehouse journey step for display."""
    icon, tone, label = KINDS.get(step.kind, ("•", "neutral", step.kind))
    return JourneyRow(
        icon=icon,
        tone=tone,
        label=str(label),
        channel=str(CHANNELS.get(step.channel, step.channel)),
        url=step.url if step.url.startswith(("http://", "https://")) else "",
        summary=step.summary,
        campaign=step.utm_campaign,
        value=step.value,
        currency=step.currency,
        stitched=step.stitched,
        at=step.ts,
    )


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _public_urls(request: HttpRequest) -> dict[str, str]:
    names = {"snippet": "tracking:snippet", "pixel": "tracking:pixel", "embed": "tracking:embed"}
    urls = {key: request.build_absolute_uri(reverse(name)) for key, name in names.items()}
    urls["base"] = request.build_absolute_uri("/").rstrip("/")
    return urls


def _health_page(
    request: HttpRequest, access: WorkspaceAccess, site_form: SiteForm | None = None
) -> HttpResponse:
    since = actions.utc_today() - timedelta(days=HEALTH_DAYS - 1)
    overview = queries.tracking_overview(access.workspace, since)
    if site_form is None:
        domains = overview.site.allowed_domains if overview.site else []
        site_form = SiteForm(initial={"allowed_domains": "\n".join(domains)})
    rejections = rejection_rows(overview)
    context = {
        "overview": overview,
        "rejections": rejections,
        "rejected_total": sum(row.count for row in rejections),
        "lag": round(overview.health.lag_seconds),
        "site_form": site_form,
        "can_edit": access.can(Perm.CONTACTS_EDIT),
        "days": HEALTH_DAYS,
        "urls": _public_urls(request),
    }
    return render(request, "tracking/health.html", context, status=400 if site_form.errors else 200)


@require_GET
@workspace_view(Perm.CONTACTS_VIEW)
def health(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Show the snippet to copy, ingestion health, refused hits, forms and links.

    Note: four queries plus the warehouse's health query.
    """
    return _health_page(request, access)


@require_POST
@workspace_view(Perm.CONTACTS_EDIT)
def site(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Save the domains allowed to send events and frame forms (creates the site key)."""
    form = SiteForm(request.POST)
    form.is_valid()
    try:
        actions.save_site(access, form.domains())
    except ValidationError as exc:
        _add_errors(form, exc)
        return _health_page(request, access, form)
    messages.success(request, _("Allowed domains saved."))
    return redirect("tracking:health", slug=access.workspace.slug)


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_VIEW)
def links(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List tracked links with their click counts; POST creates one (contacts.edit)."""
    form = LinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        access.require(Perm.CONTACTS_EDIT)
        if form.is_valid():
            try:
                link = actions.create_link(access, form.to_spec())
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Link %(code)s created.") % {"code": link.code})
                return redirect("tracking:links", slug=access.workspace.slug)
    page = Paginator(queries.links(access.workspace), LINKS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "can_edit": access.can(Perm.CONTACTS_EDIT),
        "urls": _public_urls(request),
    }
    return render(request, "tracking/links.html", context, status=400 if form.errors else 200)


def _save_lead_form(
    access: WorkspaceAccess, form: LeadFormForm, current: LeadForm | None
) -> LeadForm:
    spec = form.to_spec()
    if current is None:
        return actions.create_lead_form(access, spec)
    return actions.update_lead_form(access, current, spec)


def _lead_form_page(
    request: HttpRequest, access: WorkspaceAccess, current: LeadForm | None
) -> HttpResponse:
    properties = queries.property_targets(access.workspace)
    if request.method == "POST":
        form = LeadFormForm(request.POST, properties=properties)
        if form.is_valid():
            try:
                saved = _save_lead_form(access, form, current)
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("Form “%(name)s” saved.") % {"name": saved.name})
                return redirect("tracking:form_edit", slug=access.workspace.slug, form_id=saved.pk)
    elif current is not None:
        form = LeadFormForm(initial=LeadFormForm.initial_for(current), properties=properties)
    else:
        initial = {"language": access.workspace.language, "fields": ["email", "first_name"]}
        form = LeadFormForm(initial=initial, properties=properties)
    context = {"form": form, "lead_form": current, "urls": _public_urls(request)}
    return render(request, "tracking/form_edit.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_EDIT)
def form_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Create an embeddable lead form."""
    return _lead_form_page(request, access, None)


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_EDIT)
def form_edit(request: HttpRequest, access: WorkspaceAccess, form_id: int) -> HttpResponse:
    """Change a lead form and show the code that embeds it."""
    try:
        current = queries.lead_form(access.workspace, form_id)
    except LeadForm.DoesNotExist:
        raise Http404(_("No such form.")) from None
    return _lead_form_page(request, access, current)


@require_GET
@workspace_view(Perm.CONTACTS_VIEW)
def journey(request: HttpRequest, access: WorkspaceAccess, contact_id: int) -> HttpResponse:
    """The contact's cross-channel journey as a partial (the contact page loads it with htmx)."""
    try:
        contact = contact_queries.get_contact(access.workspace, contact_id)
    except Contact.DoesNotExist:
        raise Http404(_("No such contact.")) from None
    rows = [journey_row(step) for step in queries.journey(access.workspace, contact)]
    return render(request, "tracking/journey.html", {"contact": contact, "rows": rows})
