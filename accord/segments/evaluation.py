"""Evaluate a rule as set operations: SQL for the CRM side, one Ibis query for behaviour.

Contact filters (fields, properties, tags, consent, segment membership) become Django ``Q``
objects; the filters of one group are combined into a single SQL query. Behaviour filters
(events, first/last seen, revenue, email engagement, visited URL, UTM source) are computed
together in ONE warehouse query (an aggregate per filter, grouped by the resolved contact id),
whatever their number; counts, revenue and first/last seen read the activity rollups
(decision record 0006). In an "all" group with behaviour filters, the contact query waits for the
warehouse and asks only for the ids its positive filters kept (one JSON parameter, looked up by
primary key) unless there are more than ``MAX_CANDIDATES``: a few thousand lookups instead of a
scan of every contact. Groups then combine sorted int64 id arrays with numpy set operations. "Not"
and the negative operators are "every live contact but those matching", so erased contacts
and ids the warehouse knows but the CRM does not never come out.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import numpy as np
import numpy.typing as npt
import pyarrow as pa
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from ibis.expr.types import BooleanValue, Table

from accord.accounts.models import Workspace
from accord.contacts.models import Consent, Contact, ContactTag, PropertyDefinition
from accord.segments import properties
from accord.segments.models import Segment, SegmentMember
from accord.segments.rules import (
    ALL_TIME,
    BEHAVIOUR,
    ENGAGEMENT_METRICS,
    NEGATIONS,
    ConsentFilter,
    EngagementFilter,
    EventCondition,
    EventFilter,
    FieldFilter,
    Group,
    Leaf,
    Not,
    PropertyFilter,
    RevenueFilter,
    Rule,
    RuleError,
    SeenFilter,
    SegmentFilter,
    TagFilter,
    UtmSourceFilter,
    VisitedUrlFilter,
    Window,
    compare,
    day_start,
    leaves,
    longest_literal,
    parse_rule,
    url_regex,
)
from accord.warehouse import expressions
from accord.warehouse.queries import AnalyticsTables, analytics_tables

Ids = npt.NDArray[np.int64]
COLUMNS = {
    "email": "email",
    "first_name": "first_name",
    "last_name": "last_name",
    "phone": "phone",
    "language": "language",
    "source": "source",
    "company": "company__name",
    "company.industry": "company__industry",
    "company.city": "company__city",
    "company.country": "company__country",
    "owner": "owner__username",
}
TEXT_LOOKUPS = {"eq": "iexact", "contains": "icontains", "starts_with": "istartswith"}


# One text value holding every id, parsed by numpy in C: far cheaper than a Python tuple per row.
ID_LISTS = {
    "sqlite": ("SELECT group_concat({column}) FROM (", ")"),
    "postgresql": ("SELECT string_agg({column}::text, ',') FROM (", ") AS ids"),
}


# Above this many candidate ids, scanning the contacts costs less than looking each one up.
MAX_CANDIDATES = 250_000
# A list of ids as ONE query parameter (a JSON text, a Postgres array), whatever its length.
ID_SUBQUERIES = {
    "sqlite": "SELECT value FROM json_each(%s)",
    "postgresql": "SELECT unnest(%s::bigint[])",
}


def id_list(ids: Ids) -> RawSQL | list[int]:
    """``ids`` for an ``__in`` lookup: a subquery over one parameter where the database has one."""
    numbers: list[int] = ids.tolist()
    sql = ID_SUBQUERIES.get(connection.vendor)
    if sql is None:
        return numbers
    parameter: str | list[int] = json.dumps(numbers) if connection.vendor == "sqlite" else numbers
    return RawSQL(sql, [parameter])  # noqa: S611  (constant SQL, the ids are a parameter)


def fetch_ids(queryset: QuerySet[Any], column: str = "id") -> Ids:
    """Run a ``values_list(column, flat=True)`` query; return its ids sorted as int64."""
    sql, params = queryset.query.sql_with_params()
    wrapper = ID_LISTS.get(connection.vendor)
    with connection.cursor() as cursor:
        if wrapper is None:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            found = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        else:
            cursor.execute(wrapper[0].format(column=column) + sql + wrapper[1], params)
            text = cursor.fetchone()[0]
            found = np.fromstring(text or "", dtype=np.int64, sep=",")
    found.sort()
    return found


@dataclass(frozen=True)
class _Part:
    """A sub-result as sorted unique ids; ``negated``: every live contact BUT these ids.

    ``bounded`` when the ids are known to be live contacts of the workspace (whether negated
    or not: a negated part flipped back must still drop the others). Keeping a
    complement as the ids it leaves out spares loading every contact id: within an "all"
    group it is a set difference.
    """

    ids: Ids
    bounded: bool
    negated: bool = False

    def flipped(self) -> _Part:
        return _Part(self.ids, self.bounded, not self.negated)


def evaluate_rule(
    workspace: Workspace, rule: Mapping[str, Any], *, now: datetime | None = None
) -> frozenset[int]:
    """Return the ids of the workspace's live contacts the rule selects.

    Raises RuleError for a malformed rule or one naming an undeclared property or an unknown
    segment. Runs a few SQL queries and at most one warehouse query.
    """
    return frozenset(matching_ids(workspace, parse_rule(rule), now=now).tolist())


def matching_ids(workspace: Workspace, rule: Rule, *, now: datetime | None = None) -> Ids:
    """Evaluate a parsed rule; return the sorted ids as an int64 array.

    The warehouse query runs in a worker thread while this one runs the SQL queries.
    """
    compiler = _Compiler(workspace, now or timezone.now())
    with ExitStack() as stack:
        compiler.prepare(rule, stack)
        result = compiler.compile(rule)
        if isinstance(result, Q):
            return compiler.ids(result)
        if result.negated:
            return np.setdiff1d(compiler.universe(), result.ids, assume_unique=True)
        return result.ids if result.bounded else compiler.bound(result.ids)


@dataclass(frozen=True)
class References:
    """What a rule names in its workspace: declared properties by key, segment ids by slug."""

    definitions: Mapping[str, PropertyDefinition]
    segments: Mapping[str, int]


def resolve_references(workspace: Workspace, rule: Rule) -> References:
    """Load the properties and segments the rule names; RuleError for an unknown one (2 queries)."""
    found = leaves(rule)
    keys = {leaf.key for leaf in found if isinstance(leaf, PropertyFilter)}
    slugs = {leaf.slug for leaf in found if isinstance(leaf, SegmentFilter)}
    definitions = {
        d.key: d for d in PropertyDefinition.objects.filter(workspace=workspace, key__in=keys)
    }
    segments = dict(
        Segment.objects.filter(workspace=workspace, slug__in=slugs).values_list("slug", "pk")
    )
    for leaf in found:
        if isinstance(leaf, PropertyFilter):
            if leaf.key not in definitions:
                raise RuleError(
                    f"{leaf.path}.key", f"property {leaf.key!r} is not declared in this workspace"
                )
            properties.check(leaf, definitions[leaf.key])
        if isinstance(leaf, SegmentFilter) and leaf.slug not in segments:
            raise RuleError(f"{leaf.path}.slug", f"no segment {leaf.slug!r} in this workspace")
    return References(definitions, segments)


@dataclass
class _Compiler:
    workspace: Workspace
    now: datetime
    references: References = field(default_factory=lambda: References({}, {}))
    found: list[Leaf] = field(default_factory=list)
    pending: Future[pa.Table] | None = None
    needs_universe: bool = False
    _behaviour: dict[str, _Part] | None = None
    _universe: Ids | None = None

    def prepare(self, rule: Rule, stack: ExitStack) -> None:
        """Check what the rule refers to, then start the behaviour aggregation in a thread.

        DuckDB releases the GIL while it runs, so the SQL queries overlap with it; the links
        and the connection are opened here, in this thread, and closed by ``stack``.
        """
        self.references = resolve_references(self.workspace, rule)
        self.found = [leaf for leaf in leaves(rule) if isinstance(leaf, BEHAVIOUR)]
        if not self.found:
            return
        self.needs_universe = not _narrowed_by_contact_filters(rule)
        tables = stack.enter_context(analytics_tables(self.workspace))
        query = behaviour_query(tables, self.found, self.now)
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=1))
        self.pending = pool.submit(query.to_pyarrow)

    def behaviour(self, path: str) -> _Part:
        """What a behaviour filter selects, once the warehouse answered."""
        if self._behaviour is None:
            assert self.pending is not None  # noqa: S101  (prepare started it)
            if self.needs_universe:
                self.universe()  # while the warehouse still works
            table = self.pending.result()
            self._behaviour = select_behaviour(table, self.found, self.now)
        return self._behaviour[path]

    # Sets ------------------------------------------------------------------------------------

    def universe(self) -> Ids:
        """The workspace's live (not erased) contact ids, sorted; loaded once."""
        if self._universe is None:
            self._universe = self.ids(Q())
        return self._universe

    def ids(self, condition: Q, within: Ids | None = None) -> Ids:
        """Run one query for the ids of the live contacts matching ``condition``.

        ``within``: only these ids can match; SQLite then looks each one up by primary key
        instead of testing every contact of the workspace.
        """
        if within is not None:
            condition &= Q(id__in=id_list(within))
        queryset = Contact.objects.filter(
            condition, workspace=self.workspace, erased_at__isnull=True
        ).values_list("id", flat=True)
        return fetch_ids(queryset)

    def bound(self, ids: Ids) -> Ids:
        return np.intersect1d(ids, self.universe(), assume_unique=True)

    # Tree ------------------------------------------------------------------------------------

    def compile(self, rule: Rule) -> Q | _Part:
        if isinstance(rule, Group):
            return self._group(rule)
        if isinstance(rule, Not):
            inner = self.compile(rule.child)
            return ~inner if isinstance(inner, Q) else inner.flipped()
        if isinstance(rule, BEHAVIOUR):
            return self.behaviour(rule.path)
        return contact_condition(rule, self.workspace, self.references)

    def _group(self, group: Group) -> Q | _Part:
        # Behaviour filters last: this group's SQL runs while the warehouse query still works.
        late = [child for child in group.children if isinstance(child, BEHAVIOUR)]
        compiled = [self.compile(c) for c in group.children if not isinstance(c, BEHAVIOUR)]
        conditions = [part for part in compiled if isinstance(part, Q)]
        parts = [part for part in compiled if isinstance(part, _Part)]
        join = operator.and_ if group.op == "all" else operator.or_
        condition = reduce(join, conditions) if conditions else None
        if not parts and not late:
            assert condition is not None  # noqa: S101  (a group has at least one node)
            return condition
        if condition is None:
            parts += [self.behaviour(child.path) for child in late]
        elif group.op == "all" and late:
            # Whatever the SQL keeps must also pass the behaviour filters: ask for those only.
            parts += [self.behaviour(child.path) for child in late]
            parts.append(_Part(self.ids(condition, within=_candidates(parts)), True))
        else:
            parts.append(_Part(self.ids(condition), True))
            parts += [self.behaviour(child.path) for child in late]
        return _all(parts) if group.op == "all" else _any(parts)


