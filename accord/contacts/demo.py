"""Demo contacts of Maison Lumière, a French design house with a shop, a blog and a gallery.

Deterministic for a seed: contact ``i`` depends only on the seed and on the contacts before it,
so a larger count extends a smaller one. Written through the import's bulk engine, so running it
again with the same seed changes nothing and a million contacts take minutes, not hours.

Every address and number is fictional: emails use reserved ``.example`` domains (and
``exemple.fr``), phones the ranges set aside for fiction (ARCEP 06 39 98, Ofcom 07700 900),
IP addresses the documentation ranges.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User, Workspace
from accord.contacts.bulk import (
    ConsentValue,
    ContactRow,
    ContactUpserter,
    TimelineRow,
    add_timeline_entries,
    sqlite_page_cache,
)
from accord.contacts.models import Company, PropertyDefinition, PropertyType

CHUNK = 5000
FR_FIRST = (
    "Camille Léa Manon Chloé Inès Jade Louise Zoé Lina Alice Juliette Margaux Clémence Élise "
    "Anaïs Pauline Mathilde Romane Agathe Capucine Héloïse Apolline Salomé Noémie Océane Maëlle "
    "Gabrielle Constance Bérénice Solène Adèle Victoire Justine Mélanie Aurélie Sandrine Nathalie "
    "Hugo Lucas Jules Gabriel Louis Raphaël Arthur Adam Maël Théo Nathan Paul Tom Mathis Baptiste "
    "Clément Maxime Antoine Valentin Quentin Romain Bastien Aurélien Florian Guillaume Nicolas "
    "Julien Sébastien Jérôme Olivier Thierry Benoît Grégoire Étienne Mathieu Jean-Baptiste "
    "Pierre-Louis Marie-Claire Anne-Sophie Timothée Augustin Corentin Gaspard Honoré"
).split()
FR_LAST = (
    "Dubois Durand Leroy Moreau Lefèvre Roux Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Muller Faure Mercier Blanc Guérin Boyer Garnier Chevalier Legrand Gauthier Garcia "
    "Perrin Robin Morin Roussel Masson Marchand Duval Dumont Lemaire Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Brunet Gaillard Barbier Martinez Roche Renard Schmitt Roy "
    "Leroux Vidal Caron Picard Fabre Aubert Lemoine Renaud Dumas Lacroix Bourgeois Rey Leclerc "
    "Payet Rolland Leclercq Lecomte Lopez Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis "
    "Moulin Deschamps Vasseur Charpentier Besnard Lebrun Poirier Tessier Marty Bertin Delmas"
).split()
EN_FIRST = (
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Evie Poppy Ella Harper "
    "Charlotte Florence Willow Daisy Matilda Eleanor Hazel Violet Penelope Abigail Emily Hannah "
    "Oliver George Noah Leo Arthur Oscar Harry Archie Jack Henry Charlie Freddie Theodore Alfie "
    "Finley Jacob Ethan Isaac Joshua Samuel Benjamin William Daniel Edward Elliot Rupert Miles"
).split()
EN_LAST = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Wood Jackson Clarke Harris Lewis Turner Hill Cooper Ward Morris King "
    "Baker Harrison Morgan Patel Young Allen Mitchell Bell Kelly Parker Watson Cook Bennett Hughes "
    "Edwards Shaw Murray Palmer Fletcher Holmes Hunter Ellis Kennedy Lloyd Webb Russell Foster"
).split()
FR_DOMAINS = ("exemple.fr", "courriel.example", "boitemail.example", "messagerie.example")
EN_DOMAINS = ("mail.example", "inbox.example", "example.com", "example.org")
WORDS = (
    "Aurore Céleste Nacre Sillage Argile Opaline Rivage Faïence Ocre Chêne Laiton Nuance Albâtre "
    "Cobalt Sépia Ivoire Onyx Perle Saule Grès Mistral Zéphyr Azur Boréal Calcaire Travertin Lin "
    "Velours Ébène Ardoise Corail Lagune Prisme Reflet Éclat Ombre Halo Brume Garance Indigo"
).split()
CITIES = (
    ("Paris", "FR"),
    ("Lyon", "FR"),
    ("Bordeaux", "FR"),
    ("Marseille", "FR"),
    ("Lille", "FR"),
    ("Nantes", "FR"),
    ("Bruxelles", "BE"),
    ("Genève", "CH"),
    ("Montréal", "CA"),
    ("London", "GB"),
    ("New York", "US"),
    ("Milano", "IT"),
)
INDUSTRIES = {
    "design": ("Studio {w}", "Atelier {l}", "{w} Design"),
    "architecture": ("{l} & {m} Architectes", "Agence {w} Architecture"),
    "gallery": ("Galerie {l}", "Galerie {w}"),
    "hospitality": ("Hôtel {w}", "Le {w} Hôtel & Spa"),
    "retail": ("Maison {l}", "{w} Concept Store", "La Boutique {w}"),
}
SOURCES = (
    ("site web", 40),
    ("boutique", 20),
    ("instagram", 15),
    ("salon Maison&Objet", 10),
    ("import", 10),
    ("parrainage", 5),
)
INTERESTS = ["mobilier", "luminaire", "textile", "céramique"]
PROPERTIES: tuple[tuple[str, str, str, list[str]], ...] = (
    ("interest", "Centre d'intérêt", PropertyType.CHOICE, INTERESTS),
    ("lifetime_value", "Valeur client (€)", PropertyType.NUMBER, []),
    ("birthday", "Anniversaire", PropertyType.DATE, []),
    ("vip", "VIP", PropertyType.BOOLEAN, []),
)
CONSENT_SOURCES = {
    "site web": "formulaire newsletter du site",
    "boutique": "bulletin papier en boutique",
    "instagram": "formulaire concours Instagram",
    "salon Maison&Objet": "badge scanné au salon Maison&Objet",
    "import": "fichier clients 2022 (opt-in vérifié)",
    "parrainage": "formulaire de parrainage",
}
EXHIBITIONS = ("Lumière d'hiver", "Terres et feux", "Le verre en mouvement", "Textiles du Sud")


def ascii_slug(name: str) -> str:
    """Lower-case ASCII letters and hyphens only: 'Anaïs' -> 'anais', "D'Arc" -> 'darc'."""
    text = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text if ch.isalnum() or ch == "-")


@dataclass(frozen=True)
class NameSpace:
    """The first × last name pairs of one language, visited in a seeded permutation."""

    language: str
    first: Sequence[str]
    last: Sequence[str]
    domains: Sequence[str]
    offset: int
    step: int

    @classmethod
    def build(cls, language: str, seed: int) -> NameSpace:
        first, last = (FR_FIRST, FR_LAST) if language == "fr" else (EN_FIRST, EN_LAST)
        size = len(first) * len(last)
        step = int(size * 0.618) | 1
        while math.gcd(step, size) != 1:
            step += 2
        domains = FR_DOMAINS if language == "fr" else EN_DOMAINS
        offset = random.Random(f"{seed}:{language}").randrange(size)
        return cls(language, first, last, domains, offset, step)

    def person(self, k: int) -> tuple[str, str, str]:
        """Return (first, last, unique email local part) of the k-th person of this language.

        Pairs do not repeat before the whole space is used; then a round number is appended.
        The four name lists share no name and names hold no '.' or '_', so locals never collide.
        """
        size = len(self.first) * len(self.last)
        pair = (k * self.step + self.offset) % size
        first, last = self.first[pair % len(self.first)], self.last[pair // len(self.first)]
        pattern = ("{f}.{l}", "{l}.{f}", "{f}_{l}")[(k // size + pair) % 3]
        local = pattern.format(f=ascii_slug(first), l=ascii_slug(last))
        return first, last, local + (str(k // size + 1) if k >= size else "")


@dataclass(frozen=True)
class DemoCompany:
    name: str
    domain: str
    industry: str
    city: str
    country: str


def demo_companies(seed: int, count: int = 300) -> list[DemoCompany]:
    """Design studios, architects, galleries, hotels and shops, unique by case-insensitive name."""
    rng = random.Random(f"{seed}:companies")
    companies: dict[str, DemoCompany] = {}
    while len(companies) < count:
        industry = rng.choice(list(INDUSTRIES))
        template = rng.choice(INDUSTRIES[industry])
        last = rng.choice(FR_LAST + EN_LAST)
        name = template.format(w=rng.choice(WORDS), l=last, m=rng.choice(FR_LAST))
        city, country = rng.choice(CITIES)
        domain = f"{ascii_slug(name.replace(' ', '-').replace('&', 'et'))}.example"
        companies.setdefault(name.casefold(), DemoCompany(name, domain, industry, city, country))
    return list(companies.values())


def _ensure_schema(workspace: Workspace, companies: list[DemoCompany]) -> None:
    """Declare the demo's custom properties and companies (idempotent)."""
    for key, label, kind, choices in PROPERTIES:
        PropertyDefinition.objects.get_or_create(
            workspace=workspace,
            key=key,
            defaults={"label": label, "type": kind, "choices": choices},
        )
    Company.objects.bulk_create(
        [
            Company(
                workspace=workspace,
                name=c.name,
                domain=c.domain,
                industry=c.industry,
                city=c.city,
                country=c.country,
            )
            for c in companies
        ],
        ignore_conflicts=True,
    )


