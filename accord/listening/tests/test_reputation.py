"""The reputation index and share of voice, with exact values from known mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from accord.accounts.models import Workspace
from accord.listening.models import ListeningQuery, Mention
from accord.listening.queries import reputation_index, reputation_trend, share_of_voice
from accord.listening.reputation import Tally, build_index

JUNE = datetime(2026, 6, 1, tzinfo=UTC)
JULY = datetime(2026, 7, 1, tzinfo=UTC)
SERIAL = count()


def add(
    workspace: Workspace, channel: str, sentiment: str, *, day: int = 10, **fields: Any
) -> Mention:
    at = fields.pop("at", JUNE + timedelta(days=day - 1))
    return Mention.objects.create(
        workspace=workspace,
        source_kind="manual",
        channel=channel,
        text=f"mention {next(SERIAL)}",
        lang="fr",
        sentiment=sentiment,
        score=0.0,
        published_at=at,
        collected_at=at,
        **fields,
    )


@pytest.fixture
def june(workspace: Workspace, brand_query: ListeningQuery) -> Workspace:
    """Social 6+/2=/2-, reviews 5, 4, 3 (May: 2, 3), press 1+/2=/1-, plus what must not count."""
    for sentiment, n in (("positive", 6), ("neutral", 2), ("negative", 2)):
        for _ in range(n):
            add(workspace, "social", sentiment)
    for rating in (5.0, 4.0, 3.0):
        add(workspace, "review", "neutral", rating=rating)
    for rating in (2.0, 3.0):
        add(workspace, "review", "neutral", rating=rating, at=JUNE - timedelta(days=5))
    for sentiment in ("positive", "neutral", "neutral", "negative"):
        add(workspace, "press", sentiment)
    original = add(workspace, "social", "positive", day=2)
    add(workspace, "social", "negative", is_spam=True, spam_reason="links:5")
    add(workspace, "social", "negative", duplicate_of=original)
    add(workspace, "social", "negative", subject="Nordlys")
    add(workspace, "social", "negative", subject="Nordlys")
    add(workspace, "press", "positive", subject="Lampes Dupont")
    add(workspace, "other", "negative")
    return workspace


def test_the_index_combines_the_three_components_with_their_weights(june: Workspace) -> None:
    index = reputation_index(june, JUNE, JULY)

    # social: 7 positive (one is the original of the duplicate), 2 neutral, 2 negative
    assert (index.social.mentions, index.social.positive, index.social.negative) == (11, 7, 2)
    assert index.social.net == pytest.approx(5 / 11)
    assert index.reviews.average_rating == 4.0
    assert (index.reviews.reviews, index.reviews.previous_reviews) == (3, 2)
    assert index.reviews.rating_trend == 1.5
    assert (index.press.mentions, index.press.net) == (4, 0.0)
    assert [(c.key, round(c.score, 4), c.weight) for c in index.components] == [
        ("social", round(50 * (1 + 5 / 11), 4), 0.4),
        ("reviews", 75.0, 0.4),
        ("press", 50.0, 0.2),
    ]
    assert index.value == pytest.approx(0.4 * 50 * (1 + 5 / 11) + 0.4 * 75 + 0.2 * 50)
    assert index.missing == ()


def test_the_formula_on_round_numbers() -> None:
    tally = Tally(social=(2, 2, 6), press=(1, 2, 1), reviews=3, rating_sum=12.0)

    index = build_index(JUNE, JULY, tally, Tally())

    # social 50 × (1 + 0.4) = 70, reviews 25 × (4 − 1) = 75, press 50 × (1 + 0) = 50
    assert [c.score for c in index.components] == [70.0, 75.0, 50.0]
    assert index.value == pytest.approx(68.0)
    assert index.reviews.rating_trend is None


def test_a_component_without_data_is_left_out_and_the_weights_renormalised() -> None:
    index = build_index(JUNE, JULY, Tally(social=(2, 2, 6), reviews=3, rating_sum=12.0), Tally())

    assert index.missing == ("press",)
    assert [(c.key, c.effective_weight) for c in index.components] == [
        ("social", 0.5),
        ("reviews", 0.5),
    ]
    assert index.value == pytest.approx(72.5)


def test_no_data_gives_no_index() -> None:
    index = build_index(JUNE, JULY, Tally(), Tally())

    assert (index.value, index.components, index.missing) == (
        None,
        (),
        ("social", "reviews", "press"),
    )


def test_share_of_voice_counts_the_brand_against_each_competitor(june: Workspace) -> None:
    voice = share_of_voice(june, JUNE, JULY)

    # brand: 11 social + 3 reviews + 4 press + 1 other = 19; Nordlys 2; Lampes Dupont 1
    assert voice.total == 22
    assert [(e.name, e.is_brand, e.mentions) for e in voice.entries] == [
        ("Brand", True, 19),
        ("Lampes Dupont", False, 1),
        ("Nordlys", False, 2),
    ]
    assert [round(e.share, 4) for e in voice.entries] == [0.8636, 0.0455, 0.0909]


def test_the_trend_gives_one_index_per_month(june: Workspace) -> None:
    months = reputation_trend(june, datetime(2026, 7, 15, tzinfo=UTC), months=3)

    assert [m.start.strftime("%Y-%m") for m in months] == ["2026-05", "2026-06", "2026-07"]
    assert [None if m.value is None else round(m.value, 4) for m in months] == [
        37.5,  # reviews only: 25 × (2.5 − 1)
        round(reputation_index(june, JUNE, JULY).value or 0, 4),
        None,
    ]
    assert months[1].reviews.rating_trend == 1.5