def _candidates(parts: list[_Part]) -> Ids | None:
    """The ids every positive part of an "all" group keeps, when few enough to list in SQL."""
    kept = [p for p in parts if not p.negated]
    if not kept:
        return None
    ids = _intersection(kept)
    return ids if len(ids) <= MAX_CANDIDATES else None


def _intersection(parts: list[_Part]) -> Ids:
    return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), (p.ids for p in parts))


def _union(parts: list[_Part]) -> Ids:
    return reduce(np.union1d, (p.ids for p in parts))


def _all(parts: list[_Part]) -> _Part:
    """A ∩ B ∩ (U − X) ∩ (U − Y) = (A ∩ B) − (X ∪ Y); with no positive part, U − (X ∪ Y)."""
    kept = [p for p in parts if not p.negated]
    left_out = [p for p in parts if p.negated]
    if not kept:
        return _Part(_union(left_out), all(p.bounded for p in left_out), negated=True)
    ids = _intersection(kept)
    if left_out:
        ids = np.setdiff1d(ids, _union(left_out), assume_unique=True)
    return _Part(ids, any(p.bounded for p in kept))


def _any(parts: list[_Part]) -> _Part:
    """A ∪ B ∪ (U − X) ∪ (U − Y) = U − ((X ∩ Y) − (A ∪ B))."""
    kept = [p for p in parts if not p.negated]
    left_out = [p for p in parts if p.negated]
    if not left_out:
        return _Part(_union(kept), all(p.bounded for p in kept))
    ids = _intersection(left_out)
    if kept:
        ids = np.setdiff1d(ids, _union(kept), assume_unique=True)
    return _Part(ids, any(p.bounded for p in left_out), negated=True)