class ContactFactory:
    """Make demo contacts one after the other from a single seeded random stream."""

    def __init__(self, seed: int, team: Sequence[User], companies: list[DemoCompany]) -> None:
        self.rng = random.Random(seed)
        self.spaces = {lang: NameSpace.build(lang, seed) for lang in ("fr", "en")}
        self.counts = {"fr": 0, "en": 0}
        self.owners = [u.pk for u in team[:3]]
        self.companies = companies
        self.now = timezone.now().replace(microsecond=0)

    def make(self, index: int) -> ContactRow:
        """Build contact ``index`` (the stream must be consumed in order)."""
        rng = self.rng
        language = "fr" if rng.random() < 0.7 else "en"
        first, last, local = self.spaces[language].person(self.counts[language])
        self.counts[language] += 1
        company = rng.choice(self.companies) if rng.random() < 0.25 else None
        domain = company.domain if company and rng.random() < 0.6 else None
        created = self.now - timedelta(days=rng.uniform(1, 3 * 365))
        row = ContactRow(
            row=index + 1,
            email=f"{local}@{domain or rng.choice(self.spaces[language].domains)}",
            fields={"first_name": first, "last_name": last},
            company=company.name if company else "",
            created_at=created,
        )
        self._describe(row, language, company is not None)
        return row

    def _describe(self, row: ContactRow, language: str, b2b: bool) -> None:
        rng = self.rng
        source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
        row.fields["source"] = source
        if rng.random() < 0.92:
            row.fields["language"] = language
        if rng.random() < 0.55:
            row.fields["phone"] = _phone(rng, language)
        if self.owners and (b2b or rng.random() < 0.3):
            row.owner_id = rng.choice(self.owners)
        client = rng.random() < 0.25
        row.tags = _tags(rng, client, b2b)
        row.properties = _properties(rng, client, "vip" in row.tags)
        row.consents = _consents(rng, source, row.created_at or self.now)


