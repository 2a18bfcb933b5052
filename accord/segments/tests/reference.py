"""A slow, obvious evaluator: each rule tested on each contact in plain Python, for the tests.

It reads the same rows as the real evaluator (the contacts with their tags, consents and
company; the warehouse's human visits with their resolved contact) and decides each filter
with its own code (fnmatch for URL globs, urllib for URL paths, json for event properties),
so that a disagreement points at a bug in one of the two.
"""

from __future__ import annotations

import fnmatch
import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from accord.accounts.models import Workspace
from accord.contacts.models import Contact
from accord.segments.models import SegmentMember
from accord.warehouse.queries import analytics_tables

ENGAGEMENT = {"opened": "email_opened", "clicked": "email_clicked"}
NEGATIVE = {"neq": "eq", "not_contains": "contains", "not_in": "in", "is_not_set": "is_set"}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class ReferenceEvaluator:
    """Load a workspace's rows once, then evaluate rule JSON contact by contact."""

    def __init__(self, workspace: Workspace, now: datetime) -> None:
        self.now = now
        self.contacts = list(
            Contact.objects.filter(workspace=workspace, erased_at__isnull=True)
            .select_related("company", "owner")
            .prefetch_related("tags", "consents")
        )
        self.events: dict[int, list[dict[str, Any]]] = defaultdict(list)
        with analytics_tables(workspace) as tables:
            rows = tables.visits.to_pyarrow().to_pylist()
        for row in rows:
            if row["resolved_contact_id"] is not None:
                self.events[int(row["resolved_contact_id"])].append(row)
        self.members: dict[str, set[int]] = defaultdict(set)
        stays = SegmentMember.objects.filter(segment__workspace=workspace, left_at__isnull=True)
        for slug, contact_id in stays.values_list("segment__slug", "contact_id"):
            self.members[slug].add(contact_id)

    def evaluate(self, rule: Mapping[str, Any]) -> frozenset[int]:
        """The ids of the live contacts the rule matches, one contact at a time."""
        return frozenset(c.pk for c in self.contacts if self.matches(rule, c))

    def matches(self, node: Mapping[str, Any], contact: Contact) -> bool:
        if "all" in node:
            return all(self.matches(child, contact) for child in node["all"])
        if "any" in node:
            return any(self.matches(child, contact) for child in node["any"])
        if "not" in node:
            return not self.matches(node["not"], contact)
        test = getattr(self, f"_{node['type']}")
        return bool(test(node, contact))

    # CRM filters ----------------------------------------------------------------------------

    def _field(self, node: Mapping[str, Any], contact: Contact) -> bool:
        name = node["field"]
        if name == "created_at":
            return self._created(node["op"], node["value"], contact.created_at)
        value = _field_value(contact, name)
        return _text_test(node["op"], value, node.get("value"))

    def _created(self, op: str, raw: str, created: datetime) -> bool:
        if len(raw) == 10:
            start = _midnight(date.fromisoformat(raw))
            end = start + timedelta(days=1)
            inside = start <= created < end
            return {
                "eq": inside,
                "neq": not inside,
                "gt": created >= end,
                "gte": created >= start,
                "lt": created < start,
                "lte": created < end,
            }[op]
        at = datetime.fromisoformat(raw)
        return {
            "eq": created == at,
            "neq": created != at,
            "gt": created > at,
            "gte": created >= at,
            "lt": created < at,
            "lte": created <= at,
        }[op]

    def _property(self, node: Mapping[str, Any], contact: Contact) -> bool:
        op = node["op"]
        if op in NEGATIVE:
            return not self._property({**node, "op": NEGATIVE[op]}, contact)
        if node["key"] not in contact.properties:
            return False
        value = contact.properties[node["key"]]
        if op == "is_set":
            return True
        if isinstance(value, str) and op in {"eq", "contains", "starts_with", "in"}:
            return _text_test(op, value, node["value"])
        wanted = node["value"]
        if op == "in":
            return value in wanted
        return _ordered(op, value, wanted)

    def _tag(self, node: Mapping[str, Any], contact: Contact) -> bool:
        has = node["tag"] in {t.name for t in contact.tags.all()}
        return has is bool(node.get("has", True))

    def _consent(self, node: Mapping[str, Any], contact: Contact) -> bool:
        granted = node.get("granted", True)
        return any(
            c.purpose == node["purpose"] and c.granted == granted for c in contact.consents.all()
        )

    def _segment(self, node: Mapping[str, Any], contact: Contact) -> bool:
        return (contact.pk in self.members[node["slug"]]) is bool(node.get("member", True))

    # Behaviour filters ----------------------------------------------------------------------

    def _in_window(self, ts: datetime, window: Mapping[str, Any] | None) -> bool:
        if not window:
            return True
        if "last_days" in window:
            return ts >= self.now - timedelta(days=window["last_days"])
        if window.get("from") and ts < _midnight(date.fromisoformat(window["from"])):
            return False
        return not (
            window.get("to")
            and ts >= _midnight(date.fromisoformat(window["to"]) + timedelta(days=1))
        )

    def _event(self, node: Mapping[str, Any], contact: Contact) -> bool:
        count = sum(
            1
            for e in self.events[contact.pk]
            if e["kind"] == node["kind"]
            and self._in_window(e["ts"], node.get("window"))
            and all(_event_property(e, c) for c in node.get("properties", []))
        )
        low = node.get("min") or 1
        high = node.get("max")
        did = count >= low and (high is None or count <= high)
        return did is bool(node.get("did", True))

    def _first_seen(self, node: Mapping[str, Any], contact: Contact) -> bool:
        times = [e["ts"] for e in self.events[contact.pk]]
        return bool(times) and self._seen(node, min(times))

    def _last_seen(self, node: Mapping[str, Any], contact: Contact) -> bool:
        times = [e["ts"] for e in self.events[contact.pk]]
        return bool(times) and self._seen(node, max(times))

    def _seen(self, node: Mapping[str, Any], at: datetime) -> bool:
        if node["op"] == "within_days":
            return at >= self.now - timedelta(days=node["value"])
        day = _midnight(date.fromisoformat(node["value"]))
        return at < day if node["op"] == "before" else at >= day + timedelta(days=1)

    def _revenue(self, node: Mapping[str, Any], contact: Contact) -> bool:
        total = sum(
            e["value"] or 0.0
            for e in self.events[contact.pk]
            if e["kind"] == "purchase" and self._in_window(e["ts"], node.get("window"))
        )
        return _ordered(node["op"], total, node["value"])

    def _email_engagement(self, node: Mapping[str, Any], contact: Contact) -> bool:
        count = sum(
            1
            for e in self.events[contact.pk]
            if e["kind"] == ENGAGEMENT[node["metric"]]
            and self._in_window(e["ts"], node.get("window"))
        )
        return _ordered(node["op"], count, node["value"])

    def _visited_url(self, node: Mapping[str, Any], contact: Contact) -> bool:
        return any(
            e["kind"] == "page_view"
            and self._in_window(e["ts"], node.get("window"))
            and fnmatch.fnmatchcase(urlsplit(e["url"] or "").path or "/", node["pattern"])
            for e in self.events[contact.pk]
        )

    def _utm_source(self, node: Mapping[str, Any], contact: Contact) -> bool:
        return any(
            (e["utm_source"] or "").lower() == node["value"].lower()
            and self._in_window(e["ts"], node.get("window"))
            for e in self.events[contact.pk]
        )