def _narrowed_by_contact_filters(rule: Rule) -> bool:
    """Whether the rule is an "all" group with a CRM filter: then no contact list is needed."""
    return (
        isinstance(rule, Group)
        and rule.op == "all"
        and any(not isinstance(child, (*BEHAVIOUR, Group, Not)) for child in rule.children)
    )


# Contact filters --------------------------------------------------------------------------


def contact_condition(leaf: Rule, workspace: Workspace, references: References) -> Q:
    """The Q object selecting the contacts a CRM-side filter matches."""
    if isinstance(leaf, FieldFilter):
        return field_condition(leaf)
    if isinstance(leaf, PropertyFilter):
        return properties.condition(leaf, references.definitions[leaf.key], workspace)
    if isinstance(leaf, TagFilter):
        tagged = ContactTag.objects.filter(
            contact=OuterRef("pk"), tag__workspace=workspace, tag__name=leaf.tag
        )
        return Q(Exists(tagged)) if leaf.has else ~Q(Exists(tagged))
    if isinstance(leaf, ConsentFilter):
        decided = Consent.objects.filter(
            contact=OuterRef("pk"), purpose=leaf.purpose, granted=leaf.granted
        )
        return Q(Exists(decided))
    if isinstance(leaf, SegmentFilter):
        stays = SegmentMember.objects.filter(
            segment_id=references.segments[leaf.slug], contact=OuterRef("pk"), left_at__isnull=True
        )
        return Q(Exists(stays)) if leaf.member else ~Q(Exists(stays))
    raise TypeError(f"not a contact filter: {leaf!r}")  # pragma: no cover


