"""Contacts pages: list, contact page, edit, merge, GDPR export and erasure, CSV import/export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.contacts import actions, exporting, importing, queries
from accord.contacts.fields import property_definitions
from accord.contacts.forms import (
    ContactFilterForm,
    ContactForm,
    MappingForm,
    MergeForm,
    StagedUpload,
    UploadForm,
    stage_upload,
    staged_upload,
)
from accord.contacts.models import (
    Consent,
    ConsentPurpose,
    Contact,
    ImportJob,
    ImportStatus,
    TimelineEntry,
)
from accord.contacts.queries import ContactFilter
from accord.segments import queries as segment_queries
from accord.web.guards import workspace_view

PAGE_SIZE = 50
TIMELINE_PAGE_SIZE = 50
COMPANY_SUGGESTIONS = 500

# Known timeline kinds: an icon (decorative, hidden from screen readers) and a label.
TIMELINE_KINDS: dict[str, tuple[str, str, Promise]] = {
    "contact.created": ("+", "accent", gettext_lazy("Contact created")),
    "contact.updated": ("✎", "neutral", gettext_lazy("Contact updated")),
    "contact.imported": ("⇪", "accent", gettext_lazy("Imported from a CSV file")),
    "contact.merged": ("⇄", "accent", gettext_lazy("Merged with a duplicate")),
    "contact.erased": ("∅", "danger", gettext_lazy("Personal data erased")),
    "consent.granted": ("✓", "ok", gettext_lazy("Consent granted")),
    "consent.withdrawn": ("✕", "danger", gettext_lazy("Consent withdrawn")),
    "segment.entered": ("◎", "accent", gettext_lazy("Entered a segment")),
    "segment.left": ("○", "neutral", gettext_lazy("Left a segment")),
}
# Kinds other apps add fall back on an icon for their prefix and their own title.
KIND_PREFIX_ICONS = {"email": "✉", "mail": "✉", "page": "◉", "form": "▤", "social": "#"}
APP_LABELS: dict[str, Promise] = {
    "contacts": gettext_lazy("Contacts"),
    "tracking": gettext_lazy("Tracking"),
    "mailing": gettext_lazy("Email"),
    "campaigns": gettext_lazy("Campaigns"),
    "automation": gettext_lazy("Automation"),
    "social": gettext_lazy("Social"),
    "listening": gettext_lazy("Listening"),
}


@dataclass(frozen=True)
class TimelineRow:
    """One timeline entry as the contact page shows it."""

    kind: str
    icon: str
    tone: str
    label: str
    detail: str
    app: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class PropertyRow:
    label: str
    value: str


def _abilities(access: WorkspaceAccess) -> dict[str, bool]:
    return {
        "edit": access.can(Perm.CONTACTS_EDIT),
        "import": access.can(Perm.CONTACTS_IMPORT),
        "export": access.can(Perm.CONTACTS_EXPORT),
        "erase": access.can(Perm.CONTACTS_ERASE),
    }


def _contact(access: WorkspaceAccess, contact_id: int) -> Contact:
    try:
        return queries.get_contact(access.workspace, contact_id)
    except Contact.DoesNotExist:
        raise Http404(_("No such contact.")) from None


def _job(access: WorkspaceAccess, job_id: int) -> ImportJob:
    job = queries.import_jobs(access.workspace).filter(pk=job_id).first()
    if job is None:
        raise Http404(_("No such import."))
    return job


def _filter_form(access: WorkspaceAccess, data: Any) -> ContactFilterForm:
    tags = queries.workspace_tags(access.workspace).values_list("name", flat=True)
    return ContactFilterForm(data, tags=list(tags))


@require_GET
@workspace_view(Perm.CONTACTS_VIEW)
def contact_list(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List the workspace's contacts, searched and filtered, 50 a page with the total count.

    Note: six queries (tag choices, company suggestions, count, rows, their tags, their
    granted consents), whatever the page size.
    """
    form = _filter_form(access, request.GET)
    flt = form.to_filter()
    granted = Prefetch("consents", Consent.objects.filter(granted=True).order_by("purpose"))
    contacts = queries.search_contacts(access.workspace, flt).prefetch_related("tags", granted)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    companies = queries.workspace_companies(access.workspace).values_list("name", flat=True)
    context = {
        "form": form,
        "page": page,
        "companies": companies[:COMPANY_SUGGESTIONS],
        "filtered": flt != ContactFilter(),
        "can": _abilities(access),
    }
    return render(request, "contacts/list.html", context)


