"""Listening pages: mentions (filters, triage, export), reputation, queries and sources."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.listening import actions, charts, queries
from accord.listening.forms import (
    AssignForm,
    ManualMentionForm,
    MentionFilterForm,
    QueryForm,
    ReplyForm,
    ReviewImportForm,
    SourceForm,
    TagForm,
)
from accord.listening.models import ListeningQuery, Mention, Source, SourceKind
from accord.listening.sources import ConnectorError, connector_for
from accord.listening.sources.reviews import ReviewFileError
from accord.listening.sources.webhook import PayloadError
from accord.listening.spam import reason_label
from accord.web.guards import workspace_view

PAGE_SIZE = 50
EXPORT_COLUMNS = (
    "published_at", "source", "channel", "query", "subject", "lang", "sentiment", "score",
    "rating", "author", "title", "text", "url", "tags", "assigned_to", "is_spam", "spam_reason",
)  # fmt: skip


def _can(access: WorkspaceAccess) -> dict[str, bool]:
    return {
        "manage": access.can(Perm.LISTENING_MANAGE),
        "triage": access.can(Perm.MENTIONS_TRIAGE),
    }


def _filter_form(request: HttpRequest, access: WorkspaceAccess) -> MentionFilterForm:
    workspace = access.workspace
    return MentionFilterForm(
        request.GET,
        queries.sources(workspace),
        queries.listening_queries(workspace),
        queries.mention_tags(workspace),
        queries.competitor_names(workspace),
    )


def _repliable(mention: Mention) -> bool:
    source = mention.source
    if source is None or not mention.external_id:
        return False
    connector = connector_for(source.kind)
    return connector.reply is not None and connector.can_reply(source.config)


@workspace_view(Perm.LISTENING_VIEW)
def mention_list(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List mentions with filters; members who triage tag, assign, reply and mark spam here."""
    form = _filter_form(request, access)
    found = queries.filter_mentions(access.workspace, form.to_filter(timezone.now()))
    page = Paginator(found.prefetch_related("replies"), PAGE_SIZE).get_page(request.GET.get("page"))
    members = list(queries.assignable_members(access.workspace))
    rows = [
        {
            "mention": m,
            "spam_label": reason_label(m.spam_reason) if m.is_spam else "",
            "can_reply": _repliable(m),
        }
        for m in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "members": members,
        "can": _can(access),
        "tab": "mentions",
    }
    return render(request, "listening/mentions.html", context)


def _export_rows(found: Any) -> Iterator[list[str]]:
    yield list(EXPORT_COLUMNS)
    for m in found.iterator(chunk_size=1000):
        yield [
            m.published_at.isoformat(),
            m.source.name if m.source else "",
            m.channel,
            m.query.slug if m.query else "",
            m.subject,
            m.lang,
            m.sentiment,
            f"{m.score:.4f}",
            "" if m.rating is None else f"{m.rating:g}",
            m.author,
            m.title,
            m.text,
            m.url,
            ";".join(m.tags),
            m.assigned_to.get_username() if m.assigned_to else "",
            "1" if m.is_spam else "0",
            m.spam_reason,
        ]


def _safe_cell(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} and not value[1:2].isdigit() else value