def field_condition(leaf: FieldFilter) -> Q:
    """Q for a contact field; negative operators negate the positive one."""
    if leaf.field == "created_at":
        return _created_condition(leaf.op, leaf.value)
    column = COLUMNS[leaf.field]
    if leaf.op in NEGATIONS:
        return ~_text_condition(column, NEGATIONS[leaf.op], leaf.value)
    return _text_condition(column, leaf.op, leaf.value)


def _text_condition(column: str, op: str, value: Any) -> Q:
    if op == "is_set":
        return Q(**{f"{column}__gt": ""})
    if op == "in":
        return reduce(operator.or_, (Q(**{f"{column}__iexact": item}) for item in value))
    return Q(**{f"{column}__{TEXT_LOOKUPS[op]}": value})


def _created_condition(op: str, value: Any) -> Q:
    if isinstance(value, datetime):
        if op == "neq":
            return ~Q(created_at=value)
        return Q(**{"created_at" if op == "eq" else f"created_at__{op}": value})
    start = day_start(value)
    end = start + timedelta(days=1)
    within = Q(created_at__gte=start, created_at__lt=end)
    return {
        "eq": within,
        "neq": ~within,
        "gt": Q(created_at__gte=end),
        "gte": Q(created_at__gte=start),
        "lt": Q(created_at__lt=start),
        "lte": Q(created_at__lt=end),
    }[op]


