"""Demo brand voice of "Maison Lumière": a French design house with a shop, blog and gallery."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.models import User, Workspace
from accord.brand import actions
from accord.brand.actions import ContentDraft, GateError
from accord.brand.models import Content, LintRecord, StyleGuide

__all__ = ["DEMO_GUIDE", "build_demo_brand"]

NOTICE_FR = "Maison Lumière SAS, 12 rue de Charonne, Paris."
DEMO_GUIDE: dict[str, object] = {
    "tone_fr": (
        "Chaleureuse et précise : nous parlons de lumière, de matières et de savoir-faire. "
        "Phrases courtes, vouvoiement, pas de superlatifs creux."
    ),
    "tone_en": (
        "Warm and precise: we talk about light, materials and craft. Short sentences, "
        "no empty superlatives."
    ),
    "brand_name": "Maison Lumière",
    "preferred": {"luminaire": ["lampe"], "luminaires": ["lampes"], "atelier": ["usine"]},
    "banned": ["pas cher", "cheap", "low cost", "bon marché"],
    "avoid": {
        "incroyable": "soufflé à la bouche",
        "amazing": "hand-blown",
        "top": "remarquable",
        "awesome": "carefully made",
    },
    "inclusive": True,
    "channels": {
        "email": {"max_length": 3000, "max_hashtags": 0, "emoji": False, "links": True},
        "social": {"max_length": 280, "max_hashtags": 3, "emoji": True, "links": True},
        "press": {
            "max_length": 6000,
            "max_hashtags": 0,
            "emoji": False,
            "links": True,
            "legal_notice": NOTICE_FR,
        },
        "ad": {"max_length": 150, "max_hashtags": 1, "emoji": False, "links": False},
        "landing": {"max_length": 4000, "max_hashtags": 0, "emoji": False, "links": True},
    },
    "readability": {"fr_min_ease": 50, "en_min_ease": 50, "en_max_grade": 10},
}


@dataclass(frozen=True)
class DemoContent:
    """One demo content and how far it goes through the gate."""

    channel: str
    language: str
    title: str
    body: str
    campaign: str
    outcome: str  # draft, submitted, approved, rejected or overridden
    sponsored: bool = False


SOCIAL_FR = (
    "Nouvelle collection Opaline : des luminaires soufflés à la bouche dans notre atelier de "
    "Paris. #design #verre"
)
DEMOS: tuple[DemoContent, ...] = (
    DemoContent("social", "fr", "Lancement Opaline", SOCIAL_FR, "Opaline", "approved"),
    DemoContent(
        "social",
        "fr",
        "Opaline en vitrine",
        "Une lampe incroyable pour votre salon ! #design",
        "Opaline",
        "submitted",
    ),
    DemoContent(
        "social",
        "en",
        "Opaline launch",
        "Meet Opaline: hand-blown glass lights made in our Paris workshop. #design",
        "Opaline",
        "approved",
    ),
    DemoContent(
        "social",
        "en",
        "Opaline teaser",
        "Amazing lamps, cheap prices! #sale #deal #design #home",
        "Opaline",
        "draft",
    ),
    DemoContent(
        "social",
        "fr",
        "Partenariat Atelier Verre",
        "Avec nos amis verriers, découvrez la collection Opaline chez Maison Lumière. #sponsorisé",
        "Opaline",
        "approved",
        True,
    ),
    DemoContent(
        "social",
        "en",
        "Glass partner post",
        "Our glassmakers friends show the Opaline collection at Maison Lumière.",
        "Opaline",
        "draft",
        True,
    ),
    DemoContent(
        "email",
        "fr",
        "Lettre de printemps",
        "Bonjour,\n\nLe printemps entre dans la galerie : nos nouveaux luminaires sont exposés "
        "jusqu'au 30 avril.\n\nÀ bientôt chez Maison Lumière.",
        "Printemps",
        "approved",
    ),
    DemoContent(
        "email",
        "en",
        "Spring letter",
        "Hello,\n\nSpring comes to the gallery: our new lights are on show until 30 "
        "April.\n\nSee you soon at Maison Lumière.",
        "Printemps",
        "approved",
    ),
    DemoContent(
        "email",
        "fr",
        "Soldes d'hiver",
        "Chers clients, nos lampes sont pas cher cette semaine chez maison lumiere !",
        "Soldes",
        "overridden",
    ),
    DemoContent(
        "email",
        "fr",
        "Relance panier",
        "Votre luminaire vous attend dans votre panier. Il est top.",
        "Soldes",
        "submitted",
    ),
    DemoContent(
        "press",
        "fr",
        "Communiqué Opaline",
        "Paris, mars. Maison Lumière présente Opaline, une collection de luminaires en verre "
        "soufflé dans son atelier.\n\n" + NOTICE_FR,
        "Opaline",
        "approved",
    ),
    DemoContent(
        "press",
        "fr",
        "Communiqué galerie",
        "Maison Lumière ouvre une galerie consacrée à la lumière, rue de Charonne. " + NOTICE_FR,
        "Galerie",
        "rejected",
    ),
    DemoContent(
        "press",
        "en",
        "Press release: gallery",
        "Maison Lumière opens a gallery devoted to light in Paris. The chairman will welcome "
        "guests.\n\n" + NOTICE_FR,
        "Galerie",
        "submitted",
    ),
    DemoContent(
        "ad",
        "fr",
        "Annonce Opaline",
        "Luminaires Opaline, soufflés à la bouche à Paris.",
        "Opaline",
        "approved",
    ),
    DemoContent(
        "ad",
        "en",
        "Ad: Opaline",
        "Awesome lamps 😍 at https://example.com/opaline",
        "Opaline",
        "draft",
    ),
    DemoContent(
        "ad",
        "fr",
        "Annonce soldes",
        "Des luminaires top, livraison offerte. #soldes",
        "Soldes",
        "rejected",
    ),
    DemoContent(
        "landing",
        "fr",
        "Page collection Opaline",
        "Opaline réunit douze luminaires en verre soufflé. Chaque pièce est unique. Elle sort de "
        "notre atelier parisien.",
        "Opaline",
        "approved",
    ),
    DemoContent(
        "landing",
        "en",
        "Opaline collection page",
        "Opaline brings together twelve hand-blown glass lights. Each piece is unique and made "
        "in our Paris workshop.",
        "Opaline",
        "approved",
    ),
    DemoContent(
        "landing",
        "fr",
        "Page galerie",
        "La galerie Maison Lumière expose des luminaires de créateurs et des pièces d'archives.",
        "Galerie",
        "draft",
    ),
    DemoContent(
        "social",
        "fr",
        "Journée portes ouvertes",
        "Samedi, l'atelier ouvre ses portes : venez voir souffler le verre. #atelier",
        "Galerie",
        "approved",
    ),
)
OVERRIDE_REASON = (
    "Formulation validée par le service juridique : le libellé des soldes est contractuel."
)
WEEKS = 8


def _access(workspace: Workspace, user: User | None) -> WorkspaceAccess:
    """Act as ``user`` with every permission, as the demo generator does."""
    actor = Actor.for_user(user) if user is not None else Actor.system("demo")
    return WorkspaceAccess(workspace, actor, None)


def _run(access: WorkspaceAccess, reviewer: WorkspaceAccess, demo: DemoContent) -> Content:
    draft = ContentDraft(
        demo.channel,
        demo.title,
        demo.body,
        demo.language,
        demo.sponsored,
        demo.campaign,
    )
    content = actions.create_content(access, draft)
    if demo.outcome == "overridden":
        actions.override_content(reviewer, content, OVERRIDE_REASON)
    if demo.outcome == "draft":
        return content
    try:
        actions.submit_content(access, content)
        if demo.outcome == "rejected":
            actions.reject_content(reviewer, content, "Not on brand yet.")
        elif demo.outcome in ("approved", "overridden"):
            actions.approve_content(reviewer, content)
    except GateError:
        pass  # blocked contents stay drafts, as they would for a real writer
    return content


def build_demo_brand(workspace: Workspace, team: list[User], seed: int) -> None:
    """Write the Maison Lumière style guide and ~20 contents; do nothing when already there."""
    rng = random.Random(seed)
    with transaction.atomic():
        if not StyleGuide.objects.filter(workspace=workspace).exists():
            actions.save_style_guide(_access(workspace, team[0] if team else None), DEMO_GUIDE)
        if Content.objects.filter(workspace=workspace).exists():
            return
        reviewer = _access(workspace, team[-1] if team else None)
        for index, demo in enumerate(DEMOS):
            author = team[index % len(team)] if team else None
            _run(_access(workspace, author), reviewer, demo)
        now = timezone.now()
        for record in LintRecord.objects.filter(workspace=workspace):
            record.at = now - timedelta(days=rng.randrange(WEEKS * 7), hours=rng.randrange(24))
            record.save(update_fields=["at"])
