"""The best channel to reach a group of contacts, from what they did on each channel.

For every channel a group's members were reached on, two rates over the members reached there:

- engagement: members with an engagement event on the channel (a click, an email opened or
  clicked, a form sent, a social engagement, an ad click, a purchase) / members reached on it;
- conversion: members with a purchase or a form_submit attributed to the channel (the event's
  own channel: last touch) / members reached on it.

A "channel" is the event's ``channel`` column, except that social traffic is split by its
``utm_source`` (``instagram``, ``facebook``…), since that is what a campaign chooses.

Small groups give noisy rates, so each one is shrunk toward the workspace's rate on the same
channel (empirical Bayes, beta-binomial): the prior is ``Beta(m·p, m·(1 − p))`` where ``p`` is
the workspace's rate and ``m = PRIOR_WEIGHT`` pseudo-members, a fixed, stated weight; the
posterior after ``k`` successes among ``n`` members is ``Beta(m·p + k, m·(1 − p) + n − k)``.
Shown: its mean and its central 90% interval. The recommended channel has the highest
posterior mean conversion (ties: engagement, then reach).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from accord.accounts.models import Workspace
from accord.warehouse import backend
from accord.warehouse.queries import analytics_tables

PRIOR_WEIGHT = 20.0
INTERVAL = 0.90
ENGAGEMENT_KINDS = (
    "click",
    "form_submit",
    "email_opened",
    "email_clicked",
    "social_engagement",
    "ad_click",
    "purchase",
)
CONVERSION_KINDS = ("purchase", "form_submit")
CHANNEL_LABELS = {
    "search": ("recherche", "search"),
    "direct": ("accès direct", "direct visits"),
    "social": ("réseaux sociaux", "social media"),
    "paid": ("publicité", "paid ads"),
    "email": ("e-mail", "email"),
    "referral": ("sites référents", "referring sites"),
    "press": ("presse", "the press"),
    "instagram": ("Instagram", "Instagram"),
    "facebook": ("Facebook", "Facebook"),
    "linkedin": ("LinkedIn", "LinkedIn"),
    "tiktok": ("TikTok", "TikTok"),
    "x": ("X", "X"),
}


@dataclass(frozen=True)
class RateEstimate:
    """``successes`` among ``trials`` members, shrunk toward ``prior_mean``.

    ``raw`` is None when nobody was reached. ``low`` and ``high`` bound the central 90% of
    the Beta posterior.
    """

    successes: int
    trials: int
    prior_mean: float
    prior_weight: float
    mean: float
    low: float
    high: float

    @property
    def raw(self) -> float | None:
        return self.successes / self.trials if self.trials else None


@dataclass(frozen=True)
class ChannelStats:
    """One channel for the group: members reached, and both rates."""

    channel: str
    reached: int
    engagement: RateEstimate
    conversion: RateEstimate

    def label(self, language: str) -> str:
        """The channel's name in ``language`` ("fr" or anything else for English)."""
        return channel_label(self.channel, language)


@dataclass(frozen=True)
class ChannelAdvice:
    """The channels of a group of ``members`` contacts, best first, and the recommended one.

    ``best`` is None when no member was reached on any channel.
    """

    members: int
    channels: tuple[ChannelStats, ...]
    prior_weight: float
    interval: float

    @property
    def best(self) -> ChannelStats | None:
        return self.channels[0] if self.channels else None

    def as_json(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "best": self.best.channel if self.best else None,
            "prior_weight": self.prior_weight,
            "interval": self.interval,
            "channels": [_stats_json(stats) for stats in self.channels],
        }


@dataclass(frozen=True)
class ChannelCounts:
    """Distinct contacts reached, engaged and converted on one channel."""

    reached: int
    engaged: int
    converted: int


def channel_label(channel: str, language: str) -> str:
    """A channel's display name; unknown channels show as stored."""
    names = CHANNEL_LABELS.get(channel)
    if names is None:
        return channel
    return names[0] if language == "fr" else names[1]


