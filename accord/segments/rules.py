"""The segment rule language: JSON in, a typed tree out, or a RuleError naming the bad node.

Grammar (every node is a JSON object):

- groups ``{"all": [node, ...]}``, ``{"any": [node, ...]}``, ``{"not": node}``, nestable;
- leaves ``{"type": T, ...}``: field, property, tag, consent, event, first_seen, last_seen,
  revenue, email_engagement, visited_url, utm_source, segment (see each ``_leaf_*`` parser);
- windows ``{"last_days": N}`` or ``{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`` (UTC days,
  both ends included); no window means all time.

Text comparisons are case-insensitive. Parsing checks the shape only; what depends on the
workspace (declared properties, other segments) is checked when the rule is compiled.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from accord.warehouse.events import KINDS

MAX_DEPTH = 8
MAX_NODES = 200
MAX_ERRORS = 20
MAX_VALUES = 500
MAX_DAYS = 3650
MAX_TEXT = 1000

TEXT_OPS = (
    "eq",
    "neq",
    "contains",
    "not_contains",
    "starts_with",
    "in",
    "not_in",
    "is_set",
    "is_not_set",
)
ORDER_OPS = ("gt", "gte", "lt", "lte")
OPS = (*TEXT_OPS, *ORDER_OPS)
# Operators that are the negation of another: evaluated as "everyone but those matching it".
NEGATIONS = {"neq": "eq", "not_contains": "contains", "not_in": "in", "is_not_set": "is_set"}
DATE_OPS = ("eq", "neq", *ORDER_OPS)
NUMBER_OPS = ("eq", "gt", "gte", "lt", "lte")
SEEN_OPS = ("before", "after", "within_days")
TEXT_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "language",
    "source",
    "company",
    "company.industry",
    "company.city",
    "company.country",
    "owner",
)
FIELDS = (*TEXT_FIELDS, "created_at")
LEAF_TYPES = (
    "field",
    "property",
    "tag",
    "consent",
    "event",
    "first_seen",
    "last_seen",
    "revenue",
    "email_engagement",
    "visited_url",
    "utm_source",
    "segment",
)
ENGAGEMENT_METRICS = {"opened": "email_opened", "clicked": "email_clicked"}
PURPOSES = ("email_marketing", "sms", "tracking")
Scalar = str | int | float | bool


class RuleError(ValueError):
    """A rule refused at ``path`` (``$.all[2].window.last_days``) for ``reason``.

    ``errors`` lists every problem found, this one first: the nodes of a group are all checked,
    so that a builder can show each bad node at once (at most ``MAX_ERRORS``).
    """

    def __init__(self, path: str, reason: str, others: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.errors = ((path, reason), *others)[:MAX_ERRORS]


@dataclass(frozen=True)
class Window:
    """A time range: the last ``last_days`` days, or the UTC days ``start`` to ``end`` included."""

    last_days: int | None = None
    start: date | None = None
    end: date | None = None

    def bounds(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """The instants ``[since, until)`` the window covers at ``now`` (None: unbounded)."""
        if self.last_days is not None:
            return now - timedelta(days=self.last_days), None
        since = day_start(self.start) if self.start else None
        until = day_start(self.end + timedelta(days=1)) if self.end else None
        return since, until


ALL_TIME = Window()


@dataclass(frozen=True)
class Group:
    path: str
    op: str  # "all" or "any"
    children: tuple[Rule, ...]


@dataclass(frozen=True)
class Not:
    path: str
    child: Rule


@dataclass(frozen=True)
class FieldFilter:
    path: str
    field: str
    op: str
    value: Any  # str, list[str], a date or an aware datetime (created_at), None for is_set


@dataclass(frozen=True)
class PropertyFilter:
    path: str
    key: str
    op: str
    value: Any  # a scalar, a list of scalars, or None for is_set / is_not_set


@dataclass(frozen=True)
class TagFilter:
    path: str
    tag: str
    has: bool


@dataclass(frozen=True)
class ConsentFilter:
    path: str
    purpose: str
    granted: bool


@dataclass(frozen=True)
class EventCondition:
    """A test on one key of an event's properties."""

    path: str
    key: str
    op: str
    value: Any


