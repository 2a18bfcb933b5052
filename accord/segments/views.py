"""Segments pages: the list, the builder (new/edit), the detail page, static list members."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.contacts.models import ConsentPurpose
from accord.contacts.queries import property_definitions, workspace_tags
from accord.segments import actions, builder, queries, rules
from accord.segments.models import Segment, SegmentKind, SegmentSize
from accord.segments.rules import RuleError, parse_rule
from accord.segments.wording import (
    FIELD_WORDS,
    METRIC_WORDS,
    NUMBER_WORDS,
    OP_WORDS,
    SEEN_WORDS,
    TYPE_WORDS,
    WINDOW_WORDS,
    describe,
)
from accord.warehouse.events import KINDS
from accord.web.guards import workspace_view

MEMBERS_PAGE_SIZE = 50


class SegmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rule = forms.CharField(required=False, widget=forms.Textarea)


class CsvForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file of emails"))


@dataclass(frozen=True)
class BuilderState:
    """What the builder partial shows: the rule text, its rows, an error, the live preview."""

    text: str
    rows: list[builder.Row]
    error_path: str
    error: str
    count: int | None
    sample: list[Any]


def _segment(access: WorkspaceAccess, slug: str) -> Segment:
    try:
        return queries.get_segment(access.workspace, slug)
    except Segment.DoesNotExist:
        raise Http404(_("No such segment.")) from None


def _can(access: WorkspaceAccess) -> dict[str, bool]:
    return {"edit": access.can(Perm.SEGMENTS_EDIT)}


@workspace_view(Perm.CONTACTS_VIEW)
def segment_list(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List the workspace's segments with their sizes."""
    context = {"segments": queries.segments(access.workspace), "can": _can(access)}
    return render(request, "segments/list.html", context)


# The builder ---------------------------------------------------------------------------------


def _pairs(values: Any, words: Any) -> list[tuple[str, str]]:
    return [(value, str(words[value])) for value in values]


def _options(access: WorkspaceAccess, own_slug: str = "") -> dict[str, Any]:
    """The choices of the builder's controls, as (value, label) pairs."""
    others = queries.segments(access.workspace).exclude(slug=own_slug)
    return {
        "leaf_types": _pairs(rules.LEAF_TYPES, TYPE_WORDS),
        "fields": _pairs(rules.FIELDS, FIELD_WORDS),
        "text_ops": _pairs(rules.TEXT_OPS, OP_WORDS),
        "date_ops": _pairs(rules.DATE_OPS, OP_WORDS),
        "all_ops": _pairs(rules.OPS, OP_WORDS),
        "number_ops": _pairs(rules.NUMBER_OPS, NUMBER_WORDS),
        "seen_ops": _pairs(rules.SEEN_OPS, SEEN_WORDS),
        "windows": _pairs(("", "last_days", "between"), WINDOW_WORDS),
        "event_kinds": [(kind, kind) for kind in sorted(KINDS)],
        "purposes": [(value, str(label)) for value, label in ConsentPurpose.choices],
        "metrics": _pairs(("opened", "clicked"), METRIC_WORDS),
        "has": [("true", _("has the tag")), ("false", _("does not have the tag"))],
        "granted": [("true", _("granted consent to")), ("false", _("withdrew consent to"))],
        "did": [("true", _("did")), ("false", _("did not do"))],
        "member": [("true", _("is in")), ("false", _("is not in"))],
        "properties": [(d.key, d.label) for d in property_definitions(access.workspace)],
        "tags": list(workspace_tags(access.workspace).values_list("name", flat=True)[:500]),
        "other_segments": [(s.slug, s.name) for s in others],
    }


def _state(access: WorkspaceAccess, text: str, data: Any, problem: str = "") -> BuilderState:
    """Check the rule and preview it; an unreadable text shows its problem and no rows."""
    if data is None:
        return BuilderState(text, [], "$", problem, None, [])
    try:
        rule = parse_rule(data)
        preview = queries.preview(access.workspace, rule)
    except RuleError as exc:
        rows = builder.rows(data, exc.errors)
        return BuilderState(text, rows, exc.path, exc.reason, None, [])
    return BuilderState(text, builder.rows(data), "", problem, preview.count, preview.sample)


