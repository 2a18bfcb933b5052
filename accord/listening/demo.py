"""Demo listening of "Maison Lumière": queries, sources and a year of mentions, fr and en.

Everything goes through ``record_mentions`` (matching, de-duplication, spam rules, sentiment,
warehouse). The year holds two episodes the crisis room must tell apart: a product launch
(a burst of mostly positive mentions, 25 days ago) and a crisis (an overheating lamp, a
burst of negative mentions over six hours, 10 days ago). Deterministic for a seed and a
``now``; a second run stores nothing new (every item is already known).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User, Workspace
from accord.listening.models import ListeningQuery, Mention, Source, SourceKind
from accord.listening.recording import record_mentions
from accord.listening.sources import RawMention

__all__ = ["DemoListening", "build_demo_listening"]

DAYS = 365
BRAND = "Maison Lumière"
COMPETITORS = ({"name": "Lampes Dupont", "keywords": ["Lampes Dupont", "Dupont"]},
               {"name": "Nordlys", "keywords": ["Nordlys"]})  # fmt: skip
PRODUCTS = ("lampe Aurore", "suspension Éclipse", "applique Luna", "lampadaire Halo",
            "lampe Nuage", "baladeuse Mistral")  # fmt: skip
PRODUCTS_EN = ("Aurore lamp", "Éclipse pendant", "Luna wall light", "Halo floor lamp",
               "Nuage lamp", "Mistral lantern")  # fmt: skip
CITIES = ("Paris", "Lyon", "Bordeaux", "Nantes", "Lille", "Marseille", "Bruxelles", "Genève")
NAMES = ("camille", "julien", "manon", "lucas", "chloe", "hugo", "ines", "theo", "lea",
         "nathan", "emma", "louis", "sarah", "tom", "jade", "paul", "zoe", "adam", "lina",
         "noah", "alice", "jack", "olivia", "harry", "grace", "oscar", "mia", "leo")  # fmt: skip

FR = {
    "positive": (
        (
            "Coup de cœur pour la {p} de {b}",
            "Je viens de recevoir ma {p} de chez {b}",
            "Passage à la boutique {b} de {c} aujourd'hui",
            "Enfin installée : la {p} de {b}",
            "Cadeau parfait, la {p} signée {b}",
        ),
        (
            "la lumière est douce et chaleureuse",
            "finitions impeccables, le verre soufflé est magnifique",
            "livraison rapide et emballage très soigné",
            "le service client a été adorable et efficace",
            "elle transforme complètement le salon",
            "un vrai travail d'artisan, on le sent",
        ),
        ("je recommande !", "bravo à toute l'équipe", "😍", "merci !", "#design #deco", ""),
    ),
    "neutral": (
        (
            "{b} ouvre une boutique à {c}",
            "Quelqu'un connaît la {p} de {b} ?",
            "Les soldes {b} commencent la semaine prochaine",
            "Vu la {p} de {b} en vitrine à {c}",
            "{b} présente ses nouveautés au salon de {c}",
        ),
        (
            "le catalogue est en ligne",
            "on hésite avec un autre modèle",
            "il faudra voir les prix",
            "l'atelier se visite sur rendez-vous",
            "à suivre",
        ),
        ("", "des avis ?", "#luminaire"),
    ),
    "negative": (
        (
            "Déçue par ma {p} de chez {b}",
            "Deuxième mois d'attente pour ma {p} {b}",
            "Vraiment pas content de {b}",
            "Ma {p} de {b} est arrivée cassée",
        ),
        (
            "l'abat-jour est rayé et le pied est bancal",
            "le service client ne répond jamais",
            "beaucoup trop cher pour cette qualité",
            "livraison en retard et aucune nouvelle",
            "l'interrupteur a lâché au bout d'une semaine",
        ),
        ("dommage.", "je ne recommande pas.", "😡", "inadmissible."),
    ),
}
EN = {
    "positive": (
        (
            "Absolutely in love with my {p} from {b}",
            "Just unpacked the {p} by {b}",
            "Visited the {b} store in {c} today",
            "Best purchase this year: the {p} from {b}",
        ),
        (
            "the light is soft and warm",
            "the hand-blown glass is stunning",
            "fast delivery and lovely packaging",
            "customer service was so helpful",
            "it changes the whole room",
        ),
        ("highly recommend!", "well done team", "😍", "#interiordesign", ""),
    ),
    "neutral": (
        (
            "{b} is opening a store in {c}",
            "Has anyone tried the {p} from {b}?",
            "Saw the {p} by {b} in a window in {c}",
            "{b} will show new pieces at the {c} fair",
        ),
        ("the catalogue is online", "still comparing a few models", "prices to be seen"),
        ("", "thoughts?", "#lighting"),
    ),
    "negative": (
        (
            "Disappointed with my {p} from {b}",
            "Still waiting for my {p} from {b}",
            "Not happy with {b} at all",
            "My {p} from {b} arrived broken",
        ),
        (
            "the shade is scratched and the base wobbles",
            "customer service never answers",
            "far too expensive for this quality",
            "the switch died after a week",
        ),
        ("shame.", "would not recommend.", "😡"),
    ),
}
CRISIS_FR = (
    (
        "Attention à la {p} de {b}",
        "Ma {p} {b} surchauffe",
        "Lampe qui surchauffe chez {b} aussi",
        "Alerte sécurité sur la {p} de {b}",
        "Gros problème avec la {p} {b}",
        "Je viens de débrancher ma {p} {b}",
        "Est-ce normal que la {p} de {b} devienne brûlante",
        "Incident ce soir avec notre {p} {b}",
    ),
    (
        "l'abat-jour est brûlant après vingt minutes",
        "odeur de plastique brûlé dans tout le salon",
        "le socle a commencé à fondre",
        "l'ampoule a éclaté en pleine soirée",
        "ma fille s'est brûlé les doigts en la touchant",
        "le câble a noirci près de l'interrupteur",
        "impossible de la toucher tellement elle chauffe",
        "le service client ne répond pas",
    ),
    (
        "c'est dangereux",
        "rappel produit urgent svp",
        "inadmissible",
        "on a eu très peur",
        "qui a le même problème ?",
        "je porte plainte",
        "honteux",
    ),
)
CRISIS_EN = (
    (
        "Warning about the {p} from {b}",
        "My {p} from {b} is overheating",
        "{b} lamp overheating here too",
        "Safety alert on the {p} by {b}",
        "Serious problem with our {p} from {b}",
    ),
    (
        "the shade is burning hot after twenty minutes",
        "smell of burnt plastic in the whole room",
        "the base started to melt",
        "the bulb exploded this evening",
        "my son burnt his fingers touching it",
        "the cable turned black near the switch",
    ),
    (
        "this is dangerous",
        "recall it now please",
        "unacceptable",
        "we were really scared",
        "anyone else?",
    ),
)
CRISIS_PRESS = (
    (
        "{b} : des clients signalent une lampe qui surchauffe",
        "Sur les réseaux, des acheteurs de la {p} décrivent un abat-jour brûlant et une odeur de "
        "plastique brûlé. La marque dit analyser les retours.",
    ),
    (
        "Overheating lamp complaints hit {b}",
        "Owners of the {p} report shades burning hot and a smell of burnt plastic; the company "
        "says it is investigating.",
    ),
)
LAUNCH_FR = (
    (
        "La nouvelle {p} de {b} est sortie",
        "Commandée dès ce matin, la {p} de {b}",
        "Lancement réussi pour {b} avec la {p}",
        "Je craque pour la {p} de {b}",
        "Enfin disponible : la {p} signée {b}",
        "Vue en boutique ce matin, la {p} {b}",
    ),
    (
        "elle est sublime en vrai",
        "quelle merveille de verre soufflé",
        "design superbe et lumière parfaite",
        "la teinte ambrée est magnifique",
        "encore plus belle qu'en photo",
        "un bijou au-dessus de la table",
    ),
    ("bravo !", "😍", "#eclipse", "merci l'équipe", "je recommande", "coup de cœur"),
)
LAUNCH_EN = (
    (
        "The new {p} by {b} is out",
        "Ordered the {p} from {b} this morning",
        "{b} nailed this launch with the {p}",
        "Just saw the {p} by {b} in store",
    ),
    (
        "it is gorgeous",
        "what a beauty",
        "it looks even better in person",
        "the amber glass is stunning",
    ),
    ("love it!", "😍", "#eclipse", "well done"),
)
PRESS = (
    (
        "{b} ouvre un atelier à {c}",
        "La maison de luminaires installe un atelier de verre soufflé et recrute des artisans.",
    ),
    (
        "Luminaires : {b} mise sur le verre recyclé",
        "La marque française présente une "
        "collection de lampes en verre recyclé fabriquées en France.",
    ),
    (
        "{b} et Nordlys, deux visions de la lumière",
        "Comparaison entre la maison française et la marque scandinave, à {c}.",
    ),
    (
        "Why {b} lamps keep selling out",
        "The French studio's hand-blown glass lamps have found an international audience.",
    ),
    (
        "{b} : des retards de livraison agacent les clients",
        "Plusieurs acheteurs se plaignent d'attendre leurs lampes depuis des semaines.",
    ),
)
REVIEWS_FR = {5: ("Magnifique boutique, conseils précieux.", "Lampe superbe, très bien emballée."),
              4: ("Beaux produits, un peu chers.", "Très bel accueil à la boutique."),
              3: ("Correct, sans plus.", "Jolie lampe mais délai long."),
              2: ("Livraison très en retard.", "Produit rayé à la réception."),
              1: ("Service client injoignable.", "Lampe cassée, aucun remboursement.")}  # fmt: skip
REVIEWS_EN = {5: ("Beautiful shop and lovely staff.",), 4: ("Great lamps, a bit pricey.",),
              3: ("Fine, nothing special.",), 2: ("Delivery was very late.",),
              1: ("Lamp arrived broken, no refund.",)}  # fmt: skip
SPAM = (
    "Buy followers cheap for {b} fans http://promo.example http://x.example http://y.example "
    "http://z.example",
    "Gagnez de l'argent facilement, cliquez ici #{b} #lampe #deco #design #maison #luxe "
    "#promo #gratuit #cadeau",
)


@dataclass(frozen=True)
class DemoListening:
    """What the demo created, and the two episodes the crisis room should find."""

    queries: int
    sources: int
    mentions: int
    crisis_start: datetime
    crisis_end: datetime
    crisis_title: str
    launch_at: datetime
    launch_title: str


class _Writer:
    """Builds the raw items of each source, deterministically for a seed."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.serial = 0
        self.items: dict[str, list[RawMention]] = {kind: [] for kind in SourceKind.values}
        self.used: set[tuple[str, ...]] = set()

    def next_id(self) -> int:
        self.serial += 1
        return self.serial

    def moment(self, day: int) -> datetime:
        """A daytime moment ``day`` days ago (earlier than now)."""
        hour = self.rng.choice((8, 9, 10, 12, 13, 17, 18, 19, 20, 21, 22))
        at = (self.now - timedelta(days=day)).replace(hour=hour, minute=self.rng.randrange(60))
        return min(at, self.now - timedelta(minutes=5))

    def sentence(self, parts: Sequence[Sequence[str]], brand: str, english: bool) -> str:
        product = self.rng.choice(PRODUCTS_EN if english else PRODUCTS)
        words = [self.rng.choice(part) for part in parts]
        text = f"{words[0]}, {words[1]} {words[2]}".strip()
        return text.format(b=brand, p=product, c=self.rng.choice(CITIES))

    def composed(self, parts: Sequence[Sequence[str]], product: str) -> str:
        """Opening, detail and closing, never the same three twice in a run."""
        while True:
            words = tuple(self.rng.choice(part) for part in parts)
            if words not in self.used:
                self.used.add(words)
                return f"{words[0]} : {words[1]}, {words[2]}".format(b=BRAND, p=product)

    def social(self, text: str, at: datetime, kind: str = "", author: str = "") -> None:
        kind = kind or self.rng.choice((SourceKind.MASTODON, SourceKind.BLUESKY))
        n, author = self.next_id(), author or self.rng.choice(NAMES)
        if kind == SourceKind.MASTODON:
            url, ext = f"https://mastodon.example/@{author}/{100_000 + n}", str(100_000 + n)
        else:
            rkey = f"3demo{n:06d}"
            url = f"https://bsky.app/profile/{author}.bsky.social/post/{rkey}"
            ext = f"at://did:plc:demo{author}/app.bsky.feed.post/{rkey}"
            author = f"{author}.bsky.social"
        reach = self.rng.choice((40, 120, 300, 800, 2500))
        item = RawMention(
            text=text, published_at=at, url=url, external_id=ext, author=author, reach=reach
        )
        self.items[kind].append(item)

    def press(self, title: str, text: str, at: datetime, outlet: str = "") -> None:
        n = self.next_id()
        site = outlet or self.rng.choice(("journal-du-design", "maison-deco", "design-weekly"))
        url = f"https://www.{site}.example/articles/{n}"
        self.items[SourceKind.RSS].append(
            RawMention(text=text, title=title, published_at=at, url=url, author=site)
        )

    def review(self, rating: int, at: datetime) -> None:
        english = self.rng.random() < 0.25
        text = self.rng.choice((REVIEWS_EN if english else REVIEWS_FR)[rating])
        author = self.rng.choice(NAMES).capitalize()
        item = RawMention(text=text, published_at=at, rating=float(rating), author=author,
                          external_id=f"review-{self.next_id()}")  # fmt: skip
        self.items[SourceKind.REVIEWS].append(item)