def _timeline_row(entry: TimelineEntry) -> TimelineRow:
    icon, tone, label = TIMELINE_KINDS.get(entry.kind, ("", "neutral", entry.title))
    icon = icon or KIND_PREFIX_ICONS.get(entry.kind.split(".", 1)[0], "•")
    return TimelineRow(
        kind=entry.kind,
        icon=icon,
        tone=tone,
        label=str(label),
        detail=_timeline_detail(entry.kind, entry.data or {}),
        app=str(APP_LABELS.get(entry.app, entry.app)),
        actor=entry.actor_label,
        at=entry.at,
    )


def _timeline_detail(kind: str, data: dict[str, Any]) -> str:
    if kind.startswith("consent.") and data.get("purpose"):
        purpose = _purpose_label(str(data["purpose"]))
        return f"{purpose} · {data['source']}" if data.get("source") else purpose
    if kind == "contact.updated" and data.get("fields"):
        return ", ".join(_field_label(name) for name in data["fields"])
    if kind == "contact.merged" and data.get("merged_email"):
        return str(data["merged_email"])
    if kind == "contact.imported" and data.get("file"):
        return str(data["file"])
    if kind.startswith("segment.") and data.get("segment"):
        return str(data["segment"])
    return ""


def _purpose_label(purpose: str) -> str:
    return str(dict(ConsentPurpose.choices).get(purpose, purpose))


def _field_label(name: str) -> str:
    field = ContactForm.base_fields.get(name)
    return str(field.label) if field is not None and field.label else name


def _property_rows(access: WorkspaceAccess, contact: Contact) -> list[PropertyRow]:
    definitions = property_definitions(access.workspace)
    rows = []
    for key, value in sorted(contact.properties.items()):
        definition = definitions.get(key)
        label = definition.label if definition is not None and definition.label else key
        shown = (_("Yes") if value else _("No")) if isinstance(value, bool) else str(value)
        rows.append(PropertyRow(label, shown))
    return rows