def _phone(rng: random.Random, language: str) -> str:
    if language == "fr":
        return f"+33 6 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}"
    return f"+44 7700 900{rng.randrange(1000):03d}"


def _tags(rng: random.Random, client: bool, b2b: bool) -> list[str]:
    chances = {
        "newsletter": 0.5,
        "client": 1.0 if client else 0.0,
        "vip": 0.15 if client else 0.0,
        "presse": 0.03,
        "exposition": 0.15,
        "atelier": 0.1,
        "b2b": 1.0 if b2b else 0.0,
        "prospect": 0.0 if client else 0.25,
    }
    return [tag for tag, chance in chances.items() if rng.random() < chance]


def _properties(rng: random.Random, client: bool, vip: bool) -> dict[str, object]:
    properties: dict[str, object] = {}
    if rng.random() < 0.7:
        properties["interest"] = rng.choice(INTERESTS)
    if client:
        properties["lifetime_value"] = round(rng.lognormvariate(6.2, 0.9), 2)
        properties["vip"] = vip
    if rng.random() < 0.2:
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
        properties["birthday"] = born.isoformat()
    return properties


def _consents(rng: random.Random, source: str, created: datetime) -> dict[str, ConsentValue]:
    consents: dict[str, ConsentValue] = {}
    at = created + timedelta(minutes=rng.randrange(5, 600))
    where = CONSENT_SOURCES[source]
    ip = f"198.51.100.{rng.randrange(1, 255)}"
    if rng.random() < 0.6:
        granted = rng.random() < 0.93
        proof = f"double opt-in confirmé le {at:%Y-%m-%d} (IP {ip})"
        consents["email_marketing"] = ConsentValue(granted, where, proof, at)
    if rng.random() < 0.15:
        consents["sms"] = ConsentValue(True, where, f"case SMS cochée, {where}", at)
    if rng.random() < 0.5:
        consents["tracking"] = ConsentValue(
            True, "bandeau cookies", f"choix enregistré (IP {ip})", at
        )
    return consents


