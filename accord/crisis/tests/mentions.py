"""Generated mention streams for the crisis tests: a seasonal background and bursts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from accord.accounts.models import Workspace
from accord.listening.models import Channel, ListeningQuery, Mention, Sentiment, SourceKind

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # a Friday
HOUR = timedelta(hours=1)

BACKGROUND_WORDS = {
    Sentiment.POSITIVE: ["great service from Lumio, thanks", "j'adore ma lampe Lumio, merci"],
    Sentiment.NEUTRAL: ["Lumio store opening hours?", "commande Lumio en cours de livraison"],
    Sentiment.NEGATIVE: ["Lumio delivery was late again", "service client Lumio un peu lent"],
}
CRISIS_TEXTS = [
    "Lumio lamp battery overheating, dangerous fire risk, recall now",
    "batterie Lumio qui surchauffe, risque d'incendie, rappel exigé",
    "my Lumio battery melted, overheating fire hazard",
]
LAUNCH_TEXTS = [
    "the new Lumio Aurora collection is gorgeous",
    "nouvelle collection Aurora de Lumio, superbe lancement",
]


@dataclass(frozen=True)
class Burst:
    """Extra mentions per hour from ``start`` for ``hours``, with their texts and sentiment."""

    start: datetime
    hours: int
    per_hour: float
    texts: list[str]
    negative_share: float
    positive_share: float


def background_rate(moment: datetime) -> float:
    """Mentions per hour: a daily cycle (quiet nights) and quieter weekends, ~70 a day."""
    local_hour = (moment.hour + 1) % 24
    daily = 1.0 + 0.8 * math.sin(2 * math.pi * (local_hour - 9) / 24)
    weekend = 0.7 if moment.weekday() >= 5 else 1.0
    return 3.0 * daily * weekend


def _mention(
    workspace: Workspace, query: ListeningQuery, at: datetime, text: str, sentiment: str
) -> Mention:
    score = {"negative": -0.8, "neutral": 0.0, "positive": 0.7}[sentiment]
    return Mention(
        workspace=workspace, query=query, source_kind=SourceKind.MASTODON,
        channel=Channel.SOCIAL, subject="", url="https://social.example/p", author="someone",
        title="", text=text, lang="en", sentiment=sentiment, score=score,
        published_at=at, collected_at=at,
    )  # fmt: skip


def generate(
    workspace: Workspace,
    query: ListeningQuery,
    *,
    days: int,
    end: datetime = NOW,
    bursts: tuple[Burst, ...] = (),
    seed: int = 7,
) -> int:
    """Write ``days`` of background mentions up to ``end`` plus the bursts; return the count."""
    rng = np.random.default_rng(seed)
    rows: list[Mention] = []
    start = end - timedelta(days=days)
    sentiments = [Sentiment.NEGATIVE, Sentiment.NEUTRAL, Sentiment.POSITIVE]
    for hour in range(days * 24):
        at = start + hour * HOUR
        extra = [b for b in bursts if b.start <= at < b.start + b.hours * HOUR]
        for _ in range(int(rng.poisson(background_rate(at)))):
            sentiment = sentiments[int(rng.choice(3, p=[0.2, 0.4, 0.4]))]
            text = BACKGROUND_WORDS[sentiment][int(rng.integers(2))]
            rows.append(_mention(workspace, query, at + _jitter(rng), text, sentiment))
        for burst in extra:
            shares = [burst.negative_share, 0.0, burst.positive_share]
            shares[1] = 1.0 - shares[0] - shares[2]
            for _ in range(int(rng.poisson(burst.per_hour))):
                sentiment = sentiments[int(rng.choice(3, p=shares))]
                text = burst.texts[int(rng.integers(len(burst.texts)))]
                rows.append(_mention(workspace, query, at + _jitter(rng), text, sentiment))
    Mention.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _jitter(rng: np.random.Generator) -> timedelta:
    return timedelta(seconds=int(rng.integers(3600)))


def make_query(workspace: Workspace, slug: str = "lumio") -> ListeningQuery:
    return ListeningQuery.objects.create(
        workspace=workspace, name=slug.title(), slug=slug, keywords=["Lumio"]
    )
