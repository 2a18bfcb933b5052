"""The reputation index: three indicators, each scored 0–100, combined with fixed weights.

- social (weight 0.4): net sentiment of social mentions, ``50 × (1 + (pos − neg) / n)``;
- reviews (weight 0.4): average rating, ``25 × (average − 1)`` (1 star → 0, 5 stars → 100);
- press (weight 0.2): tone of press mentions, ``50 × (1 + (pos − neg) / n)``.

The index is the weighted mean of the components that have data: a component without any
mention in the period is left out and the remaining weights are renormalised (with reviews
missing, social counts 0.4 / 0.6 and press 0.2 / 0.6). No data at all gives no index (None).
Only counted mentions enter (the brand's own, neither spam nor duplicate); ``other`` channel
mentions (webhook, manual entry without a channel) do not. docs/user/reputation.md explains it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

WEIGHTS = {"social": 0.4, "reviews": 0.4, "press": 0.2}


@dataclass(frozen=True)
class Tally:
    """Counts of one period: sentiment per channel, and the ratings of reviews."""

    social: tuple[int, int, int] = (0, 0, 0)  # negative, neutral, positive
    press: tuple[int, int, int] = (0, 0, 0)
    reviews: int = 0
    rating_sum: float = 0.0

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, float | None]]) -> Tally:
        """Tally (channel, sentiment, rating) rows; a review counts only with a rating."""
        counts = {"social": [0, 0, 0], "press": [0, 0, 0]}
        reviews, total = 0, 0.0
        slot = {"negative": 0, "neutral": 1, "positive": 2}
        for channel, sentiment, rating in rows:
            if channel == "review" and rating is not None:
                reviews, total = reviews + 1, total + rating
            elif channel in counts:
                counts[channel][slot[sentiment]] += 1
        social, press = counts["social"], counts["press"]
        return cls(
            (social[0], social[1], social[2]), (press[0], press[1], press[2]), reviews, total
        )


@dataclass(frozen=True)
class SentimentIndicator:
    """Mentions of one channel by sentiment; ``net`` = (positive − negative) / mentions."""

    mentions: int
    negative: int
    neutral: int
    positive: int

    @classmethod
    def of(cls, counts: tuple[int, int, int]) -> SentimentIndicator:
        return cls(sum(counts), *counts)

    def share(self, count: int) -> float:
        return count / self.mentions if self.mentions else 0.0

    @property
    def negative_share(self) -> float:
        return self.share(self.negative)

    @property
    def neutral_share(self) -> float:
        return self.share(self.neutral)

    @property
    def positive_share(self) -> float:
        return self.share(self.positive)

    @property
    def net(self) -> float | None:
        return (self.positive - self.negative) / self.mentions if self.mentions else None

    @property
    def score(self) -> float | None:
        net = self.net
        return None if net is None else 50 * (1 + net)


@dataclass(frozen=True)
class ReviewIndicator:
    """Rated reviews of the period and of the period before (same length)."""

    reviews: int
    average_rating: float | None
    previous_reviews: int
    previous_average: float | None

    @property
    def rating_trend(self) -> float | None:
        """Average rating minus the previous period's (None when either has no review)."""
        if self.average_rating is None or self.previous_average is None:
            return None
        return self.average_rating - self.previous_average

    @property
    def volume_trend(self) -> int:
        return self.reviews - self.previous_reviews

    @property
    def score(self) -> float | None:
        return None if self.average_rating is None else 25 * (self.average_rating - 1)


@dataclass(frozen=True)
class Component:
    """One indicator's part in the index: its 0–100 score, nominal and effective weight."""

    key: str
    score: float
    weight: float
    effective_weight: float


@dataclass(frozen=True)
class ReputationIndex:
    """The index of ``[start, end)`` (None without data) and everything it is made of."""

    start: datetime
    end: datetime
    value: float | None
    social: SentimentIndicator
    reviews: ReviewIndicator
    press: SentimentIndicator
    components: tuple[Component, ...]
    missing: tuple[str, ...]


def _average(tally: Tally) -> float | None:
    return tally.rating_sum / tally.reviews if tally.reviews else None


def build_index(start: datetime, end: datetime, tally: Tally, previous: Tally) -> ReputationIndex:
    """Combine the indicators of ``tally`` (``previous``: the period before, for the trend)."""
    social, press = SentimentIndicator.of(tally.social), SentimentIndicator.of(tally.press)
    reviews = ReviewIndicator(tally.reviews, _average(tally), previous.reviews, _average(previous))
    scores = {"social": social.score, "reviews": reviews.score, "press": press.score}
    present = {key: score for key, score in scores.items() if score is not None}
    total = sum(WEIGHTS[key] for key in present)
    components = tuple(
        Component(key, score, WEIGHTS[key], WEIGHTS[key] / total) for key, score in present.items()
    )
    value = sum(c.score * c.effective_weight for c in components) if components else None
    missing = tuple(key for key in WEIGHTS if key not in present)
    return ReputationIndex(start, end, value, social, reviews, press, components, missing)


@dataclass(frozen=True)
class VoiceShare:
    """One name's mentions and share of all (brand and competitors) in the period."""

    name: str
    is_brand: bool
    mentions: int
    share: float


@dataclass(frozen=True)
class ShareOfVoice:
    """The brand's and each named competitor's share; shares are 0 when nobody is mentioned."""

    start: datetime
    end: datetime
    total: int
    entries: tuple[VoiceShare, ...]

    @property
    def brand(self) -> VoiceShare:
        return next(entry for entry in self.entries if entry.is_brand)


def build_share_of_voice(
    start: datetime, end: datetime, brand: str, counts: dict[str, int], competitors: Iterable[str]
) -> ShareOfVoice:
    """``counts`` maps a subject ("" for the brand) to its mentions; every competitor is listed."""
    names = list(dict.fromkeys(competitors))
    total = counts.get("", 0) + sum(counts.get(name, 0) for name in names)

    def share(count: int) -> float:
        return count / total if total else 0.0

    entries = [VoiceShare(brand, True, counts.get("", 0), share(counts.get("", 0)))]
    entries += [
        VoiceShare(name, False, counts.get(name, 0), share(counts.get(name, 0))) for name in names
    ]
    return ShareOfVoice(start, end, total, tuple(entries))