# Behaviour filters ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reach:
    """The rows a behaviour filter reads: its event kinds (None: any) and its time range."""

    kinds: frozenset[str] | None
    since: datetime | None
    until: datetime | None


def behaviour_query(tables: AnalyticsTables, found: Sequence[Leaf], now: datetime) -> Table:
    """ONE query for every behaviour filter: per filter (``filter``, its index), a row per
    contact with the filter's aggregate in its own column (``m<index>``, null in other rows).

    Each filter reads only its own rows, its kind and its days. Counts, revenue and first/last
    seen (``_summed``) read the ``activity`` rollups for the whole days of their window and raw
    events only for the part-days at its edges; filters on event properties, URLs or UTM
    sources read the events, skipping whole day files outside their window and the row groups
    of other kinds (the warehouse sorts each day's files by kind). The per-filter aggregates,
    grouped by resolved contact, are stacked as they are: folding them into one row per
    contact would cost a second aggregation over every row.
    """
    known = tables.visits.filter(tables.visits.resolved_contact_id.notnull())
    names = [f"m{i}" for i in range(len(found))]
    parts = []
    for i, leaf in enumerate(found):
        reach = _reach(leaf, now)
        if _summed(leaf):
            rows = _activity(tables, reach)
            value = _summed_aggregate(rows, leaf)
        else:
            rows = _scope(known, reach)
            value = _aggregate(rows, leaf, now)
        part = rows.group_by(contact=rows.resolved_contact_id.cast("int64")).aggregate(
            **{names[i]: value.cast(_type(leaf))}
        )
        others = {names[j]: ibis.null(_type(other)) for j, other in enumerate(found) if j != i}
        part = part.mutate(filter=ibis.literal(i, "int16"), **others)
        parts.append(part.select("filter", "contact", *names))
    return reduce(lambda a, b: a.union(b, distinct=False), parts)


def _summed(leaf: Leaf) -> bool:
    """Whether the filter's aggregate can be read from the ``activity`` rollup."""
    if isinstance(leaf, EventFilter):
        return not leaf.properties
    return isinstance(leaf, RevenueFilter | EngagementFilter | SeenFilter)


@dataclass(frozen=True)
class _Tiers:
    """Where a window's rows come from: ``monthly`` for ``months`` (``[from, to)`` of first
    days, None: no whole month), ``activity`` for the ``days`` ranges (``[from, to)``, None:
    unbounded), the events for the ``part_days``."""

    months: tuple[date | None, date | None] | None
    days: list[tuple[date | None, date | None]]
    part_days: list[date]


def _tiers(since: datetime | None, until: datetime | None, covered: date | None) -> _Tiers:
    """Cut ``[since, until)`` (UTC) into tiers; ``monthly`` holds the months before ``covered``."""
    first = None if since is None else since.date() + timedelta(days=_past_midnight(since))
    end = None if until is None else until.date()  # whole days: from ``first``, before ``end``
    month_from = None if first is None else _month_on_or_after(first)
    month_to = None if end is None else end.replace(day=1)  # whole months: before this one
    if covered is not None:
        month_to = covered if month_to is None else min(month_to, covered)
    part_days = sorted({i.date() for i in (since, until) if i is not None and _past_midnight(i)})
    if month_from is None or month_to is None or month_from < month_to:
        days = [(first, month_from), (month_to, end)]
        return _Tiers((month_from, month_to), [d for d in days if _some_days(*d)], part_days)
    return _Tiers(None, [(first, end)] if _some_days(first, end) else [], part_days)