@workspace_view(Perm.LISTENING_VIEW)
def export_csv(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Download the filtered list as CSV (UTF-8, rows read from the database in chunks)."""
    form = _filter_form(request, access)
    found = queries.filter_mentions(access.workspace, form.to_filter(timezone.now()))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mentions.csv"'
    writer = csv.writer(response)
    for row in _export_rows(found):
        writer.writerow([_safe_cell(cell) for cell in row])
    return response


def _mention(access: WorkspaceAccess, mention_id: int) -> Mention:
    try:
        return queries.get_mention(access.workspace, mention_id)
    except Mention.DoesNotExist:
        raise Http404("No such mention.") from None


def _back(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("listening:mentions", access.workspace.slug)


def _fail(request: HttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


@workspace_view(Perm.MENTIONS_TRIAGE)
@require_POST
def mention_tag(request: HttpRequest, access: WorkspaceAccess, mention_id: int) -> HttpResponse:
    """Add a tag to a mention, or remove one (``remove`` set)."""
    mention = _mention(access, mention_id)
    form = TagForm(request.POST)
    if form.is_valid():
        tag = form.cleaned_data["tag"]
        if request.POST.get("remove"):
            actions.remove_tag(access, mention, tag)
        else:
            try:
                actions.add_tag(access, mention, tag)
            except ValidationError as error:
                _fail(request, error)
    return _back(request, access)


@workspace_view(Perm.MENTIONS_TRIAGE)
@require_POST
def mention_assign(request: HttpRequest, access: WorkspaceAccess, mention_id: int) -> HttpResponse:
    """Assign a mention to a teammate (or to nobody)."""
    mention = _mention(access, mention_id)
    form = AssignForm(request.POST, queries.assignable_members(access.workspace))
    if form.is_valid():
        actions.assign_mention(access, mention, form.assignee())
        messages.success(request, _("Assignment saved."))
    return _back(request, access)


@workspace_view(Perm.MENTIONS_TRIAGE)
@require_POST
def mention_spam(request: HttpRequest, access: WorkspaceAccess, mention_id: int) -> HttpResponse:
    """Mark a mention as spam, or clear its verdict (``is_spam`` = 0)."""
    mention = _mention(access, mention_id)
    actions.set_spam(access, mention, request.POST.get("is_spam") == "1")
    return _back(request, access)


@workspace_view(Perm.MENTIONS_TRIAGE)
@require_POST
def mention_reply(request: HttpRequest, access: WorkspaceAccess, mention_id: int) -> HttpResponse:
    """Reply on the mention's network through its source."""
    mention = _mention(access, mention_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reply holds 1 to 500 characters."))
        return _back(request, access)
    try:
        actions.reply_to_mention(access, mention, form.cleaned_data["text"])
    except ValidationError as error:
        _fail(request, error)
    except ConnectorError as error:
        messages.error(request, _("The network refused the reply: %(error)s") % {"error": error})
    else:
        messages.success(request, _("Reply posted."))
    return _back(request, access)


@workspace_view(Perm.MENTIONS_TRIAGE)
@require_http_methods(["GET", "POST"])
def mention_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Add a mention seen elsewhere (a magazine, a radio show, a forum)."""
    form = ManualMentionForm(request.POST or None, initial={"published_at": timezone.now()})
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.add_manual_mention(access, form.entry())
        except PayloadError as error:
            form.add_error(None, error.message)
        else:
            if result.stored:
                messages.success(request, _("Mention added."))
            else:
                messages.info(request, _("This mention was already recorded."))
            return redirect("listening:mentions", access.workspace.slug)
    context = {"form": form, "can": _can(access), "tab": "mentions"}
    return render(request, "listening/mention_new.html", context)


# Reputation -------------------------------------------------------------------------------

REPUTATION_PERIODS = {"30d": 30, "90d": 90, "365d": 365}


@workspace_view(Perm.LISTENING_VIEW)
def reputation(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """The reputation index of the period, its components, its monthly trend, share of voice."""
    period = request.GET.get("period", "30d")
    days = REPUTATION_PERIODS.get(period, 30)
    now = timezone.now()
    start = now - timedelta(days=days)
    months = queries.reputation_trend(access.workspace, now)
    context = {
        "index": queries.reputation_index(access.workspace, start, now),
        "voice": queries.share_of_voice(access.workspace, start, now),
        "chart": charts.trend_figure(months),
        "has_trend": any(m.value is not None for m in months),
        "period": period if period in REPUTATION_PERIODS else "30d",
        "periods": [
            ("30d", _("Last 30 days")),
            ("90d", _("Last 90 days")),
            ("365d", _("Last 12 months")),
        ],
        "can": _can(access),
        "tab": "reputation",
    }
    return render(request, "listening/reputation.html", context)


# Queries ----------------------------------------------------------------------------------


def _query(access: WorkspaceAccess, query_id: int) -> ListeningQuery:
    try:
        return queries.listening_queries(access.workspace).get(pk=query_id)
    except ListeningQuery.DoesNotExist:
        raise Http404("No such query.") from None


@workspace_view(Perm.LISTENING_MANAGE)
def query_list(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """The workspace's listening queries."""
    context = {
        "queries": queries.listening_queries(access.workspace),
        "can": _can(access),
        "tab": "queries",
    }
    return render(request, "listening/queries.html", context)


def _save_query(
    request: HttpRequest, access: WorkspaceAccess, form: QueryForm, query: ListeningQuery | None
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        actions.save_query(access, form.values(), query)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    messages.success(request, _("Query saved."))
    return redirect("listening:queries", access.workspace.slug)


@workspace_view(Perm.LISTENING_MANAGE)
@require_http_methods(["GET", "POST"])
def query_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Create a listening query."""
    form = QueryForm(request.POST or None)
    if request.method == "POST" and (done := _save_query(request, access, form, None)):
        return done
    return render(
        request,
        "listening/query_form.html",
        {"form": form, "query": None, "tab": "queries", "can": _can(access)},
    )


@workspace_view(Perm.LISTENING_MANAGE)
@require_http_methods(["GET", "POST"])
def query_edit(request: HttpRequest, access: WorkspaceAccess, query_id: int) -> HttpResponse:
    """Change a listening query, or delete it (``delete`` posted)."""
    query = _query(access, query_id)
    if request.method == "POST" and request.POST.get("delete"):
        actions.delete_query(access, query)
        messages.success(request, _("Query deleted."))
        return redirect("listening:queries", access.workspace.slug)
    form = QueryForm(request.POST or None, initial=QueryForm.initial_for(query))
    if request.method == "POST" and (done := _save_query(request, access, form, query)):
        return done
    return render(
        request,
        "listening/query_form.html",
        {"form": form, "query": query, "tab": "queries", "can": _can(access)},
    )


# Sources ----------------------------------------------------------------------------------


def _source(access: WorkspaceAccess, source_id: int) -> Source:
    try:
        return queries.sources(access.workspace).get(pk=source_id)
    except Source.DoesNotExist:
        raise Http404("No such source.") from None


@workspace_view(Perm.LISTENING_MANAGE)
def source_list(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """The workspace's sources, their last fetch and error."""
    context = {
        "sources": queries.sources(access.workspace),
        "kinds": SourceKind.choices,
        "can": _can(access),
        "tab": "sources",
    }
    return render(request, "listening/sources.html", context)


def _save_source(
    request: HttpRequest, access: WorkspaceAccess, form: SourceForm, source: Source | None
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        if source is None:
            source = actions.create_source(access, form.kind, form.values())
        else:
            actions.update_source(access, source, form.values())
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            name = field.removeprefix("config.")
            form.add_error(name if name in form.fields else None, errors)
        return None
    messages.success(request, _("Source saved."))
    return redirect("listening:source", access.workspace.slug, source.pk)


@workspace_view(Perm.LISTENING_MANAGE)
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Add a source of the kind in ``?kind=`` (RSS by default)."""
    kind = request.GET.get("kind", SourceKind.RSS)
    if kind not in SourceKind.values:
        raise Http404("No such kind of source.")
    form = SourceForm(
        request.POST or None, kind=kind, queries=queries.listening_queries(access.workspace)
    )
    if request.method == "POST" and (done := _save_source(request, access, form, None)):
        return done
    context = {
        "form": form,
        "source": None,
        "kind": kind,
        "kind_label": SourceKind(kind).label,
        "tab": "sources",
        "can": _can(access),
    }
    return render(request, "listening/source_form.html", context)


@workspace_view(Perm.LISTENING_MANAGE)
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, access: WorkspaceAccess, source_id: int) -> HttpResponse:
    """Change a source; fetch it now, import reviews into it, or delete it."""
    source = _source(access, source_id)
    form = SourceForm(
        request.POST or None,
        kind=source.kind,
        queries=queries.listening_queries(access.workspace),
        initial=SourceForm.initial_for(source),
    )
    if request.method == "POST" and (done := _save_source(request, access, form, source)):
        return done
    context = {
        "form": form,
        "source": source,
        "kind": source.kind,
        "kind_label": source.get_kind_display(),
        "pulled": connector_for(source.kind).fetch is not None,
        "import_form": ReviewImportForm(),
        "webhook_path": f"/api/v1/listening/webhook/{source.pk}",
        "tab": "sources",
        "can": _can(access),
    }
    return render(request, "listening/source_form.html", context)


@workspace_view(Perm.LISTENING_MANAGE)
@require_POST
def source_action(
    request: HttpRequest, access: WorkspaceAccess, source_id: int, action: str
) -> HttpResponse:
    """Fetch now, rotate the webhook secret, import a review file or delete the source."""
    source = _source(access, source_id)
    if action == "delete":
        actions.delete_source(access, source)
        messages.success(request, _("Source deleted."))
        return redirect("listening:sources", access.workspace.slug)
    if action == "fetch":
        _fetch_now(request, source)
    elif action == "secret" and source.kind == SourceKind.WEBHOOK:
        actions.rotate_webhook_secret(access, source)
        messages.success(request, _("New secret created; the old one no longer works."))
    elif action == "import" and source.kind == SourceKind.REVIEWS:
        _import(request, access, source)
    else:
        raise Http404("No such action.")
    return redirect("listening:source", access.workspace.slug, source.pk)


def _fetch_now(request: HttpRequest, source: Source) -> None:
    if connector_for(source.kind).fetch is None:
        raise Http404("This source is not fetched.")
    outcome = actions.fetch_source(source)
    if outcome.result is None:
        messages.error(request, _("The fetch failed: %(error)s") % {"error": outcome.error})
    else:
        messages.success(request, _("%(n)s new mentions.") % {"n": outcome.result.stored})


def _import(request: HttpRequest, access: WorkspaceAccess, source: Source) -> None:
    form = ReviewImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return
    try:
        result = actions.import_reviews(access, source, form.cleaned_data["file"])
    except ReviewFileError as error:
        for problem in error.errors:
            messages.error(request, str(problem))
        return
    messages.success(
        request,
        _("%(stored)s reviews imported, %(known)s already known.")
        % {"stored": result.stored, "known": result.known},
    )
