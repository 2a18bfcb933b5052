"""Pages for personas and the best channel of a segment (urls in ``insight_urls.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.segments import queries
from accord.segments.channels import channel_panel
from accord.segments.models import Segment
from accord.segments.personas import K_RANGE, MIN_CONTACTS, list_personas, refresh_personas_task
from accord.web.guards import workspace_view


def _language() -> str:
    return "fr" if (get_language() or "fr").startswith("fr") else "en"


@workspace_view(Perm.CONTACTS_VIEW)
def personas(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List the personas in the reader's language, how they were found, and the refresh button."""
    found = list_personas(access.workspace)
    language = _language()
    context = {
        "personas": [
            {"persona": p, "name": p.name(language), "description": p.description(language)}
            for p in found
        ],
        "method": found[0].method if found else {},
        "refreshed_at": found[0].refreshed_at if found else None,
        "k_min": K_RANGE.start,
        "k_max": K_RANGE.stop - 1,
        "min_contacts": MIN_CONTACTS,
        "can_refresh": access.can(Perm.SEGMENTS_EDIT),
    }
    return render(request, "segments/personas.html", context)


@workspace_view(Perm.SEGMENTS_EDIT)
@require_POST
def personas_refresh(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Queue a refresh of the personas in the worker, as the member who asked."""
    refresh_personas_task(access.workspace.pk, access.actor.user.pk if access.actor.user else None)
    messages.success(
        request, _("The personas are being recomputed; this page shows them once done.")
    )
    return redirect("segments:personas", access.workspace.slug)


@workspace_view(Perm.CONTACTS_VIEW)
def best_channel(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """The best-channel panel of one segment (an htmx partial: one warehouse query)."""
    try:
        found = queries.get_segment(access.workspace, segment)
    except Segment.DoesNotExist:
        raise Http404("No such segment.") from None
    ids = queries.member_ids(found)
    context = {"channel_panel": channel_panel(access.workspace, ids, _language())}
    return render(request, "segments/_channels.html", context)
