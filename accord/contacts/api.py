"""Contacts API: contacts, companies, tags, properties, consent, timeline and CSV imports.

Each endpoint parses, checks the role, then calls one action or query. Writes check the role in
the action; reads check it here. Another workspace's object is a 404, like a missing one.
"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.api import Page, access_of, paginate
from accord.contacts import actions, queries
from accord.contacts.forms import MAX_UPLOAD_BYTES, stage_upload
from accord.contacts.models import (
    Company,
    Consent,
    Contact,
    ImportJob,
    PropertyDefinition,
    TimelineEntry,
)
from accord.contacts.queries import TagCount
from accord.contacts.schemas import (
    CompanyIn,
    CompanyOut,
    CompanyPage,
    CompanyPatch,
    CompanyQuery,
    ConsentIn,
    ConsentOut,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
    ContactQuery,
    ErrorOut,
    GdprExport,
    ImportJobOut,
    ImportJobPage,
    MergeIn,
    PageQuery,
    PropertyIn,
    PropertyOut,
    TagCountOut,
    TagsIn,
    TagsOut,
    TimelineEntryIn,
    TimelineEntryOut,
    TimelinePage,
)

router: Router = Router()
contacts = Router(tags=["contacts"])
companies = Router(tags=["companies"])
catalog = Router(tags=["tags and properties"])
imports = Router(tags=["imports"])

CONTACT = "/{int:contact_id}"
COMPANY = "/{int:company_id}"
JOB = "/{int:job_id}"
# Multipart bytes around the file itself (boundaries, headers, the mapping field).
UPLOAD_OVERHEAD = 1024 * 1024


def answers(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """Response schemas for OpenAPI: the success ones, 401 and 429 always, then ``errors``."""
    return {**ok, **dict.fromkeys(sorted({401, 429, *errors}), ErrorOut)}


def _access(request: HttpRequest, perm: Perm = Perm.CONTACTS_VIEW) -> WorkspaceAccess:
    """Return the caller's access once its role is known to grant ``perm`` (reads by default)."""
    access = access_of(request)
    access.require(perm)
    return access


# Contacts ---------------------------------------------------------------------------------


@contacts.get("", response=answers({200: ContactPage}, 403, 422), summary="Search contacts")
def list_contacts(request: HttpRequest, filters: Query[ContactQuery]) -> Page[Contact]:
    """List contacts newest first; filters combine, and `q` matches every word given."""
    found = queries.search_contacts_with_tags(_access(request).workspace, filters.as_filter())
    return paginate(found, filters.cursor, filters.limit)


@contacts.post("", response=answers({201: ContactOut}, 400, 403, 422), summary="Create a contact")
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    """Create a contact; the email is unique in the workspace, whatever its case."""
    values = payload.model_dump(exclude_unset=True)
    return Status(201, actions.create_contact(access_of(request), values))


@contacts.get(CONTACT, response=answers({200: ContactOut}, 403, 404), summary="Read a contact")
def get_contact(request: HttpRequest, contact_id: int) -> Contact:
    """Return one contact with its company and tags."""
    return queries.get_contact(_access(request).workspace, contact_id)


