"""Every write to the CRM: contacts, companies, tags, properties, consent, timeline, merge, GDPR."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit, scrub_audit
from accord.accounts.roles import Perm
from accord.contacts.fields import (
    CONTACT_FIELDS,
    clean_contact_fields,
    contact_snapshot,
    normalise_email,
)
from accord.contacts.models import (
    Company,
    Consent,
    ConsentPurpose,
    Contact,
    ContactTag,
    PropertyDefinition,
    PropertyType,
    Tag,
    TimelineEntry,
)


def append_timeline(
    contact: Contact,
    kind: str,
    title: str,
    *,
    app: str = "contacts",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    actor_label: str = "",
) -> TimelineEntry:
    """Append an entry to a contact's timeline; other apps call this, never the model."""
    return TimelineEntry.objects.create(
        workspace_id=contact.workspace_id,
        contact=contact,
        kind=kind,
        app=app,
        title=title[:300],
        data=dict(data or {}),
        at=at or timezone.now(),
        actor_label=actor_label,
    )


def append_timeline_bulk(
    workspace_id: int,
    contact_ids: Iterable[int],
    kind: str,
    title: str,
    *,
    app: str = "contacts",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append the same entry to many contacts' timelines in batched inserts; return how many.

    For set-based writers (segments, workflows): no query per contact. The caller checks that
    the contacts belong to the workspace.
    """
    when = at or timezone.now()
    entries = [
        TimelineEntry(
            workspace_id=workspace_id,
            contact_id=contact_id,
            kind=kind,
            app=app,
            title=title[:300],
            data=dict(data or {}),
            at=when,
        )
        for contact_id in contact_ids
    ]
    TimelineEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def ensure_tags(workspace_id: int, names: Iterable[str]) -> dict[str, Tag]:
    """Return the workspace's tags by name, creating missing ones in one bulk insert."""
    wanted = {n.strip()[:64] for n in names if n.strip()}
    if not wanted:
        return {}
    Tag.objects.bulk_create(
        [Tag(workspace_id=workspace_id, name=n) for n in wanted], ignore_conflicts=True
    )
    return {t.name: t for t in Tag.objects.filter(workspace_id=workspace_id, name__in=wanted)}


def ensure_company(workspace_id: int, name: str) -> Company | None:
    """Find a company by case-insensitive name or create it; a blank name gives None."""
    name = name.strip()[:200]
    if not name:
        return None
    existing = Company.objects.filter(workspace_id=workspace_id, name__iexact=name).first()
    return existing or Company.objects.create(workspace_id=workspace_id, name=name)


def _set_tags(contact: Contact, names: Iterable[str]) -> None:
    tags = ensure_tags(contact.workspace_id, names)
    ContactTag.objects.filter(contact=contact).exclude(tag__in=tags.values()).delete()
    ContactTag.objects.bulk_create(
        [ContactTag(contact=contact, tag=t) for t in tags.values()], ignore_conflicts=True
    )


@transaction.atomic
def create_contact(access: WorkspaceAccess, values: Mapping[str, Any]) -> Contact:
    """Create a contact from field values (email required); raises ValidationError per field."""
    access.require(Perm.CONTACTS_EDIT)
    fields = clean_contact_fields(access.workspace, values, partial=False)
    email = fields["email"]
    if Contact.objects.filter(workspace=access.workspace, email=email).exists():
        raise ValidationError({"email": f"A contact with email {email} already exists."})
    contact = Contact(workspace=access.workspace)
    _apply_fields(contact, fields)
    contact.save()
    if "tags" in fields:
        _set_tags(contact, fields["tags"])
    after = contact_snapshot(contact)
    record_audit(access.actor, access.workspace, "contact.create", contact, None, after)
    append_timeline(contact, "contact.created", "Contact created", actor_label=access.actor.label)
    return contact


def _apply_fields(contact: Contact, fields: Mapping[str, Any]) -> list[str]:
    """Copy cleaned fields onto the instance; return the model fields that changed."""
    changed = []
    for name in CONTACT_FIELDS:
        if name in fields and getattr(contact, name) != fields[name]:
            setattr(contact, name, fields[name])
            changed.append(name)
    if "company" in fields:
        company = ensure_company(contact.workspace_id, fields["company"] or "")
        if contact.company_id != (company.pk if company else None):
            contact.company = company
            changed.append("company")
    if "properties" in fields:
        merged = {**contact.properties, **fields["properties"]}
        merged = {k: v for k, v in merged.items() if v is not None}
        if merged != contact.properties:
            contact.properties = merged
            changed.append("properties")
    return changed


@transaction.atomic
def update_contact(access: WorkspaceAccess, contact: Contact, values: Mapping[str, Any]) -> Contact:
    """Change some fields of a contact; ``tags`` replaces the tag set; properties merge."""
    access.require(Perm.CONTACTS_EDIT)
    _check_editable(access, contact)
    fields = clean_contact_fields(access.workspace, values, partial=True)
    if "email" in fields and fields["email"] != contact.email:
        taken = Contact.objects.filter(workspace=access.workspace, email=fields["email"])
        if taken.exclude(pk=contact.pk).exists():
            raise ValidationError(
                {"email": f"A contact with email {fields['email']} already exists."}
            )
    before = contact_snapshot(contact)
    changed = _apply_fields(contact, fields)
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    if "tags" in fields:
        _set_tags(contact, fields["tags"])
    after = contact_snapshot(contact)
    if after != before:
        record_audit(access.actor, access.workspace, "contact.update", contact, before, after)
        append_timeline(
            contact,
            "contact.updated",
            "Contact updated",
            data={"fields": sorted(k for k in after if after[k] != before.get(k))},
            actor_label=access.actor.label,
        )
    return contact


@transaction.atomic
def delete_contact(access: WorkspaceAccess, contact: Contact) -> None:
    """Delete a contact and its timeline (use erase_contact to keep anonymised history)."""
    access.require(Perm.CONTACTS_ERASE)
    _check_workspace(access, contact)
    before = contact_snapshot(contact)
    record_audit(access.actor, access.workspace, "contact.delete", contact, before, None)
    contact.delete()


@transaction.atomic
def add_tags(access: WorkspaceAccess, contact: Contact, names: Iterable[str]) -> list[str]:
    """Add tags to a contact, keeping the ones it has; return its sorted tag names."""
    access.require(Perm.CONTACTS_EDIT)
    _check_editable(access, contact)
    tags = ensure_tags(contact.workspace_id, names)
    ContactTag.objects.bulk_create(
        [ContactTag(contact=contact, tag=t) for t in tags.values()], ignore_conflicts=True
    )
    record_audit(
        access.actor, access.workspace, "contact.tag", contact, None, {"added": sorted(tags)}
    )
    return sorted(contact.tags.values_list("name", flat=True))


@transaction.atomic
def remove_tags(access: WorkspaceAccess, contact: Contact, names: Iterable[str]) -> list[str]:
    """Remove tags from a contact; unknown names are ignored; return its sorted tag names."""
    access.require(Perm.CONTACTS_EDIT)
    _check_workspace(access, contact)
    names = list(names)
    ContactTag.objects.filter(contact=contact, tag__name__in=names).delete()
    record_audit(
        access.actor, access.workspace, "contact.untag", contact, None, {"removed": sorted(names)}
    )
    return sorted(contact.tags.values_list("name", flat=True))


@transaction.atomic
def set_consent(
    access: WorkspaceAccess,
    contact: Contact,
    purpose: str,
    granted: bool,
    *,
    source: str,
    proof: str = "",
    at: datetime | None = None,
) -> Consent:
    """Record a consent decision for one purpose, with its source and proof, on the timeline."""
    access.require(Perm.CONTACTS_EDIT)
    _check_editable(access, contact)
    if purpose not in ConsentPurpose.values:
        raise ValidationError(
            {"purpose": f"Unknown purpose {purpose!r}; use one of {ConsentPurpose.values}."}
        )
    if not source.strip():
        raise ValidationError({"source": "A consent needs its source (form, import, phone…)."})
    at = at or timezone.now()
    previous = Consent.objects.filter(contact=contact, purpose=purpose).first()
    consent, _ = Consent.objects.update_or_create(
        contact=contact,
        purpose=purpose,
        defaults={"granted": granted, "at": at, "source": source, "proof": proof},
    )
    before = None if previous is None else {"granted": previous.granted, "source": previous.source}
    record_audit(
        access.actor,
        access.workspace,
        "consent.set",
        contact,
        before,
        {"purpose": purpose, "granted": granted, "source": source},
    )
    append_timeline(
        contact,
        "consent.granted" if granted else "consent.withdrawn",
        f"Consent {'granted' if granted else 'withdrawn'}: {purpose}",
        data={"purpose": purpose, "source": source, "proof": proof},
        at=at,
        actor_label=access.actor.label,
    )
    return consent


@transaction.atomic
def merge_contacts(access: WorkspaceAccess, keep: Contact, duplicate: Contact) -> Contact:
    """Merge ``duplicate`` into ``keep``: blanks filled, tags and properties united, history moved.

    Consent: for each purpose the most recent decision wins. The duplicate is deleted.
    """
    access.require(Perm.CONTACTS_EDIT)
    _check_editable(access, keep)
    _check_editable(access, duplicate)
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "A contact cannot be merged into itself."})
    before = {"keep": contact_snapshot(keep), "duplicate": contact_snapshot(duplicate)}
    changed = _fill_blanks(keep, duplicate)
    if changed:
        keep.save(update_fields=[*changed, "updated_at"])
    ContactTag.objects.bulk_create(
        [ContactTag(contact=keep, tag_id=t) for t in duplicate.tags.values_list("id", flat=True)],
        ignore_conflicts=True,
    )
    _merge_consents(keep, duplicate)
    TimelineEntry.objects.filter(contact=duplicate).update(contact=keep)
    record_audit(
        access.actor, access.workspace, "contact.merge", keep, before, contact_snapshot(keep)
    )
    append_timeline(
        keep,
        "contact.merged",
        f"Merged with {duplicate.email}",
        data={"merged_email": duplicate.email},
        actor_label=access.actor.label,
    )
    duplicate.delete()
    return keep


