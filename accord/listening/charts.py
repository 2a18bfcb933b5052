"""The reputation trend, built server-side with plotly and drawn by the offline plotly.js."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from accord.listening.reputation import ReputationIndex

COLORS = {"index": "#3a37c4", "social": "#0e8a6a", "reviews": "#c27c0e", "press": "#8a4bd6"}


def _line(
    months: Sequence[ReputationIndex], values: list[float | None], key: str, name: str
) -> go.Scatter:
    return go.Scatter(
        x=[m.start.strftime("%Y-%m") for m in months],
        y=values,
        name=name,
        mode="lines+markers",
        connectgaps=False,
        line={"color": COLORS[key], "width": 3 if key == "index" else 1.5},
    )


def _component(month: ReputationIndex, key: str) -> float | None:
    return next((round(c.score, 1) for c in month.components if c.key == key), None)


def trend_figure(months: Sequence[ReputationIndex]) -> dict[str, Any]:
    """The index and its three components month by month (gaps where a month has no data)."""
    index = [None if m.value is None else round(m.value, 1) for m in months]
    figure = go.Figure(
        [
            _line(months, index, "index", _("Reputation index")),
            _line(months, [_component(m, "social") for m in months], "social", _("Social")),
            _line(months, [_component(m, "reviews") for m in months], "reviews", _("Reviews")),
            _line(months, [_component(m, "press") for m in months], "press", _("Press")),
        ]
    )
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        height=320,
        yaxis={"range": [0, 100]},
        legend={"orientation": "h", "y": -0.15},
        template="plotly_white",
    )
    result: dict[str, Any] = json.loads(figure.to_json())
    return result
