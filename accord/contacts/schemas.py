"""Request and response bodies of the contacts API; inputs refuse unknown fields."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field, StringConstraints

from accord.contacts.models import Contact, ImportJob, TimelineEntry
from accord.contacts.queries import ContactFilter

PropertyValue = str | int | float | bool | None
TagName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
PURPOSES = "email_marketing, sms or tracking"


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


# Every time the API answers is in UTC, whatever time zone it was given in.
Timestamp = Annotated[datetime, AfterValidator(_in_utc)]


class Input(Schema):
    """A request body: a field the API does not know is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


# Errors -----------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code: str = Field(
        description="invalid, bad_request, unauthenticated, forbidden, not_found, "
        "method_not_allowed, too_large, rate_limited or server_error.",
        examples=["invalid"],
    )
    message: str = Field(examples=["The request is invalid."])
    fields: dict[str, list[str]] = Field(
        description="Messages by field name; empty when no field is to blame.",
        examples=[{"email": ["'nope' is not a valid email address."]}],
    )


class ErrorOut(Schema):
    error: ErrorDetail


# Paging -----------------------------------------------------------------------------------


class PageQuery(Schema):
    cursor: str | None = Field(None, description="The next_cursor of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Items per page, 1 to 200.")


class ContactQuery(PageQuery):
    q: str = Field("", description="Words matched in email, names and company name.")
    tag: str = Field("", description="Only contacts with this tag.")
    company: str = Field("", description="Only contacts of this company (name, any case).")
    consent: str = Field("", description=f"Only contacts who granted this purpose: {PURPOSES}.")
    language: str = Field("", description="fr or en.")

    def as_filter(self) -> ContactFilter:
        return ContactFilter(
            q=self.q,
            tag=self.tag,
            company=self.company,
            consent=self.consent,
            language=self.language,
        )


class CompanyQuery(PageQuery):
    q: str = Field("", description="Part of the company name.")


# Contacts ---------------------------------------------------------------------------------


class ContactIn(Input):
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    language: str = Field("", description="fr or en; 'français', 'EN-gb'… are understood.")
    company: str = Field("", description="Company name; a new name creates the company.")
    tags: list[TagName] = []
    source: str = Field("", description="Where the contact comes from (form, event…).")
    properties: dict[str, PropertyValue] = Field(
        {}, description="Values of declared properties (see /properties), by key."
    )


class ContactPatch(Input):
    """Only the fields sent change; ``tags`` replaces the set, ``properties`` merge (null drops)."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    language: str | None = None
    company: str | None = Field(None, description="Company name; empty or null unlinks.")
    tags: list[TagName] | None = None
    source: str | None = None
    properties: dict[str, PropertyValue] | None = None


class CompanyRef(Schema):
    id: int
    name: str


class ContactOut(Schema):
    id: int
    uid: UUID
    email: str
    first_name: str
    last_name: str
    phone: str
    language: str
    company: CompanyRef | None
    tags: list[str]
    source: str
    properties: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp
    erased_at: Timestamp | None

    @staticmethod
    def resolve_tags(obj: Contact) -> list[str]:
        """Read the tags; uses the prefetch cache when the list prefetched them."""
        return sorted(tag.name for tag in obj.tags.all())


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class TagsIn(Input):
    tags: list[TagName] = Field(min_length=1)


class TagsOut(Schema):
    tags: list[str] = Field(description="All the contact's tags, sorted.")


class MergeIn(Input):
    duplicate_id: int = Field(description="The contact merged into this one, then deleted.")


# Consent and timeline ---------------------------------------------------------------------


class ConsentIn(Input):
    purpose: str = Field(description=PURPOSES)
    granted: bool
    source: str = Field(min_length=1, max_length=100, description="Form, import, phone call…")
    proof: str = Field("", description="What shows the decision: form URL, IP, message id…")
    at: AwareDatetime | None = Field(None, description="When it was decided; default now.")


class ConsentOut(Schema):
    purpose: str
    granted: bool
    at: Timestamp
    source: str
    proof: str


class TimelineEntryIn(Input):
    kind: str = Field(
        min_length=1, max_length=50, pattern=r"^[a-z0-9][a-z0-9_.:-]*$", examples=["ticket.opened"]
    )
    title: str = Field(min_length=1, max_length=300)
    app: str = Field("api", min_length=1, max_length=30, description="The tool that reports it.")
    data: dict[str, Any] = {}
    at: AwareDatetime | None = Field(None, description="When it happened; default now.")


class TimelineEntryOut(Schema):
    id: int
    at: Timestamp
    kind: str
    app: str
    title: str
    data: dict[str, Any]
    actor: str

    @staticmethod
    def resolve_actor(obj: TimelineEntry) -> str:
        return obj.actor_label


class TimelinePage(Schema):
    items: list[TimelineEntryOut]
    next_cursor: str | None


# GDPR export ------------------------------------------------------------------------------


class ExportedContact(Schema):
    id: int
    uid: UUID
    email: str
    first_name: str
    last_name: str
    phone: str
    language: str
    company: str | None
    source: str
    owner: str | None
    properties: dict[str, Any]
    created_at: Timestamp
    updated_at: Timestamp


class ExportedEntry(Schema):
    at: Timestamp
    kind: str
    app: str
    title: str
    data: dict[str, Any]
    actor: str


class GdprExport(Schema):
    contact: ExportedContact
    tags: list[str]
    consents: list[ConsentOut]
    timeline: list[ExportedEntry]


# Companies, tags, properties --------------------------------------------------------------


class CompanyIn(Input):
    name: str
    domain: str = ""
    industry: str = ""
    city: str = ""
    country: str = Field("", description="ISO 3166 two-letter code, e.g. FR.")


class CompanyPatch(Input):
    name: str | None = None
    domain: str | None = None
    industry: str | None = None
    city: str | None = None
    country: str | None = None


class CompanyOut(Schema):
    id: int
    name: str
    domain: str
    industry: str
    city: str
    country: str
    created_at: Timestamp
    updated_at: Timestamp


class CompanyPage(Schema):
    items: list[CompanyOut]
    next_cursor: str | None


class TagCountOut(Schema):
    name: str
    contacts: int


class PropertyIn(Input):
    key: str = Field(description="Lower-case slug used in properties.KEY, e.g. company_size.")
    label: str
    type: Literal["text", "number", "boolean", "date", "choice"] = "text"
    choices: list[str] = Field([], description="The allowed values, for type choice only.")


class PropertyOut(Schema):
    key: str
    label: str
    type: str
    choices: list[str]


# Imports ----------------------------------------------------------------------------------


class ImportJobOut(Schema):
    id: int
    file_name: str
    status: str = Field(description="queued, running, done or failed.")
    progress: int = Field(description="Percent of the file read.")
    total_bytes: int
    processed_bytes: int
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    error: str = Field(description="Why the whole import failed; empty otherwise.")
    has_error_report: bool = Field(description="Rejected rows can be read at /imports/{id}/errors.")
    mapping: dict[str, Any]
    created_at: Timestamp
    finished_at: Timestamp | None

    @staticmethod
    def resolve_has_error_report(obj: ImportJob) -> bool:
        return bool(obj.error_report)


class ImportJobPage(Schema):
    items: list[ImportJobOut]
    next_cursor: str | None
