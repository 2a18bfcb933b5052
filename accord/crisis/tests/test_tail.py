"""Tail probabilities of a statistic against its own sliding history."""

from __future__ import annotations

import json
import math

import pytest

from accord.crisis.tail import SlidingRange, TailHistory


def one_to_hundred() -> TailHistory:
    history = TailHistory(size=1000)
    for value in range(1, 101):
        history.add(float(value))
    return history


def test_it_knows_nothing_before_fifty_values() -> None:
    history = TailHistory(size=1000)
    for value in range(49):
        history.add(float(value))

    assert history.tail_probability(1000.0) == 1.0


def test_in_the_bulk_it_is_the_empirical_frequency() -> None:
    # 52 of the 100 values are >= 50; one is added for the value itself.
    assert one_to_hundred().tail_probability(50.0) == 52 / 101


def test_beyond_the_upper_quantile_it_is_an_exponential_tail() -> None:
    # Upper quantile 90 (11 values >= it), extreme quantile 99 (2 values >= it).
    decay = (99 - 90) / math.log(11 / 2)

    assert one_to_hundred().tail_probability(120.0) == pytest.approx(
        11 / 101 * math.exp(-(120 - 90) / decay)
    )


def test_it_never_claims_less_than_the_observed_frequency() -> None:
    # The exponential tail says 0.042 at 95, but 6 of the 100 values are >= 95.
    assert one_to_hundred().tail_probability(95.0) == 6 / 101


def test_it_forgets_the_oldest_values_beyond_its_size() -> None:
    history = TailHistory(size=3)
    for value in (1.0, 2.0, 3.0, 4.0):
        history.add(value)

    assert history.values() == [2.0, 3.0, 4.0]
    assert len(history) == 3


def test_a_restored_history_keeps_the_most_recent_values() -> None:
    history = TailHistory(size=3)

    history.restore([5.0, 1.0, 4.0, 2.0])
    history.add(9.0)

    assert history.values() == [4.0, 2.0, 9.0]


def test_it_refuses_quantiles_in_the_wrong_order() -> None:
    with pytest.raises(ValueError, match="need 0 < extreme < upper < 1"):
        TailHistory(size=10, upper=0.01, extreme=0.1)


def test_a_sliding_range_is_the_lowest_and_highest_of_its_last_values() -> None:
    window = SlidingRange(size=3)
    seen = []
    for value in (5.0, 1.0, 4.0, 3.0, 6.0, 2.0, 2.0):
        window.add(value)
        seen.append((window.low, window.high, len(window)))

    assert seen == [
        (5.0, 5.0, 1),
        (1.0, 5.0, 2),
        (1.0, 5.0, 3),
        (1.0, 4.0, 3),
        (3.0, 6.0, 3),
        (2.0, 6.0, 3),
        (2.0, 6.0, 3),
    ]


def test_a_restored_sliding_range_continues_like_the_original() -> None:
    original = SlidingRange(size=4)
    for value in (3.0, 9.0, 1.0, 7.0, 2.0):
        original.add(value)

    restored = SlidingRange(size=4)
    restored.restore(json.loads(json.dumps(original.to_dict())))
    for window in (original, restored):
        window.add(4.0)
        window.add(5.0)

    assert (restored.low, restored.high, len(restored)) == (2.0, 7.0, 4)
    assert restored.to_dict() == original.to_dict()