@dataclass(frozen=True)
class EventFilter:
    path: str
    kind: str
    did: bool
    min: int
    max: int | None
    window: Window
    properties: tuple[EventCondition, ...] = ()


@dataclass(frozen=True)
class SeenFilter:
    path: str
    which: str  # "first" or "last"
    op: str  # before, after, within_days
    value: date | int


@dataclass(frozen=True)
class RevenueFilter:
    path: str
    op: str
    value: float
    window: Window


@dataclass(frozen=True)
class EngagementFilter:
    path: str
    metric: str  # opened or clicked
    op: str
    value: int
    window: Window


@dataclass(frozen=True)
class VisitedUrlFilter:
    path: str
    pattern: str
    window: Window


@dataclass(frozen=True)
class UtmSourceFilter:
    path: str
    value: str
    window: Window


@dataclass(frozen=True)
class SegmentFilter:
    path: str
    slug: str
    member: bool


Leaf = (
    FieldFilter
    | PropertyFilter
    | TagFilter
    | ConsentFilter
    | EventFilter
    | SeenFilter
    | RevenueFilter
    | EngagementFilter
    | VisitedUrlFilter
    | UtmSourceFilter
    | SegmentFilter
)
Rule = Group | Not | Leaf
BEHAVIOUR = (
    EventFilter,
    SeenFilter,
    RevenueFilter,
    EngagementFilter,
    VisitedUrlFilter,
    UtmSourceFilter,
)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def parse_rule(data: Any) -> Rule:
    """Check a rule's JSON and return its tree; raise RuleError naming every bad node."""
    counter = [0]
    return _node(data, "$", 0, counter)


def _node(data: Any, path: str, depth: int, counter: list[int]) -> Rule:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise RuleError(path, f"a rule holds at most {MAX_NODES} nodes")
    if depth > MAX_DEPTH:
        raise RuleError(path, f"groups nest at most {MAX_DEPTH} deep")
    if not isinstance(data, Mapping):
        raise RuleError(path, "expected an object: a group (all, any, not) or a filter (type)")
    groups = [key for key in ("all", "any", "not") if key in data]
    if "type" in data and groups:
        raise RuleError(path, f"a node is a group or a filter, not both ('type' and {groups[0]!r})")
    if len(groups) > 1:
        raise RuleError(path, f"a group has one of all, any, not; got {', '.join(groups)}")
    if groups:
        return _group(data, path, groups[0], depth, counter)
    if "type" not in data:
        raise RuleError(path, "expected 'all', 'any', 'not' or a filter with 'type'")
    kind = data["type"]
    if kind not in LEAF_TYPES:
        raise RuleError(
            f"{path}.type", f"unknown filter type {kind!r}; expected one of {', '.join(LEAF_TYPES)}"
        )
    return LEAF_PARSERS[kind](_Node(data, path))


def _group(data: Mapping[str, Any], path: str, op: str, depth: int, counter: list[int]) -> Rule:
    _no_extra(data, path, {op})
    if op == "not":
        return Not(path, _node(data["not"], f"{path}.not", depth + 1, counter))
    items = data[op]
    if not isinstance(items, list):
        raise RuleError(f"{path}.{op}", "expected a list of nodes")
    if not items:
        raise RuleError(f"{path}.{op}", "a group needs at least one node")
    children = []
    errors: list[tuple[str, str]] = []
    for index, item in enumerate(items):
        try:
            children.append(_node(item, f"{path}.{op}[{index}]", depth + 1, counter))
        except RuleError as exc:
            if counter[0] > MAX_NODES:
                raise  # past the size limit every later node fails the same way
            errors.extend(exc.errors)
    if errors:
        (first_path, first_reason), *others = errors
        raise RuleError(first_path, first_reason, tuple(others))
    return Group(path, op, tuple(children))


