"""The demo company: Maison Lumière, a French design house with a shop, a blog and a gallery.

Deterministic for a given seed. Each app contributes its part through its own ``demo`` module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.actions import create_user, create_workspace, set_member_role
from accord.accounts.models import User, Workspace
from accord.accounts.roles import Role

WORKSPACE_SLUG = "maison-lumiere"
WORKSPACE_NAME = "Maison Lumière"
OWNER_USERNAME = "camille"
# The demo runs on the user's own machine; a fixed, printed password is the point.
DEMO_PASSWORD = "lumiere-demo"  # noqa: S105

TEAM = [
    ("camille", "Camille Laurent", Role.OWNER, "fr"),
    ("hugo", "Hugo Martin", Role.MARKETING, "fr"),
    ("ines", "Inès Moreau", Role.COMMUNICATION, "fr"),
    ("theo", "Théo Bernard", Role.BRAND_REVIEWER, "fr"),
    ("sarah", "Sarah Collins", Role.CRISIS_LEAD, "en"),
    ("lea", "Léa Petit", Role.VIEWER, "fr"),
]


@dataclass(frozen=True)
class DemoCompany:
    workspace_slug: str
    workspace_name: str
    username: str
    password: str
    contacts: int
    events: int


def _team(workspace: Workspace, owner: User) -> list[User]:
    access = WorkspaceAccess(workspace, Actor.for_user(owner), Role.OWNER.value)
    users = [owner]
    for username, full_name, role, language in TEAM[1:]:
        user = User.objects.filter(username=username).first()
        if user is None:
            first, last = full_name.split(" ", 1)
            user = create_user(
                username,
                DEMO_PASSWORD,
                email=f"{username}@maison-lumiere.example",
                language=language,
            )
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        set_member_role(access, user, role)
        users.append(user)
    return users


@transaction.atomic
def _workspace_and_team() -> tuple[Workspace, list[User]]:
    owner = User.objects.filter(username=OWNER_USERNAME).first()
    if owner is None:
        owner = create_user(OWNER_USERNAME, DEMO_PASSWORD, email="camille@maison-lumiere.example")
        owner.first_name, owner.last_name = "Camille", "Laurent"
        owner.save(update_fields=["first_name", "last_name"])
    workspace = Workspace.objects.filter(slug=WORKSPACE_SLUG).first()
    if workspace is None:
        workspace = create_workspace(
            WORKSPACE_SLUG, WORKSPACE_NAME, Actor.for_user(owner), language="fr"
        )
    return workspace, _team(workspace, owner)


def build_demo(contacts: int = 5000, seed: int = 42, events: int = 1_000_000) -> DemoCompany:
    """Create (or complete) the demo workspace: team, CRM, 12 months of events, style guide."""
    from accord.brand.demo import build_demo_brand
    from accord.contacts.demo import build_demo_contacts
    from accord.crisis.demo import build_demo_crisis
    from accord.listening.demo import build_demo_listening
    from accord.segments.demo import build_demo_segments
    from accord.warehouse.demo import build_demo_events

    workspace, team = _workspace_and_team()
    count = build_demo_contacts(workspace, team, contacts=contacts, seed=seed)
    contact_ids = list(workspace.contacts.order_by("pk").values_list("pk", flat=True))
    stored = build_demo_events(workspace, contact_ids, seed, events) if events else 0
    build_demo_brand(workspace, team, seed)
    if stored:
        build_demo_segments(workspace, team)
    now = timezone.now()
    heard = build_demo_listening(workspace, team, seed=seed, now=now)
    build_demo_crisis(
        workspace, team[0], launch_at=heard.launch_at, launch_title=heard.launch_title, now=now
    )
    return DemoCompany(WORKSPACE_SLUG, WORKSPACE_NAME, OWNER_USERNAME, DEMO_PASSWORD, count, stored)
