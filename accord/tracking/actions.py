"""Every write of tracking: sites and salts, hits into the warehouse, links, forms, submissions."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.models import Workspace
from accord.accounts.roles import Perm
from accord.contacts import actions as contact_actions
from accord.contacts import queries as contact_queries
from accord.contacts.models import ConsentPurpose, Contact
from accord.tracking import queries
from accord.tracking.hits import Hit, Identity, Visitor, build_event, utms_of, with_utms
from accord.tracking.models import (
    DailySalt,
    FormSubmission,
    LeadForm,
    RejectedHits,
    TrackedLink,
    TrackingSite,
)
from accord.tracking.origins import normalise_domains
from accord.warehouse.actions import IngestResult, ingest_events, stitch_identity

logger = logging.getLogger(__name__)

STANDARD_FORM_FIELDS = ("email", "first_name", "last_name", "phone", "company")
PROPERTY_PREFIX = "properties."


def utc_today() -> date:
    """Today in UTC: the day a salt (and so a cookieless visitor id) lives."""
    return datetime.now(UTC).date()


# --- Cookieless visitors -------------------------------------------------------------------


def daily_salt(day: date) -> str:
    """Return the secret salt of ``day``, creating it on first use.

    Creating a day's salt deletes every earlier salt, so yesterday's hashes can never be
    recomputed (Plausible's scheme). Note: one query, two more when the day's salt is new.
    """
    value = DailySalt.objects.filter(day=day).values_list("value", flat=True).first()
    return value if value is not None else _create_salt(day)


@transaction.atomic
def _create_salt(day: date) -> str:
    salt, created = DailySalt.objects.get_or_create(
        day=day, defaults={"value": secrets.token_hex(32)}
    )
    if created:
        DailySalt.objects.filter(day__lt=day).delete()
    return salt.value


def visitor_hash(site_key: str, visitor: Visitor, day: date | None = None) -> str:
    """Identify a browser for one day without storing anything on it.

    HMAC-SHA-256 keyed by the day's salt over (site key, IP, user agent), cut to 32 hex
    characters. ``day`` defaults to today in UTC; tests pass it to freeze the day.
    """
    salt = daily_salt(day or utc_today())
    message = f"{site_key}\n{visitor.ip}\n{visitor.user_agent}".encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).hexdigest()[:32]


def proof_ip_hash(ip: str) -> str:
    """A stable keyed hash of an IP address, kept with a consent proof instead of the address."""
    key = f"accord-consent-proof:{settings.SECRET_KEY}".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


# --- Sites and hits ------------------------------------------------------------------------


def _new_token(model: type[TrackingSite | TrackedLink | LeadForm], field: str, size: int) -> str:
    for _attempt in range(8):
        token = secrets.token_urlsafe(size)
        if not model._default_manager.filter(**{field: token}).exists():
            return token
    raise RuntimeError(f"Could not draw a free {model.__name__}.{field}.")


def ensure_site(workspace: Workspace) -> TrackingSite:
    """Return the workspace's tracking site, creating it with a fresh key and no domains."""
    site, _created = TrackingSite.objects.get_or_create(
        workspace=workspace, defaults={"key": _new_token(TrackingSite, "key", 12)}
    )
    return site


@transaction.atomic
def save_site(access: WorkspaceAccess, domains: Sequence[str]) -> TrackingSite:
    """Set the domains allowed to send events and frame forms (creating the site key if new)."""
    access.require(Perm.CONTACTS_EDIT)
    try:
        cleaned = normalise_domains(domains)
    except ValidationError as exc:
        raise ValidationError({"allowed_domains": exc.messages}) from None
    site = ensure_site(access.workspace)
    before = {"allowed_domains": list(site.allowed_domains)}
    if cleaned != site.allowed_domains:
        site.allowed_domains = cleaned
        site.save(update_fields=["allowed_domains", "updated_at"])
    after = {"allowed_domains": cleaned}
    record_audit(access.actor, access.workspace, "tracking.site.save", site, before, after)
    return site


def record_rejection(workspace: Workspace, reason: str, day: date | None = None) -> None:
    """Count one hit refused before it reached the warehouse (bad origin, bad input…)."""
    day = day or utc_today()
    counter = RejectedHits.objects.filter(workspace=workspace, day=day, reason=reason)
    if counter.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            RejectedHits.objects.create(workspace=workspace, day=day, reason=reason, count=1)
    except IntegrityError:  # another request created the row first
        counter.update(count=F("count") + 1)


def ingest_hit(site: TrackingSite, hit: Hit, visitor: Visitor, *, source: str) -> IngestResult:
    """Turn a hit into a warehouse event and store it; durable once this returns.

    The visitor is the consented first-party id when the snippet sent one, else the day's
    cookieless hash; a pixel's contact uid (``c``) names the contact when it is this
    workspace's. Note: one or two queries (salt, contact), then the warehouse write.
    """
    cookieless = visitor_hash(site.key, visitor)
    contact_id = queries.contact_pk(site.workspace, hit.contact_uid) if hit.contact_uid else None
    identity = Identity(hit.first_party_id or cookieless, cookieless, contact_id)
    event = build_event(hit, identity, visitor, timezone.now())
    return ingest_events(site.workspace, [event], source=source)


# --- Tracked links -------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkSpec:
    """What a person asks for when creating a tracked link."""

    destination: str
    campaign: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_content: str = ""
    utm_term: str = ""


def check_destination(url: str) -> str:
    """Return ``url`` trimmed if it is an absolute http(s) address; else raise ValidationError.

    ``javascript:``, ``data:``, relative and credential-carrying URLs are refused.
    """
    url = url.strip()
    message = _("Enter a full address starting with http:// or https://.")
    try:
        URLValidator(schemes=["http", "https"])(url)
        parts = urlsplit(url)
    except ValueError:
        raise ValidationError(message) from None
    except ValidationError:
        raise ValidationError(message) from None
    if parts.username or parts.password or len(url) > 2000:
        raise ValidationError(message)
    return url


@transaction.atomic
def create_link(access: WorkspaceAccess, spec: LinkSpec) -> TrackedLink:
    """Create a short tracked link to ``spec.destination`` (http or https only)."""
    access.require(Perm.CONTACTS_EDIT)
    try:
        destination = check_destination(spec.destination)
    except ValidationError as exc:
        raise ValidationError({"destination": exc.messages}) from None
    ensure_site(access.workspace)
    values = {k: " ".join(v.split())[:100] for k, v in asdict(spec).items() if k.startswith("utm")}
    link = TrackedLink.objects.create(
        workspace=access.workspace,
        code=_new_token(TrackedLink, "code", 6),
        destination=destination,
        campaign=" ".join(spec.campaign.split())[:200],
        created_by=access.actor.user,
        **values,
    )
    after = {"code": link.code, "destination": destination, "campaign": link.campaign, **values}
    record_audit(access.actor, access.workspace, "tracking.link.create", link, None, after)
    return link


def follow_link(link: TrackedLink, visitor: Visitor, *, referrer: str, contact_uid: str) -> str:
    """Log a click on a tracked link and return where to send the browser.

    The click counter ignores bots; a failing event store is logged, never shown to the
    visitor, who is still redirected.
    """
    hit = Hit(
        kind="click",
        url=link.destination,
        referrer=referrer,
        properties={"link": link.code, "campaign": link.campaign},
        contact_uid=contact_uid,
        utms={**utms_of(link.destination), **link.utms},
    )
    try:
        ingest_hit(ensure_site(link.workspace), hit, visitor, source="link")
    except Exception:
        logger.exception("Could not log a click on tracked link %s", link.code)
    if not visitor.bot:
        TrackedLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
    return with_utms(link.destination, link.utms)


# --- Lead-capture forms --------------------------------------------------------------------


@dataclass(frozen=True)
class LeadFormSpec:
    """A lead form's settings as a person edits them."""

    name: str
    fields: tuple[str, ...] = ("email",)
    language: str = "fr"
    consent_purpose: str = ConsentPurpose.EMAIL_MARKETING.value
    consent_required: bool = False
    consent_text_fr: str = ""
    consent_text_en: str = ""
    success_message_fr: str = ""
    success_message_en: str = ""
    redirect_url: str = ""


def _check_form_spec(workspace: Workspace, spec: LeadFormSpec) -> dict[str, Any]:
    """Validate a form spec; return the model values; raise ValidationError per field."""
    errors: dict[str, list[str]] = {}
    allowed = {*STANDARD_FORM_FIELDS, *queries.property_targets(workspace)}
    if "email" not in spec.fields:
        errors["fields"] = [_("A form needs the email field.")]
    elif set(spec.fields) - allowed or len(set(spec.fields)) != len(spec.fields):
        errors["fields"] = [_("Choose contact fields or declared properties, each once.")]
    if not spec.name.strip():
        errors["name"] = [_("Give the form a name.")]
    if spec.language not in {"fr", "en"}:
        errors["language"] = [_("Choose French or English.")]
    if spec.consent_purpose not in ConsentPurpose.values:
        errors["consent_purpose"] = [_("Choose a consent purpose.")]
    if spec.consent_required and not (spec.consent_text_fr or spec.consent_text_en).strip():
        errors["consent_text_fr"] = [_("A required consent needs its wording.")]
    if spec.redirect_url:
        try:
            check_destination(spec.redirect_url)
        except ValidationError as exc:
            errors["redirect_url"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {**asdict(spec), "name": spec.name.strip()[:100], "fields": list(spec.fields)}


def _name_taken(workspace: Workspace, name: str, exclude: int | None) -> bool:
    forms = LeadForm.objects.filter(workspace=workspace, name=name.strip())
    if exclude is not None:
        forms = forms.exclude(pk=exclude)
    return forms.exists()


@transaction.atomic
def create_lead_form(access: WorkspaceAccess, spec: LeadFormSpec) -> LeadForm:
    """Create an embeddable lead form (the email field is mandatory)."""
    access.require(Perm.CONTACTS_EDIT)
    values = _check_form_spec(access.workspace, spec)
    if _name_taken(access.workspace, spec.name, None):
        raise ValidationError({"name": [_("Another form already has this name.")]})
    ensure_site(access.workspace)
    form = LeadForm.objects.create(
        workspace=access.workspace,
        public_id=_new_token(LeadForm, "public_id", 9),
        created_by=access.actor.user,
        **values,
    )
    record_audit(access.actor, access.workspace, "tracking.form.create", form, None, values)
    return form


@transaction.atomic
def update_lead_form(access: WorkspaceAccess, form: LeadForm, spec: LeadFormSpec) -> LeadForm:
    """Change a lead form's settings; any change bumps ``version`` (named in consent proofs)."""
    access.require(Perm.CONTACTS_EDIT)
    if form.workspace_id != access.workspace.pk:
        raise LeadForm.DoesNotExist("Form not found in this workspace.")
    values = _check_form_spec(access.workspace, spec)
    if _name_taken(access.workspace, spec.name, form.pk):
        raise ValidationError({"name": [_("Another form already has this name.")]})
    before = {name: getattr(form, name) for name in values}
    changed = [name for name, value in values.items() if before[name] != value]
    if not changed:
        return form
    for name in changed:
        setattr(form, name, values[name])
    form.version += 1
    form.save(update_fields=[*changed, "version", "updated_at"])
    after = {name: values[name] for name in changed}
    before = {name: before[name] for name in changed}
    record_audit(access.actor, access.workspace, "tracking.form.update", form, before, after)
    return form


@dataclass(frozen=True)
class LeadSubmission:
    """What a visitor sent through a lead form, keyed by field target (``properties.KEY``)."""

    values: Mapping[str, str]
    consent: bool
    language: str
    visitor: Visitor
    first_party_id: str = ""
    page_url: str = ""


def scrub_submissions(contact: Contact) -> int:
    """Blank the browser facts kept with a contact's submissions (GDPR erasure); return count.

    The form, its version, the time and the consent wording stay: they are not personal data
    and still say what was agreed. contacts.erase_contact should call this.
    """
    rows = FormSubmission.objects.filter(contact=contact)
    return rows.update(ip_hash="", user_agent="", anonymous_ids=[])


def count_bot_submission(form: LeadForm) -> None:
    """Count a submission refused as a bot (honeypot filled); nothing else is stored."""
    LeadForm.objects.filter(pk=form.pk).update(bot_submissions=F("bot_submissions") + 1)


@transaction.atomic
def submit_lead_form(form: LeadForm, submission: LeadSubmission) -> Contact:
    """Create or update the contact by email, record consent with its proof, log the submission.

    Raises ValidationError keyed by field target when a value is refused (nothing is stored).
    After commit: a ``form_submit`` event reaches the warehouse and the visitor's earlier
    anonymous events (cookieless hash of today, consented first-party id) are stitched.
    """
    access = WorkspaceAccess.system(form.workspace, f"form:{form.name}")
    contact = _upsert_contact(access, form, submission)
    at = timezone.now()
    text = form.consent_text(submission.language) if submission.consent else ""
    ids = _anonymous_ids(form, submission)
    proof = _store_proof(form, contact, submission, text, at, ids)
    if text:
        contact_actions.set_consent(
            access,
            contact,
            form.consent_purpose,
            True,
            source=f"form:{form.name}"[:100],
            proof=json.dumps(proof, ensure_ascii=False, sort_keys=True),
            at=at,
        )
    contact_actions.append_timeline(
        contact,
        "form.submitted",
        f"Form submitted: {form.name}",
        app="tracking",
        data={"form": form.public_id, "form_name": form.name, "consent": bool(text)},
        at=at,
        actor_label=access.actor.label,
    )
    LeadForm.objects.filter(pk=form.pk).update(submissions=F("submissions") + 1)
    transaction.on_commit(partial(_log_submission, form, contact.pk, submission, at, ids))
    return contact


def _contact_values(submission: LeadSubmission) -> dict[str, Any]:
    """Map submitted values to contact fields; blanks are dropped so they never erase data."""
    values: dict[str, Any] = {}
    properties: dict[str, str] = {}
    for target, raw in submission.values.items():
        value = raw.strip()
        if not value:
            continue
        if target.startswith(PROPERTY_PREFIX):
            properties[target.removeprefix(PROPERTY_PREFIX)] = value
        else:
            values[target] = value
    if properties:
        values["properties"] = properties
    return values


def _upsert_contact(access: WorkspaceAccess, form: LeadForm, submission: LeadSubmission) -> Contact:
    values = _contact_values(submission)
    existing = contact_queries.contact_by_email(form.workspace, values.get("email", ""))
    if existing is not None:
        return contact_actions.update_contact(access, existing, values)
    new = {**values, "source": f"form:{form.name}"[:100], "language": submission.language}
    try:
        with transaction.atomic():
            return contact_actions.create_contact(access, new)
    except IntegrityError:  # the same email arrived concurrently: update that contact
        existing = contact_queries.contact_by_email(form.workspace, values["email"])
        if existing is None:
            raise
        return contact_actions.update_contact(access, existing, values)


def _store_proof(
    form: LeadForm,
    contact: Contact,
    submission: LeadSubmission,
    text: str,
    at: datetime,
    anonymous_ids: list[str],
) -> dict[str, Any]:
    """Keep the submission with what was shown and agreed; return the proof as data."""
    record = FormSubmission.objects.create(
        form=form,
        contact=contact,
        at=at,
        form_version=form.version,
        language=submission.language,
        consent_given=bool(text),
        consent_text=text,
        ip_hash=proof_ip_hash(submission.visitor.ip),
        user_agent=submission.visitor.user_agent[:500],
        anonymous_ids=anonymous_ids,
    )
    return {
        "submission": record.pk,
        "form": form.public_id,
        "form_name": form.name,
        "form_version": form.version,
        "language": submission.language,
        "text": text,
        "at": at.isoformat(),
        "ip_hash": record.ip_hash,
        "user_agent": record.user_agent,
    }


def _anonymous_ids(form: LeadForm, submission: LeadSubmission) -> list[str]:
    """Today's cookieless id of this browser, and its first-party id when it consented."""
    site = ensure_site(form.workspace)
    ids = [visitor_hash(site.key, submission.visitor)]
    if submission.first_party_id and submission.first_party_id not in ids:
        ids.append(submission.first_party_id)
    return ids


def _log_submission(
    form: LeadForm, contact_id: int, submission: LeadSubmission, at: datetime, ids: list[str]
) -> None:
    """Send the form_submit event and stitch the visitor's anonymous ids (after commit)."""
    hit = Hit(
        kind="form_submit",
        url=submission.page_url,
        properties={"form": form.public_id, "form_name": form.name},
        utms=utms_of(submission.page_url),
    )
    event = build_event(hit, Identity(ids[-1], ids[0], contact_id), submission.visitor, at)
    try:
        ingest_events(form.workspace, [event], source="form")
        for anonymous_id in ids:
            stitch_identity(form.workspace, anonymous_id, contact_id)
    except Exception:
        logger.exception("Could not log form %s's submission to the warehouse", form.public_id)
