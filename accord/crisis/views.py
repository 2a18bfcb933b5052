"""Crisis pages: the alerts (history, filters, charts, explanation, acknowledgement), planned
activities and delivery settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accord.accounts.access import WorkspaceAccess
from accord.accounts.roles import Perm
from accord.crisis import actions, charts, queries
from accord.crisis.actions import CrisisError
from accord.crisis.forms import AlertFilterForm, DeliverySettingsForm, PlannedActivityForm
from accord.crisis.models import PlannedActivity
from accord.web.guards import workspace_view

PAGE_SIZE = 25
MAX_CHARTS = 6


def _can(access: WorkspaceAccess) -> dict[str, bool]:
    return {"ack": access.can(Perm.CRISIS_ACK), "manage": access.can(Perm.CRISIS_MANAGE)}


def _charts(access: WorkspaceAccess, form: AlertFilterForm) -> list[charts.VolumeChart]:
    """One chart per listening query (the chosen one only when filtered), the newest period."""
    days = form.period_days() or 365
    end = timezone.now()
    start = end - timedelta(days=days)
    data = form.cleaned_data if form.is_valid() else {}
    chosen = data.get("query")
    scoped = [chosen] if chosen is not None else queries.active_query_list(access.workspace)
    built = [
        charts.volume_chart(access.workspace, queries.scope_key(query), query.name, start, end)
        for query in scoped[:MAX_CHARTS]
    ]
    if chosen is None and len(scoped) != 1:
        everything = charts.volume_chart(access.workspace, "all", _("All queries"), start, end)
        built.insert(0, everything)
    return built


@workspace_view(Perm.CRISIS_VIEW)
def alert_list(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List alerts newest first with filters, and the volume charts of the period."""
    form = AlertFilterForm(access.workspace, request.GET or None)
    found = queries.alerts(access.workspace, form.as_filter())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "alerts": page.object_list,
        "charts": _charts(access, form),
        "open_count": queries.open_alert_count(access.workspace),
        "query_string": params.urlencode(),
        "can": _can(access),
    }
    return render(request, "crisis/alerts.html", context)


@workspace_view(Perm.CRISIS_VIEW)
def alert_detail(request: HttpRequest, access: WorkspaceAccess, alert_id: int) -> HttpResponse:
    """Show one alert: its explanation, its points, its deliveries, and the acknowledgement."""
    alert = queries.get_alert(access.workspace, alert_id)
    labels = {"negative": _("Negative"), "neutral": _("Neutral"), "positive": _("Positive")}
    samples = [
        {**sample, "sentiment_label": labels.get(sample.get("sentiment", ""), "")}
        for sample in alert.explanation.get("samples", [])
    ]
    context = {
        "alert": alert,
        "x": alert.explanation,
        "samples": samples,
        "points": alert.points.select_related("query").order_by("at", "granularity", "metric"),
        "deliveries": alert.deliveries.all()[:50],
        "can": _can(access),
    }
    return render(request, "crisis/alert_detail.html", context)


@workspace_view(Perm.CRISIS_ACK)
@require_POST
def alert_ack(request: HttpRequest, access: WorkspaceAccess, alert_id: int) -> HttpResponse:
    """Acknowledge an alert (who and when are recorded and audited)."""
    alert = queries.get_alert(access.workspace, alert_id)
    was = alert.acknowledged
    actions.acknowledge_alert(access, alert, request.POST.get("note", ""))
    if was:
        messages.info(request, _("This alert was already acknowledged."))
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect("crisis:alert", access.workspace.slug, alert.pk)


def _activity_context(access: WorkspaceAccess, form: PlannedActivityForm) -> dict[str, Any]:
    return {
        "form": form,
        "activities": queries.planned_activities(access.workspace)[:200],
        "can": _can(access),
    }


@workspace_view(Perm.CRISIS_VIEW)
@require_http_methods(["GET", "POST"])
def activities(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """List planned activities; add one when a member who may manage the crisis room posts."""
    form = PlannedActivityForm()
    if request.method == "POST":
        access.require(Perm.CRISIS_MANAGE)
        form = PlannedActivityForm(request.POST)
        if form.is_valid():
            try:
                actions.plan_activity(access, **form.cleaned_data)
            except CrisisError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Planned activity added."))
                return redirect("crisis:activities", access.workspace.slug)
    return render(request, "crisis/activities.html", _activity_context(access, form))


@workspace_view(Perm.CRISIS_MANAGE)
@require_POST
def activity_delete(
    request: HttpRequest, access: WorkspaceAccess, activity_id: int
) -> HttpResponse:
    """Delete one planned activity."""
    try:
        activity = queries.planned_activities(access.workspace).get(pk=activity_id)
    except PlannedActivity.DoesNotExist:
        raise Http404("No such activity.") from None
    actions.delete_activity(access, activity)
    messages.success(request, _("Planned activity deleted."))
    return redirect("crisis:activities", access.workspace.slug)


@workspace_view(Perm.CRISIS_MANAGE)
@require_http_methods(["GET", "POST"])
def delivery_settings(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Edit email recipients, the webhook and the severity that notifies; show the log."""
    current = queries.delivery_settings(access.workspace)
    initial = {
        "emails": "\n".join(current.emails),
        "webhook_url": current.webhook_url,
        "min_severity": current.min_severity,
    }
    form = DeliverySettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_delivery_settings(
                access,
                emails=form.email_list(),
                webhook_url=form.cleaned_data["webhook_url"],
                min_severity=form.cleaned_data["min_severity"],
            )
        except CrisisError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Delivery settings saved."))
            return redirect("crisis:settings", access.workspace.slug)
    context = {
        "form": form,
        "deliveries": queries.deliveries(access.workspace)[:100],
        "can": _can(access),
    }
    return render(request, "crisis/settings.html", context)
