"""The demo company's segments: three dynamic segments a marketing team would keep, and personas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.models import User, Workspace
from accord.accounts.roles import Role
from accord.segments import actions
from accord.segments.models import Segment, SegmentKind
from accord.segments.personas import build_demo_personas

DEMO_SEGMENTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "Acheteurs de l'année",
        "Ont acheté au moins une fois ces 365 derniers jours.",
        {"all": [{"type": "revenue", "op": "gt", "value": 0, "window": {"last_days": 365}}]},
    ),
    (
        "Lecteurs du blog qui n'achètent pas",
        "Ont lu le blog ces 90 derniers jours, sans acheter.",
        {
            "all": [
                {"type": "visited_url", "pattern": "/blog/*", "window": {"last_days": 90}},
                {"type": "event", "kind": "purchase", "did": False},
            ]
        },
    ),
    (
        "Newsletter francophone engagée",
        "Francophones, consentement email, au moins deux ouvertures en 90 jours.",
        {
            "all": [
                {"type": "field", "field": "language", "op": "eq", "value": "fr"},
                {"type": "consent", "purpose": "email_marketing", "granted": True},
                {
                    "type": "email_engagement",
                    "metric": "opened",
                    "op": "gte",
                    "value": 2,
                    "window": {"last_days": 90},
                },
            ]
        },
    ),
]


def build_demo_segments(workspace: Workspace, team: Sequence[User]) -> int:
    """Create (once) and evaluate the demo segments, then compute the personas; return how many."""
    access = WorkspaceAccess(workspace, Actor.for_user(team[0]), Role.OWNER.value)
    for name, description, rule in DEMO_SEGMENTS:
        segment = Segment.objects.filter(workspace=workspace, name=name).first()
        if segment is None:
            segment = actions.create_segment(
                access, name=name, kind=SegmentKind.DYNAMIC, rule=rule, description=description
            )
        actions.refresh_segment(segment)
    personas = build_demo_personas(workspace, team[0])
    return len(DEMO_SEGMENTS) + len(personas)
