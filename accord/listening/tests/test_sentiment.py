"""Sentiment of French and English texts with the shipped model."""

from __future__ import annotations

import dataclasses

import pytest

from accord.listening.sentiment import BATCH_SIZE, Sentiment, analyse, analyse_many

FRENCH_POSITIVE = [
    "Ce film est une merveille, les acteurs sont formidables.",
    "Merci pour votre accueil chaleureux, tout était parfait !",
    "Super soirée hier soir, on a adoré le concert 😍",
]
FRENCH_NEGATIVE = [
    "Service client catastrophique, je suis très déçu.",
    "Quel navet, une perte de temps totale.",
    "Pas terrible, je ne recommande pas.",
]
ENGLISH_POSITIVE = [
    "I absolutely love this product, it works perfectly!",
    "Great job team, the launch event was amazing 👏",
]
ENGLISH_NEGATIVE = [
    "This is the worst customer service I have ever experienced.",
    "Not good at all, a complete waste of money.",
]
NEUTRAL = [
    ("La réunion est prévue mardi à 14 heures.", "fr"),
    ("The meeting is scheduled for Tuesday at 2 pm.", "en"),
]


@pytest.mark.parametrize("text", FRENCH_POSITIVE)
def test_it_finds_french_praise_positive(text: str) -> None:
    result = analyse(text)

    assert (result.lang, result.label) == ("fr", "positive")
    assert result.score > 0.5


@pytest.mark.parametrize("text", FRENCH_NEGATIVE)
def test_it_finds_french_complaints_negative(text: str) -> None:
    result = analyse(text)

    assert (result.lang, result.label) == ("fr", "negative")
    assert result.score < -0.5


@pytest.mark.parametrize("text", ENGLISH_POSITIVE)
def test_it_finds_english_praise_positive(text: str) -> None:
    result = analyse(text)

    assert (result.lang, result.label) == ("en", "positive")
    assert result.score > 0.5


@pytest.mark.parametrize("text", ENGLISH_NEGATIVE)
def test_it_finds_english_complaints_negative(text: str) -> None:
    result = analyse(text)

    assert (result.lang, result.label) == ("en", "negative")
    assert result.score < -0.5


@pytest.mark.parametrize(("text", "lang"), NEUTRAL)
def test_it_finds_factual_announcements_neutral(text: str, lang: str) -> None:
    result = analyse(text)

    assert (result.lang, result.label) == (lang, "neutral")
    assert abs(result.score) < 0.5


@pytest.mark.parametrize(("text", "label"), [("😍😍😍", "positive"), ("😡", "negative")])
def test_it_reads_emoji_alone(text: str, label: str) -> None:
    assert analyse(text).label == label


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_it_scores_a_blank_text_as_neutral_zero(text: str) -> None:
    assert analyse(text) == Sentiment(lang="other", label="neutral", score=0.0)


def test_it_keeps_every_score_between_minus_one_and_one() -> None:
    texts = [*FRENCH_POSITIVE, *FRENCH_NEGATIVE, *ENGLISH_POSITIVE, *ENGLISH_NEGATIVE]
    texts += ["!!!!!!!!", "horrible " * 500, "love " * 500, "x", "🙂" * 300]

    scores = [result.score for result in analyse_many(texts)]

    assert all(-1.0 <= score <= 1.0 for score in scores)


def test_it_gives_the_same_result_one_by_one_and_in_batches() -> None:
    texts = (FRENCH_POSITIVE + ENGLISH_NEGATIVE + [text for text, _ in NEUTRAL]) * 100
    assert len(texts) > BATCH_SIZE

    batched = analyse_many(iter(texts))

    assert len(batched) == len(texts)
    assert batched[: len(texts) // 100] == [analyse(text) for text in texts[: len(texts) // 100]]
    assert batched[-1] == analyse(texts[-1])


def test_it_returns_frozen_results() -> None:
    result = analyse("Très bon produit")

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.score = 1.0  # type: ignore[misc]