def _fill_blanks(keep: Contact, duplicate: Contact) -> list[str]:
    changed = []
    for name in (
        "first_name",
        "last_name",
        "phone",
        "language",
        "source",
        "company_id",
        "owner_id",
    ):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
            changed.append(name.removesuffix("_id"))
    merged = {**duplicate.properties, **keep.properties}
    if merged != keep.properties:
        keep.properties = merged
        changed.append("properties")
    return changed


def _merge_consents(keep: Contact, duplicate: Contact) -> None:
    mine = {c.purpose: c for c in keep.consents.all()}
    for theirs in duplicate.consents.all():
        current = mine.get(theirs.purpose)
        if current is None:
            Consent.objects.filter(pk=theirs.pk).update(contact=keep)
        elif theirs.at > current.at:
            current.granted, current.at = theirs.granted, theirs.at
            current.source, current.proof = theirs.source, theirs.proof
            current.save(update_fields=["granted", "at", "source", "proof"])


@transaction.atomic
def erase_contact(access: WorkspaceAccess, contact: Contact) -> Contact:
    """GDPR erasure: remove every piece of PII, keep the anonymised history for statistics.

    Timeline entries stay (kind, time, app) but lose their free-form data and titles.
    """
    access.require(Perm.CONTACTS_ERASE)
    _check_workspace(access, contact)
    if contact.erased_at is not None:
        return contact
    contact.email = f"erased-{uuid.uuid4().hex}@erased.invalid"
    contact.first_name = contact.last_name = contact.phone = contact.source = ""
    contact.properties = {}
    contact.company = None
    contact.erased_at = timezone.now()
    contact.save(
        update_fields=[
            "email",
            "first_name",
            "last_name",
            "phone",
            "source",
            "properties",
            "company",
            "erased_at",
            "updated_at",
        ]
    )
    ContactTag.objects.filter(contact=contact).delete()
    Consent.objects.filter(contact=contact).update(proof="", source="erased")
    TimelineEntry.objects.filter(contact=contact).update(title="(erased)", data={}, actor_label="")
    # Earlier audit rows held snapshots with PII; the erasure row holds only the fact.
    scrub_audit(access.workspace, "Contact", str(contact.pk))
    _scrub_other_apps(contact)
    record_audit(access.actor, access.workspace, "contact.erase", contact, None, {"erased": True})
    append_timeline(contact, "contact.erased", "(erased)")
    return contact


