"""Clustering, the choice of k and the names, on hand-made behaviours (no database)."""

from __future__ import annotations

import numpy as np
import pytest

from accord.segments.personas import (
    Clustering,
    ContactFeatures,
    PersonaError,
    build_profiles,
    channel_phrase,
    cluster,
    rfm_words,
)


def _group(
    rng: np.random.Generator,
    n: int,
    recency: float,
    days: float,
    spent: float,
    channels: list[float],
    interests: list[float],
) -> dict[str, np.ndarray]:
    return {
        "recency": rng.normal(recency, recency * 0.1, n).clip(0),
        "days": rng.normal(days, days * 0.1, n).clip(1),
        "spent": spent * rng.uniform(0.9, 1.1, n),
        "channels": np.tile(channels, (n, 1)),
        "interests": np.tile(interests, (n, 1)),
    }


def three_behaviours() -> ContactFeatures:
    """60 loyal Instagram buyers, 40 dormant searchers reading the blog, 30 email occasionals."""
    rng = np.random.default_rng(1)
    groups = [
        _group(rng, 60, 3, 40, 900, [0.1, 0.8, 0.1], [0.7, 0.3]),
        _group(rng, 40, 200, 2, 0, [0.8, 0.1, 0.1], [0.2, 0.8]),
        _group(rng, 30, 10, 5, 0, [0.1, 0.1, 0.8], [0.5, 0.5]),
    ]
    return ContactFeatures(
        contact_ids=np.arange(100, 230),
        recency_days=np.concatenate([g["recency"] for g in groups]),
        active_days=np.concatenate([g["days"] for g in groups]),
        monetary=np.concatenate([g["spent"] for g in groups]),
        channel_shares=np.vstack([g["channels"] for g in groups]),
        interest_shares=np.vstack([g["interests"] for g in groups]),
        channels=("search", "instagram", "email"),
        interests=("boutique", "blog"),
    )


def test_silhouette_picks_the_three_behaviours() -> None:
    clustering = cluster(three_behaviours())

    assert clustering.k == 3
    assert sorted(clustering.candidates) == [2, 3, 4, 5, 6, 7, 8]
    assert clustering.silhouette == max(clustering.candidates.values())
    assert sorted(np.bincount(clustering.labels).tolist()) == [30, 40, 60]


def test_each_persona_is_named_from_what_sets_it_apart() -> None:
    features = three_behaviours()

    profiles = build_profiles(features, cluster(features))

    assert [(p.name_fr, p.name_en) for p in profiles] == [
        (
            "Fidèles, surtout joints par Instagram, attirés par /boutique",
            "Loyal, mostly reached on Instagram, drawn to /boutique",
        ),
        (
            "Endormis, surtout joints par la recherche, attirés par /blog",
            "Dormant, mostly reached through search, drawn to /blog",
        ),
        ("Occasionnels, surtout joints par e-mail", "Occasional, mostly reached by email"),
    ]
    assert profiles[0].contact_ids == frozenset(range(100, 160))
    assert profiles[1].contact_ids == frozenset(range(160, 200))
    assert profiles[2].key == "occasional-mostly-reached-by-email"


def test_the_description_states_the_figures_in_both_languages() -> None:
    features = three_behaviours()

    loyal = build_profiles(features, cluster(features))[0]

    assert loyal.figures["size"] == 60
    assert loyal.figures["buyers_share"] == 1.0
    assert loyal.figures["channel"] == "instagram"
    assert loyal.figures["channel_share"] == 0.8
    assert loyal.description_en.startswith("60 contacts, last active 3 days ago (median), ")
    assert "Compared with everyone: more recent, more frequent, bigger spenders." in (
        loyal.description_en
    )
    assert "Channel that sets them apart: Instagram (80% of their activity)." in (
        loyal.description_en
    )
    assert "70% of their page views are in /boutique." in loyal.description_en
    assert "Par rapport à l'ensemble : plus récents, plus assidus, plus dépensiers." in (
        loyal.description_fr
    )
    assert "Canal qui les distingue : Instagram (80 % de leur activité)." in loyal.description_fr


@pytest.mark.parametrize(
    ("recency", "frequency", "monetary", "words"),
    [
        (-1.0, 1.0, 1.0, ("Fidèles", "Loyal")),
        (1.0, -1.0, 1.0, ("Clients à reconquérir", "Lapsed customers")),
        (1.0, 0.0, -0.2, ("Endormis", "Dormant")),
        (0.0, 0.0, 2.0, ("Gros acheteurs", "Big spenders")),
        (0.0, 1.2, 0.0, ("Habitués", "Regulars")),
        (-1.0, -1.0, 0.0, ("Nouveaux venus", "Newcomers")),
        (-1.0, 0.0, 0.0, ("Actifs récents", "Recently active")),
        (0.2, -1.0, 0.4, ("Occasionnels", "Occasional")),
        (0.2, -0.2, 0.4, ("Contacts moyens", "Average")),
    ],
)
def test_rfm_words_follow_the_standardised_deviations(
    recency: float, frequency: float, monetary: float, words: tuple[str, str]
) -> None:
    assert rfm_words(recency, frequency, monetary) == words


def test_an_unknown_channel_is_named_as_stored() -> None:
    assert channel_phrase("mastodon") == ("par Mastodon", "on Mastodon")


def test_equal_names_are_numbered() -> None:
    rng = np.random.default_rng(3)
    # Two groups alike in everything but an interest that stays below the naming threshold.
    features = ContactFeatures(
        contact_ids=np.arange(40),
        recency_days=np.r_[np.full(20, 5.0), np.full(20, 5.0)] + rng.uniform(0, 0.01, 40),
        active_days=np.full(40, 3.0),
        monetary=np.zeros(40),
        channel_shares=np.ones((40, 1)),
        interest_shares=np.r_[np.tile([0.6, 0.4], (20, 1)), np.tile([0.4, 0.6], (20, 1))],
        channels=("email",),
        interests=("boutique", "blog"),
    )
    labels = np.r_[np.zeros(20, int), np.ones(20, int)]
    centroids = np.array([[0, 0, 0, 0, 0.5, -0.5], [0, 0, 0, 0, -0.5, 0.5]], dtype=float)
    clustering = Clustering(2, 0.5, {2: 0.5}, labels, centroids, 40)

    names = [p.name_en for p in build_profiles(features, clustering)]

    assert names == [
        "Average, mostly reached by email",
        "Average, mostly reached by email (2)",
    ]


def test_too_few_active_contacts_is_an_error_that_says_how_many() -> None:
    features = three_behaviours()
    few = ContactFeatures(
        features.contact_ids[:5],
        features.recency_days[:5],
        features.active_days[:5],
        features.monetary[:5],
        features.channel_shares[:5],
        features.interest_shares[:5],
        features.channels,
        features.interests,
    )

    with pytest.raises(PersonaError, match="at least 20 contacts with activity .* found 5"):
        cluster(few)


def test_identical_contacts_cannot_be_split_into_personas() -> None:
    same = ContactFeatures(
        np.arange(30),
        np.full(30, 4.0),
        np.full(30, 2.0),
        np.zeros(30),
        np.ones((30, 1)),
        np.zeros((30, 0)),
        ("direct",),
        (),
    )

    with pytest.raises(PersonaError, match=r"only 1 distinct behaviour\(s\)"):
        cluster(same)