def _read(text: str) -> tuple[Any, str]:
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as exc:
        return None, _("The JSON does not parse: %(error)s") % {"error": str(exc)}


def _builder_context(access: WorkspaceAccess, state: BuilderState, own: str = "") -> dict[str, Any]:
    return {"state": state, "options": _options(access, own), "own_slug": own}


@workspace_view(Perm.SEGMENTS_EDIT)
@require_POST
def builder_partial(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Apply one edit of the structured form to the rule JSON; answer the rebuilt builder."""
    text = request.POST.get("rule", "")
    data, problem = _read(text) if text.strip() else (builder.DEFAULT_RULE, "")
    edit = request.POST.get("edit", "")
    if data is not None and edit:
        types = {d.key: d.type for d in property_definitions(access.workspace)}
        try:
            path = request.POST.get("path", "$")
            value = request.POST.get(f"v:{path}", request.POST.get("value", ""))
            data = builder.apply_edit(data, edit, path, value, types)
        except builder.EditError as exc:
            problem = str(exc)
        text = json.dumps(data, indent=2, ensure_ascii=False)
    state = _state(access, text, data, problem)
    context = _builder_context(access, state, request.POST.get("own_slug", ""))
    return render(request, "segments/_builder.html", context)


def _save(
    request: HttpRequest, access: WorkspaceAccess, form: SegmentForm, segment: Segment | None
) -> Segment | None:
    """Create or update from a valid form; put the rule's or the action's errors on the form."""
    kind = segment.kind if segment else request.POST.get("kind", SegmentKind.DYNAMIC)
    data = form.cleaned_data
    rule = None
    if kind == SegmentKind.DYNAMIC:
        rule, problem = _read(data["rule"])
        if rule is None:
            form.add_error("rule", problem)
            return None
    try:
        if segment is None:
            return actions.create_segment(
                access, name=data["name"], kind=kind, rule=rule, description=data["description"]
            )
        return actions.update_segment(
            access, segment, name=data["name"], description=data["description"], rule=rule
        )
    except RuleError as exc:
        for path, reason in exc.errors:
            form.add_error("rule", f"{path}: {reason}")
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    return None


def _editor(request: HttpRequest, access: WorkspaceAccess, segment: Segment | None) -> HttpResponse:
    kind = segment.kind if segment else request.GET.get("kind", request.POST.get("kind", ""))
    kind = kind if kind in {SegmentKind.DYNAMIC, SegmentKind.STATIC} else SegmentKind.DYNAMIC
    initial_rule = segment.rule if segment and segment.rule else builder.DEFAULT_RULE
    form = SegmentForm(
        initial={
            "name": segment.name if segment else "",
            "description": segment.description if segment else "",
            "rule": json.dumps(initial_rule, indent=2, ensure_ascii=False),
        }
    )
    if request.method == "POST":
        form = SegmentForm(request.POST)
        if form.is_valid():
            saved = _save(request, access, form, segment)
            if saved is not None:
                messages.success(request, _("Segment saved."))
                return redirect("segments:detail", access.workspace.slug, saved.slug)
    text = form["rule"].value() or ""
    data, problem = _read(text)
    own = segment.slug if segment else ""
    context = {
        "form": form,
        "segment": segment,
        "kind": kind,
        **_builder_context(access, _state(access, text, data, problem), own),
    }
    return render(request, "segments/form.html", context)


@workspace_view(Perm.SEGMENTS_EDIT)
@require_http_methods(["GET", "POST"])
def segment_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Create a dynamic segment with the builder, or a static list (``?kind=static``)."""
    return _editor(request, access, None)


@workspace_view(Perm.SEGMENTS_EDIT)
@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """Edit a segment's name, description and (dynamic) rule."""
    return _editor(request, access, _segment(access, segment))


# The detail page -----------------------------------------------------------------------------


def size_chart(points: list[SegmentSize]) -> dict[str, Any]:
    """The size-over-time figure as plotly's JSON data (drawn by the offline plotly.js)."""
    figure = go.Figure(
        go.Scatter(
            x=[p.at.isoformat() for p in points],
            y=[p.size for p in points],
            mode="lines+markers",
            line={"shape": "hv", "color": "#3a37c4"},
            name=_("Contacts"),
        )
    )
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        height=260,
        yaxis={"rangemode": "tozero", "title": _("Contacts")},
        template="plotly_white",
    )
    chart: dict[str, Any] = json.loads(figure.to_json())
    return chart


