"""Template context shared by every page: the navigation and the workspace switcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from accord.accounts import queries as account_queries
from accord.accounts.models import User, Workspace
from accord.accounts.roles import ROLE_LABELS, Perm, Role, role_has


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool
    badge: int = 0  # a count to show beside the label (open crisis alerts); 0: none


# The domains of ARCHITECTURE.md in product order; an entry shows only once its URL exists
# and the member's role may see it.
NAVIGATION: list[tuple[str, str | Promise, Perm]] = [
    ("contacts:list", _("Contacts"), Perm.CONTACTS_VIEW),
    ("contacts:import", _("Import"), Perm.CONTACTS_IMPORT),
    ("tracking:health", _("Tracking"), Perm.CONTACTS_VIEW),
    ("segments:list", _("Segments"), Perm.CONTACTS_VIEW),
    ("campaigns:list", _("Campaigns"), Perm.CONTACTS_VIEW),
    ("mailing:list", _("Email"), Perm.CONTACTS_VIEW),
    ("automation:list", _("Automation"), Perm.CONTACTS_VIEW),
    ("social:calendar", _("Social"), Perm.CONTACTS_VIEW),
    ("listening:mentions", _("Listening"), Perm.LISTENING_VIEW),
    ("crisis:alerts", _("Crisis room"), Perm.CRISIS_VIEW),
    ("brand:guide", _("Brand voice"), Perm.BRAND_VIEW),
    ("analytics:dashboard", _("Dashboard"), Perm.CONTACTS_VIEW),
    ("collab:tasks", _("Tasks"), Perm.CONTACTS_VIEW),
    ("web:audit", _("Audit log"), Perm.AUDIT_VIEW),
]


# Entries that show a count beside their label: the function (of the workspace) giving it.
BADGES = {"crisis:alerts": "accord.crisis.queries.open_alert_count"}


def _items(request: HttpRequest, workspace: Workspace, role: str) -> list[NavItem]:
    """Reachable entries; only the longest URL prefixing the path is active (Import in Contacts).

    An entry in ``BADGES`` shows its count (the crisis room: open alerts, one query).
    """
    found = []
    for name, label, perm in NAVIGATION:
        if not role_has(role, perm):
            continue
        try:
            found.append((name, label, reverse(name, kwargs={"slug": workspace.slug})))
        except NoReverseMatch:
            continue
    matching = [url for _name, _label, url in found if request.path.startswith(url)]
    active = max(matching, key=len, default="")
    return [
        NavItem(label, url, url == active, _badge(name, workspace)) for name, label, url in found
    ]


def _badge(name: str, workspace: Workspace) -> int:
    """The count an entry shows (``BADGES``), 0 for the others."""
    count = BADGES.get(name)
    return import_string(count)(workspace) if count else 0  # the frame imports no domain app


def _role_label(role: str) -> str | Promise:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navigation for the workspace in the URL (or the last one used); empty when signed out.

    Note: two queries for a signed-in user (memberships, then nothing more), and one more for
    the open alerts when the role may see the crisis room.
    """
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    memberships = list(account_queries.memberships_of(user))
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    slug = kwargs.get("slug") or request.session.get("workspace", "")
    current = next((m for m in memberships if m.workspace.slug == slug), None)
    if current is None and memberships:
        current = memberships[0]
    if current is None:
        return {"memberships": []}
    return {
        "memberships": memberships,
        "current_workspace": current.workspace,
        "current_role": current.role,
        "current_role_label": _role_label(current.role),
        "nav_items": _items(request, current.workspace, current.role),
    }
