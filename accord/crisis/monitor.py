"""Stream a workspace's mention buckets through spike detectors and turn alerts into incidents.

Series watched: mention volume, negative-mention volume and net sentiment, for the whole
workspace and for each active listening query, in 5-minute, hourly and daily buckets (nine
detectors per scope). Run repeatedly (the Huey task runs it every five minutes), it is correct
because it **persists** each detector's state with the first bucket it has not read
(``SeriesState.next_start``): a run reads only buckets that ended at least ``SETTLE_DELAY`` ago
and were not read before, so no point is assessed twice; ``AlertPoint`` is unique per series
and bucket, so even a replayed point cannot alert twice. A scope seen for the first time is
replayed from its first mention, at most ``REPLAY`` back, deterministically (same mentions,
same alerts).

Buckets are aligned on UTC; 5-minute and hourly points reach the detector on the clock of
``settings.TIME_ZONE`` (daily and weekly habits of the audience), daily points at UTC midnight
(so a summer-time change does not move them to another profile slot).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import Workspace
from accord.crisis import actions, queries
from accord.crisis.config import DetectorConfig
from accord.crisis.detector import Detection, SpikeDetector
from accord.crisis.models import Granularity, Metric, SeriesState, VolumePoint
from accord.crisis.volume import anscombe, from_anscombe
from accord.listening.models import ListeningQuery
from accord.listening.queries import MentionBucket, mention_buckets

WIDTHS = {
    Granularity.FIVE_MINUTES: timedelta(minutes=5),
    Granularity.HOUR: timedelta(hours=1),
    Granularity.DAY: timedelta(days=1),
}
# How far back a scope seen for the first time is replayed (and the longest gap caught up).
REPLAY = {
    Granularity.FIVE_MINUTES: timedelta(days=14),
    Granularity.HOUR: timedelta(days=90),
    Granularity.DAY: timedelta(days=400),
}
# A bucket is read once it ended this long ago: sources fetch every 15 minutes by default.
SETTLE_DELAY = timedelta(minutes=15)
# Net sentiment of fewer mentions than this is noise: such buckets are not fed to its detector.
MIN_SENTIMENT_MENTIONS = 5
CHARTED = (Granularity.HOUR, Granularity.DAY)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def detector_config(granularity: str, metric: str) -> DetectorConfig:
    """Return the detector settings of one series (docs/decisions/0002 for the defaults).

    Volumes (on the Anscombe scale, see ``_observe``) alert on rises only, and a change within
    Poisson noise is never news (``min_scale`` 1, the Poisson noise sd on that scale);
    net sentiment alerts on falls, and a wobble under 0.1 is noise. Hourly and daily series
    learn for a week and sixty days. Their cool-down is longer than the window of the
    sustained-shift statistic (12 points; 7 for daily buckets), so a past spike still inside
    that window cannot re-alert on its own: hourly series may alert again after a day, daily
    ones after 8 days (the 5-minute series react within the episode meanwhile).
    """
    sentiment = metric == Metric.NET_SENTIMENT
    base: dict[str, Any] = {
        "direction": "down" if sentiment else "up",
        "min_scale": 0.1 if sentiment else 1.0,
    }
    if granularity == Granularity.HOUR:
        base.update(cooldown=24, warmup=168)
    elif granularity == Granularity.DAY:
        base.update(cooldown=8, warmup=60, history=400, sustained_points=7)
    return DetectorConfig(**base)


@dataclass(frozen=True)
class Scope:
    """The whole workspace (``query`` None) or one listening query."""

    key: str
    query: ListeningQuery | None


@dataclass(frozen=True)
class Finding:
    """One bucket a detector alerted on, with what severity and labelling need."""

    scope: Scope
    metric: Metric
    granularity: Granularity
    start: datetime
    end: datetime
    detection: Detection
    mentions: int
    negative: int


@dataclass
class SeriesRun:
    """What one scope and bucket width produced in a run, before it is saved."""

    scope: Scope
    granularity: Granularity
    known_start: datetime | None  # next_start read at load, None for a new series
    next_start: datetime
    detectors: dict[str, SpikeDetector]
    findings: list[Finding] = field(default_factory=list)
    volumes: list[tuple[datetime, float, float]] = field(default_factory=list)
    points: int = 0


@dataclass(frozen=True)
class MonitorRun:
    """What a monitor run did: series advanced, points read, alerts opened and grown."""

    series: int
    points: int
    findings: int
    opened: int
    grown: int


def floor_time(moment: datetime, width: timedelta) -> datetime:
    """Return the start of the UTC-aligned bucket of ``width`` holding ``moment``."""
    seconds = int(width.total_seconds())
    elapsed = int((moment - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=elapsed - elapsed % seconds)


def scopes(workspace: Workspace) -> list[Scope]:
    """The workspace scope, then one per active listening query."""
    return [Scope("all", None)] + [
        Scope(queries.scope_key(query), query) for query in queries.active_query_list(workspace)
    ]


def pack_state(detectors: dict[str, SpikeDetector]) -> bytes:
    """Serialise detectors to compressed JSON."""
    data = {metric: detector.to_dict() for metric, detector in detectors.items()}
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 1)


def unpack_state(raw: bytes | memoryview) -> dict[str, SpikeDetector]:
    """Rebuild the detectors saved by ``pack_state``."""
    data = json.loads(zlib.decompress(bytes(raw)))
    return {metric: SpikeDetector.from_dict(saved) for metric, saved in data.items()}


def new_detectors(granularity: Granularity) -> dict[str, SpikeDetector]:
    """Fresh detectors for the three metrics of one bucket width."""
    return {metric.value: SpikeDetector(detector_config(granularity, metric)) for metric in Metric}


def _load(
    workspace: Workspace, scope: Scope, granularity: Granularity, now: datetime
) -> SeriesRun | None:
    """Load (or start) one series and decide its next bucket; None when it has nothing to read."""
    width = WIDTHS[granularity]
    row = SeriesState.objects.filter(
        workspace=workspace, scope=scope.key, granularity=granularity
    ).first()
    if row is not None:
        run = SeriesRun(scope, granularity, row.next_start, row.next_start, unpack_state(row.state))
    else:
        first = queries.first_mention_at(workspace, scope.query)
        if first is None:
            return None
        start = floor_time(first, width)
        run = SeriesRun(scope, granularity, None, start, new_detectors(granularity))
    run.next_start = max(run.next_start, floor_time(now - REPLAY[granularity], width))
    return run


def _in_counts(detection: Detection, count: int) -> Detection:
    """Express a detection made on the Anscombe scale back in mentions."""
    expected = from_anscombe(detection.expected)
    return replace(detection, observed=float(count), expected=expected, deviation=count - expected)


def _observe(run: SeriesRun, bucket: MentionBucket) -> Iterator[tuple[Metric, Detection]]:
    """Feed one bucket to the series' detectors; yield each metric's detection.

    Counts are fed on the Anscombe scale, so that the noise of a quiet series (one mention
    an hour) and of a busy one (hundreds) weigh alike against ``min_scale``.
    """
    ts = bucket.start
    if run.granularity != Granularity.DAY:
        ts = timezone.localtime(ts)
    detectors = run.detectors
    for metric, count in ((Metric.MENTIONS, bucket.mentions), (Metric.NEGATIVE, bucket.negative)):
        yield metric, _in_counts(detectors[metric].update(ts, anscombe(count)), count)
    if bucket.mentions >= MIN_SENTIMENT_MENTIONS:
        sentiment = detectors[Metric.NET_SENTIMENT]
        yield Metric.NET_SENTIMENT, sentiment.update(ts, bucket.net_sentiment)


def exceeds(metric: Metric, detection: Detection) -> bool:
    """Tell whether the point itself is beyond expectation in the watched direction.

    A sustained-shift alert can fire on a point back to normal while earlier anomalous points
    are still in the statistic's window; such a point is the tail of an episode, not news.
    """
    if metric == Metric.NET_SENTIMENT:
        return detection.observed < detection.expected
    return detection.observed > detection.expected


def advance_series(
    workspace: Workspace, scope: Scope, granularity: Granularity, now: datetime
) -> SeriesRun | None:
    """Read the buckets of one series that settled since the last run, through its detectors."""
    run = _load(workspace, scope, granularity, now)
    width = WIDTHS[granularity]
    end = floor_time(now - SETTLE_DELAY, width)
    if run is None or run.next_start >= end:
        return None
    buckets = mention_buckets(
        workspace, start=run.next_start, end=end, width=width, query=scope.query
    )
    for bucket in buckets:
        for metric, detection in _observe(run, bucket):
            if metric == Metric.MENTIONS and granularity in CHARTED:
                run.volumes.append((bucket.start, detection.observed, detection.expected))
            if detection.is_alert and exceeds(metric, detection):
                finding = Finding(
                    scope, metric, granularity, bucket.start, bucket.start + width,
                    detection, bucket.mentions, bucket.negative,
                )  # fmt: skip
                run.findings.append(finding)
        run.points += 1
    run.next_start = end
    return run


def _save(workspace: Workspace, run: SeriesRun) -> bool:
    """Save one series' state unless another run advanced it meanwhile; tell whether saved."""
    rows = SeriesState.objects.select_for_update().filter(
        workspace=workspace, scope=run.scope.key, granularity=run.granularity
    )
    row = rows.first()
    if (row.next_start if row is not None else None) != run.known_start:
        return False
    state = pack_state(run.detectors)
    if row is None:
        SeriesState.objects.create(
            workspace=workspace, scope=run.scope.key, query=run.scope.query,
            granularity=run.granularity, next_start=run.next_start, state=state,
        )  # fmt: skip
    else:
        row.next_start, row.state = run.next_start, state
        row.save(update_fields=["next_start", "state", "updated_at"])
    VolumePoint.objects.bulk_create(
        [
            VolumePoint(
                workspace=workspace,
                scope=run.scope.key,
                granularity=run.granularity,
                at=at,
                observed=observed,
                expected=expected,
            )  # fmt: skip
            for at, observed, expected in run.volumes
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return True


def run_monitor(workspace: Workspace, *, now: datetime | None = None) -> MonitorRun:
    """Advance every series of the workspace to ``now`` and record what alerted.

    Detection runs outside the transaction (it only reads); states, chart points and alerts
    are saved in one transaction, and a series another run advanced meanwhile is dropped.
    """
    now = now or timezone.now()
    runs = [
        run
        for scope in scopes(workspace)
        for granularity in Granularity
        if (run := advance_series(workspace, scope, granularity, now)) is not None
    ]
    with transaction.atomic():
        saved = [run for run in runs if _save(workspace, run)]
        findings = sorted(
            (finding for run in saved for finding in run.findings),
            key=lambda f: (f.start, -WIDTHS[f.granularity].total_seconds(), f.scope.key),
        )
        outcome = actions.record_findings(workspace, findings, now=now)
    return MonitorRun(
        series=len(saved),
        points=sum(run.points for run in saved),
        findings=len(findings),
        opened=outcome.opened,
        grown=outcome.grown,
    )