@workspace_view(Perm.CONTACTS_VIEW)
def segment_detail(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """Show a segment: size over time, its rule in plain words, its current members."""
    found = _segment(access, segment)
    page = Paginator(queries.members(found), MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    points = queries.size_history(found)
    context = {
        "segment": found,
        "page": page,
        "chart": size_chart(points) if points else None,
        "words": describe(parse_rule(found.rule)) if found.rule else [],
        "can": _can(access),
        "csv_form": CsvForm(),
        "static": found.kind == SegmentKind.STATIC,
        "dynamic": found.kind == SegmentKind.DYNAMIC,
        "users": actions.segments_using(found),
    }
    return render(request, "segments/detail.html", context)


@workspace_view(Perm.SEGMENTS_EDIT)
@require_http_methods(["GET", "POST"])
def segment_delete(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """Confirm, then delete a segment with its history."""
    found = _segment(access, segment)
    if request.method == "POST":
        try:
            actions.delete_segment(access, found)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("segments:detail", access.workspace.slug, found.slug)
        messages.success(request, _("Segment deleted."))
        return redirect("segments:list", access.workspace.slug)
    context = {"segment": found, "users": actions.segments_using(found)}
    return render(request, "segments/delete.html", context)


def _ids(raw: str) -> list[int]:
    """Contact ids typed as numbers separated by commas, spaces or new lines."""
    parts = raw.replace(",", " ").split()
    if not parts or not all(part.isdigit() for part in parts):
        raise ValidationError(
            {"contact_ids": [_("Give contact ids: numbers separated by commas.")]}
        )
    return [int(part) for part in parts]


def _csv_added(request: HttpRequest, result: actions.CsvAddResult) -> None:
    counts = {"added": result.added, "already": result.already, "unknown": len(result.unknown)}
    messages.success(
        request,
        _("%(added)s added, %(already)s already in the list, %(unknown)s unknown emails.") % counts,
    )
    if result.unknown:
        shown = ", ".join(result.unknown[:20])
        messages.warning(request, _("Unknown emails: %(emails)s") % {"emails": shown})


@workspace_view(Perm.SEGMENTS_EDIT)
@require_POST
def members_add(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """Add contacts to a static list, by ids or from a CSV file of emails."""
    found = _segment(access, segment)
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            _csv_added(request, actions.add_members_from_csv(access, found, upload.read()))
        else:
            change = actions.add_members(access, found, _ids(request.POST.get("contact_ids", "")))
            added = ngettext(
                "%(count)s contact added.", "%(count)s contacts added.", change.entered
            )
            messages.success(request, added % {"count": change.entered})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("segments:detail", access.workspace.slug, found.slug)


@workspace_view(Perm.SEGMENTS_EDIT)
@require_POST
def members_remove(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """Remove contacts (ids posted as ``contact_ids``) from a static list."""
    found = _segment(access, segment)
    try:
        change = actions.remove_members(access, found, _ids(request.POST.get("contact_ids", "")))
        messages.success(request, _("%(count)s contacts removed.") % {"count": change.left})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("segments:detail", access.workspace.slug, found.slug)


@workspace_view(Perm.SEGMENTS_EDIT)
@require_POST
def segment_freeze(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """Copy the segment's current members into a new static list."""
    frozen = actions.freeze_segment(access, _segment(access, segment))
    messages.success(request, _("Static list “%(name)s” created.") % {"name": frozen.name})
    return redirect("segments:detail", access.workspace.slug, frozen.slug)


@workspace_view(Perm.SEGMENTS_EDIT)
@require_POST
def segment_refresh(request: HttpRequest, access: WorkspaceAccess, segment: str) -> HttpResponse:
    """Re-evaluate a dynamic segment now."""
    found = _segment(access, segment)
    try:
        change = actions.refresh_segment(found)
    except (RuleError, ValidationError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(size)s contacts: %(entered)s entered, %(left)s left.")
            % {"size": change.size, "entered": change.entered, "left": change.left},
        )
    return redirect("segments:detail", access.workspace.slug, found.slug)