def _scrub_other_apps(contact: Contact) -> None:
    """Ask every app that keeps personal data about a contact to remove it (GDPR erasure)."""
    from accord.segments.actions import forget_contact as leave_segments  # builds on contacts
    from accord.tracking.actions import scrub_submissions
    from accord.warehouse.actions import forget_contact

    scrub_submissions(contact)
    forget_contact(contact.workspace, contact.pk)
    leave_segments(contact)


def _check_workspace(access: WorkspaceAccess, contact: Contact) -> None:
    if contact.workspace_id != access.workspace.pk:
        raise Contact.DoesNotExist("Contact not found in this workspace.")


def _check_editable(access: WorkspaceAccess, contact: Contact) -> None:
    """Refuse changes to an erased contact: personal data must not come back after erasure."""
    _check_workspace(access, contact)
    if contact.erased_at is not None:
        raise ValidationError({"contact": "This contact was erased (GDPR) and cannot be changed."})


# Re-exported so that callers import field helpers from actions alone.
__all__ = [
    "add_tags",
    "append_timeline",
    "append_timeline_bulk",
    "create_contact",
    "delete_contact",
    "ensure_company",
    "ensure_tags",
    "erase_contact",
    "merge_contacts",
    "normalise_email",
    "remove_tags",
    "set_consent",
    "update_contact",
]


