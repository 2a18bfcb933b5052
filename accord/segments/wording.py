"""A rule in plain words, in the reader's language: one line per group or filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.segments.rules import (
    ConsentFilter,
    EngagementFilter,
    EventFilter,
    FieldFilter,
    Group,
    Not,
    PropertyFilter,
    RevenueFilter,
    Rule,
    SeenFilter,
    SegmentFilter,
    TagFilter,
    UtmSourceFilter,
    VisitedUrlFilter,
    Window,
)

OP_WORDS: dict[str, Promise] = {
    "eq": gettext_lazy("is"),
    "neq": gettext_lazy("is not"),
    "contains": gettext_lazy("contains"),
    "not_contains": gettext_lazy("does not contain"),
    "starts_with": gettext_lazy("starts with"),
    "in": gettext_lazy("is one of"),
    "not_in": gettext_lazy("is none of"),
    "is_set": gettext_lazy("is known"),
    "is_not_set": gettext_lazy("is unknown"),
    "gt": gettext_lazy("is after / above"),
    "gte": gettext_lazy("is on or after / at least"),
    "lt": gettext_lazy("is before / below"),
    "lte": gettext_lazy("is on or before / at most"),
}
NUMBER_WORDS: dict[str, Promise] = {
    "eq": gettext_lazy("exactly"),
    "gt": gettext_lazy("more than"),
    "gte": gettext_lazy("at least"),
    "lt": gettext_lazy("less than"),
    "lte": gettext_lazy("at most"),
}
FIELD_WORDS: dict[str, Promise] = {
    "email": gettext_lazy("Email"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "phone": gettext_lazy("Phone"),
    "language": gettext_lazy("Language"),
    "source": gettext_lazy("Source"),
    "created_at": gettext_lazy("Added on"),
    "company": gettext_lazy("Company"),
    "company.industry": gettext_lazy("Company industry"),
    "company.city": gettext_lazy("Company city"),
    "company.country": gettext_lazy("Company country"),
    "owner": gettext_lazy("Owner"),
}

TYPE_WORDS: dict[str, Promise] = {
    "field": gettext_lazy("Contact field"),
    "property": gettext_lazy("Custom property"),
    "tag": gettext_lazy("Tag"),
    "consent": gettext_lazy("Consent"),
    "event": gettext_lazy("Did an event"),
    "first_seen": gettext_lazy("First seen"),
    "last_seen": gettext_lazy("Last seen"),
    "revenue": gettext_lazy("Revenue"),
    "email_engagement": gettext_lazy("Email engagement"),
    "visited_url": gettext_lazy("Visited a page"),
    "utm_source": gettext_lazy("UTM source"),
    "segment": gettext_lazy("Segment membership"),
}
SEEN_WORDS: dict[str, Promise] = {
    "before": gettext_lazy("before"),
    "after": gettext_lazy("after"),
    "within_days": gettext_lazy("in the last"),
}
WINDOW_WORDS: dict[str, Promise] = {
    "": gettext_lazy("ever"),
    "last_days": gettext_lazy("in the last…"),
    "between": gettext_lazy("between…"),
}
METRIC_WORDS: dict[str, Promise] = {
    "opened": gettext_lazy("opened emails"),
    "clicked": gettext_lazy("clicked in emails"),
}


@dataclass(frozen=True)
class Line:
    depth: int
    text: str


def describe(rule: Rule) -> list[Line]:
    """The rule as indented lines of plain words."""
    lines: list[Line] = []
    _describe(rule, 0, lines)
    return lines


def _describe(rule: Rule, depth: int, lines: list[Line]) -> None:
    if isinstance(rule, Group):
        lines.append(Line(depth, _("All of:") if rule.op == "all" else _("Any of:")))
        for child in rule.children:
            _describe(child, depth + 1, lines)
    elif isinstance(rule, Not):
        lines.append(Line(depth, _("None of:")))
        _describe(rule.child, depth + 1, lines)
    else:
        lines.append(Line(depth, leaf_words(rule)))


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(f"“{v}”" for v in value)
    if value is None:
        return ""
    return f"“{value.isoformat() if hasattr(value, 'isoformat') else value}”"


def window_words(window: Window) -> str:
    if window.last_days is not None:
        return _("in the last %(days)s days") % {"days": window.last_days}
    if window.start and window.end:
        return _("from %(start)s to %(end)s") % {"start": window.start, "end": window.end}
    if window.start:
        return _("since %(start)s") % {"start": window.start}
    if window.end:
        return _("until %(end)s") % {"end": window.end}
    return _("ever")


def leaf_words(leaf: Rule) -> str:  # noqa: C901  (one short branch per filter type)
    """One filter in plain words."""
    if isinstance(leaf, FieldFilter):
        return f"{FIELD_WORDS[leaf.field]} {OP_WORDS[leaf.op]} {_value(leaf.value)}".strip()
    if isinstance(leaf, PropertyFilter):
        return f"{leaf.key} {OP_WORDS[leaf.op]} {_value(leaf.value)}".strip()
    if isinstance(leaf, TagFilter):
        words = _("Has the tag %(tag)s") if leaf.has else _("Does not have the tag %(tag)s")
        return words % {"tag": _value(leaf.tag)}
    if isinstance(leaf, ConsentFilter):
        words = (
            _("Granted consent: %(purpose)s")
            if leaf.granted
            else _("Withdrew consent: %(purpose)s")
        )
        return words % {"purpose": leaf.purpose}
    if isinstance(leaf, EventFilter):
        return _event_words(leaf)
    if isinstance(leaf, SeenFilter):
        return _seen_words(leaf)
    if isinstance(leaf, RevenueFilter):
        return _("Revenue %(op)s %(value)s, %(window)s") % {
            "op": NUMBER_WORDS[leaf.op],
            "value": f"{leaf.value:g}",
            "window": window_words(leaf.window),
        }
    if isinstance(leaf, EngagementFilter):
        words = _("Opened emails %(op)s %(value)s times, %(window)s")
        if leaf.metric == "clicked":
            words = _("Clicked in emails %(op)s %(value)s times, %(window)s")
        return words % {
            "op": NUMBER_WORDS[leaf.op],
            "value": leaf.value,
            "window": window_words(leaf.window),
        }
    if isinstance(leaf, VisitedUrlFilter):
        return _("Visited a page matching %(pattern)s, %(window)s") % {
            "pattern": _value(leaf.pattern),
            "window": window_words(leaf.window),
        }
    if isinstance(leaf, UtmSourceFilter):
        return _("Came from UTM source %(source)s, %(window)s") % {
            "source": _value(leaf.value),
            "window": window_words(leaf.window),
        }
    if isinstance(leaf, SegmentFilter):
        words = _("Is in segment %(slug)s") if leaf.member else _("Is not in segment %(slug)s")
        return words % {"slug": _value(leaf.slug)}
    raise TypeError(f"not a filter: {leaf!r}")  # pragma: no cover


def _event_words(leaf: EventFilter) -> str:
    times = _("at least %(min)s times") % {"min": leaf.min}
    if leaf.max is not None:
        times = _("%(min)s to %(max)s times") % {"min": leaf.min, "max": leaf.max}
    words = _("Did %(kind)s %(times)s, %(window)s")
    if not leaf.did:
        words = _("Did not do %(kind)s %(times)s, %(window)s")
    text = words % {"kind": leaf.kind, "times": times, "window": window_words(leaf.window)}
    for condition in leaf.properties:
        text += f"; {condition.key} {OP_WORDS[condition.op]} {_value(condition.value)}".rstrip()
    return text


def _seen_words(leaf: SeenFilter) -> str:
    subject = _("First seen") if leaf.which == "first" else _("Last seen")
    if leaf.op == "within_days":
        return _("%(subject)s in the last %(days)s days") % {"subject": subject, "days": leaf.value}
    words = (
        _("%(subject)s before %(day)s") if leaf.op == "before" else _("%(subject)s after %(day)s")
    )
    return words % {"subject": subject, "day": leaf.value}