def _history(rng: random.Random, contact_id: int, row: ContactRow) -> Iterator[TimelineRow]:
    """A few timeline entries for a new demo contact: (contact, at, kind, app, title, data)."""
    created = row.created_at or timezone.now()
    source = row.fields.get("source", "")
    yield contact_id, created, "contact.created", "contacts", f"Contact créé ({source})", {}
    for _ in range(rng.randrange(1, 5)):
        at = created + timedelta(days=rng.uniform(0, (timezone.now() - created).days or 1))
        kind = rng.choice(("email.opened", "web.visit", "shop.order", "event.attended"))
        yield (contact_id, at, *_event(rng, kind))


def _event(rng: random.Random, kind: str) -> tuple[str, str, str, dict[str, object]]:
    if kind == "email.opened":
        return kind, "mailing", "Newsletter ouverte : « Les nouveautés de saison »", {}
    if kind == "web.visit":
        page = rng.choice(("/collections/luminaires", "/journal/atelier-ceramique", "/expositions"))
        return kind, "tracking", f"Visite : {page}", {"path": page}
    if kind == "shop.order":
        amount = round(rng.lognormvariate(5.3, 0.8), 2)
        return kind, "tracking", f"Commande en ligne : {amount:.2f} €", {"amount": amount}
    title = f"Vernissage de l'exposition « {rng.choice(EXHIBITIONS)} »"
    return kind, "campaigns", title, {}


def build_demo_contacts(workspace: Workspace, team: list[User], contacts: int, seed: int) -> int:
    """Create the demo contacts (idempotent for a seed and count); return how many there are."""
    companies = demo_companies(seed)
    _ensure_schema(workspace, companies)
    factory = ContactFactory(seed, team, companies)
    upserter = ContactUpserter(workspace.pk, note=None, actor_label="demo")
    history_rng = random.Random(f"{seed}:history")
    with sqlite_page_cache():
        for start in range(0, contacts, CHUNK):
            _build_chunk(factory, upserter, history_rng, range(start, min(start + CHUNK, contacts)))
    return contacts


@transaction.atomic
def _build_chunk(
    factory: ContactFactory, upserter: ContactUpserter, rng: random.Random, indexes: range
) -> None:
    rows = [factory.make(i) for i in indexes]
    created = upserter.upsert(rows).created
    entries = [
        entry
        for row in rows
        if row.email in created
        for entry in _history(rng, created[row.email], row)
    ]
    add_timeline_entries(upserter.workspace_id, entries, actor_label="demo")