@contacts.patch(
    CONTACT, response=answers({200: ContactOut}, 400, 403, 404, 422), summary="Update a contact"
)
def update_contact(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Contact:
    """Change the fields sent: `tags` replaces the set, `properties` merge (null removes one)."""
    access = access_of(request)
    contact = queries.get_contact(access.workspace, contact_id)
    return actions.update_contact(access, contact, payload.model_dump(exclude_unset=True))


@contacts.delete(CONTACT, response=answers({204: None}, 403, 404), summary="Delete a contact")
def delete_contact(request: HttpRequest, contact_id: int) -> Status[None]:
    """Delete a contact and its history; use /erase to keep anonymised statistics instead."""
    access = access_of(request)
    actions.delete_contact(access, queries.get_contact(access.workspace, contact_id))
    return Status(204, None)


@contacts.post(
    f"{CONTACT}/tags", response=answers({200: TagsOut}, 400, 403, 404, 422), summary="Add tags"
)
def add_tags(request: HttpRequest, contact_id: int, payload: TagsIn) -> dict[str, list[str]]:
    """Add tags to a contact, keeping those it has; unknown tags are created."""
    access = access_of(request)
    contact = queries.get_contact(access.workspace, contact_id)
    return {"tags": actions.add_tags(access, contact, payload.tags)}


# Registered before the {name} route: Django takes the first path that matches.
@contacts.post(
    f"{CONTACT}/tags/remove",
    response=answers({200: TagsOut}, 400, 403, 404, 422),
    summary="Remove several tags",
)
def remove_tags(request: HttpRequest, contact_id: int, payload: TagsIn) -> dict[str, list[str]]:
    """Remove tags from a contact; tags it does not have are ignored."""
    access = access_of(request)
    contact = queries.get_contact(access.workspace, contact_id)
    return {"tags": actions.remove_tags(access, contact, payload.tags)}


@contacts.delete(
    f"{CONTACT}/tags/{{name}}", response=answers({200: TagsOut}, 403, 404), summary="Remove a tag"
)
def remove_tag(request: HttpRequest, contact_id: int, name: str) -> dict[str, list[str]]:
    """Remove one tag (URL-encoded name) from a contact; a name holding "/" needs /tags/remove."""
    access = access_of(request)
    contact = queries.get_contact(access.workspace, contact_id)
    return {"tags": actions.remove_tags(access, contact, [name])}


@contacts.get(
    f"{CONTACT}/consents",
    response=answers({200: list[ConsentOut]}, 403, 404),
    summary="List consents",
)
def list_consents(request: HttpRequest, contact_id: int) -> list[Consent]:
    """Return the contact's current decision for each purpose it has one for."""
    contact = queries.get_contact(_access(request).workspace, contact_id)
    return list(queries.consents(contact))


@contacts.post(
    f"{CONTACT}/consents",
    response=answers({200: ConsentOut}, 400, 403, 404, 422),
    summary="Record a consent decision",
)
def set_consent(request: HttpRequest, contact_id: int, payload: ConsentIn) -> Consent:
    """Grant or withdraw one purpose, with its source and proof; the timeline keeps each one."""
    access = access_of(request)
    contact = queries.get_contact(access.workspace, contact_id)
    return actions.set_consent(
        access,
        contact,
        payload.purpose,
        payload.granted,
        source=payload.source,
        proof=payload.proof,
        at=payload.at,
    )


@contacts.get(
    f"{CONTACT}/timeline",
    response=answers({200: TimelinePage}, 403, 404, 422),
    summary="Read the timeline",
)
def list_timeline(request: HttpRequest, contact_id: int, page: Query[PageQuery]) -> Page[Any]:
    """Return what happened to the contact, newest first, from every app."""
    contact = queries.get_contact(_access(request).workspace, contact_id)
    return paginate(queries.timeline(contact), page.cursor, page.limit, key="-at")


@contacts.post(
    f"{CONTACT}/timeline",
    response=answers({201: TimelineEntryOut}, 400, 403, 404, 422),
    summary="Append a timeline event",
)
def add_timeline_event(
    request: HttpRequest, contact_id: int, payload: TimelineEntryIn
) -> Status[TimelineEntry]:
    """Record an event another tool saw (a call, a ticket, a purchase) on the contact's timeline."""
    access = access_of(request)
    contact = queries.get_contact(access.workspace, contact_id)
    entry = actions.record_timeline_event(
        access,
        contact,
        payload.kind,
        payload.title,
        app=payload.app,
        data=payload.data,
        at=payload.at,
    )
    return Status(201, entry)


@contacts.post(
    f"{CONTACT}/merge",
    response=answers({200: ContactOut}, 400, 403, 404, 422),
    summary="Merge a duplicate into this contact",
)
def merge_contacts(request: HttpRequest, contact_id: int, payload: MergeIn) -> Contact:
    """Fill blanks from the duplicate, unite tags, keep the latest consents, then delete it."""
    access = access_of(request)
    keep = queries.get_contact(access.workspace, contact_id)
    duplicate = queries.contact_or_none(access.workspace, payload.duplicate_id)
    if duplicate is None:
        raise ValidationError({"duplicate_id": ["No contact with this id in this workspace."]})
    return actions.merge_contacts(access, keep, duplicate)


@contacts.get(
    f"{CONTACT}/export", response=answers({200: GdprExport}, 403, 404), summary="GDPR export"
)
def export_contact(request: HttpRequest, contact_id: int) -> dict[str, Any]:
    """Return everything Accord holds about the contact (right of access)."""
    contact = queries.get_contact(_access(request, Perm.CONTACTS_EXPORT).workspace, contact_id)
    return queries.gdpr_export(contact)


@contacts.post(
    f"{CONTACT}/erase", response=answers({200: ContactOut}, 403, 404), summary="GDPR erasure"
)
def erase_contact(request: HttpRequest, contact_id: int) -> Contact:
    """Remove the contact's personal data, keep its anonymised history; twice is a no-op."""
    access = access_of(request)
    return actions.erase_contact(access, queries.get_contact(access.workspace, contact_id))


# Companies --------------------------------------------------------------------------------


@companies.get("", response=answers({200: CompanyPage}, 403, 422), summary="List companies")
def list_companies(request: HttpRequest, filters: Query[CompanyQuery]) -> Page[Company]:
    """List companies by name; `q` keeps those whose name contains it."""
    found = queries.search_companies(_access(request).workspace, filters.q)
    return paginate(found, filters.cursor, filters.limit, key="name")


@companies.post("", response=answers({201: CompanyOut}, 400, 403, 422), summary="Create a company")
def create_company(request: HttpRequest, payload: CompanyIn) -> Status[Company]:
    """Create a company; its name is unique in the workspace, whatever its case."""
    values = payload.model_dump(exclude_unset=True)
    return Status(201, actions.create_company(access_of(request), values))


@companies.get(COMPANY, response=answers({200: CompanyOut}, 403, 404), summary="Read a company")
def get_company(request: HttpRequest, company_id: int) -> Company:
    """Return one company."""
    return queries.get_company(_access(request).workspace, company_id)


@companies.patch(
    COMPANY, response=answers({200: CompanyOut}, 400, 403, 404, 422), summary="Update a company"
)
def update_company(request: HttpRequest, company_id: int, payload: CompanyPatch) -> Company:
    """Change the fields sent."""
    access = access_of(request)
    company = queries.get_company(access.workspace, company_id)
    return actions.update_company(access, company, payload.model_dump(exclude_unset=True))


@companies.delete(COMPANY, response=answers({204: None}, 403, 404), summary="Delete a company")
def delete_company(request: HttpRequest, company_id: int) -> Status[None]:
    """Delete a company; its contacts are kept, without a company."""
    access = access_of(request)
    actions.delete_company(access, queries.get_company(access.workspace, company_id))
    return Status(204, None)


# Tags and properties ----------------------------------------------------------------------


@catalog.get("/tags", response=answers({200: list[TagCountOut]}, 403), summary="List tags")
def list_tags(request: HttpRequest) -> list[TagCount]:
    """Return every tag with its number of contacts, by name."""
    return queries.tag_counts(_access(request).workspace)


@catalog.get(
    "/properties", response=answers({200: list[PropertyOut]}, 403), summary="List properties"
)
def list_properties(request: HttpRequest) -> list[PropertyDefinition]:
    """Return the declared custom contact properties, by key."""
    return list(queries.property_definitions(_access(request).workspace))


@catalog.post(
    "/properties",
    response=answers({201: PropertyOut}, 400, 403, 422),
    summary="Declare a property",
)
def define_property(request: HttpRequest, payload: PropertyIn) -> Status[PropertyDefinition]:
    """Declare a custom contact property; contacts then accept `properties.KEY`."""
    definition = actions.define_property(
        access_of(request), payload.key, payload.label, payload.type, payload.choices
    )
    return Status(201, definition)


# Imports ----------------------------------------------------------------------------------

IMPORT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "The CSV file (UTF-8, Windows-1252 or Latin-1), "
                        "at most 200 MB, column names on the first line.",
                    },
                    "mapping": {
                        "type": "string",
                        "description": 'Optional JSON object {"CSV column": "field"}; a field '
                        'is email, first_name…, tags, properties.KEY or "ignore".',
                    },
                },
            }
        }
    },
}
CSV_RESPONSE = {
    200: {
        "description": "The rejected rows, each with its reason.",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@imports.get("", response=answers({200: ImportJobPage}, 403, 422), summary="List imports")
def list_imports(request: HttpRequest, page: Query[PageQuery]) -> Page[ImportJob]:
    """List CSV imports, newest first."""
    jobs = queries.import_jobs(_access(request).workspace)
    return paginate(jobs, page.cursor, page.limit)


@imports.post(
    "",
    response=answers({202: ImportJobOut}, 400, 403, 413, 422),
    summary="Start a CSV import",
    openapi_extra={"requestBody": IMPORT_BODY},
)
def start_import(request: HttpRequest) -> Status[ImportJob]:
    """Upload a CSV (multipart) and queue its import; follow it at /imports/{id}."""
    access = _access(request, Perm.CONTACTS_IMPORT)  # before a byte of the upload is stored
    upload, mapping = _import_upload(request)
    staged = stage_upload(access.workspace, upload)
    try:
        job = actions.start_import(access, staged.path, staged.file_name, mapping or None)
    except Exception:
        staged.path.unlink(missing_ok=True)
        raise
    if Path(job.path) != staged.path.resolve():
        staged.path.unlink(missing_ok=True)  # start_import keeps its own copy of the file
    return Status(202, job)


def _import_upload(request: HttpRequest) -> tuple["UploadedFile[Any]", dict[str, str]]:
    """Read the multipart body, refusing an oversized one before parsing it."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD:
        raise HttpError(413, f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
    upload = request.FILES.get("file")
    if upload is None or not upload.size:
        raise ValidationError({"file": ["Attach a non-empty CSV file as the 'file' field."]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise HttpError(413, f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
    return upload, _mapping(request.POST.get("mapping", ""))


def _mapping(raw: str) -> dict[str, str]:
    if not raw.strip():
        return {}
    try:
        mapping = json.loads(raw)
    except ValueError:
        mapping = None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ValidationError({"mapping": ['Give a JSON object {"CSV column": "field"}.']})
    return mapping


@imports.get(JOB, response=answers({200: ImportJobOut}, 403, 404), summary="Follow an import")
def get_import(request: HttpRequest, job_id: int) -> ImportJob:
    """Return an import's status, progress and counters."""
    return queries.get_import_job(_access(request).workspace, job_id)


@imports.get(
    f"{JOB}/errors",
    response=answers({}, 403, 404),
    summary="Download an import's rejected rows",
    openapi_extra={"responses": CSV_RESPONSE},
)
def import_errors(request: HttpRequest, job_id: int) -> FileResponse:
    """Return the rejected rows as CSV, each with its reason; 404 when none were rejected."""
    job = queries.get_import_job(_access(request, Perm.CONTACTS_IMPORT).workspace, job_id)
    path = Path(job.error_report) if job.error_report else None
    if path is None or not path.is_file():
        raise Http404("This import has no error report.")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"import-{job.pk}-errors.csv",
        content_type="text/csv",
    )


router.add_router("/contacts", contacts)
router.add_router("/companies", companies)
router.add_router("/", catalog)
router.add_router("/imports", imports)