def shrink(
    successes: int, trials: int, prior_mean: float, prior_weight: float = PRIOR_WEIGHT
) -> RateEstimate:
    """Return the Beta posterior of a rate whose prior is ``Beta(w·p, w·(1 − p))``.

    ``prior_mean`` is clamped into [0.001, 0.999] so that the prior stays a proper Beta even
    when the workspace never (or always) succeeded on the channel.
    """
    if not 0 <= successes <= trials:
        raise ValueError(f"successes ({successes}) must be between 0 and trials ({trials}).")
    if prior_weight <= 0:
        raise ValueError(f"prior_weight ({prior_weight}) must be positive.")
    p = min(max(prior_mean, 0.001), 0.999)
    a = prior_weight * p + successes
    b = prior_weight * (1 - p) + trials - successes
    tail = (1 - INTERVAL) / 2
    # Imported here: scipy.stats takes most of a second to load, on every process's start-up.
    from scipy.stats import beta  # type: ignore[import-untyped]

    low, high = beta.ppf([tail, 1 - tail], a, b)
    return RateEstimate(
        successes=successes,
        trials=trials,
        prior_mean=prior_mean,
        prior_weight=prior_weight,
        mean=a / (a + b),
        low=float(low),
        high=float(high),
    )


def advise(
    members: int,
    group: Mapping[str, ChannelCounts],
    workspace: Mapping[str, ChannelCounts],
    prior_weight: float = PRIOR_WEIGHT,
) -> ChannelAdvice:
    """Rank the channels the group was reached on, each rate shrunk toward the workspace's."""
    stats = []
    for channel, counts in group.items():
        if counts.reached == 0:
            continue
        overall = workspace.get(channel, counts)
        stats.append(
            ChannelStats(
                channel=channel,
                reached=counts.reached,
                engagement=shrink(
                    counts.engaged, counts.reached, _rate(overall.engaged, overall), prior_weight
                ),
                conversion=shrink(
                    counts.converted,
                    counts.reached,
                    _rate(overall.converted, overall),
                    prior_weight,
                ),
            )
        )
    stats.sort(key=lambda s: (-s.conversion.mean, -s.engagement.mean, -s.reached, s.channel))
    return ChannelAdvice(members, tuple(stats), prior_weight, INTERVAL)


def _rate(successes: int, counts: ChannelCounts) -> float:
    return successes / counts.reached if counts.reached else 0.0


def channel_recommendation(
    workspace: Workspace, contact_ids: Collection[int], *, prior_weight: float = PRIOR_WEIGHT
) -> ChannelAdvice:
    """Tell which channel reaches ``contact_ids`` best, with shrunk rates and 90% intervals.

    For campaigns: ``channel_recommendation(ws, ids).best.channel`` is the channel to use
    (None when no member was ever reached). Runs one warehouse query over every stored event
    of the workspace (bots left out, anonymous events stitched through identity links);
    events still in the ingestion inbox are not counted.
    """
    members = frozenset(contact_ids)
    group, overall = channel_counts(workspace, members)
    return advise(len(members), group, overall, prior_weight)


def channel_counts(
    workspace: Workspace, contact_ids: frozenset[int]
) -> tuple[dict[str, ChannelCounts], dict[str, ChannelCounts]]:
    """Per channel, (the group's counts, the workspace's counts), in one warehouse query."""
    with analytics_tables(workspace) as tables:
        rows = backend.to_rows(channel_counts_expr(tables.visits, contact_ids))
    group: dict[str, ChannelCounts] = {}
    overall: dict[str, ChannelCounts] = {}
    for row in rows:
        overall[row["touchpoint"]] = ChannelCounts(row["reached"], row["engaged"], row["converted"])
        group[row["touchpoint"]] = ChannelCounts(
            row["group_reached"] or 0, row["group_engaged"] or 0, row["group_converted"] or 0
        )
    return group, overall


def touchpoint(visits: Table) -> Any:
    """The channel a campaign would pick: social traffic split by its utm_source."""
    source = visits.utm_source.lower()
    return ibis.cases(
        ((visits.channel == "social") & source.notnull() & (source != ""), source),
        else_=ibis.coalesce(visits.channel, ibis.literal("direct")),
    )


