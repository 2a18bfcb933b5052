"""Alerts written directly, for tests of what reads or changes them (not of the monitor)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from accord.accounts.models import Workspace
from accord.crisis.models import Alert, AlertKind, AlertPoint, Granularity, Metric, Severity
from accord.crisis.tests.mentions import NOW
from accord.listening.models import ListeningQuery

EXPLANATION = {
    "window": {"start": "2026-03-10T13:00:00+00:00", "end": "2026-03-10T21:00:00+00:00"},
    "volume": {
        "observed": 252,
        "expected": 22.2,
        "peak": {
            "at": "2026-03-10T13:00:00+00:00",
            "metric": "negative",
            "granularity": "hour",
            "observed": 24.0,
            "expected": 0.65,
        },
    },
    "sentiment": {
        "window": {"mentions": 252, "negative": 180, "positive": 19, "net": -0.64,
                   "negative_share": 0.714},
        "baseline": {"mentions": 467, "negative": 82, "positive": 183, "net": 0.216,
                     "negative_share": 0.176},
        "shift": -0.856,
    },
    "top_terms": [{"term": "battery", "mentions": 133, "baseline": 0},
                  {"term": "overheating", "mentions": 133, "baseline": 0}],
    "top_sources": [{"source": "Mastodon", "mentions": 252}],
    "samples": [{"id": 1, "published_at": "2026-03-10T13:05:00+00:00", "author": "ana",
                 "title": "", "text": "my Lumio battery melted", "url": "https://social.example/1",
                 "sentiment": "negative", "source": "mastodon"}],
    "activity": None,
}  # fmt: skip


def make_alert(
    workspace: Workspace,
    *,
    started_at: datetime = NOW - timedelta(hours=3),
    query: ListeningQuery | None = None,
    **fields: Any,
) -> Alert:
    """Write one alert with one point (a negative-volume hourly spike) and an explanation."""
    values: dict[str, Any] = {
        "kind": AlertKind.CRISIS,
        "severity": Severity.CRISIS,
        "last_seen_at": started_at,
        "window_end": started_at + timedelta(hours=1),
        "occurrences": 1,
        "peak_at": started_at,
        "peak_metric": Metric.NEGATIVE,
        "peak_granularity": Granularity.HOUR,
        "peak_observed": 24.0,
        "peak_expected": 0.65,
        "peak_score": 1.0,
        "explanation": EXPLANATION,
    }
    values.update(fields)
    alert = Alert.objects.create(workspace=workspace, query=query, started_at=started_at, **values)
    AlertPoint.objects.create(
        workspace=workspace, alert=alert, scope="all" if query is None else f"q{query.pk}",
        query=query, metric=Metric.NEGATIVE, granularity=Granularity.HOUR, at=started_at,
        observed=24.0, expected=0.65, anomaly_score=1.0, z_score=9.0, mentions=31,
        negative=24, severity=values["severity"],
    )  # fmt: skip
    return alert
