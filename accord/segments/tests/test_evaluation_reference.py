"""Every filter type gives the same members as the per-contact reference evaluator."""

from __future__ import annotations

import random
from typing import Any

import pytest

from accord.segments.evaluation import evaluate_rule
from accord.segments.tests.conftest import NOW, Population
from accord.segments.tests.reference import ReferenceEvaluator

F = "field"
TEXT_FIELD_RULES = [
    {"type": F, "field": "email", "op": "contains", "value": "SHOP.example"},
    {"type": F, "field": "email", "op": "starts_with", "value": "person1"},
    {"type": F, "field": "first_name", "op": "eq", "value": "BOB"},
    {"type": F, "field": "first_name", "op": "neq", "value": "alice"},
    {"type": F, "field": "first_name", "op": "is_set"},
    {"type": F, "field": "first_name", "op": "is_not_set"},
    {"type": F, "field": "last_name", "op": "in", "value": ["martin", "PETIT", "nobody"]},
    {"type": F, "field": "last_name", "op": "not_in", "value": ["Martin", "Petit"]},
    {"type": F, "field": "phone", "op": "not_contains", "value": "+33"},
    {"type": F, "field": "language", "op": "eq", "value": "fr"},
    {"type": F, "field": "source", "op": "is_not_set"},
    {"type": F, "field": "company", "op": "eq", "value": "lumiere sa"},
    {"type": F, "field": "company", "op": "neq", "value": "Lumiere SA"},
    {"type": F, "field": "company", "op": "is_set"},
    {"type": F, "field": "company", "op": "is_not_set"},
    {"type": F, "field": "company", "op": "contains", "value": "_"},
    {"type": F, "field": "company.industry", "op": "eq", "value": "retail"},
    {"type": F, "field": "company.industry", "op": "is_not_set"},
    {"type": F, "field": "company.industry", "op": "not_in", "value": ["software"]},
    {"type": F, "field": "company.city", "op": "starts_with", "value": "l"},
    {"type": F, "field": "company.country", "op": "neq", "value": "fr"},
    {"type": F, "field": "owner", "op": "eq", "value": "bruno"},
    {"type": F, "field": "owner", "op": "is_not_set"},
    {"type": F, "field": "owner", "op": "not_contains", "value": "alice"},
]
DATE_FIELD_RULES = [
    {"type": F, "field": "created_at", "op": op, "value": value}
    for op in ("eq", "neq", "gt", "gte", "lt", "lte")
    for value in ("2025-02-20", "2025-02-20T06:30:00+00:00")
]
PROPERTY_RULES = [
    {"type": "property", "key": "plan", "op": "eq", "value": "gold"},
    {"type": "property", "key": "plan", "op": "neq", "value": "gold"},
    {"type": "property", "key": "plan", "op": "in", "value": ["Silver", "bronze"]},
    {"type": "property", "key": "plan", "op": "not_in", "value": ["Silver"]},
    {"type": "property", "key": "plan", "op": "is_not_set"},
    {"type": "property", "key": "city", "op": "contains", "value": "PARIS"},
    {"type": "property", "key": "city", "op": "not_contains", "value": "paris"},
    {"type": "property", "key": "city", "op": "starts_with", "value": "ly"},
    {"type": "property", "key": "score", "op": "gt", "value": 10},
    {"type": "property", "key": "score", "op": "lte", "value": 12.5},
    {"type": "property", "key": "score", "op": "eq", "value": 0},
    {"type": "property", "key": "score", "op": "neq", "value": 5},
    {"type": "property", "key": "score", "op": "in", "value": [5, 100]},
    {"type": "property", "key": "score", "op": "is_set"},
    {"type": "property", "key": "vip", "op": "eq", "value": True},
    {"type": "property", "key": "vip", "op": "neq", "value": True},
    {"type": "property", "key": "renewal", "op": "lt", "value": "2025-03-14"},
    {"type": "property", "key": "renewal", "op": "gte", "value": "2025-03-14"},
    {"type": "property", "key": "renewal", "op": "eq", "value": "2025-06-30"},
]
CRM_RULES = [
    {"type": "tag", "tag": "vip", "has": True},
    {"type": "tag", "tag": "Prospect", "has": False},
    {"type": "tag", "tag": "unknown-tag"},
    {"type": "consent", "purpose": "email_marketing", "granted": True},
    {"type": "consent", "purpose": "sms", "granted": False},
    {"type": "segment", "slug": "hand-picked", "member": True},
    {"type": "segment", "slug": "hand-picked", "member": False},
]
WINDOWS: list[dict[str, Any] | None] = [
    None,
    {"last_days": 30},
    {"from": "2025-01-01", "to": "2025-02-15"},
    {"from": "2025-03-01"},
]
EVENT_RULES = [
    {"type": "event", "kind": "page_view", "did": True},
    {"type": "event", "kind": "page_view", "did": False},
    {"type": "event", "kind": "page_view", "did": True, "min": 3},
    {"type": "event", "kind": "page_view", "did": True, "max": 2},
    {
        "type": "event",
        "kind": "page_view",
        "did": True,
        "min": 2,
        "max": 3,
        "window": {"last_days": 60},
    },
    {"type": "event", "kind": "purchase", "did": False, "min": 2},
    {"type": "event", "kind": "form_submit", "did": True},
    *[{"type": "event", "kind": "custom", "did": True, "window": w} for w in WINDOWS],
    {
        "type": "event",
        "kind": "custom",
        "properties": [{"key": "plan", "op": "eq", "value": "PRO"}],
    },
    {
        "type": "event",
        "kind": "click",
        "properties": [{"key": "plan", "op": "neq", "value": "pro"}],
    },
    {"type": "event", "kind": "custom", "properties": [{"key": "seats", "op": "gte", "value": 5}]},
    {
        "type": "event",
        "kind": "custom",
        "properties": [{"key": "seats", "op": "eq", "value": 12.5}],
    },
    {
        "type": "event",
        "kind": "custom",
        "properties": [{"key": "trial", "op": "eq", "value": True}],
    },
    {"type": "event", "kind": "custom", "properties": [{"key": "trial", "op": "is_set"}]},
    {"type": "event", "kind": "custom", "properties": [{"key": "trial", "op": "is_not_set"}]},
    {
        "type": "event",
        "kind": "click",
        "properties": [{"key": "plan", "op": "in", "value": ["free", "PRO"]}],
    },
    {
        "type": "event",
        "kind": "click",
        "properties": [{"key": "plan", "op": "contains", "value": "r"}],
    },
    {
        "type": "event",
        "kind": "click",
        "did": False,
        "properties": [
            {"key": "plan", "op": "starts_with", "value": "p"},
            {"key": "seats", "op": "not_in", "value": [1, 5]},
        ],
    },
]
SEEN_RULES = [
    {"type": which, "op": op, "value": value}
    for which in ("first_seen", "last_seen")
    for op, value in (("before", "2025-01-10"), ("after", "2025-03-01"), ("within_days", 7))
]
REVENUE_RULES = [
    {"type": "revenue", "op": op, "value": value, "window": window}
    for op, value in (("gte", 100), ("gt", 0), ("lt", 50), ("lte", 0), ("eq", 45))
    for window in (None, {"last_days": 45})
]
ENGAGEMENT_RULES = [
    {"type": "email_engagement", "metric": metric, "op": op, "value": value, "window": window}
    for metric in ("opened", "clicked")
    for op, value in (("gte", 2), ("eq", 0), ("lt", 2), ("gt", 1))
    for window in (None, {"from": "2025-02-01", "to": "2025-03-10"})
]
URL_RULES = [
    {"type": "visited_url", "pattern": pattern, "window": window}
    for pattern in (
        "/blog/*",
        "/",
        "/pricing",
        "*spring",
        "/blog/????*",
        "/Blog/*",
        "*/blog/*",
        "*example*",
        "?blog*",
        "/*/spring",
        "*",
        "/search",
    )
    for window in (None, {"last_days": 20})
]
UTM_RULES = [
    {"type": "utm_source", "value": value, "window": window}
    for value in ("instagram", "NEWSLETTER", "tiktok")
    for window in (None, {"last_days": 15})
]
NO_PURCHASE = {"type": "event", "kind": "purchase", "did": False}
LOW_REVENUE = {"type": "revenue", "op": "lt", "value": 50}
GROUP_RULES = [
    {"any": [NO_PURCHASE, LOW_REVENUE]},
    {"any": [{"type": "tag", "tag": "vip"}, NO_PURCHASE]},
    {"any": [{"type": "event", "kind": "click"}, NO_PURCHASE, LOW_REVENUE]},
    {
        "all": [
            NO_PURCHASE,
            {"type": "email_engagement", "metric": "opened", "op": "eq", "value": 0},
        ]
    },
    {"all": [{"type": "event", "kind": "page_view"}, NO_PURCHASE]},
    {"not": {"any": [LOW_REVENUE, {"type": "tag", "tag": "vip"}]}},
    {"not": {"all": [NO_PURCHASE, {"type": "event", "kind": "custom"}]}},
    {"not": NO_PURCHASE},
    {"all": [{"type": "tag", "tag": "vip"}, {"type": "event", "kind": "page_view"}]},
    {"any": [{"type": "tag", "tag": "vip"}, {"type": "revenue", "op": "gte", "value": 100}]},
    {"not": {"any": [{"type": "tag", "tag": "b2b"}, {"type": "utm_source", "value": "google"}]}},
    {
        "not": {
            "all": [
                {"type": "property", "key": "plan", "op": "eq", "value": "gold"},
                {"type": F, "field": "company", "op": "neq", "value": "acme ltd"},
            ]
        }
    },
    {
        "all": [
            {
                "any": [
                    {"type": F, "field": "language", "op": "eq", "value": "fr"},
                    {"type": "consent", "purpose": "sms"},
                ]
            },
            {"not": {"type": "visited_url", "pattern": "/pricing"}},
            {"type": "event", "kind": "purchase", "did": False},
            {"type": "email_engagement", "metric": "opened", "op": "lt", "value": 3},
            {"type": "last_seen", "op": "within_days", "value": 90},
        ]
    },
]
ALL_RULES: list[Any] = (
    TEXT_FIELD_RULES
    + DATE_FIELD_RULES
    + PROPERTY_RULES
    + CRM_RULES
    + EVENT_RULES
    + SEEN_RULES
    + REVENUE_RULES
    + ENGAGEMENT_RULES
    + URL_RULES
    + UTM_RULES
    + GROUP_RULES
)