def _some_days(start: date | None, stop: date | None) -> bool:
    """Whether ``[start, stop)`` holds a day (beside months that cover what None leaves open)."""
    if start is None or stop is None:
        return start is not None or stop is not None
    return start < stop


def _activity(tables: AnalyticsTables, reach: _Reach) -> Table:
    """The ``activity`` rows of the reach, resolved to contacts.

    The whole calendar months of the window come from the ``monthly`` rollup, its other whole
    UTC days from ``activity``, and the part-days at its edges from the events, one row each.
    """
    since = reach.since.astimezone(UTC) if reach.since is not None else None
    until = reach.until.astimezone(UTC) if reach.until is not None else None
    tiers = _tiers(since, until, tables.rollups.monthly_until)
    pieces: list[Table] = []
    if tiers.months is not None:
        monthly = _kinds(tables.rollups.monthly, reach)
        month_from, month_to = tiers.months
        if month_from is not None:
            monthly = monthly.filter(monthly.month >= month_from)
        if month_to is not None:
            monthly = monthly.filter(monthly.month < month_to)
        pieces.append(_activity_columns(monthly))
    daily = _kinds(tables.rollups.activity, reach)
    for start, stop in tiers.days:
        rows = daily.filter(daily.day >= start) if start is not None else daily
        pieces.append(_activity_columns(rows.filter(rows.day < stop) if stop is not None else rows))
    if tiers.part_days:
        events = _kinds(tables.events, reach)
        edges = events.filter(events.day.isin(tiers.part_days))
        if since is not None:
            edges = edges.filter(edges.ts >= since)
        if until is not None:
            edges = edges.filter(edges.ts < until)
        pieces.append(_activity_columns(expressions.event_activity(edges)))
    rows = reduce(lambda a, b: a.union(b, distinct=False), pieces)
    resolved = expressions.resolved_contacts(rows, tables.links)
    return resolved.filter(resolved.resolved_contact_id.notnull())


def _kinds(rows: Table, reach: _Reach) -> Table:
    if reach.kinds is None:
        return rows
    return rows.filter(rows.kind.isin(sorted(reach.kinds)))


