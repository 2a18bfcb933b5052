"""Reads over mentions: volume buckets (what the crisis detector consumes) and samples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet

from accord.accounts.models import Membership, User, Workspace
from accord.listening.models import ListeningQuery, Mention, Sentiment, Source
from accord.listening.reputation import (
    ReputationIndex,
    ShareOfVoice,
    Tally,
    build_index,
    build_share_of_voice,
)


@dataclass(frozen=True)
class MentionBucket:
    """Mentions published in ``[start, start + width)``; ``net_sentiment`` in [-1, 1] (0 if none).

    ``net_sentiment`` is (positive − negative) / mentions.
    """

    start: datetime
    mentions: int
    negative: int
    positive: int

    @property
    def net_sentiment(self) -> float:
        return (self.positive - self.negative) / self.mentions if self.mentions else 0.0


def counted_mentions(
    workspace: Workspace, *, query: ListeningQuery | None = None
) -> QuerySet[Mention]:
    """The mentions that count: the brand's own (not competitors'), neither spam nor duplicate.

    ``query=None`` means every query of the workspace.
    """
    mentions = Mention.objects.filter(
        workspace=workspace, subject="", is_spam=False, duplicate_of__isnull=True
    )
    if query is not None:
        mentions = mentions.filter(query=query)
    return mentions


def mention_buckets(
    workspace: Workspace,
    *,
    start: datetime,
    end: datetime,
    width: timedelta,
    query: ListeningQuery | None = None,
) -> list[MentionBucket]:
    """Counted mentions in consecutive buckets of ``width`` from ``start`` (aligned) to ``end``.

    Every bucket is returned, empty ones included, so the result is a regular series.
    Note: one query; rows are bucketed in Python (a few thousand mentions per window).
    """
    seconds = width.total_seconds()
    size = max(0, int((end - start).total_seconds() // seconds))
    totals = [[0, 0, 0] for _ in range(size)]
    rows = counted_mentions(workspace, query=query).filter(
        published_at__gte=start, published_at__lt=start + width * size
    )
    for published_at, sentiment in rows.values_list("published_at", "sentiment").iterator():
        slot = totals[int((published_at - start).total_seconds() // seconds)]
        slot[0] += 1
        slot[1] += sentiment == Sentiment.NEGATIVE
        slot[2] += sentiment == Sentiment.POSITIVE
    return [
        MentionBucket(start + width * i, mentions, negative, positive)
        for i, (mentions, negative, positive) in enumerate(totals)
    ]


def mentions_between(
    workspace: Workspace,
    start: datetime,
    end: datetime,
    *,
    query: ListeningQuery | None = None,
) -> QuerySet[Mention]:
    """Counted mentions published in ``[start, end)``, newest first."""
    return (
        counted_mentions(workspace, query=query)
        .filter(published_at__gte=start, published_at__lt=end)
        .select_related("source", "query")
        .order_by("-published_at")
    )


def active_queries(workspace: Workspace) -> Iterator[ListeningQuery]:
    """The workspace's active listening queries, by name."""
    yield from ListeningQuery.objects.filter(workspace=workspace, is_active=True).order_by("name")


# The mentions page --------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionFilter:
    """The filters of the mentions page and API; empty values filter nothing.

    ``spam`` is "hide" (default: neither spam nor duplicates), "show" (everything) or "only"
    (spam only). ``start``/``end`` bound ``published_at`` (``end`` excluded).
    """

    source: int | None = None
    lang: str = ""
    sentiment: str = ""
    channel: str = ""
    query: str = ""  # a query's slug
    subject: str | None = None  # "" the brand only, a competitor's name, None all
    q: str = ""
    tag: str = ""
    assigned_to: int | None = None
    spam: str = "hide"
    start: datetime | None = None
    end: datetime | None = None


def _simple_filters(found: QuerySet[Mention], f: MentionFilter) -> QuerySet[Mention]:
    pairs = {
        "source_id": f.source,
        "lang": f.lang,
        "sentiment": f.sentiment,
        "channel": f.channel,
        "query__slug": f.query,
        "assigned_to_id": f.assigned_to,
        "published_at__gte": f.start,
        "published_at__lt": f.end,
    }
    return found.filter(**{name: value for name, value in pairs.items() if value not in (None, "")})


def filter_mentions(workspace: Workspace, f: MentionFilter) -> QuerySet[Mention]:
    """The workspace's mentions matching ``f``, newest first, with source, query and assignee."""
    found = _simple_filters(Mention.objects.filter(workspace=workspace), f)
    if f.subject is not None:
        found = found.filter(subject=f.subject)
    for word in f.q.split():
        found = found.filter(
            Q(text__icontains=word) | Q(title__icontains=word) | Q(author__icontains=word)
        )
    if f.tag:
        found = _with_tag(found, f.tag)
    if f.spam == "only":
        found = found.filter(is_spam=True)
    elif f.spam != "show":
        found = found.filter(is_spam=False, duplicate_of__isnull=True)
    return found.select_related("source", "query", "assigned_to").order_by("-published_at", "-pk")