def _everyday(w: _Writer) -> None:
    """A year of ordinary mentions: social chatter, reviews, press, competitors, a little spam."""
    for day in range(DAYS, 0, -1):
        for _ in range(w.rng.choice((2, 3, 3, 4, 5))):
            english = w.rng.random() < 0.3
            tone = w.rng.choices(("positive", "neutral", "negative"), (0.55, 0.3, 0.15))[0]
            brand = w.rng.choices((BRAND, "Nordlys", "Lampes Dupont"), (0.7, 0.18, 0.12))[0]
            text = w.sentence((EN if english else FR)[tone], brand, english)
            w.social(text, w.moment(day))
        if w.rng.random() < 0.45:
            w.review(w.rng.choices((5, 4, 3, 2, 1), (0.5, 0.25, 0.1, 0.08, 0.07))[0], w.moment(day))
        if w.rng.random() < 0.12:
            title, text = w.rng.choice(PRESS)
            city = w.rng.choice(CITIES)
            w.press(title.format(b=BRAND, c=city), text.format(b=BRAND, c=city), w.moment(day))
        if w.rng.random() < 0.03:
            w.social(w.rng.choice(SPAM).format(b="MaisonLumiere"), w.moment(day))


def _launch(w: _Writer, at: datetime) -> None:
    """Launch day of the Éclipse pendant: a burst of mostly positive mentions and the press."""
    for i in range(45):
        english = i % 3 == 0
        product = "Éclipse pendant" if english else "suspension Éclipse"
        text = w.composed(LAUNCH_EN if english else LAUNCH_FR, product)
        w.social(text, at + timedelta(minutes=10 + 17 * i + w.rng.randrange(10)))
    for i in range(3):
        title = "Maison Lumière lance la suspension Éclipse"
        w.press(f"{title} ({w.rng.choice(CITIES)})",
                "La nouvelle suspension en verre soufflé est disponible dès aujourd'hui.",
                at + timedelta(hours=2 + i))  # fmt: skip


