"""Beta-binomial shrinkage and channel ranking, on counts given by hand."""

from __future__ import annotations

import pytest

from accord.segments.channels import ChannelCounts, advise, channel_label, shrink


def test_a_small_sample_is_pulled_toward_the_workspace_rate() -> None:
    # Prior Beta(20 * 0.1, 20 * 0.9) = Beta(2, 18); 3 of 5 → Beta(5, 20), mean 0.2.
    estimate = shrink(3, 5, prior_mean=0.1, prior_weight=20)

    assert estimate.raw == 0.6
    assert estimate.mean == pytest.approx(0.2)
    # The 5% and 95% quantiles of Beta(5, 20), found by integrating its density numerically.
    assert estimate.low == pytest.approx(0.08589, abs=1e-4)
    assert estimate.high == pytest.approx(0.34181, abs=1e-4)


def test_a_large_sample_keeps_close_to_its_own_rate() -> None:
    estimate = shrink(600, 1000, prior_mean=0.1, prior_weight=20)

    assert estimate.mean == pytest.approx(602 / 1020)
    assert estimate.low < 0.6 < estimate.high
    assert estimate.high - estimate.low < 0.06


def test_nobody_reached_gives_the_prior_and_no_raw_rate() -> None:
    estimate = shrink(0, 0, prior_mean=0.25, prior_weight=20)

    assert estimate.raw is None
    assert estimate.mean == pytest.approx(0.25)


def test_a_workspace_rate_of_zero_still_gives_a_proper_prior() -> None:
    estimate = shrink(0, 10, prior_mean=0.0, prior_weight=20)

    assert estimate.mean == pytest.approx(0.02 / 30)
    assert estimate.low >= 0.0


@pytest.mark.parametrize(
    ("successes", "trials", "weight", "message"),
    [
        (4, 3, 20, "between 0 and trials"),
        (-1, 3, 20, "between 0 and trials"),
        (1, 3, 0, "positive"),
    ],
)
def test_impossible_counts_are_refused(
    successes: int, trials: int, weight: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        shrink(successes, trials, 0.1, weight)


def test_the_best_channel_has_the_highest_shrunk_conversion_not_the_highest_raw_one() -> None:
    workspace = {
        "email": ChannelCounts(reached=1000, engaged=400, converted=50),
        "instagram": ChannelCounts(reached=1000, engaged=300, converted=20),
        "search": ChannelCounts(reached=1000, engaged=200, converted=30),
    }
    group = {
        "email": ChannelCounts(reached=200, engaged=90, converted=20),  # 10%, many members
        "instagram": ChannelCounts(reached=2, engaged=2, converted=1),  # 50%, two members
        "search": ChannelCounts(reached=0, engaged=0, converted=0),  # never reached: left out
    }

    advice = advise(210, group, workspace, prior_weight=20)

    assert [s.channel for s in advice.channels] == ["email", "instagram"]
    assert advice.best is not None
    assert advice.best.channel == "email"
    assert advice.channels[0].conversion.mean == pytest.approx(21 / 220)
    assert advice.channels[1].conversion.mean == pytest.approx(1.4 / 22)
    assert advice.channels[1].engagement.raw == 1.0
    assert advice.as_json()["best"] == "email"
    assert advice.as_json()["channels"][1]["conversion"]["workspace_rate"] == 0.02


def test_a_group_never_reached_has_no_best_channel() -> None:
    advice = advise(3, {}, {"email": ChannelCounts(10, 5, 1)})

    assert advice.best is None
    assert advice.as_json() == {
        "members": 3,
        "best": None,
        "prior_weight": 20.0,
        "interval": 0.9,
        "channels": [],
    }


def test_channel_names_follow_the_language() -> None:
    assert channel_label("search", "fr") == "recherche"
    assert channel_label("search", "en") == "search"
    assert channel_label("mastodon", "fr") == "mastodon"