def _with_tag(found: QuerySet[Mention], tag: str) -> QuerySet[Mention]:
    """Mentions holding ``tag``; SQLite has no JSON containment, so match its JSON text."""
    if connection.vendor == "postgresql":
        return found.filter(tags__contains=[tag])
    # SQLite stores the list as ASCII JSON ("r\u00e9clamation"): look for the quoted form.
    return found.filter(tags__icontains=json.dumps(tag))


def get_mention(workspace: Workspace, mention_id: int) -> Mention:
    """One mention of the workspace; Mention.DoesNotExist for another workspace's."""
    return Mention.objects.select_related("source", "query").get(workspace=workspace, pk=mention_id)


def sources(workspace: Workspace) -> QuerySet[Source]:
    """The workspace's sources by name, with their default query and mention counts."""
    return (
        Source.objects.filter(workspace=workspace)
        .select_related("query")
        .annotate(mention_count=Count("mentions"))
        .order_by("name")
    )


def listening_queries(workspace: Workspace) -> QuerySet[ListeningQuery]:
    """Every query of the workspace (active or not), by name, with mention counts."""
    return (
        ListeningQuery.objects.filter(workspace=workspace)
        .annotate(mention_count=Count("mentions"))
        .order_by("name")
    )


def assignable_members(workspace: Workspace) -> QuerySet[User]:
    """Members a mention can be assigned to, by username."""
    ids = Membership.objects.filter(workspace=workspace).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("username")


def mention_tags(workspace: Workspace) -> list[str]:
    """Every tag used on the workspace's mentions, sorted (reads the tags column once)."""
    found: set[str] = set()
    for tags in (
        Mention.objects.filter(workspace=workspace).exclude(tags=[]).values_list("tags", flat=True)
    ):
        found.update(tags)
    return sorted(found)


# Reputation ---------------------------------------------------------------------------------


def _tally(workspace: Workspace, start: datetime, end: datetime) -> Tally:
    rows = counted_mentions(workspace).filter(published_at__gte=start, published_at__lt=end)
    return Tally.of(rows.values_list("channel", "sentiment", "rating").iterator())


def reputation_index(workspace: Workspace, start: datetime, end: datetime) -> ReputationIndex:
    """The reputation index of ``[start, end)``; review trend against the period before.

    Note: two queries (the period, the previous period of the same length).
    """
    previous = _tally(workspace, start - (end - start), start)
    return build_index(start, end, _tally(workspace, start, end), previous)


def month_start(moment: datetime, back: int = 0) -> datetime:
    """The first instant (UTC) of the month of ``moment``, ``back`` months earlier."""
    month = moment.astimezone(UTC).year * 12 + moment.astimezone(UTC).month - 1 - back
    return datetime(month // 12, month % 12 + 1, 1, tzinfo=UTC)


def reputation_trend(
    workspace: Workspace, now: datetime, months: int = 12
) -> list[ReputationIndex]:
    """The index of each of the last ``months`` calendar months, the current one included.

    Note: one query for the whole span (plus the month before, for the first review trend).
    """
    edges = [month_start(now, back) for back in range(months, -2, -1)]
    rows = counted_mentions(workspace).filter(
        published_at__gte=edges[0], published_at__lt=edges[-1]
    )
    buckets: dict[int, list[tuple[str, str, float | None]]] = {}
    for at, channel, sentiment, rating in rows.values_list(
        "published_at", "channel", "sentiment", "rating"
    ).iterator():
        index = next(i for i in range(len(edges) - 1) if edges[i] <= at < edges[i + 1])
        buckets.setdefault(index, []).append((channel, sentiment, rating))
    tallies = [Tally.of(buckets.get(i, [])) for i in range(len(edges) - 1)]
    return [
        build_index(edges[i], edges[i + 1], tallies[i], tallies[i - 1])
        for i in range(1, len(edges) - 1)
    ]


def competitor_names(workspace: Workspace) -> list[str]:
    """The competitors named by the workspace's active queries, in query then list order."""
    names: list[str] = []
    for query in active_queries(workspace):
        names += [
            str(c["name"]) for c in query.competitors or () if isinstance(c, dict) and c.get("name")
        ]
    return list(dict.fromkeys(names))


def share_of_voice(workspace: Workspace, start: datetime, end: datetime) -> ShareOfVoice:
    """Brand mentions against each named competitor's in ``[start, end)``.

    Spam and duplicates are left out. Note: two queries (competitor names, counts by subject).
    """
    rows = (
        Mention.objects.filter(
            workspace=workspace,
            is_spam=False,
            duplicate_of__isnull=True,
            published_at__gte=start,
            published_at__lt=end,
        )
        .values("subject")
        .annotate(n=Count("pk"))
    )
    counts = {row["subject"]: row["n"] for row in rows}
    return build_share_of_voice(start, end, workspace.name, counts, competitor_names(workspace))