def _no_extra(data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
    for key in data:
        if key not in allowed:
            raise RuleError(
                f"{path}.{key}", f"unknown key {key!r}; expected {', '.join(sorted(allowed))}"
            )


class _Node:
    """A leaf being parsed: typed getters that raise RuleError at ``path.key``."""

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}"

    def allow(self, *keys: str) -> None:
        _no_extra(self.data, self.path, {"type", *keys})

    def required(self, key: str) -> Any:
        if key not in self.data:
            raise RuleError(self.at(key), "missing")
        return self.data[key]

    def text(self, key: str, *, allow_blank: bool = False) -> str:
        value = self.required(key)
        if not isinstance(value, str):
            raise RuleError(self.at(key), "expected text")
        value = value.strip()
        if not value and not allow_blank:
            raise RuleError(self.at(key), "must not be blank")
        if len(value) > MAX_TEXT:
            raise RuleError(self.at(key), f"at most {MAX_TEXT} characters")
        return value

    def choice(self, key: str, choices: Sequence[str], what: str) -> str:
        value = self.required(key)
        if value not in choices:
            raise RuleError(
                self.at(key), f"unknown {what} {value!r}; expected one of {', '.join(choices)}"
            )
        return str(value)

    def boolean(self, key: str, default: bool | None = None) -> bool:
        if key not in self.data and default is not None:
            return default
        value = self.required(key)
        if not isinstance(value, bool):
            raise RuleError(self.at(key), "expected true or false")
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.required(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(self.at(key), "expected a whole number")
        if not low <= value <= high:
            raise RuleError(self.at(key), f"expected a number from {low} to {high}")
        return value

    def number(self, key: str) -> float:
        value = self.required(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RuleError(self.at(key), "expected a number")
        if value != value or abs(value) > 1e15:
            raise RuleError(self.at(key), "expected a finite number")
        return float(value)

    def window(self) -> Window:
        if self.data.get("window") is None:
            return ALL_TIME
        return parse_window(self.data["window"], self.at("window"))


def parse_window(data: Any, path: str) -> Window:
    """Check a window: ``{"last_days": N}`` or ``{"from": day, "to": day}``."""
    if not isinstance(data, Mapping):
        raise RuleError(path, 'expected {"last_days": N} or {"from": "YYYY-MM-DD", "to": ...}')
    if "last_days" in data:
        _no_extra(data, path, {"last_days"})
        return Window(last_days=_Node(data, path).integer("last_days", 1, MAX_DAYS))
    _no_extra(data, path, {"from", "to"})
    if "from" not in data and "to" not in data:
        raise RuleError(path, "give last_days, or from and/or to")
    start = _date(data["from"], f"{path}.from") if data.get("from") is not None else None
    end = _date(data["to"], f"{path}.to") if data.get("to") is not None else None
    if start and end and end < start:
        raise RuleError(f"{path}.to", f"ends before it starts ({start.isoformat()})")
    return Window(start=start, end=end)


def _date(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise RuleError(path, "expected a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuleError(path, f"{value!r} is not a date YYYY-MM-DD") from None


def parse_instant(value: Any, path: str) -> date | datetime:
    """A date (``YYYY-MM-DD``, a whole UTC day) or an aware ISO datetime."""
    if not isinstance(value, str):
        raise RuleError(path, "expected a date YYYY-MM-DD or a datetime with its time zone")
    if len(value) == 10:
        return _date(value, path)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RuleError(path, f"{value!r} is not a date or an ISO datetime") from None
    if parsed.tzinfo is None:
        raise RuleError(path, "give the datetime with its time zone (e.g. +00:00)")
    return parsed


def _scalar(value: Any, path: str) -> Scalar:
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise RuleError(path, f"at most {MAX_TEXT} characters")
        return value
    if isinstance(value, bool | int | float):
        return value
    raise RuleError(path, "expected text, a number or true/false")


def parse_value(op: str, data: Mapping[str, Any], path: str) -> Any:
    """The comparison value an operator needs: none, a list, or one scalar."""
    if op in {"is_set", "is_not_set"}:
        return None
    if "value" not in data:
        raise RuleError(f"{path}.value", f"operator {op!r} needs a value")
    value = data["value"]
    if op in {"in", "not_in"}:
        if not isinstance(value, list) or not value:
            raise RuleError(f"{path}.value", f"operator {op!r} needs a non-empty list")
        if len(value) > MAX_VALUES:
            raise RuleError(f"{path}.value", f"at most {MAX_VALUES} values")
        return [_scalar(item, f"{path}.value[{i}]") for i, item in enumerate(value)]
    scalar = _scalar(value, f"{path}.value")
    if op in {"contains", "not_contains", "starts_with"} and (
        not isinstance(scalar, str) or not scalar
    ):
        raise RuleError(f"{path}.value", f"operator {op!r} needs non-blank text")
    return scalar


def _op(node: _Node, ops: Sequence[str], what: str = "") -> str:
    op = node.required("op")
    if op not in OPS and op not in SEEN_OPS:
        raise RuleError(node.at("op"), f"unknown operator {op!r}; expected one of {', '.join(ops)}")
    if op not in ops:
        raise RuleError(
            node.at("op"), f"operator {op!r} does not apply to {what}; use one of {', '.join(ops)}"
        )
    return str(op)


def _leaf_field(node: _Node) -> FieldFilter:
    node.allow("field", "op", "value")
    name = node.choice("field", FIELDS, "field")
    if name == "created_at":
        op = _op(node, DATE_OPS, "created_at (a date)")
        return FieldFilter(
            node.path, name, op, parse_instant(node.required("value"), node.at("value"))
        )
    op = _op(node, TEXT_OPS, f"text field {name!r}")
    value = parse_value(op, node.data, node.path)
    if isinstance(value, list):
        value = [str(item) for item in value]
    elif value is not None:
        value = str(value)
    return FieldFilter(node.path, name, op, value)


def _leaf_property(node: _Node) -> PropertyFilter:
    node.allow("key", "op", "value")
    key = node.text("key")
    op = _op(node, OPS, "a property")
    return PropertyFilter(node.path, key, op, parse_value(op, node.data, node.path))


def _leaf_tag(node: _Node) -> TagFilter:
    node.allow("tag", "has")
    return TagFilter(node.path, node.text("tag"), node.boolean("has", default=True))


def _leaf_consent(node: _Node) -> ConsentFilter:
    node.allow("purpose", "granted")
    purpose = node.choice("purpose", PURPOSES, "purpose")
    return ConsentFilter(node.path, purpose, node.boolean("granted", default=True))


def _leaf_event(node: _Node) -> EventFilter:
    node.allow("kind", "did", "min", "max", "window", "properties")
    kind = node.choice("kind", sorted(KINDS), "event kind")
    low = node.integer("min", 1, 1_000_000) if node.data.get("min") is not None else 1
    high = node.integer("max", 1, 1_000_000) if node.data.get("max") is not None else None
    if high is not None and high < low:
        raise RuleError(node.at("max"), f"must be at least min ({low})")
    return EventFilter(
        node.path,
        kind,
        node.boolean("did", default=True),
        low,
        high,
        node.window(),
        _event_conditions(node),
    )


def _event_conditions(node: _Node) -> tuple[EventCondition, ...]:
    items = node.data.get("properties") or []
    if not isinstance(items, list):
        raise RuleError(node.at("properties"), "expected a list of {key, op, value}")
    conditions = []
    for index, item in enumerate(items):
        path = f"{node.at('properties')}[{index}]"
        if not isinstance(item, Mapping):
            raise RuleError(path, "expected an object {key, op, value}")
        sub = _Node(item, path)
        _no_extra(item, path, {"key", "op", "value"})
        op = _op(sub, OPS, "an event property")
        value = parse_value(op, item, path)
        if op in ORDER_OPS and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise RuleError(f"{path}.value", f"operator {op!r} compares numbers")
        if isinstance(value, list) and len({_kind_of(v) for v in value}) > 1:
            raise RuleError(f"{path}.value", "the values must all be text, or all numbers")
        conditions.append(EventCondition(path, sub.text("key"), op, value))
    return tuple(conditions)


def _kind_of(value: Scalar) -> str:
    if isinstance(value, bool):
        return "boolean"
    return "text" if isinstance(value, str) else "number"


def _leaf_seen(which: str) -> Callable[[_Node], SeenFilter]:
    def parse(node: _Node) -> SeenFilter:
        node.allow("op", "value")
        op = _op(node, SEEN_OPS, f"{which}_seen")
        if op == "within_days":
            return SeenFilter(node.path, which, op, node.integer("value", 1, MAX_DAYS))
        return SeenFilter(node.path, which, op, _date(node.required("value"), node.at("value")))

    return parse


def _leaf_revenue(node: _Node) -> RevenueFilter:
    node.allow("op", "value", "window")
    op = _op(node, NUMBER_OPS, "revenue")
    return RevenueFilter(node.path, op, node.number("value"), node.window())


def _leaf_engagement(node: _Node) -> EngagementFilter:
    node.allow("metric", "op", "value", "window")
    metric = node.choice("metric", tuple(ENGAGEMENT_METRICS), "metric")
    op = _op(node, NUMBER_OPS, "email engagement")
    value = node.integer("value", 0, 1_000_000)
    return EngagementFilter(node.path, metric, op, value, node.window())


GLOB = re.compile(r"[/*?][^\s]*")


def _leaf_visited_url(node: _Node) -> VisitedUrlFilter:
    node.allow("pattern", "window")
    pattern = node.text("pattern")
    if not GLOB.fullmatch(pattern):
        raise RuleError(
            node.at("pattern"),
            "a pattern matches the page's path: start it with / or *, no spaces (e.g. /blog/*)",
        )
    return VisitedUrlFilter(node.path, pattern, node.window())


def _leaf_utm_source(node: _Node) -> UtmSourceFilter:
    node.allow("value", "window")
    return UtmSourceFilter(node.path, node.text("value"), node.window())


def _leaf_segment(node: _Node) -> SegmentFilter:
    node.allow("slug", "member")
    return SegmentFilter(node.path, node.text("slug"), node.boolean("member", default=True))


LEAF_PARSERS: dict[str, Callable[[_Node], Leaf]] = {
    "field": _leaf_field,
    "property": _leaf_property,
    "tag": _leaf_tag,
    "consent": _leaf_consent,
    "event": _leaf_event,
    "first_seen": _leaf_seen("first"),
    "last_seen": _leaf_seen("last"),
    "revenue": _leaf_revenue,
    "email_engagement": _leaf_engagement,
    "visited_url": _leaf_visited_url,
    "utm_source": _leaf_utm_source,
    "segment": _leaf_segment,
}


def _glob_body(pattern: str) -> str:
    return "".join("[^?#]*" if c == "*" else "[^?#]" if c == "?" else re.escape(c) for c in pattern)


def _after_slash(pattern: str) -> str | None:
    """A regex for the strings ``s`` such that ``"/" + s`` matches the glob (None: none do)."""
    if not pattern:
        return None
    head, rest = pattern[0], pattern[1:]
    if head in "/?":
        return _glob_body(rest)
    if head == "*":
        tail = _after_slash(rest)
        whole = _glob_body(pattern)
        return whole if tail is None else f"(?:{whole}|{tail})"
    return None


def url_regex(pattern: str) -> str:
    """An RE2 regex for the URLs whose path matches the glob, tested in one pass.

    The path starts at the first "/" after ``scheme://host`` (or at the start of a root-relative
    URL) and ends before "?" or "#"; an empty path is "/". One match on the whole URL costs far
    less than extracting the path first.
    """
    alternatives = []
    tail = _after_slash(pattern)
    if tail is not None:
        alternatives.append("/" + tail)
    if fnmatch.fnmatchcase("/", pattern):
        alternatives.append("")
    if not alternatives:
        return "$^"  # nothing matches
    scheme_and_host = r"(?:[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*)?"
    return f"^{scheme_and_host}(?:{'|'.join(alternatives)})(?:[?#].*)?$"


def longest_literal(pattern: str) -> str:
    """The longest run of the glob without wildcards: every matching URL contains it."""
    return max(re.split(r"[*?]", pattern), key=len)


def leaves(rule: Rule) -> list[Leaf]:
    """Every filter of the rule, depth first."""
    if isinstance(rule, Group):
        return [leaf for child in rule.children for leaf in leaves(child)]
    if isinstance(rule, Not):
        return leaves(rule.child)
    return [rule]


def referenced_segments(rule: Rule) -> set[str]:
    """The slugs of the segments the rule tests membership of."""
    return {leaf.slug for leaf in leaves(rule) if isinstance(leaf, SegmentFilter)}


def compare(op: str, left: float, right: float) -> bool:
    """Apply a number operator (eq, gt, gte, lt, lte)."""
    return {
        "eq": left == right,
        "gt": left > right,
        "gte": left >= right,
        "lt": left < right,
        "lte": left <= right,
    }[op]
