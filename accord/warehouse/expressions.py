"""Analytics as Ibis expressions: the same code runs on DuckDB, ClickHouse, BigQuery and Spark.

Every function takes Ibis tables and returns an Ibis expression; nothing here executes a query.
Two starting points:

- ``visitor_events(events, links)``: one row per human event, resolved to a ``person``
  (``c:<contact id>`` when known, directly or through an identity link, else
  ``a:<anonymous id>``), which is what "a visitor" means everywhere. Sessions and segments
  read it.
- ``rollups(events, links)``: the same events summed per UTC day (see ``Rollups``). Visitor
  counts and campaign conversion read these: far fewer rows than events, and the embedded
  warehouse keeps them as files (``rollups.py``), so a year of events is not scanned again.

An "identity" is the event's contact id, else its anonymous id (when it has no contact id).
Rollups keep identities, never people: identity links change after the fact (a visitor fills
a form), so people are resolved when a query runs, from the links of that moment. Days are
UTC and come from the ``day`` column (the partition key the warehouse stores with every
event): grouping on it is an order of magnitude faster than truncating the time-zone-aware
``ts`` (DuckDB goes through ICU for every row), and it does not depend on the session time zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import ibis
from ibis.expr.types import Scalar, Table

SESSION_GAP_SECONDS = 30 * 60


def _humans(events: Table) -> Table:
    """Drop bot traffic; derive ``day`` from ``ts`` for a bare events table (tests, ad-hoc)."""
    humans = events.filter(~events.bot.fill_null(False))
    if "day" not in humans.columns:
        humans = humans.mutate(day=humans.ts.date())
    return humans


def _linked(links: Table) -> Table:
    return links.select(
        link_anonymous_id=links.anonymous_id, link_contact_id=links.contact_id.cast("int64")
    )


def _resolved(rows: Table, links: Table) -> Table:
    """Add ``resolved_contact_id`` (the row's contact, else the linked one) and ``person``."""
    resolved = resolved_contacts(rows, links)
    contact = resolved.resolved_contact_id
    person = ibis.cases(
        (contact.notnull(), ibis.literal("c:") + contact.cast("string")),
        (resolved.anonymous_id.notnull(), ibis.literal("a:") + resolved.anonymous_id),
        else_=ibis.null("string"),
    )
    return resolved.mutate(person=person)


def visitor_events(events: Table, links: Table) -> Table:
    """Drop bots and attribute anonymous events to the contact a link names.

    Adds ``resolved_contact_id`` (the event's own contact, else the linked one) and ``person``.
    Events with neither a contact nor an anonymous id get a null ``person``.
    """
    return _resolved(_humans(events), links)


# Rollups -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollups:
    """Human events summed per UTC day, as five tables, plus the identity links to apply.

    - ``visitors``: a row per day, channel and identity: ``events``;
    - ``channels``: a row per day and channel: ``events``, ``identities`` (``visitors`` summed);
    - ``months``: a row per calendar month (``month``, its first day) and identity;
    - ``touches``: a row per day, campaign and identity: ``first_touch`` (earliest ts);
    - ``purchases``: a row per purchase: ``ts``, ``value`` (and ``day``);
    - ``activity``: a row per day, kind and identity: ``events``, ``value`` (summed),
      ``first_ts`` and ``last_ts`` (what segment behaviour filters read for whole days);
    - ``monthly``: ``activity`` summed per calendar month (``month``), kind and identity,
      for the months before ``monthly_until`` (every month when None).

    Every table has ``contact_id`` and ``anonymous_id`` (null when the contact id is set).
    """

    visitors: Table
    channels: Table
    months: Table
    touches: Table
    purchases: Table
    activity: Table
    monthly: Table
    links: Table
    monthly_until: date | None = None


def _identity(events: Table) -> dict[str, object]:
    anonymous = ibis.ifelse(events.contact_id.isnull(), events.anonymous_id, ibis.null("string"))
    return {"contact_id": events.contact_id.cast("int64"), "anonymous_id": anonymous}


def day_visitors(events: Table) -> Table:
    """The ``visitors`` rollup of some events: events per day, channel and identity."""
    humans = _humans(events)
    return humans.group_by(day=humans.day, channel=humans.channel, **_identity(humans)).aggregate(
        events=humans.count()
    )


def day_channels(visitors: Table) -> Table:
    """The ``channels`` rollup from ``visitors`` rows: events and identities per day and channel."""
    return _counts(visitors, ["day", "channel"], events=visitors.events.sum().cast("int64"))


def month_visitors(visitors: Table) -> Table:
    """The ``months`` rollup from ``visitors`` rows: each identity once per month."""
    return visitors.select(
        month=ibis.date(visitors.day.year(), visitors.day.month(), 1),
        contact_id=visitors.contact_id,
        anonymous_id=visitors.anonymous_id,
    ).distinct()


def day_touches(events: Table) -> Table:
    """The ``touches`` rollup: the first campaign-tagged event per day, campaign and identity."""
    humans = _humans(events)
    tagged = humans.filter(humans.utm_campaign.notnull())
    return tagged.group_by(
        day=tagged.day, utm_campaign=tagged.utm_campaign, **_identity(tagged)
    ).aggregate(first_touch=tagged.ts.min())


def day_purchases(events: Table) -> Table:
    """The ``purchases`` rollup: every purchase, with its day, identity, time and value."""
    humans = _humans(events)
    bought = humans.filter(humans.kind == "purchase")
    return bought.select(
        day=bought.day, **_identity(bought), ts=bought.ts, value=bought.value.cast("float64")
    )


def day_activity(events: Table) -> Table:
    """The ``activity`` rollup: per day, kind and identity, the events, value, first and last ts."""
    humans = _humans(events)
    return humans.group_by(day=humans.day, kind=humans.kind, **_identity(humans)).aggregate(
        events=humans.count(),
        value=humans.value.sum().cast("float64"),
        first_ts=humans.ts.min(),
        last_ts=humans.ts.max(),
    )


def month_activity(activity: Table) -> Table:
    """The ``monthly`` rollup from ``activity`` rows: the same sums per calendar month."""
    month = ibis.date(activity.day.year(), activity.day.month(), 1)
    return activity.group_by(
        month=month,
        kind=activity.kind,
        contact_id=activity.contact_id,
        anonymous_id=activity.anonymous_id,
    ).aggregate(
        events=activity.events.sum().cast("int64"),
        value=activity.value.sum(),
        first_ts=activity.first_ts.min(),
        last_ts=activity.last_ts.max(),
    )


def event_activity(events: Table) -> Table:
    """Human events shaped as ``activity`` rows, one per event (for parts of a day)."""
    humans = _humans(events)
    return humans.select(
        day=humans.day,
        kind=humans.kind,
        **_identity(humans),
        events=ibis.literal(1, "int64"),
        value=humans.value.cast("float64"),
        first_ts=humans.ts,
        last_ts=humans.ts,
    )


def resolved_contacts(rows: Table, links: Table) -> Table:
    """``rows`` (with ``contact_id``, ``anonymous_id``) plus ``resolved_contact_id``: the row's
    contact, else the one an identity link gives its anonymous id (null when neither)."""
    linked = _linked(links)
    joined = rows.left_join(linked, rows.anonymous_id == linked.link_anonymous_id)
    contact = ibis.coalesce(joined.contact_id.cast("int64"), joined.link_contact_id)
    return joined.mutate(resolved_contact_id=contact).drop("link_anonymous_id", "link_contact_id")


def rollups(events: Table, links: Table) -> Rollups:
    """Rollups computed on the fly from the events (remote backends, tests)."""
    visitors = day_visitors(events)
    activity = day_activity(events)
    return Rollups(
        visitors,
        day_channels(visitors),
        month_visitors(visitors),
        day_touches(events),
        day_purchases(events),
        activity,
        month_activity(activity),
        links,
    )


def _counts(rows: Table, keys: Sequence[str], **sums: Scalar) -> Table:
    """Per ``keys``: ``identities`` (rows with a contact or anonymous id) and ``sums``."""
    has_identity = (rows.contact_id.notnull() | rows.anonymous_id.notnull()).cast("int64")
    return rows.group_by(list(keys)).aggregate(identities=has_identity.sum().cast("int64"), **sums)


def _people(counts: Table, rows: Table, links: Table, keys: Sequence[str]) -> Table:
    """``counts`` (``_counts`` of ``rows``) with ``visitors``: the distinct people per ``keys``.

    ``rows`` hold each identity once per ``keys``, so identities are a plain count; only those
    an identity link involves (a linked anonymous id, or a contact that has links) are
    resolved to people and counted distinct, and the difference corrected: exact, without a
    distinct count over every row.
    """
    linked = _linked(links)
    by_anonymous = rows.inner_join(linked, rows.anonymous_id == linked.link_anonymous_id)
    by_anonymous = by_anonymous.select(*keys, person=by_anonymous.link_contact_id)
    with_links = linked.select(linked.link_contact_id).distinct()
    by_contact = rows.filter(rows.contact_id.isin(with_links.link_contact_id))
    by_contact = by_contact.select(*keys, person=by_contact.contact_id)
    involved = by_anonymous.union(by_contact, distinct=False)
    fix = involved.group_by(list(keys)).aggregate(
        involved=involved.count(), merged=involved.person.nunique()
    )
    fix = fix.rename({f"fix_{key}": key for key in keys})
    # Null-safe: a day's events without a channel form a group too.
    joined = counts.left_join(fix, [counts[k].identical_to(fix[f"fix_{k}"]) for k in keys])
    visitors = joined.identities - joined.involved.fill_null(0) + joined.merged.fill_null(0)
    return joined.select(*counts.columns, visitors=visitors.cast("int64")).drop("identities")


def daily_channel_counts(rollups: Rollups) -> Table:
    """Events and distinct visitors per UTC day and channel, ordered by day then channel."""
    keys = ["day", "channel"]
    counts = _people(rollups.channels, rollups.visitors, rollups.links, keys)
    return counts.select("day", "channel", "events", "visitors").order_by(keys)


def unique_visitors(rollups: Rollups) -> Scalar:
    """How many distinct people (contacts, else anonymous ids) the events come from."""
    identities = rollups.months.select("contact_id", "anonymous_id").distinct()
    everyone = identities.mutate(all=ibis.literal(1))
    counts = _counts(everyone, ["all"])
    total: Scalar = _people(counts, everyone, rollups.links, ["all"]).visitors.sum()
    return total


def daily_visitors(rollups: Rollups) -> Table:
    """Distinct visitors per UTC day, ordered by day."""
    rows = rollups.visitors.select("day", "contact_id", "anonymous_id").distinct()
    return _people(_counts(rows, ["day"]), rows, rollups.links, ["day"]).order_by("day")


def campaign_conversion(rollups: Rollups) -> Table:
    """Per utm_campaign: visitors, purchasers after their first touch, revenue, conversion rate.

    A purchaser bought at or after the first event that carried the campaign (any-touch
    attribution: one purchase counts for every campaign its buyer touched before).
    """
    tagged = _resolved(rollups.touches, rollups.links)
    tagged = tagged.filter(tagged.person.notnull())
    touches = tagged.group_by(["utm_campaign", "person"]).aggregate(
        first_touch=tagged.first_touch.min()
    )
    bought = _resolved(rollups.purchases, rollups.links)
    purchases = bought.filter(bought.person.notnull()).select(
        buyer=bought.person, bought_at=bought.ts, amount=bought.value
    )
    converted = touches.inner_join(
        purchases,
        [touches.person == purchases.buyer, purchases.bought_at >= touches.first_touch],
    )
    outcomes = converted.group_by("utm_campaign").aggregate(
        purchasers=converted.buyer.nunique(), revenue=converted.amount.sum()
    )
    reach = touches.group_by("utm_campaign").aggregate(visitors=touches.count())
    joined = reach.left_join(outcomes, reach.utm_campaign == outcomes.utm_campaign)
    purchasers = joined.purchasers.fill_null(0)
    return joined.select(
        utm_campaign=joined.utm_campaign,
        visitors=joined.visitors,
        purchasers=purchasers,
        revenue=joined.revenue.fill_null(0.0),
        conversion_rate=purchasers.cast("float64") / joined.visitors.cast("float64"),
    ).order_by("utm_campaign")


def sessionized(visits: Table, gap_seconds: int = SESSION_GAP_SECONDS) -> Table:
    """Number each person's events into sessions split by ``gap_seconds`` of inactivity.

    Adds ``session_number`` (1, 2, … per person, in time order): a lag finds the previous
    event, a running sum of "starts a session" flags numbers them. Ties on ts break by event_id.
    """
    people = visits.filter(visits.person.notnull())
    order = [people.ts, people.event_id]
    previous = people.ts.lag().over(ibis.window(group_by=people.person, order_by=order))
    gap = people.ts.epoch_seconds() - previous.epoch_seconds()
    flagged = people.mutate(starts=ibis.ifelse(previous.isnull() | (gap > gap_seconds), 1, 0))
    running = ibis.cumulative_window(
        group_by=flagged.person, order_by=[flagged.ts, flagged.event_id]
    )
    return flagged.mutate(session_number=flagged.starts.sum().over(running)).drop("starts")


def sessions(visits: Table, gap_seconds: int = SESSION_GAP_SECONDS) -> Table:
    """One row per session: person, number, start, end, duration in seconds, event count."""
    numbered = sessionized(visits, gap_seconds)
    summary = numbered.group_by(["person", "session_number"]).aggregate(
        started_at=numbered.ts.min(), ended_at=numbered.ts.max(), events=numbered.count()
    )
    return summary.mutate(
        duration_seconds=summary.ended_at.epoch_seconds() - summary.started_at.epoch_seconds()
    ).order_by(["person", "session_number"])


def daily_sessions(visits: Table, gap_seconds: int = SESSION_GAP_SECONDS) -> Table:
    """Sessions per UTC start day: count, single-event (bounced) sessions, mean duration."""
    summary = sessions(visits, gap_seconds)
    dated = summary.mutate(day=summary.started_at.date())
    return (
        dated.group_by("day")
        .aggregate(
            sessions=dated.count(),
            bounces=(dated.events == 1).sum(),
            mean_duration_seconds=dated.duration_seconds.mean(),
        )
        .order_by("day")
    )


def kind_counts(events: Table) -> Table:
    """Distinct events per kind over every stored event, bots included, ordered by kind."""
    return events.group_by("kind").aggregate(events=events.event_id.nunique()).order_by("kind")


def monthly_visitors(rollups: Rollups) -> Table:
    """Distinct visitors per calendar month (``month`` is its first day), ordered by month."""
    rows = rollups.months
    return _people(_counts(rows, ["month"]), rows, rollups.links, ["month"]).order_by("month")
