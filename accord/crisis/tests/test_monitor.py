"""The monitor over generated mention streams: one grouped alert per episode, launches labelled."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accord.accounts.models import User, Workspace
from accord.crisis import monitor
from accord.crisis.demo import build_demo_crisis
from accord.crisis.models import (
    ActivityKind,
    Alert,
    AlertKind,
    AlertPoint,
    Granularity,
    PlannedActivity,
    SeriesState,
    Severity,
    VolumePoint,
)
from accord.crisis.tasks import monitor_workspaces
from accord.crisis.tests.mentions import (
    CRISIS_TEXTS,
    LAUNCH_TEXTS,
    NOW,
    Burst,
    generate,
    make_query,
)
from accord.listening.models import ListeningQuery

CRISIS_AT = (NOW - timedelta(days=10)).replace(hour=13)
LAUNCH_AT = (NOW - timedelta(days=25)).replace(hour=9)
CRISIS = Burst(CRISIS_AT, 8, 25.0, CRISIS_TEXTS, 0.85, 0.02)
LAUNCH = Burst(LAUNCH_AT, 10, 15.0, LAUNCH_TEXTS, 0.05, 0.7)


@pytest.fixture
def query(workspace: Workspace) -> ListeningQuery:
    return make_query(workspace)


def _demo(workspace: Workspace, owner: User, query: ListeningQuery) -> monitor.MonitorRun:
    generate(workspace, query, days=120, bursts=(CRISIS, LAUNCH))
    return build_demo_crisis(workspace, owner, launch_at=LAUNCH_AT, launch_title="Aurora", now=NOW)


def test_a_crisis_raises_one_grouped_alert_and_a_launch_is_labelled_launch(
    workspace: Workspace, owner: User, query: ListeningQuery
) -> None:
    run = _demo(workspace, owner, query)

    crisis, launch = (
        Alert.objects.filter(kind=AlertKind.CRISIS),
        Alert.objects.filter(kind=AlertKind.LAUNCH),
    )
    assert (crisis.count(), launch.count(), Alert.objects.count()) == (1, 1, 2)
    alert = crisis.get()
    assert alert.severity == Severity.CRISIS
    assert CRISIS_AT <= alert.started_at < CRISIS_AT + timedelta(hours=2)
    assert alert.occurrences == alert.points.count()
    assert alert.occurrences >= 4  # grouped: several series saw it
    assert alert.occurrences == run.findings - launch.get().occurrences
    assert alert.query == query
    assert alert.peak_observed > 5 * alert.peak_expected
    launched = launch.get()
    assert launched.activity == PlannedActivity.objects.get(title="Aurora")
    assert LAUNCH_AT <= launched.started_at < LAUNCH_AT + timedelta(hours=10)
    assert launched.severity != Severity.CRISIS


def test_the_crisis_explanation_names_its_terms_its_volume_and_the_sentiment_shift(
    workspace: Workspace, owner: User, query: ListeningQuery
) -> None:
    _demo(workspace, owner, query)

    x = Alert.objects.get(kind=AlertKind.CRISIS).explanation
    terms = [term["term"] for term in x["top_terms"]]
    assert {"battery", "overheating", "fire"} <= set(terms[:3])
    assert "lumio" not in terms  # the query's own keyword explains nothing
    assert not {"the", "qui", "now", "d'incendie"} & set(terms)
    assert x["window"]["start"] == CRISIS_AT.isoformat()  # widened to the burst's first hour
    assert x["volume"]["observed"] > 5 * x["volume"]["expected"]
    assert x["sentiment"]["window"]["negative_share"] > 0.6
    assert x["sentiment"]["baseline"]["negative_share"] < 0.25
    assert x["sentiment"]["shift"] < -0.5
    assert x["top_sources"] == [{"source": "Mastodon", "mentions": x["volume"]["observed"]}]
    assert len(x["samples"]) == 5
    assert all(sample["sentiment"] == "negative" for sample in x["samples"])
    assert all("batter" in sample["text"] for sample in x["samples"])  # they hold top terms
    assert x["activity"] is None


def test_running_again_adds_nothing_and_reads_only_new_buckets(
    workspace: Workspace, owner: User, query: ListeningQuery
) -> None:
    _demo(workspace, owner, query)
    before = (Alert.objects.count(), AlertPoint.objects.count(), VolumePoint.objects.count())

    same = monitor.run_monitor(workspace, now=NOW)
    later = monitor.run_monitor(workspace, now=NOW + timedelta(minutes=5))
    again = build_demo_crisis(workspace, owner, launch_at=LAUNCH_AT, launch_title="Aurora", now=NOW)

    assert (same.series, same.points, same.findings) == (0, 0, 0)
    assert (later.series, later.points, later.findings) == (2, 2, 0)  # one 5-minute bucket each
    assert (again.points, again.findings) == (0, 0)
    assert PlannedActivity.objects.count() == 1
    after = (Alert.objects.count(), AlertPoint.objects.count(), VolumePoint.objects.count())
    assert after == before


def test_runs_every_few_hours_find_what_one_catch_up_run_finds(
    workspace: Workspace, query: ListeningQuery
) -> None:
    generate(workspace, query, days=120, bursts=(CRISIS,))
    start = NOW - timedelta(days=12)
    monitor.run_monitor(workspace, now=start)
    for step in range(1, 12 * 2):  # every twelve hours, through the crisis
        monitor.run_monitor(workspace, now=start + step * timedelta(hours=12))
    monitor.run_monitor(workspace, now=NOW)
    stepped = sorted(AlertPoint.objects.values_list("scope", "metric", "granularity", "at"))
    Alert.objects.all().delete()
    SeriesState.objects.all().delete()

    monitor.run_monitor(workspace, now=start)
    monitor.run_monitor(workspace, now=NOW)

    caught_up = sorted(AlertPoint.objects.values_list("scope", "metric", "granularity", "at"))
    assert caught_up == stepped
    assert len(stepped) > 0
    assert Alert.objects.count() == 1


def test_a_seasonal_background_alone_raises_no_alert(
    workspace: Workspace, query: ListeningQuery
) -> None:
    generate(workspace, query, days=120, seed=11)

    run = monitor.run_monitor(workspace, now=NOW)

    # Per scope: 14 days of 5 minutes, 90 days of hours, 120 days, less the unsettled buckets.
    assert run.points == 2 * ((4032 - 3) + (2160 - 1) + 120)
    assert (run.findings, Alert.objects.count()) == (0, 0)
    assert SeriesState.objects.count() == 6  # the workspace and the query, three widths
    hourly = VolumePoint.objects.filter(scope=f"q{query.pk}", granularity=Granularity.HOUR)
    assert hourly.count() == 2159


def test_a_negative_spike_during_a_launch_is_a_crisis(
    workspace: Workspace, owner: User, query: ListeningQuery
) -> None:
    sour = Burst(LAUNCH_AT, 6, 20.0, CRISIS_TEXTS, 0.8, 0.05)
    generate(workspace, query, days=120, bursts=(sour,))

    build_demo_crisis(workspace, owner, launch_at=LAUNCH_AT, launch_title="Aurora", now=NOW)

    alert = Alert.objects.get()
    assert (alert.kind, alert.severity) == (AlertKind.CRISIS, Severity.CRISIS)
    assert alert.activity is not None
    assert alert.activity.kind == ActivityKind.CAMPAIGN_LAUNCH


def test_the_task_monitors_workspaces_with_an_active_query_only(
    workspace: Workspace, other_workspace: Workspace, query: ListeningQuery
) -> None:
    paused = make_query(other_workspace, "paused")
    paused.is_active = False
    paused.save()
    generate(workspace, query, days=3)
    generate(other_workspace, paused, days=3)

    monitor_workspaces.call_local()

    assert set(SeriesState.objects.values_list("workspace__slug", flat=True)) == {"brand"}
