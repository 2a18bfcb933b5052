"""Readability formulas against hand-computed values, and text measures in both languages."""

from __future__ import annotations

import pytest

from accord.brand.readability import (
    TextMeasures,
    automated_readability_index,
    coleman_liau_index,
    flesch_kincaid_grade,
    flesch_reading_ease,
    gunning_fog,
    kandel_moles,
    lix,
    measure,
    score,
    smog_grade,
)

# 100 words, 5 sentences, 150 syllables, 450 letters, 10 polysyllables, 8 complex, 20 long.
SAMPLE = TextMeasures(
    words=100,
    sentences=5,
    syllables=150,
    characters=450,
    polysyllabic_words=10,
    complex_words=8,
    long_words=20,
)


def test_flesch_reading_ease() -> None:
    # 206.835 - 1.015 * 20 - 84.6 * 1.5
    assert flesch_reading_ease(SAMPLE) == pytest.approx(59.635)


def test_flesch_kincaid_grade() -> None:
    # 0.39 * 20 + 11.8 * 1.5 - 15.59
    assert flesch_kincaid_grade(SAMPLE) == pytest.approx(9.91)


def test_kandel_moles_french_reading_ease() -> None:
    # 207 - 1.015 * 20 - 73.6 * 1.5
    assert kandel_moles(SAMPLE) == pytest.approx(76.3)


def test_gunning_fog() -> None:
    # 0.4 * (20 + 100 * 8 / 100)
    assert gunning_fog(SAMPLE) == pytest.approx(11.2)


def test_coleman_liau() -> None:
    # 0.0588 * 450 - 0.296 * 5 - 15.8
    assert coleman_liau_index(SAMPLE) == pytest.approx(9.18)


def test_smog() -> None:
    # 1.0430 * sqrt(10 * 30 / 5) + 3.1291
    assert smog_grade(SAMPLE) == pytest.approx(11.208143, abs=1e-6)


def test_automated_readability_index() -> None:
    # 4.71 * 4.5 + 0.5 * 20 - 21.43
    assert automated_readability_index(SAMPLE) == pytest.approx(9.765)


def test_lix() -> None:
    # 20 + 100 * 20 / 100
    assert lix(SAMPLE) == pytest.approx(40.0)


def test_empty_text_scores_zero() -> None:
    empty = measure("")

    assert empty == TextMeasures(0, 0, 0, 0, 0, 0, 0)
    assert score(empty).flesch_reading_ease == 0.0


def test_measure_english_text() -> None:
    assert measure("The cat sat on the mat. It was happy.", "en") == TextMeasures(
        words=9,
        sentences=2,
        syllables=10,
        characters=27,
        polysyllabic_words=0,
        complex_words=0,
        long_words=0,
    )


def test_measure_french_text_counts_elisions_with_their_word() -> None:
    # l'(0) équipe(2) aime(1) le(1) marketing(3) Elle(1) est(1) très(1) fière(1)
    measures = measure("L'équipe aime le marketing. Elle est très fière.", "fr")

    assert measures == TextMeasures(
        words=8,
        sentences=2,
        syllables=11,
        characters=37,
        polysyllabic_words=1,
        complex_words=1,
        long_words=1,
    )
    # 207 - 1.015 * 8 / 2 - 73.6 * 11 / 8
    assert kandel_moles(measures) == pytest.approx(101.74)


def test_proper_nouns_are_not_complex_words() -> None:
    measures = measure("Beautiful Paris is wonderful. Everybody loves Amsterdam.", "en")

    # Beautiful (first word), wonderful, Everybody (first word); not Amsterdam
    assert measures.complex_words == 3
    assert measures.polysyllabic_words == 4