def _crisis(w: _Writer, start: datetime) -> None:
    """Six hours of negative mentions about an overheating lamp, copies included."""
    for i in range(70):
        english = i % 4 == 0
        product = "Aurore lamp" if english else "lampe Aurore"
        text = w.composed(CRISIS_EN if english else CRISIS_FR, product)
        w.social(text, start + timedelta(minutes=5 * i + w.rng.randrange(5)))
    # One angry customer posts the same complaint three times: the copies are spam.
    angry = w.composed(CRISIS_FR, "lampe Aurore")
    for i in range(3):
        w.social(
            angry + " !" * i, start + timedelta(minutes=30 + 20 * i), SourceKind.MASTODON, "marc"
        )
    for i, (title, text) in enumerate(CRISIS_PRESS):
        at = start + timedelta(hours=3 + i)
        w.press(title.format(b=BRAND), text.format(p="lampe Aurore", b=BRAND), at, "actu-conso")
        # The same wire copy picked up by a second outlet: stored as a duplicate.
        w.press(title.format(b=BRAND), text.format(p="lampe Aurore", b=BRAND) + " Par AFP",
                at + timedelta(minutes=40), "info-regions")  # fmt: skip


def _query(workspace: Workspace) -> ListeningQuery:
    query, _created = ListeningQuery.objects.get_or_create(
        workspace=workspace,
        slug="maison-lumiere",
        defaults={
            "name": BRAND,
            "keywords": [BRAND, "MaisonLumiere", "Maison Lumiere"],
            "exclusions": ["lumière du jour"],
            "competitors": list(COMPETITORS),
        },
    )
    return query


