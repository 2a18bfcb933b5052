"""Reads over mentions: volume buckets (what the crisis detector consumes) and samples."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from accord.accounts.models import Workspace
from accord.listening.models import ListeningQuery, Mention, Sentiment


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