# Companies, property definitions and timeline entries pushed by other tools -------------------

COMPANY_LIMITS = {"name": 200, "domain": 200, "industry": 100, "city": 100, "country": 2}
PROPERTY_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
TIMELINE_KIND = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,49}")


def _clean_company(values: Mapping[str, Any], *, partial: bool) -> dict[str, str]:
    """Trim company fields and check them; raise one ValidationError naming every bad field."""
    errors = {name: [f"Unknown field {name!r}."] for name in values if name not in COMPANY_LIMITS}
    cleaned = {
        name: " ".join(str(values[name] or "").split()) for name in COMPANY_LIMITS if name in values
    }
    for name, value in cleaned.items():
        if len(value) > COMPANY_LIMITS[name]:
            errors[name] = [f"{name} is longer than {COMPANY_LIMITS[name]} characters."]
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
        if cleaned["country"] and not re.fullmatch(r"[A-Z]{2}", cleaned["country"]):
            errors["country"] = ["Use a two-letter ISO country code such as FR."]
    if (not partial or "name" in values) and not cleaned.get("name"):
        errors["name"] = ["A company needs a name."]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _company_snapshot(company: Company) -> dict[str, str]:
    return {name: getattr(company, name) for name in COMPANY_LIMITS}


def _check_company_name(company: Company, name: str) -> None:
    taken = Company.objects.filter(workspace_id=company.workspace_id, name__iexact=name)
    if taken.exclude(pk=company.pk).exists():
        raise ValidationError({"name": [f"A company named {name!r} already exists."]})


def _save_company(company: Company, update_fields: list[str] | None = None) -> None:
    """Save in a savepoint so that a concurrent duplicate name is a field error, not a 500."""
    try:
        with transaction.atomic():
            company.save(update_fields=update_fields)
    except IntegrityError:
        raise ValidationError(
            {"name": [f"A company named {company.name!r} already exists."]}
        ) from None


def _check_company_workspace(access: WorkspaceAccess, company: Company) -> None:
    if company.workspace_id != access.workspace.pk:
        raise Company.DoesNotExist("Company not found in this workspace.")


@transaction.atomic
def create_company(access: WorkspaceAccess, values: Mapping[str, Any]) -> Company:
    """Create a company; names are unique per workspace whatever their case."""
    access.require(Perm.CONTACTS_EDIT)
    company = Company(workspace=access.workspace, **_clean_company(values, partial=False))
    _check_company_name(company, company.name)
    _save_company(company)
    after = _company_snapshot(company)
    record_audit(access.actor, access.workspace, "company.create", company, None, after)
    return company


@transaction.atomic
def update_company(access: WorkspaceAccess, company: Company, values: Mapping[str, Any]) -> Company:
    """Change some fields of a company; nothing is written when nothing changes."""
    access.require(Perm.CONTACTS_EDIT)
    _check_company_workspace(access, company)
    fields = _clean_company(values, partial=True)
    if "name" in fields:
        _check_company_name(company, fields["name"])
    before = _company_snapshot(company)
    changed = [name for name, value in fields.items() if getattr(company, name) != value]
    if not changed:
        return company
    for name in changed:
        setattr(company, name, fields[name])
    _save_company(company, update_fields=[*changed, "updated_at"])
    after = _company_snapshot(company)
    record_audit(access.actor, access.workspace, "company.update", company, before, after)
    return company


