"""Analytics as Ibis expressions: the same code runs on DuckDB, ClickHouse, BigQuery and Spark.

Every function takes Ibis tables and returns an Ibis expression; nothing here executes a query.
Start from ``visitor_events(events, links)``: it drops bot traffic and resolves each event to a
``person`` (``c:<contact id>`` when known, directly or through an identity link, else
``a:<anonymous id>``), which is what "a visitor" means in every other expression. Days are UTC
and come from the ``day`` column (the partition key the warehouse stores with every event):
grouping on it is an order of magnitude faster than truncating the time-zone-aware ``ts``
(DuckDB goes through ICU for every row), and it does not depend on the session time zone.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Scalar, Table

SESSION_GAP_SECONDS = 30 * 60


def visitor_events(events: Table, links: Table) -> Table:
    """Drop bots and attribute anonymous events to the contact a link names.

    Adds ``resolved_contact_id`` (the event's own contact, else the linked one) and ``person``.
    Events with neither a contact nor an anonymous id get a null ``person``.
    """
    humans = events.filter(~events.bot.fill_null(False))
    if "day" not in humans.columns:  # a bare events table (tests, ad-hoc reads): derive it
        humans = humans.mutate(day=humans.ts.date())
    linked = links.select(
        link_anonymous_id=links.anonymous_id, link_contact_id=links.contact_id.cast("int64")
    )
    joined = humans.left_join(linked, humans.anonymous_id == linked.link_anonymous_id)
    contact = ibis.coalesce(joined.contact_id, joined.link_contact_id)
    person = ibis.cases(
        (contact.notnull(), ibis.literal("c:") + contact.cast("string")),
        (joined.anonymous_id.notnull(), ibis.literal("a:") + joined.anonymous_id),
        else_=ibis.null("string"),
    )
    return joined.mutate(resolved_contact_id=contact, person=person).drop(
        "link_anonymous_id", "link_contact_id"
    )


def daily_channel_counts(visits: Table) -> Table:
    """Events and distinct visitors per UTC day and channel, ordered by day then channel."""
    return (
        visits.group_by(["day", "channel"])
        .aggregate(events=visits.count(), visitors=visits.person.nunique())
        .order_by(["day", "channel"])
    )


def unique_visitors(visits: Table) -> Scalar:
    """How many distinct people (contacts, else anonymous ids) the events come from."""
    return visits.person.nunique()


def daily_visitors(visits: Table) -> Table:
    """Distinct visitors per UTC day, ordered by day."""
    return visits.group_by("day").aggregate(visitors=visits.person.nunique()).order_by("day")


def campaign_conversion(visits: Table) -> Table:
    """Per utm_campaign: visitors, purchasers after their first touch, revenue, conversion rate.

    A purchaser bought at or after the first event that carried the campaign (any-touch
    attribution: one purchase counts for every campaign its buyer touched before).
    """
    tagged = visits.filter(visits.utm_campaign.notnull() & visits.person.notnull())
    touches = tagged.group_by(["utm_campaign", "person"]).aggregate(first_touch=tagged.ts.min())
    purchases = visits.filter((visits.kind == "purchase") & visits.person.notnull()).select(
        buyer=visits.person, bought_at=visits.ts, amount=visits.value
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


def monthly_visitors(visits: Table) -> Table:
    """Distinct visitors per calendar month (``month`` is its first day), ordered by month."""
    dated = visits.mutate(month=visits.day.truncate("M"))
    return dated.group_by("month").aggregate(visitors=dated.person.nunique()).order_by("month")
