"""Why an alert fired, as data that the page, the email and the webhook render for the reader.

``explain(alert)`` compares the episode (see ``window`` below) with the baseline: the week
before it, ending six hours before the episode so that its own start does not leak into it.
It returns JSON:

- ``window``: ``{"start", "end"}`` (ISO 8601): the episode, that is the span of the alert's
  finest points widened hour by hour while the hourly volume stays elevated (at least two
  Poisson standard deviations above the detector's expectation), at most a day before and
  three days after;
- ``volume``: mentions observed in the window, those expected at the baseline's rate, and the
  peak point as the detector saw it (``observed``, ``expected``, metric, bucket width, time);
- ``sentiment``: net sentiment and negative share in the window and the baseline, and the shift;
- ``top_terms``: words much more frequent in the window's mentions than in the baseline's
  (smoothed log ratio of document frequencies, at least two mentions; French and English stop
  words and the query's own keywords removed);
- ``top_sources``: mentions per source in the window;
- ``samples``: up to five mentions, those holding the most top terms first, then the most
  negative for a crisis (the most positive for a launch);
- ``activity``: the planned activity a launch coincided with, if any.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from accord.crisis.models import Alert, AlertKind, Granularity, VolumePoint
from accord.crisis.queries import SentimentCounts, sentiment_counts
from accord.crisis.stopwords import STOP_WORDS
from accord.crisis.volume import anscombe
from accord.listening.models import ListeningQuery, Mention
from accord.listening.queries import mentions_between

BASELINE = timedelta(days=7)
BASELINE_GAP = timedelta(hours=6)
MAX_LEAD = timedelta(days=1)
MAX_TAIL = timedelta(days=3)
ELEVATED_SDS = 2.0
MAX_WINDOW_TEXTS = 2000
MAX_BASELINE_TEXTS = 4000
TOP_TERMS = 8
TOP_SOURCES = 5
SAMPLES = 5
MIN_TERM_MENTIONS = 2
MIN_TERM_LIFT = math.log(2.0)  # a term at least twice as frequent as in the baseline

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")
_WORD = re.compile(r"[^\W\d_]{3,}")


def explain(alert: Alert) -> dict[str, Any]:
    """Return the explanation of ``alert`` (see the module docstring); 6 queries."""
    workspace, query = alert.workspace, alert.query
    start, end = episode_window(alert)
    base_start, base_end = start - BASELINE_GAP - BASELINE, start - BASELINE_GAP
    window = sentiment_counts(workspace, start, end, query)
    baseline = sentiment_counts(workspace, base_start, base_end, query)
    recent = list(mentions_between(workspace, start, end, query=query)[:MAX_WINDOW_TEXTS])
    before = mentions_between(workspace, base_start, base_end, query=query)
    before_texts = before.values_list("title", "text")[:MAX_BASELINE_TEXTS]
    expected = baseline.mentions * ((end - start) / BASELINE)
    terms = top_terms(
        [f"{m.title} {m.text}" for m in recent],
        [f"{title} {text}" for title, text in before_texts],
        exclude=_query_words(query),
    )
    return {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "volume": {
            "observed": window.mentions,
            "expected": round(expected, 1),
            "peak": {
                "at": alert.peak_at.isoformat(),
                "metric": alert.peak_metric,
                "granularity": alert.peak_granularity,
                "observed": round(alert.peak_observed, 3),
                "expected": round(alert.peak_expected, 3),
            },
        },
        "sentiment": _sentiment(window, baseline),
        "top_terms": terms,
        "top_sources": _sources(recent),
        "samples": _samples(
            recent,
            frozenset(term["term"] for term in terms),
            positive_first=alert.kind == AlertKind.LAUNCH,
        ),
        "activity": _activity(alert),
    }


def _elevated(observed: float, expected: float) -> bool:
    return anscombe(round(observed)) - anscombe(round(expected)) >= ELEVATED_SDS


def episode_window(alert: Alert) -> tuple[datetime, datetime]:
    """Return the episode around the alert's points, widened by the elevated hours around it.

    Reads the hourly chart points of the alert's scope (1 query).
    """
    start, end = alert.started_at, alert.window_end
    scope = "all" if alert.query_id is None else f"q{alert.query_id}"
    hourly = {
        point.at: _elevated(point.observed, point.expected)
        for point in VolumePoint.objects.filter(
            workspace_id=alert.workspace_id,
            scope=scope,
            granularity=Granularity.HOUR,
            at__gte=start - MAX_LEAD,
            at__lt=end + MAX_TAIL,
        )
    }
    hour = timedelta(hours=1)
    first = start.replace(minute=0, second=0, microsecond=0)
    while first - hour >= start - MAX_LEAD and hourly.get(first - hour, False):
        first -= hour
    last = end
    probe = end.replace(minute=0, second=0, microsecond=0)
    while probe < end + MAX_TAIL and hourly.get(probe, False):
        probe += hour
        last = max(last, probe)
    return min(start, first), last


def _sentiment(window: SentimentCounts, baseline: SentimentCounts) -> dict[str, Any]:
    def summary(counts: SentimentCounts) -> dict[str, Any]:
        return {
            "mentions": counts.mentions,
            "negative": counts.negative,
            "positive": counts.positive,
            "net": round(counts.net_sentiment, 3),
            "negative_share": round(counts.negative_share, 3),
        }

    return {
        "window": summary(window),
        "baseline": summary(baseline),
        "shift": round(window.net_sentiment - baseline.net_sentiment, 3),
    }


def words(text: str) -> set[str]:
    """Return the distinct lower-case words of three letters or more, links and handles removed."""
    return set(_WORD.findall(_NOISE.sub(" ", text.lower())))


def top_terms(
    window: Iterable[str], baseline: Iterable[str], *, exclude: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Return the words distinctive of ``window`` texts against ``baseline`` texts.

    Each text counts a word once. The lift is the log ratio of the word's share of texts in
    the window and in the baseline, both smoothed by half a text; terms rank by window count
    times lift. Returns ``[{"term", "mentions", "baseline"}]``, best first.
    """
    ignored = STOP_WORDS | exclude
    window_counts, window_size = _document_frequencies(window, ignored)
    base_counts, base_size = _document_frequencies(baseline, ignored)
    ranked: list[tuple[float, str]] = []
    for term, count in window_counts.items():
        if count < MIN_TERM_MENTIONS:
            continue
        lift = math.log((count + 0.5) / (window_size + 1)) - math.log(
            (base_counts[term] + 0.5) / (base_size + 1)
        )
        if lift >= MIN_TERM_LIFT:
            ranked.append((count * lift, term))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return [
        {"term": term, "mentions": window_counts[term], "baseline": base_counts[term]}
        for _score, term in ranked[:TOP_TERMS]
    ]


