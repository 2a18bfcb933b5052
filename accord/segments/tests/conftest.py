"""Segment test fixtures: a private warehouse per test and a generated workspace ("population").

The population mixes every kind of data a rule can test: contact fields, companies, owners,
custom properties of each type, tags, consents, an erased contact, and warehouse events of
every behaviour (page views with URLs and UTM sources, purchases, email opens and clicks,
custom events with properties), some anonymous then stitched, some from bots.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import create_user
from accord.accounts.models import Workspace
from accord.contacts import actions as contact_actions
from accord.contacts.models import Company, Consent, Contact, ContactTag, PropertyDefinition
from accord.segments.actions import save_members
from accord.segments.models import Segment, SegmentKind
from accord.warehouse.actions import flush_inbox, ingest_events, stitch_identity

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
CONTACTS = 80
FIRST_NAMES = ["Alice", "bob", "Chloe", "David", "Emma", "Farid", "Gaelle", "Hugo", ""]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", ""]
SOURCES = ["import", "form", "api", ""]
COMPANIES = [
    ("Lumiere SA", "retail", "Paris", "FR"),
    ("Acme Ltd", "software", "London", "GB"),
    ("Atelier_Bleu", "retail", "Lyon", "FR"),
    ("Nordwind", "", "", ""),
]
DOMAINS = ["mail.example", "shop.example", "corp.example"]
TAGS = ["vip", "newsletter", "Prospect", "b2b"]
URLS = [
    "https://shop.example/",
    "https://shop.example/blog/launch?utm=x",
    "https://shop.example/blog/2025/spring#top",
    "https://shop.example/pricing",
    "/blog/relative-path",
    "https://shop.example",
    "https://shop.example/Blog/upper",
    "https://shop.example/search?q=/blog/x#/blog/y",
    "",
]
UTM_SOURCES = ["instagram", "Instagram", "newsletter", "google", ""]
EVENT_PROPERTIES = [
    {"plan": "Pro", "seats": 5},
    {"plan": "free", "seats": 1, "trial": True},
    {"plan": "pro", "trial": False},
    {"seats": 12.5},
    {},
    {"plan": None},
]


@pytest.fixture(autouse=True)
def warehouse_dir(settings: Settings, tmp_path: Path) -> Path:
    """Point the warehouse at a folder of this test only (workspace ids repeat across tests)."""
    path = tmp_path / "warehouse"
    settings.ACCORD_WAREHOUSE_DIR = str(path)
    return path


@dataclass(frozen=True)
class Population:
    workspace: Workspace
    contacts: list[Contact]
    erased: Contact
    static: Segment


def _event(rng: random.Random, contact: Contact | None, anonymous: str | None) -> dict[str, Any]:
    kind = rng.choice(
        ["page_view", "page_view", "purchase", "email_opened", "email_clicked", "custom", "click"]
    )
    event: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "ts": (NOW - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23))).isoformat(),
        "kind": kind,
    }
    if contact is not None:
        event["contact_id"] = contact.pk
    if anonymous is not None:
        event["anonymous_id"] = anonymous
    if kind == "page_view":
        event["url"] = rng.choice(URLS)
    source = rng.choice(UTM_SOURCES)
    if source:
        event["utm_source"] = source
    if kind == "purchase" and rng.random() < 0.9:
        event["value"] = rng.choice([9.5, 20, 45, 120, 300])
        event["currency"] = "EUR"
    if kind in {"custom", "click"}:
        event["properties"] = rng.choice(EVENT_PROPERTIES)
    if rng.random() < 0.05:
        event["user_agent"] = "curl/8.0"
    return event


def _contacts(workspace: Workspace, rng: random.Random) -> list[Contact]:
    companies = [
        Company.objects.create(workspace=workspace, name=n, industry=i, city=c, country=k)
        for n, i, c, k in COMPANIES
    ]
    owners = [create_user("alice.owner", "pw-123456789"), create_user("Bruno", "pw-123456789")]
    contacts = []
    for index in range(CONTACTS):
        contact = Contact.objects.create(
            workspace=workspace,
            email=f"person{index}@{rng.choice(DOMAINS)}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            phone=rng.choice(["", "+33 6 12 34 56 78", "020 7946 0000"]),
            language=rng.choice(["fr", "en", ""]),
            source=rng.choice(SOURCES),
            company=rng.choice([*companies, None]),
            owner=rng.choice([*owners, None]),
            properties=_properties(rng),
        )
        created = NOW - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 600))
        Contact.objects.filter(pk=contact.pk).update(created_at=created)
        contacts.append(contact)
    return contacts


def _properties(rng: random.Random) -> dict[str, Any]:
    values = {
        "plan": rng.choice(["Gold", "silver", "Bronze"]),
        "score": rng.choice([0, 5, 12.5, 40, 100]),
        "vip": rng.choice([True, False]),
        "renewal": rng.choice(["2025-01-15", "2025-03-14", "2025-06-30"]),
        "city": rng.choice(["Paris", "paris 11e", "Lyon", "Marseille"]),
    }
    return {key: value for key, value in values.items() if rng.random() < 0.75}


def _tags_and_consents(workspace: Workspace, contacts: list[Contact], rng: random.Random) -> None:
    tags = contact_actions.ensure_tags(workspace.pk, TAGS)
    links, consents = [], []
    for contact in contacts:
        links += [ContactTag(contact=contact, tag=t) for t in tags.values() if rng.random() < 0.35]
        for purpose in ("email_marketing", "sms", "tracking"):
            if rng.random() < 0.6:
                granted = rng.random() < 0.6
                consents.append(
                    Consent(
                        contact=contact, purpose=purpose, granted=granted, at=NOW, source="form"
                    )
                )
    ContactTag.objects.bulk_create(links)
    Consent.objects.bulk_create(consents)


def _declare(workspace: Workspace) -> None:
    for key, kind, choices in (
        ("plan", "choice", ["Gold", "silver", "Bronze"]),
        ("score", "number", []),
        ("vip", "boolean", []),
        ("renewal", "date", []),
        ("city", "text", []),
    ):
        PropertyDefinition.objects.create(
            workspace=workspace, key=key, label=key, type=kind, choices=choices
        )


def _events(workspace: Workspace, contacts: list[Contact], rng: random.Random) -> None:
    events = []
    for index, contact in enumerate(contacts):
        anonymous = f"anon-{index}"
        if index % 3 == 0:
            stitch_identity(workspace, anonymous, contact.pk, now=NOW)
        for _ in range(rng.randint(0, 14)):
            own = rng.random() < 0.7
            events.append(_event(rng, contact if own else None, None if own else anonymous))
    events += [_event(rng, None, "stranger") for _ in range(10)]
    events.append({**_event(rng, None, None), "contact_id": 999_999})  # not a contact here
    for start in range(0, len(events), 1000):
        ingest_events(workspace, events[start : start + 1000], source="test", now=NOW)
    flush_inbox(workspace, now=NOW)


def build_population(workspace: Workspace, seed: int = 7) -> Population:
    """Fill ``workspace`` with generated contacts, CRM data and warehouse events."""
    rng = random.Random(seed)
    _declare(workspace)
    contacts = _contacts(workspace, rng)
    _tags_and_consents(workspace, contacts, rng)
    _events(workspace, contacts, rng)
    erased = contacts[1]
    contact_actions.erase_contact(WorkspaceAccess.system(workspace), erased)
    static = Segment.objects.create(
        workspace=workspace, name="Hand picked", slug="hand-picked", kind=SegmentKind.STATIC
    )
    save_members(static, frozenset(c.pk for c in contacts[::4]), now=NOW)
    return Population(workspace, contacts, erased, static)


@pytest.fixture
def population(workspace: Workspace) -> Population:
    return build_population(workspace)
