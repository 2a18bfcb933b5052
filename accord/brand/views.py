"""Brand voice pages: the style guide, the content gate with its live check, the dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.brand import actions, queries
from accord.brand.forms import ContentForm, FixForm, LintForm, OverrideForm, StyleGuideForm
from accord.brand.models import Content, ContentStatus
from accord.brand.scoring import LintReport
from accord.web.guards import workspace_view


def _content(access: WorkspaceAccess, content_id: int) -> Content:
    try:
        return queries.contents(access.workspace).get(pk=content_id)
    except Content.DoesNotExist:
        raise Http404("No such content.") from None


def _can(access: WorkspaceAccess) -> dict[str, bool]:
    return {
        "edit_guide": access.can(Perm.BRAND_EDIT_GUIDE),
        "edit": access.can(Perm.CONTENT_EDIT),
        "approve": access.can(Perm.CONTENT_APPROVE),
    }


@workspace_view(Perm.BRAND_VIEW)
@require_http_methods(["GET", "POST"])
def guide(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Show the style guide; save it when a member who may edit it posts the form."""
    current = queries.style_guide(access.workspace)
    form = StyleGuideForm(initial=StyleGuideForm.initial_for(current))
    if request.method == "POST":
        access.require(Perm.BRAND_EDIT_GUIDE)
        form = StyleGuideForm(request.POST, request.FILES)
        if form.is_valid():
            actions.save_style_guide(access, form.values())
            messages.success(request, _("Style guide saved."))
            return redirect("brand:guide", access.workspace.slug)
    context = {"guide": current, "form": form, "can": _can(access)}
    return render(request, "brand/guide.html", context)


@workspace_view(Perm.BRAND_VIEW)
def brand_dashboard(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Show brand-voice scores by channel, campaign, author and week, and frequent alerts."""
    board = queries.dashboard(access.workspace)
    return render(request, "brand/dashboard.html", {"board": board, "can": _can(access)})


def _lint_context(report: LintReport, body: str, can_fix: bool) -> dict[str, Any]:
    return {
        "report": report,
        "segments": queries.highlighted(body, report.alerts),
        "can_fix": can_fix,
    }


@workspace_view(Perm.BRAND_VIEW)
@require_POST
def lint_partial(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Check the posted text live and return the highlighted alerts (htmx partial)."""
    form = LintForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    data = form.cleaned_data
    report = queries.check_outgoing(
        access.workspace, data["channel"], data["body"], data["language"], data["sponsored"]
    )
    context = _lint_context(report, data["body"], access.can(Perm.CONTENT_EDIT))
    return render(request, "brand/_lint.html", context)


@workspace_view(Perm.CONTENT_EDIT)
@require_POST
def fix_partial(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Apply one suggested replacement, re-check, and return the alerts and the new text."""
    form = FixForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    data = form.cleaned_data
    try:
        body = queries.apply_fix(
            data["body"], data["start"], data["end"], data["match"], data["replacement"]
        )
    except ValueError:
        return HttpResponse(_("The text changed since it was checked."), status=409)
    report = queries.check_outgoing(
        access.workspace, data["channel"], body, data["language"], data["sponsored"]
    )
    context = {**_lint_context(report, body, True), "body": body, "fixed": True}
    return render(request, "brand/_lint.html", context)


@workspace_view(Perm.BRAND_VIEW)
def content_list(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List the workspace's contents, optionally of one status."""
    status = request.GET.get("status", "")
    status = status if status in ContentStatus.values else ""
    context = {
        "contents": queries.contents(access.workspace, status)[:200],
        "status": status,
        "statuses": ContentStatus.choices,
        "can": _can(access),
    }
    return render(request, "brand/contents.html", context)


@workspace_view(Perm.CONTENT_EDIT)
@require_http_methods(["GET", "POST"])
def content_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Write a new content as a draft."""
    form = ContentForm(request.POST or None, initial={"language": access.workspace.language})
    if request.method == "POST" and form.is_valid():
        content = actions.create_content(access, form.draft())
        messages.success(request, _("Draft saved."))
        return redirect("brand:content", access.workspace.slug, content.pk)
    return render(request, "brand/content_edit.html", {"form": form, "can": _can(access)})


def _initial(content: Content) -> dict[str, Any]:
    names = ("title", "channel", "language", "campaign", "sponsored", "body")
    return {name: getattr(content, name) for name in names}


@workspace_view(Perm.BRAND_VIEW)
@require_http_methods(["GET", "POST"])
def content_detail(request: HttpRequest, access: WorkspaceAccess, content_id: int) -> HttpResponse:
    """Show a content with its check, history and gate actions; save edits when posted."""
    content = _content(access, content_id)
    form = ContentForm(initial=_initial(content))
    if request.method == "POST":
        access.require(Perm.CONTENT_EDIT)
        form = ContentForm(request.POST)
        if form.is_valid():
            actions.update_content(access, content, form.draft())
            messages.success(request, _("Saved as a draft."))
            return redirect("brand:content", access.workspace.slug, content.pk)
    report = queries.check_outgoing(
        access.workspace, content.channel, content.body, content.language, content.sponsored
    )
    context = {
        "content": content,
        "form": form,
        "history": queries.content_history(content),
        "override_form": OverrideForm(),
        "can": _can(access),
        **_lint_context(report, content.body, access.can(Perm.CONTENT_EDIT)),
    }
    return render(request, "brand/content_detail.html", context)


def _gate(
    request: HttpRequest, access: WorkspaceAccess, content_id: int, step: str
) -> HttpResponse:
    """Run one gate step on a content and come back to its page with the outcome."""
    content = _content(access, content_id)
    try:
        if step == "submit":
            actions.submit_content(access, content)
        elif step == "approve":
            actions.approve_content(access, content)
        elif step == "reject":
            actions.reject_content(access, content, request.POST.get("note", ""))
        else:
            _override(request, access, content)
    except actions.GateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done."))
    return redirect("brand:content", access.workspace.slug, content.pk)


def _override(request: HttpRequest, access: WorkspaceAccess, content: Content) -> None:
    form = OverrideForm(request.POST)
    if not form.is_valid():
        raise actions.GateError(_("An override needs a reason."))
    actions.override_content(access, content, form.cleaned_data["reason"])


@workspace_view(Perm.CONTENT_EDIT)
@require_POST
def content_submit(request: HttpRequest, access: WorkspaceAccess, content_id: int) -> HttpResponse:
    """Submit a content for approval."""
    return _gate(request, access, content_id, "submit")


@workspace_view(Perm.CONTENT_APPROVE)
@require_POST
def content_override(
    request: HttpRequest, access: WorkspaceAccess, content_id: int
) -> HttpResponse:
    """Let a content through its error alerts, for a reason."""
    return _gate(request, access, content_id, "override")


@workspace_view(Perm.CONTENT_APPROVE)
@require_POST
def content_approve(request: HttpRequest, access: WorkspaceAccess, content_id: int) -> HttpResponse:
    """Approve a submitted content."""
    return _gate(request, access, content_id, "approve")


@workspace_view(Perm.CONTENT_APPROVE)
@require_POST
def content_reject(request: HttpRequest, access: WorkspaceAccess, content_id: int) -> HttpResponse:
    """Send a submitted content back to its author."""
    return _gate(request, access, content_id, "reject")
