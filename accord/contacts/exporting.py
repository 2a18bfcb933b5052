"""Export contacts as CSV, streamed: the file ``accord contacts import`` reads back unchanged.

Columns: email, first_name, last_name, phone, language, company, tags (comma-joined), source,
owner (username), created_at (ISO 8601), one consent column per purpose (yes, no, or blank when
never asked) and one ``properties.KEY`` column per declared property. Booleans are written
yes/no. Erased contacts are left out. The file is UTF-8 without a byte-order mark.

A cell a spreadsheet would run as a formula (starting with = + - or @, so phone numbers like
+33… too) gets a leading apostrophe: spreadsheets show it as text, the import removes it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from django.db.models import QuerySet

from accord.accounts.models import Workspace
from accord.contacts.bulk import batched
from accord.contacts.csvsniff import escape_formula
from accord.contacts.models import Consent, ConsentPurpose, Contact, ContactTag, PropertyDefinition
from accord.contacts.queries import ContactFilter, search_contacts

BATCH = 2000


class TextSink(Protocol):
    """Anything text can be written to: an open file, sys.stdout, an HttpResponse."""

    def write(self, text: str, /) -> object: ...


FIXED_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "language",
    "company",
    "tags",
    "source",
    "owner",
    "created_at",
)
CONSENT_COLUMNS = tuple(f"consent_{purpose}" for purpose in ConsentPurpose.values)


def export_columns(keys: Sequence[str]) -> tuple[str, ...]:
    """The header row for a workspace whose declared property keys are ``keys``."""
    return (*FIXED_COLUMNS, *CONSENT_COLUMNS, *(f"properties.{k}" for k in keys))


def _contacts(workspace: Workspace, flt: ContactFilter | None) -> QuerySet[Contact]:
    qs = search_contacts(workspace, flt) if flt else Contact.objects.filter(workspace=workspace)
    return qs.filter(erased_at__isnull=True).select_related("company", "owner").order_by("id")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape_formula(str(value))


def _batches(qs: QuerySet[Contact]) -> Iterator[list[Contact]]:
    batch: list[Contact] = []
    for contact in qs.iterator(chunk_size=BATCH):
        batch.append(contact)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _related(batch: list[Contact]) -> tuple[dict[int, list[str]], dict[int, dict[str, bool]]]:
    """Load the tags and consents of a batch of contacts (two queries per IN batch)."""
    tags: dict[int, list[str]] = defaultdict(list)
    consents: dict[int, dict[str, bool]] = defaultdict(dict)
    for ids in batched([c.pk for c in batch]):
        links = ContactTag.objects.filter(contact_id__in=ids).order_by("tag__name")
        for contact_id, name in links.values_list("contact_id", "tag__name"):
            tags[contact_id].append(name)
        found = Consent.objects.filter(contact_id__in=ids)
        for contact_id, purpose, granted in found.values_list("contact_id", "purpose", "granted"):
            consents[contact_id][purpose] = granted
    return tags, consents


def _row(
    contact: Contact, tags: list[str], consents: dict[str, bool], keys: Sequence[str]
) -> list[str]:
    return [
        *map(
            _cell,
            (
                contact.email,
                contact.first_name,
                contact.last_name,
                contact.phone,
                contact.language,
                contact.company.name if contact.company else "",
                ", ".join(tags),
                contact.source,
                contact.owner.get_username() if contact.owner else "",
            ),
        ),
        contact.created_at.isoformat(),
        *(_cell(consents.get(purpose)) for purpose in ConsentPurpose.values),
        *(_cell(contact.properties.get(key)) for key in keys),
    ]


def export_contacts_csv(
    workspace: Workspace, handle: TextSink, flt: ContactFilter | None = None
) -> int:
    """Write the workspace's contacts (those matching ``flt``) as CSV to ``handle``; return count.

    Streams with a server-side iterator; per batch of 2,000 contacts it runs one query for the
    contacts and two for their tags and consents.
    """
    keys = list(
        PropertyDefinition.objects.filter(workspace=workspace)
        .order_by("key")
        .values_list("key", flat=True)
    )
    writer = csv.writer(handle)
    writer.writerow(export_columns(keys))
    count = 0
    for batch in _batches(_contacts(workspace, flt)):
        tags, consents = _related(batch)
        writer.writerows(_row(c, tags[c.pk], consents[c.pk], keys) for c in batch)
        count += len(batch)
    return count