def _field_value(contact: Contact, name: str) -> str | None:
    if name == "owner":
        return contact.owner.username if contact.owner else None
    if name.startswith("company"):
        if contact.company is None:
            return None
        value: str = getattr(contact.company, name.partition(".")[2] or "name")
        return value
    text: str = getattr(contact, name)
    return text


def _text_test(op: str, value: str | None, wanted: Any) -> bool:
    if op in NEGATIVE:
        return not _text_test(NEGATIVE[op], value, wanted)
    if value is None:
        return False
    if op == "is_set":
        return value != ""
    lowered = value.lower()
    if op == "in":
        return lowered in {str(w).lower() for w in wanted}
    if op == "eq":
        return lowered == str(wanted).lower()
    if op == "contains":
        return str(wanted).lower() in lowered
    return lowered.startswith(str(wanted).lower())


def _ordered(op: str, value: Any, wanted: Any) -> bool:
    tests: dict[str, Any] = {
        "eq": lambda: value == wanted,
        "gt": lambda: value > wanted,
        "gte": lambda: value >= wanted,
        "lt": lambda: value < wanted,
        "lte": lambda: value <= wanted,
    }
    return bool(tests[op]())


def _event_property(event: Mapping[str, Any], condition: Mapping[str, Any]) -> bool:
    op = condition["op"]
    if op in NEGATIVE:
        return not _event_property(event, {**condition, "op": NEGATIVE[op]})
    properties = json.loads(event["properties"] or "{}")
    if condition["key"] not in properties:
        return False
    value = properties[condition["key"]]
    if op == "is_set":
        return True
    wanted = condition["value"]
    sample = wanted[0] if isinstance(wanted, list) else wanted
    if isinstance(sample, bool):
        return isinstance(value, bool) and (value in wanted if op == "in" else value == wanted)
    if isinstance(sample, int | float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return value in wanted if op == "in" else _ordered(op, value, wanted)
    return isinstance(value, str) and _text_test(op, value, wanted)