def channel_counts_expr(visits: Table, contact_ids: frozenset[int]) -> Table:
    """Reached, engaged and converted contacts per channel, for everyone and for the group.

    One row per channel; the group (a joined in-memory table of ids, not a literal list, so
    that a million members stay one cheap hash join) only adds columns.
    """
    known = visits.filter(visits.resolved_contact_id.notnull())
    per_contact = (
        known.mutate(touchpoint=touchpoint(known))
        .group_by(["resolved_contact_id", "touchpoint"])
        .aggregate(
            engaged=known.kind.isin(ENGAGEMENT_KINDS).any(),
            converted=known.kind.isin(CONVERSION_KINDS).any(),
        )
    )
    ids = pa.table({"member_id": pa.array(sorted(contact_ids), pa.int64())})
    group = ibis.memtable(ids)
    joined = per_contact.left_join(group, per_contact.resolved_contact_id == group.member_id)
    member = joined.member_id.notnull()
    return joined.group_by("touchpoint").aggregate(
        reached=joined.count(),
        engaged=joined.engaged.sum(),
        converted=joined.converted.sum(),
        group_reached=member.sum(),
        group_engaged=(member & joined.engaged).sum(),
        group_converted=(member & joined.converted).sum(),
    )


def _estimate_json(estimate: RateEstimate) -> dict[str, Any]:
    return {
        "successes": estimate.successes,
        "trials": estimate.trials,
        "raw": estimate.raw,
        "workspace_rate": estimate.prior_mean,
        "estimate": estimate.mean,
        "low": estimate.low,
        "high": estimate.high,
    }


def _stats_json(stats: ChannelStats) -> dict[str, Any]:
    return {
        "channel": stats.channel,
        "reached": stats.reached,
        "engagement": _estimate_json(stats.engagement),
        "conversion": _estimate_json(stats.conversion),
    }


@dataclass(frozen=True)
class PercentRange:
    """A shrunk rate for display, in percent rounded to 0.1: raw, estimate, interval, workspace."""

    raw: float | None
    estimate: float
    low: float
    high: float
    workspace: float
    successes: int

    @classmethod
    def of(cls, estimate: RateEstimate) -> PercentRange:
        raw = estimate.raw
        return cls(
            raw=None if raw is None else round(100 * raw, 1),
            estimate=round(100 * estimate.mean, 1),
            low=round(100 * estimate.low, 1),
            high=round(100 * estimate.high, 1),
            workspace=round(100 * estimate.prior_mean, 1),
            successes=estimate.successes,
        )


@dataclass(frozen=True)
class ChannelRow:
    """One line of the best-channel panel."""

    channel: str
    label: str
    reached: int
    best: bool
    engagement: PercentRange
    conversion: PercentRange


@dataclass(frozen=True)
class ChannelPanel:
    """What ``segments/_channels.html`` shows: the rows, best first, and the method's numbers."""

    members: int
    rows: tuple[ChannelRow, ...]
    prior_weight: int
    interval_percent: int

    @property
    def best(self) -> ChannelRow | None:
        return self.rows[0] if self.rows else None


def panel(advice: ChannelAdvice, language: str) -> ChannelPanel:
    """Turn advice into the panel's rows, channel names in ``language``."""
    rows = tuple(
        ChannelRow(
            channel=stats.channel,
            label=stats.label(language),
            reached=stats.reached,
            best=index == 0,
            engagement=PercentRange.of(stats.engagement),
            conversion=PercentRange.of(stats.conversion),
        )
        for index, stats in enumerate(advice.channels)
    )
    return ChannelPanel(
        advice.members, rows, round(advice.prior_weight), round(100 * advice.interval)
    )


def channel_panel(
    workspace: Workspace, contact_ids: Collection[int], language: str
) -> ChannelPanel:
    """The ``channel_panel`` context of ``segments/_channels.html`` for a group of contacts.

    Runs ``channel_recommendation`` (one warehouse query).
    """
    return panel(channel_recommendation(workspace, contact_ids), language)
