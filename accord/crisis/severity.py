"""How serious an anomalous point is, and whether a spike during a launch turned sour.

The rules (docs/user/alerts.md explains them to users):

- *excess ratio*: for mention and negative-mention volume, observed / expected (expected floored
  at one mention); for net sentiment, 1 + 2 × its fall (a fall of 0.5 counts as "twice").
- *negative share*: negative mentions / mentions in the point's bucket.
- **crisis**: anomaly score >= 0.75 (a tail probability under about 1 in 30,000), excess ratio
  >= 3 and negative share >= 50 %.
- **warning**: anomaly score >= 0.6 and (excess ratio >= 2 or negative share >= 40 %).
- **watch**: any other alert of the detector.

A spike that coincides with a planned activity is a launch unless sentiment *turned negative*:
the net-sentiment series alerted, or the bucket's negative share is at least 35 % and at least
15 points above the share of the week before.
"""

from __future__ import annotations

from accord.crisis.models import Metric, Severity

CRISIS_SCORE = 0.75
CRISIS_RATIO = 3.0
CRISIS_NEGATIVE_SHARE = 0.5
WARNING_SCORE = 0.6
WARNING_RATIO = 2.0
WARNING_NEGATIVE_SHARE = 0.4
TURN_NEGATIVE_MIN_SHARE = 0.35
TURN_NEGATIVE_RISE = 0.15


def excess_ratio(metric: str, observed: float, expected: float) -> float:
    """Return how many times the expectation the point is (see the module docstring)."""
    if metric == Metric.NET_SENTIMENT:
        return 1.0 + 2.0 * max(0.0, expected - observed)
    return observed / max(expected, 1.0)


def negative_share(mentions: int, negative: int) -> float:
    """Return the share of negative mentions, 0.0 for an empty bucket."""
    return negative / mentions if mentions else 0.0


def severity_of(score: float, ratio: float, share: float) -> Severity:
    """Return the severity of a point from its anomaly score, excess ratio and negative share."""
    if score >= CRISIS_SCORE and ratio >= CRISIS_RATIO and share >= CRISIS_NEGATIVE_SHARE:
        return Severity.CRISIS
    if score >= WARNING_SCORE and (ratio >= WARNING_RATIO or share >= WARNING_NEGATIVE_SHARE):
        return Severity.WARNING
    return Severity.WATCH


def turned_negative(metric: str, share: float, baseline_share: float) -> bool:
    """Tell whether sentiment turned negative at this point, compared with the week before."""
    if metric == Metric.NET_SENTIMENT:
        return True
    return share >= max(TURN_NEGATIVE_MIN_SHARE, baseline_share + TURN_NEGATIVE_RISE)
