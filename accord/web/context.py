"""Template context shared by every page: the navigation and the workspace switcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.accounts import queries as account_queries
from accord.accounts.models import User
from accord.accounts.roles import Perm, role_has


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


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
    ("listening:mentions", _("Listening"), Perm.CONTACTS_VIEW),
    ("crisis:alerts", _("Crisis room"), Perm.CONTACTS_VIEW),
    ("brand:guide", _("Brand voice"), Perm.CONTACTS_VIEW),
    ("analytics:dashboard", _("Dashboard"), Perm.CONTACTS_VIEW),
    ("collab:tasks", _("Tasks"), Perm.CONTACTS_VIEW),
    ("web:audit", _("Audit log"), Perm.AUDIT_VIEW),
]


def _items(request: HttpRequest, slug: str, role: str) -> list[NavItem]:
    items = []
    for name, label, perm in NAVIGATION:
        if not role_has(role, perm):
            continue
        try:
            url = reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
        items.append(NavItem(label, url, request.path.startswith(url)))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navigation for the workspace in the URL (or the last one used); empty when signed out.

    Note: two queries for a signed-in user (memberships, then nothing more).
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
        "nav_items": _items(request, current.workspace.slug, current.role),
    }
