"""Server-side plotly figures of the alerts page: observed against expected volume, with alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import plotly.graph_objects as go
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.models import Workspace
from accord.crisis.models import AlertKind, AlertPoint, Granularity
from accord.crisis.queries import volume_points

HOURLY_UP_TO = timedelta(days=31)  # longer periods are drawn from daily buckets


@dataclass(frozen=True)
class VolumeChart:
    """One chart of the page: its title, a DOM id and the plotly figure as JSON."""

    title: str
    dom_id: str
    figure_json: str
    points: int


def volume_chart(
    workspace: Workspace, scope: str, title: str, start: datetime, end: datetime
) -> VolumeChart:
    """Build the chart of one scope over ``[start, end)`` (2 queries).

    Hourly buckets up to a month, daily beyond. Alert points of that scope and bucket width are
    drawn on the observed line, red for a crisis, green for a launch.
    """
    granularity = Granularity.HOUR if end - start <= HOURLY_UP_TO else Granularity.DAY
    rows = list(volume_points(workspace, scope, granularity, start, end))
    times = [timezone.localtime(row.at) for row in rows]
    observed = {row.at: row.observed for row in rows}
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(x=times, y=[r.observed for r in rows], name=_("Observed"), mode="lines")
    )
    figure.add_trace(
        go.Scatter(
            x=times,
            y=[round(r.expected, 2) for r in rows],
            name=_("Expected"),
            mode="lines",
            line={"dash": "dot"},
        )
    )
    for kind, label, color in (
        (AlertKind.CRISIS, _("Crisis alert"), "#c0392b"),
        (AlertKind.LAUNCH, _("Launch"), "#1e8449"),
    ):
        ats = sorted(
            set(
                AlertPoint.objects.filter(
                    workspace=workspace, scope=scope, granularity=granularity,
                    at__gte=start, at__lt=end, alert__kind=kind,
                ).values_list("at", flat=True)
            )
        )  # fmt: skip
        figure.add_trace(
            go.Scatter(
                x=[timezone.localtime(at) for at in ats],
                y=[observed.get(at, 0.0) for at in ats],
                name=label,
                mode="markers",
                marker={"size": 11, "color": color, "symbol": "diamond"},
            )
        )
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        height=280,
        legend={"orientation": "h"},
        yaxis={
            "title": _("Mentions per hour")
            if granularity == Granularity.HOUR
            else _("Mentions per day")
        },
    )
    return VolumeChart(title, f"chart-{scope}", figure.to_json(), len(rows))
