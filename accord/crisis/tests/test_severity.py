"""Severity levels and the launch/crisis label, from the documented thresholds."""

from __future__ import annotations

import pytest

from accord.crisis.models import Metric, Severity
from accord.crisis.severity import excess_ratio, negative_share, severity_of, turned_negative


@pytest.mark.parametrize(
    ("score", "ratio", "share", "expected"),
    [
        (1.0, 30.0, 0.77, Severity.CRISIS),
        (0.75, 3.0, 0.5, Severity.CRISIS),
        (0.74, 30.0, 0.9, Severity.WARNING),  # not rare enough for a crisis
        (1.0, 2.9, 0.9, Severity.WARNING),  # not big enough
        (1.0, 30.0, 0.49, Severity.WARNING),  # not negative enough: a buzz
        (0.6, 2.0, 0.0, Severity.WARNING),
        (0.6, 1.5, 0.4, Severity.WARNING),
        (0.59, 30.0, 0.9, Severity.WATCH),
        (1.0, 1.9, 0.39, Severity.WATCH),
    ],
)
def test_severity_follows_score_excess_and_negative_share(
    score: float, ratio: float, share: float, expected: Severity
) -> None:
    assert severity_of(score, ratio, share) == expected


def test_excess_ratio_floors_the_expectation_at_one_mention() -> None:
    assert excess_ratio(Metric.MENTIONS, 6.0, 0.2) == 6.0
    assert excess_ratio(Metric.NEGATIVE, 24.0, 8.0) == 3.0


def test_a_fall_of_net_sentiment_counts_twice_its_size() -> None:
    assert excess_ratio(Metric.NET_SENTIMENT, -0.5, 0.25) == 2.5
    assert excess_ratio(Metric.NET_SENTIMENT, 0.5, 0.25) == 1.0


def test_negative_share_of_an_empty_bucket_is_zero() -> None:
    assert negative_share(0, 0) == 0.0
    assert negative_share(8, 2) == 0.25


@pytest.mark.parametrize(
    ("metric", "share", "baseline", "expected"),
    [
        (Metric.NET_SENTIMENT, 0.0, 0.2, True),
        (Metric.MENTIONS, 0.36, 0.2, True),
        (Metric.MENTIONS, 0.34, 0.1, False),  # under 35 %
        (Metric.NEGATIVE, 0.4, 0.3, False),  # less than 15 points above the week before
        (Metric.NEGATIVE, 0.45, 0.3, True),
    ],
)
def test_sentiment_turns_negative_above_35_percent_and_15_points_over_the_week(
    metric: Metric, share: float, baseline: float, expected: bool
) -> None:
    assert turned_negative(metric, share, baseline) is expected