def _document_frequencies(
    texts: Iterable[str], ignored: frozenset[str]
) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    size = 0
    for text in texts:
        counts.update(words(text) - ignored)
        size += 1
    return counts, size


def _query_words(query: ListeningQuery | None) -> frozenset[str]:
    """The words of the query's keywords: every mention has them, so they explain nothing."""
    if query is None:
        return frozenset()
    found: set[str] = set()
    for keyword in query.keywords:
        found |= words(str(keyword))
    return frozenset(found)


def _sources(mentions: list[Mention]) -> list[dict[str, Any]]:
    counts = Counter(
        mention.source.name if mention.source is not None else mention.get_source_kind_display()
        for mention in mentions
    )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"source": name, "mentions": count} for name, count in ranked[:TOP_SOURCES]]


def _samples(
    mentions: list[Mention], terms: frozenset[str], *, positive_first: bool
) -> list[dict[str, Any]]:
    """Pick the mentions that hold the most top terms, then the most negative (or positive)."""
    sign = -1.0 if positive_first else 1.0

    def rank(m: Mention) -> tuple[int, float, int, int]:
        held = len(words(f"{m.title} {m.text}") & terms)
        return (-held, sign * m.score, -(m.reach or 0), m.pk)

    chosen = sorted(mentions, key=rank)[:SAMPLES]
    return [
        {
            "id": mention.pk,
            "published_at": mention.published_at.isoformat(),
            "author": mention.author,
            "title": mention.title,
            "text": mention.text[:280],
            "url": mention.url if mention.url.startswith(("https://", "http://")) else "",
            "sentiment": mention.sentiment,
            "source": mention.source.name if mention.source else mention.source_kind,
        }
        for mention in chosen
    ]


def _activity(alert: Alert) -> dict[str, Any] | None:
    activity = alert.activity
    if activity is None:
        return None
    return {
        "id": activity.pk,
        "title": activity.title,
        "kind": activity.kind,
        "starts_at": activity.starts_at.isoformat(),
    }