SOURCES: tuple[tuple[str, str, dict[str, str]], ...] = (
    (SourceKind.RSS, "Presse design (RSS)", {"url": "https://www.journal-du-design.example/feed.xml"}),
    (SourceKind.MASTODON, "Mastodon #maisonlumiere",
     {"instance": "https://mastodon.example", "hashtag": "maisonlumiere", "access_token": "",
      "search": ""}),
    (SourceKind.BLUESKY, "Bluesky « Maison Lumière »", {"q": "\"Maison Lumière\"", "base_url": "https://public.api.bsky.app"}),
    (SourceKind.REVIEWS, "Avis Google Business Profile", {"platform": "google"}),
    (SourceKind.MANUAL, "Saisie manuelle", {"channel": "other"}),
)  # fmt: skip


def _sources(workspace: Workspace, query: ListeningQuery, now: datetime) -> dict[str, Source]:
    """The demo's sources; fetched ones are paused (their addresses are examples)."""
    found = {}
    for kind, name, config in SOURCES:
        source, _created = Source.objects.get_or_create(
            workspace=workspace,
            kind=kind,
            name=name,
            defaults={"config": config, "query": query, "is_active": False, "last_fetched_at": now},
        )
        found[kind] = source
    return found


def _triage(workspace: Workspace, users: Sequence[User], crisis: datetime) -> None:
    """Tag the crisis mentions and give them to the team, as the team would have."""
    window = Mention.objects.filter(
        workspace=workspace,
        published_at__gte=crisis,
        published_at__lt=crisis + timedelta(hours=6),
        sentiment="negative",
    )
    ids = list(window.values_list("pk", flat=True)[:40])
    lead = users[min(4, len(users) - 1)] if users else None
    Mention.objects.filter(pk__in=ids).update(tags=["crise", "lampe-aurore"], assigned_to=lead)