def _month_on_or_after(day: date) -> date:
    return day if day.day == 1 else (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _past_midnight(instant: datetime) -> bool:
    """Whether a UTC instant falls after the start of its day (its day is then a part-day)."""
    return instant != datetime.combine(instant.date(), datetime.min.time(), UTC)


def _activity_columns(rows: Table) -> Table:
    """The ``activity`` columns in one order and type, so rollup and event rows stack."""
    return rows.select(
        contact_id=rows.contact_id.cast("int64"),
        anonymous_id=rows.anonymous_id.cast("string"),
        events=rows.events.cast("int64"),
        value=rows.value.cast("float64"),
        first_ts=rows.first_ts.cast(dt.Timestamp(timezone="UTC", scale=6)),
        last_ts=rows.last_ts.cast(dt.Timestamp(timezone="UTC", scale=6)),
    )


def _summed_aggregate(rows: Table, leaf: Leaf) -> Any:
    """The aggregate column of a ``_summed`` filter over its ``activity`` rows."""
    if isinstance(leaf, SeenFilter):
        return rows.first_ts.min() if leaf.which == "first" else rows.last_ts.max()
    if isinstance(leaf, RevenueFilter):
        return rows.value.sum().fill_null(0.0)
    return rows.events.sum()


def _type(leaf: Leaf) -> dt.DataType:
    """The type of a behaviour filter's aggregate column."""
    if isinstance(leaf, SeenFilter):
        return dt.Timestamp(timezone="UTC", scale=6)
    return dt.float64 if isinstance(leaf, RevenueFilter) else dt.int64


def select_behaviour(table: pa.Table, found: Sequence[Leaf], now: datetime) -> dict[str, _Part]:
    """Apply each filter's test to its aggregate column; return what each filter selects.

    Filters that also match contacts without any event ("did not", revenue below a bound...)
    come back negated: every contact but those that fail the test.
    """
    which = table.column("filter").to_numpy()
    contacts = table.column("contact").to_numpy()
    selected = {}
    for i, leaf in enumerate(found):
        rows = np.flatnonzero(which == i)
        column = table.column(f"m{i}").take(pa.array(rows))
        selected[leaf.path] = _select(leaf, contacts[rows], column, now)
    return selected


def _reach(leaf: Leaf, now: datetime) -> _Reach:
    if isinstance(leaf, SeenFilter):
        return _Reach(None, None, None)
    kinds: frozenset[str] | None = None
    if isinstance(leaf, EventFilter):
        kinds = frozenset({leaf.kind})
    elif isinstance(leaf, RevenueFilter):
        kinds = frozenset({"purchase"})
    elif isinstance(leaf, EngagementFilter):
        kinds = frozenset({ENGAGEMENT_METRICS[leaf.metric]})
    elif isinstance(leaf, VisitedUrlFilter):
        kinds = frozenset({"page_view"})
    window = getattr(leaf, "window", ALL_TIME)
    return _Reach(kinds, *window.bounds(now))


def _scope(known: Table, reach: _Reach) -> Table:
    """The rows one filter reads; its kind and its day bounds let DuckDB skip the rest."""
    rows = known
    if reach.kinds is not None:
        kinds = sorted(reach.kinds)
        rows = rows.filter(rows.kind == kinds[0] if len(kinds) == 1 else rows.kind.isin(kinds))
    if reach.since is not None:
        rows = rows.filter(rows.day >= reach.since.astimezone(UTC).date(), rows.ts >= reach.since)
    if reach.until is not None:
        last = (reach.until - timedelta(microseconds=1)).astimezone(UTC).date()
        rows = rows.filter(rows.day <= last, rows.ts < reach.until)
    return rows


def _between(visits: Table, since: datetime | None, until: datetime | None) -> BooleanValue:
    condition: BooleanValue = ibis.literal(True)
    if since is not None:
        condition = condition & (visits.ts >= since)
    if until is not None:
        condition = condition & (visits.ts < until)
    return condition


def _window(visits: Table, window: Window, now: datetime) -> BooleanValue:
    return _between(visits, *window.bounds(now))


def _aggregate(visits: Table, leaf: Leaf, now: datetime) -> Any:
    """The filtered aggregate column of one behaviour filter."""
    if isinstance(leaf, SeenFilter):
        return visits.ts.min() if leaf.which == "first" else visits.ts.max()
    if isinstance(leaf, RevenueFilter):
        rows = (visits.kind == "purchase") & _window(visits, leaf.window, now)
        return visits.value.sum(where=rows).fill_null(0.0)
    if isinstance(leaf, EventFilter):
        rows = (visits.kind == leaf.kind) & _window(visits, leaf.window, now)
        for condition in leaf.properties:
            rows = rows & _event_condition(visits, condition)
    elif isinstance(leaf, EngagementFilter):
        rows = (visits.kind == ENGAGEMENT_METRICS[leaf.metric]) & _window(visits, leaf.window, now)
    elif isinstance(leaf, VisitedUrlFilter):
        rows = (visits.kind == "page_view") & _window(visits, leaf.window, now)
        url = visits.url.fill_null("")
        chunk = longest_literal(leaf.pattern)
        if len(chunk) > 1:  # a cheap test first, so that the regex runs on fewer rows
            rows = rows & url.contains(chunk)
        rows = rows & url.re_search(url_regex(leaf.pattern))
    elif isinstance(leaf, UtmSourceFilter):
        rows = (visits.utm_source.lower() == leaf.value.lower()) & _window(visits, leaf.window, now)
    else:  # pragma: no cover
        raise TypeError(f"not a behaviour filter: {leaf!r}")
    return visits.count(where=rows.fill_null(False))


def _event_condition(visits: Table, condition: EventCondition) -> BooleanValue:
    value = visits.properties.cast("json")[condition.key]
    if condition.op in NEGATIONS:
        positive = EventCondition(
            condition.path, condition.key, NEGATIONS[condition.op], condition.value
        )
        return ~_event_condition(visits, positive).fill_null(False)
    if condition.op == "is_set":
        return value.notnull()
    sample = condition.value[0] if isinstance(condition.value, list) else condition.value
    if isinstance(sample, bool):
        typed: Any = value.unwrap_as("boolean")
        wanted = condition.value
    elif isinstance(sample, int | float):
        typed = value.unwrap_as("float64")
        wanted = condition.value
    else:
        typed = value.unwrap_as("string").lower()
        wanted = (
            [v.lower() for v in condition.value]
            if isinstance(condition.value, list)
            else condition.value.lower()
        )
    result: BooleanValue = _typed_test(typed, condition.op, wanted)
    return result.fill_null(False)


def _typed_test(typed: Any, op: str, wanted: Any) -> BooleanValue:
    tests = {
        "eq": lambda: typed == wanted,
        "in": lambda: typed.isin(wanted),
        "contains": lambda: typed.contains(wanted),
        "starts_with": lambda: typed.startswith(wanted),
        "gt": lambda: typed > wanted,
        "gte": lambda: typed >= wanted,
        "lt": lambda: typed < wanted,
        "lte": lambda: typed <= wanted,
    }
    result: BooleanValue = tests[op]()
    return result


def _select(leaf: Leaf, contacts: Any, column: Any, now: datetime) -> _Part:
    """What a behaviour filter keeps, from its aggregate column (one row per contact)."""
    if isinstance(leaf, SeenFilter):
        seen = column.to_numpy(zero_copy_only=False).astype("datetime64[us]")
        return _Part(_sorted(contacts[_seen_mask(leaf, seen, now)]), False)
    values = column.to_numpy(zero_copy_only=False)
    if isinstance(leaf, EventFilter):
        mask = values >= leaf.min
        if leaf.max is not None:
            mask &= values <= leaf.max
        return _Part(_sorted(contacts[mask]), False, negated=not leaf.did)
    if isinstance(leaf, RevenueFilter | EngagementFilter):
        return _compared(leaf.op, leaf.value, contacts, values)
    return _Part(_sorted(contacts[values > 0]), False)


def _compared(op: str, bound: float, contacts: Any, values: Any) -> _Part:
    """Contacts whose value passes ``op bound``; a contact without events counts as 0."""
    passing = {
        "eq": values == bound,
        "gt": values > bound,
        "gte": values >= bound,
        "lt": values < bound,
        "lte": values <= bound,
    }[op]
    if compare(op, 0, bound):  # contacts without events pass: keep all but those failing
        return _Part(_sorted(contacts[~passing]), False, negated=True)
    return _Part(_sorted(contacts[passing]), False)


def _seen_mask(leaf: SeenFilter, seen: Any, now: datetime) -> Any:
    if leaf.op == "within_days":
        assert isinstance(leaf.value, int)  # noqa: S101  (the parser guarantees it)
        return seen >= _utc64(now - timedelta(days=leaf.value))
    assert not isinstance(leaf.value, int)  # noqa: S101
    start = day_start(leaf.value)
    if leaf.op == "before":
        return seen < _utc64(start)
    return seen >= _utc64(start + timedelta(days=1))


def _utc64(instant: datetime) -> np.datetime64:
    return np.datetime64(instant.astimezone(UTC).replace(tzinfo=None), "us")


def _sorted(ids: Any) -> Ids:
    result: Ids = np.sort(ids.astype(np.int64))
    return result