@transaction.atomic
def delete_company(access: WorkspaceAccess, company: Company) -> None:
    """Delete a company; its contacts are kept, without a company."""
    access.require(Perm.CONTACTS_EDIT)
    _check_company_workspace(access, company)
    before = _company_snapshot(company)
    record_audit(access.actor, access.workspace, "company.delete", company, before, None)
    company.delete()


def _property_errors(
    access: WorkspaceAccess, key: str, label: str, kind: str, choices: list[str]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not PROPERTY_KEY.fullmatch(key):
        errors["key"] = ["Use 1–64 lower-case letters, digits or _, starting with a letter."]
    elif PropertyDefinition.objects.filter(workspace=access.workspace, key=key).exists():
        errors["key"] = [f"Property {key!r} is already defined."]
    if not label or len(label) > 100:
        errors["label"] = ["Give a label of 1–100 characters."]
    if kind not in PropertyType.values:
        errors["type"] = [f"Unknown type {kind!r}; use one of {PropertyType.values}."]
    if kind == PropertyType.CHOICE and not choices:
        errors["choices"] = ["A choice property needs its list of choices."]
    elif kind != PropertyType.CHOICE and choices:
        errors["choices"] = ["Only a choice property has choices."]
    elif any(not c or len(c) > 100 for c in choices) or len(choices) > 200:
        errors["choices"] = ["Give at most 200 choices of 1–100 characters each."]
    return errors


@transaction.atomic
def define_property(
    access: WorkspaceAccess,
    key: str,
    label: str,
    kind: str = PropertyType.TEXT,
    choices: Iterable[str] = (),
) -> PropertyDefinition:
    """Declare a custom contact property; a key is defined once per workspace."""
    access.require(Perm.CONTACTS_EDIT)
    label = " ".join(label.split())
    unique_choices = list(dict.fromkeys(" ".join(c.split()) for c in choices))
    errors = _property_errors(access, key, label, kind, unique_choices)
    if errors:
        raise ValidationError(errors)
    definition = PropertyDefinition.objects.create(
        workspace=access.workspace, key=key, label=label, type=kind, choices=unique_choices
    )
    after = {"key": key, "label": label, "type": kind, "choices": unique_choices}
    record_audit(access.actor, access.workspace, "property.define", definition, None, after)
    return definition


@transaction.atomic
def record_timeline_event(
    access: WorkspaceAccess,
    contact: Contact,
    kind: str,
    title: str,
    *,
    app: str = "api",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> TimelineEntry:
    """Append an event another tool reports (a call, a ticket…) to a contact's timeline.

    Not audited: it records a fact, it changes nothing. An erased contact takes no new events,
    so that no personal data comes back through them.
    """
    access.require(Perm.CONTACTS_EDIT)
    _check_workspace(access, contact)
    errors: dict[str, list[str]] = {}
    if contact.erased_at is not None:
        errors["contact"] = ["This contact was erased; it takes no new events."]
    if not TIMELINE_KIND.fullmatch(kind):
        errors["kind"] = ["Use 1–50 lower-case letters, digits or _ . : - (e.g. ticket.opened)."]
    if not title.strip() or len(title) > 300:
        errors["title"] = ["Give a title of 1–300 characters."]
    if not app.strip() or len(app) > 30:
        errors["app"] = ["Give the reporting tool's name in 1–30 characters."]
    if at is not None and timezone.is_naive(at):
        errors["at"] = ["Give the time with its time zone."]
    if errors:
        raise ValidationError(errors)
    label = access.actor.label
    return append_timeline(
        contact, kind, title.strip(), app=app.strip(), data=data, at=at, actor_label=label
    )


# The CSV import actions live in importing.py (with them this module would pass 800 lines);
# they are re-exported here so that every write of the CRM is found in actions.
from accord.contacts.importing import (  # noqa: E402
    import_contacts as import_contacts,
)
from accord.contacts.importing import (  # noqa: E402
    run_import_job as run_import_job,
)
from accord.contacts.importing import (  # noqa: E402
    start_import as start_import,
)