def build_demo_listening(
    workspace: Workspace, users: Sequence[User], *, seed: int = 42, now: datetime | None = None
) -> DemoListening:
    """Create the demo's queries, sources and a year of mentions (see the module docstring)."""
    now = now or timezone.now()
    writer = _Writer(seed, now)
    launch = (now - timedelta(days=25)).replace(hour=9, minute=0, second=0, microsecond=0)
    crisis = (now - timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
    _everyday(writer)
    _launch(writer, launch)
    _crisis(writer, crisis)
    writer.items[SourceKind.MANUAL] = [
        RawMention(
            text="Chronique radio : Maison Lumière citée comme exemple d'artisanat français.",
            title="France Inter, « La main verte »",
            published_at=now - timedelta(days=60),
            channel="press",
            external_id="radio-1",
        )
    ]
    with transaction.atomic():
        query = _query(workspace)
        sources = _sources(workspace, query, now)
        stored = sum(
            record_mentions(workspace, sources[kind], items, now=now).stored
            for kind, items in writer.items.items()
            if items and kind in sources
        )
        _triage(workspace, users, crisis)
    return DemoListening(
        queries=1,
        sources=len(sources),
        mentions=stored,
        crisis_start=crisis,
        crisis_end=crisis + timedelta(hours=6),
        crisis_title="Lampe Aurore qui surchauffe / Aurore lamp overheating",
        launch_at=launch,
        launch_title="Lancement suspension Éclipse",
    )