def _strip(rule: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in rule.items() if value is not None}


@pytest.mark.django_db
def test_every_filter_gives_the_reference_members(population: Population) -> None:
    reference = ReferenceEvaluator(population.workspace, NOW)
    assert len(reference.contacts) == 79
    mismatches = []
    sizes = []
    for rule in ALL_RULES:
        node = _strip(rule)
        expected = reference.evaluate({"all": [node]})
        actual = evaluate_rule(population.workspace, {"all": [node]}, now=NOW)
        sizes.append(len(expected))
        if actual != expected:
            mismatches.append((node, sorted(actual - expected), sorted(expected - actual)))
    assert mismatches == []
    # The data makes the rules discriminate: most select some contacts but not all of them.
    assert sum(1 for size in sizes if 0 < size < 79) > len(ALL_RULES) * 0.8


@pytest.mark.django_db
def test_the_erased_contact_and_unknown_ids_never_match(population: Population) -> None:
    everyone = evaluate_rule(population.workspace, {"not": {"type": "tag", "tag": "nope"}}, now=NOW)
    buyers = evaluate_rule(
        population.workspace, {"type": "revenue", "op": "gte", "value": 0}, now=NOW
    )

    assert population.erased.pk not in everyone
    assert 999_999 not in buyers
    assert everyone == buyers == {c.pk for c in population.contacts} - {population.erased.pk}


def _random_rule(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    if depth >= 3 or rng.random() < 0.45:
        return _strip(rng.choice(ALL_RULES[: -len(GROUP_RULES)]))
    if rng.random() < 0.25:
        return {"not": _random_rule(rng, depth + 1)}
    children = [_random_rule(rng, depth + 1) for _ in range(rng.randint(1, 4))]
    return {rng.choice(["all", "any"]): children}


@pytest.mark.django_db
def test_random_nested_rules_give_the_reference_members(population: Population) -> None:
    reference = ReferenceEvaluator(population.workspace, NOW)
    rng = random.Random(2024)
    mismatches = []
    for _ in range(60):
        rule = _random_rule(rng)
        expected = reference.evaluate(rule)
        if evaluate_rule(population.workspace, rule, now=NOW) != expected:
            mismatches.append(rule)

    assert mismatches == []