@require_GET
@workspace_view(Perm.CONTACTS_VIEW)
def contact_detail(request: HttpRequest, access: WorkspaceAccess, contact_id: int) -> HttpResponse:
    """Show a contact: profile, tags, custom properties, consents and the timeline."""
    contact = _contact(access, contact_id)
    page = Paginator(queries.timeline(contact), TIMELINE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    erased = contact.erased_at is not None
    context = {
        "contact": contact,
        "name": _("Erased contact") if erased else contact.full_name or contact.email,
        "tags": queries.tag_names(contact),
        "segments": segment_queries.memberships_of(contact),
        "consents": list(queries.consents(contact)),
        "properties": _property_rows(access, contact),
        "timeline": [_timeline_row(entry) for entry in page],
        "page": page,
        "can": _abilities(access),
    }
    return render(request, "contacts/detail.html", context)


def _save(form: ContactForm, save: Callable[[dict[str, Any]], Contact]) -> Contact | None:
    """Run ``save`` on valid input; put its ValidationError on the form and return None."""
    if not form.is_valid():
        return None
    try:
        return save(form.values())
    except ValidationError as exc:
        form.add_errors(exc)
        return None


def _form_page(
    request: HttpRequest, access: WorkspaceAccess, form: ContactForm, contact: Contact | None
) -> HttpResponse:
    companies = queries.workspace_companies(access.workspace).values_list("name", flat=True)
    context = {"form": form, "contact": contact, "companies": companies[:COMPANY_SUGGESTIONS]}
    return render(request, "contacts/form.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_EDIT)
def contact_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Create a contact with create_contact; its validation errors show next to the fields."""
    definitions = list(property_definitions(access.workspace).values())
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data, definitions=definitions)
    contact = _save(form, lambda values: actions.create_contact(access, values)) if data else None
    if contact is not None:
        messages.success(request, _("Contact created."))
        return redirect("contacts:detail", slug=access.workspace.slug, contact_id=contact.pk)
    return _form_page(request, access, form, None)


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_EDIT)
def contact_edit(request: HttpRequest, access: WorkspaceAccess, contact_id: int) -> HttpResponse:
    """Change a contact with update_contact; tags are replaced, empty properties removed."""
    contact = _contact(access, contact_id)
    if contact.erased_at is not None:
        raise Http404(_("This contact was erased."))
    definitions = list(property_definitions(access.workspace).values())
    if request.method != "POST":
        form = ContactForm.for_contact(contact, queries.tag_names(contact), definitions)
    else:
        form = ContactForm(request.POST, definitions=definitions)
        if _save(form, lambda values: actions.update_contact(access, contact, values)):
            messages.success(request, _("Contact saved."))
            return redirect("contacts:detail", slug=access.workspace.slug, contact_id=contact.pk)
    return _form_page(request, access, form, contact)


def _duplicate(access: WorkspaceAccess, keep: Contact, form: MergeForm) -> Contact | None:
    """Find the duplicate the form names, or add the reason it cannot be merged."""
    duplicate = queries.contact_by_email(access.workspace, form.cleaned_data["email"])
    if duplicate is None:
        form.add_error("email", _("No contact has this email in this workspace."))
        return None
    if duplicate.pk == keep.pk:
        form.add_error("email", _("This is the contact itself; pick another one."))
        return None
    return duplicate


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_EDIT)
def contact_merge(request: HttpRequest, access: WorkspaceAccess, contact_id: int) -> HttpResponse:
    """Merge a duplicate picked by email into this contact, after a confirmation step."""
    keep = _contact(access, contact_id)
    form = MergeForm(request.POST if request.method == "POST" else None)
    duplicate = _duplicate(access, keep, form) if form.is_valid() else None
    if duplicate is not None and form.cleaned_data["confirm"]:
        actions.merge_contacts(access, keep, duplicate)
        messages.success(
            request, _("%(email)s was merged into this contact.") % {"email": duplicate.email}
        )
        return redirect("contacts:detail", slug=access.workspace.slug, contact_id=keep.pk)
    context = {
        "contact": keep,
        "form": form,
        "duplicate": duplicate,
        "duplicate_tags": queries.tag_names(duplicate) if duplicate else [],
        "tags": queries.tag_names(keep),
    }
    return render(request, "contacts/merge.html", context, status=422 if form.errors else 200)


@require_GET
@workspace_view(Perm.CONTACTS_EXPORT)
def gdpr_export(request: HttpRequest, access: WorkspaceAccess, contact_id: int) -> HttpResponse:
    """Download everything known about the contact as JSON (right of access, GDPR art. 15)."""
    contact = _contact(access, contact_id)
    response = JsonResponse(
        queries.gdpr_export(contact), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_ERASE)
def contact_erase(request: HttpRequest, access: WorkspaceAccess, contact_id: int) -> HttpResponse:
    """Ask for confirmation, then erase the contact's personal data with erase_contact."""
    contact = _contact(access, contact_id)
    if request.method == "POST":
        actions.erase_contact(access, contact)
        messages.success(request, _("The contact's personal data was erased."))
        return redirect("contacts:detail", slug=access.workspace.slug, contact_id=contact.pk)
    return render(request, "contacts/erase.html", {"contact": contact})


@require_GET
@workspace_view(Perm.CONTACTS_EXPORT)
def export_csv(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Download the contacts matching the list's filters as CSV."""
    flt = _filter_form(access, request.GET).to_filter()
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{access.workspace.slug}-contacts-{stamp}.csv"'
    )
    exporting.export_contacts_csv(access.workspace, response, flt)
    return response


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_IMPORT)
def import_upload(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Take a CSV upload to the mapping step, and list past imports."""
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        staged = stage_upload(access.workspace, form.cleaned_data["file"])
        request.session[f"import:{staged.token}"] = staged.file_name
        return redirect("contacts:import_preview", slug=access.workspace.slug, token=staged.token)
    jobs = queries.import_jobs(access.workspace).select_related("created_by")[:20]
    context = {"form": form, "jobs": jobs}
    return render(request, "contacts/import.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@workspace_view(Perm.CONTACTS_IMPORT)
def import_preview(request: HttpRequest, access: WorkspaceAccess, token: str) -> HttpResponse:
    """Show the file's first rows with a field select per column, then start the import."""
    slug = access.workspace.slug
    staged = staged_upload(access.workspace, token, request.session.get(f"import:{token}", ""))
    if staged is None:
        raise Http404(_("This upload has expired; upload the file again."))
    try:
        preview = importing.preview_csv(access.workspace, staged.path)
    except importing.ImportSetupError as exc:
        staged.discard()
        messages.error(request, " ".join(exc.messages))
        return redirect("contacts:import", slug=slug)
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        headers=preview.headers,
        choices=preview.field_choices,
        suggested=preview.mapping,
    )
    job = _start(access, staged, form) if form.is_bound else None
    if job is not None:
        return redirect("contacts:import_job", slug=slug, job_id=job.pk)
    context = {
        "form": form,
        "preview": preview,
        "staged": staged,
        "columns": form.columns(preview.rows),
    }
    return render(
        request, "contacts/import_preview.html", context, status=422 if form.errors else 200
    )


def _start(access: WorkspaceAccess, staged: StagedUpload, form: MappingForm) -> ImportJob | None:
    """Start the import with the form's mapping; None (errors on the form) when it cannot."""
    if not form.is_valid():
        return None
    try:
        job = actions.start_import(access, staged.path, staged.file_name, form.mapping())
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return None
    staged.discard()  # start_import keeps its own copy for the worker
    return job


@require_GET
@workspace_view(Perm.CONTACTS_IMPORT)
def import_job(request: HttpRequest, access: WorkspaceAccess, job_id: int) -> HttpResponse:
    """Show one import; its progress part refreshes itself until the import ends."""
    return render(request, "contacts/import_job.html", _job_context(access, job_id))


@require_GET
@workspace_view(Perm.CONTACTS_IMPORT)
def import_progress(request: HttpRequest, access: WorkspaceAccess, job_id: int) -> HttpResponse:
    """Render the progress bar and counters alone (polled by htmx every second)."""
    return render(request, "contacts/import_progress.html", _job_context(access, job_id))


def _job_context(access: WorkspaceAccess, job_id: int) -> dict[str, Any]:
    job = _job(access, job_id)
    finished = job.status in {ImportStatus.DONE, ImportStatus.FAILED}
    return {"job": job, "finished": finished, "workspace": access.workspace}


@require_GET
@workspace_view(Perm.CONTACTS_IMPORT)
def import_errors(request: HttpRequest, access: WorkspaceAccess, job_id: int) -> HttpResponse:
    """Download the rejected rows of an import, each with its reason, as CSV."""
    job = _job(access, job_id)
    path = Path(job.error_report) if job.error_report else None
    if path is None or not path.is_file():
        raise Http404(_("This import has no error report."))
    name = f"{Path(job.file_name).stem}-errors.csv"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = "text/csv; charset=utf-8"
    # Streamed (reports can be large); the guard's HttpResponse annotation is narrower than
    # what Django accepts from a view.
    return cast(HttpResponse, response)
