"""Rule JSON: a bad node is refused with its path and the reason."""

from __future__ import annotations

from typing import Any

import pytest

from accord.accounts.models import Workspace
from accord.contacts.models import PropertyDefinition
from accord.segments.actions import check_rule
from accord.segments.models import Segment, SegmentKind
from accord.segments.rules import (
    EventFilter,
    Group,
    RuleError,
    Window,
    parse_rule,
)

TAG = {"type": "tag", "tag": "vip"}
OPS = "eq, neq, contains, not_contains, starts_with, in, not_in, is_set, is_not_set"


def _error(rule: Any) -> tuple[str, str]:
    with pytest.raises(RuleError) as caught:
        parse_rule(rule)
    return caught.value.path, caught.value.reason


def test_an_unknown_operator_names_its_path_and_the_operators_expected() -> None:
    rule = {"all": [TAG, {"type": "field", "field": "email", "op": "eqq", "value": "x"}]}

    assert _error(rule) == ("$.all[1].op", f"unknown operator 'eqq'; expected one of {OPS}")


@pytest.mark.parametrize(
    ("rule", "path", "reason"),
    [
        ([], "$", "expected an object: a group (all, any, not) or a filter (type)"),
        ({"all": []}, "$.all", "a group needs at least one node"),
        ({"any": TAG}, "$.any", "expected a list of nodes"),
        ({"all": [TAG], "any": [TAG]}, "$", "a group has one of all, any, not; got all, any"),
        ({"all": [TAG], "extra": 1}, "$.extra", "unknown key 'extra'; expected all"),
        (
            {"not": {"type": "colour"}},
            "$.not.type",
            "unknown filter type 'colour'; expected one of field, property, tag, consent, event, "
            "first_seen, last_seen, revenue, email_engagement, visited_url, utm_source, segment",
        ),
        ({"all": [{"type": "tag"}]}, "$.all[0].tag", "missing"),
        ({"all": [{"type": "tag", "tag": "  "}]}, "$.all[0].tag", "must not be blank"),
        (
            {"all": [{"type": "tag", "tag": "x", "has": "yes"}]},
            "$.all[0].has",
            "expected true or false",
        ),
        (
            {"type": "field", "field": "age", "op": "eq", "value": 1},
            "$.field",
            "unknown field 'age'; expected one of email, first_name, last_name, phone, language, "
            "source, company, company.industry, company.city, company.country, owner, created_at",
        ),
        (
            {"type": "field", "field": "email", "op": "gt", "value": "a"},
            "$.op",
            f"operator 'gt' does not apply to text field 'email'; use one of {OPS}",
        ),
        (
            {"type": "field", "field": "email", "op": "in", "value": []},
            "$.value",
            "operator 'in' needs a non-empty list",
        ),
        ({"type": "field", "field": "email", "op": "eq"}, "$.value", "operator 'eq' needs a value"),
        (
            {"type": "field", "field": "created_at", "op": "gt", "value": "2025-13-01"},
            "$.value",
            "'2025-13-01' is not a date YYYY-MM-DD",
        ),
        (
            {"type": "field", "field": "created_at", "op": "gt", "value": "2025-01-01T10:00:00"},
            "$.value",
            "give the datetime with its time zone (e.g. +00:00)",
        ),
        (
            {"type": "consent", "purpose": "fax"},
            "$.purpose",
            "unknown purpose 'fax'; expected one of email_marketing, sms, tracking",
        ),
        (
            {"type": "event", "kind": "visit"},
            "$.kind",
            "unknown event kind 'visit'; expected one of ad_click, ad_impression, click, custom, "
            "email_bounced, email_clicked, email_opened, email_sent, email_unsubscribed, "
            "form_submit, page_view, purchase, social_engagement, social_impression",
        ),
        (
            {"type": "event", "kind": "click", "min": 3, "max": 2},
            "$.max",
            "must be at least min (3)",
        ),
        (
            {"type": "event", "kind": "click", "min": 0},
            "$.min",
            "expected a number from 1 to 1000000",
        ),
        (
            {"any": [TAG, {"type": "event", "kind": "click", "window": {"last_days": 0}}]},
            "$.any[1].window.last_days",
            "expected a number from 1 to 3650",
        ),
        (
            {
                "type": "event",
                "kind": "click",
                "window": {"from": "2025-03-01", "to": "2025-02-01"},
            },
            "$.window.to",
            "ends before it starts (2025-03-01)",
        ),
        (
            {"type": "event", "kind": "click", "window": {"days": 3}},
            "$.window.days",
            "unknown key 'days'; expected from, to",
        ),
        (
            {
                "type": "event",
                "kind": "click",
                "properties": [{"key": "n", "op": "gt", "value": "5"}],
            },
            "$.properties[0].value",
            "operator 'gt' compares numbers",
        ),
        (
            {
                "type": "event",
                "kind": "click",
                "properties": [{"key": "n", "op": "in", "value": [1, "a"]}],
            },
            "$.properties[0].value",
            "the values must all be text, or all numbers",
        ),
        (
            {"type": "revenue", "op": "contains", "value": 5},
            "$.op",
            "operator 'contains' does not apply to revenue; use one of eq, gt, gte, lt, lte",
        ),
        ({"type": "revenue", "op": "gt", "value": "5"}, "$.value", "expected a number"),
        (
            {"type": "email_engagement", "metric": "read", "op": "gt", "value": 1},
            "$.metric",
            "unknown metric 'read'; expected one of opened, clicked",
        ),
        (
            {"type": "last_seen", "op": "within_days", "value": 1.5},
            "$.value",
            "expected a whole number",
        ),
        (
            {"type": "first_seen", "op": "since", "value": "2025-01-01"},
            "$.op",
            "unknown operator 'since'; expected one of before, after, within_days",
        ),
        (
            {"type": "visited_url", "pattern": "blog/*"},
            "$.pattern",
            "a pattern matches the page's path: start it with / or *, no spaces (e.g. /blog/*)",
        ),
        ({"type": "utm_source"}, "$.value", "missing"),
        ({"type": "segment", "slug": 3}, "$.slug", "expected text"),
    ],
)
def test_each_bad_node_is_refused_at_its_path(rule: Any, path: str, reason: str) -> None:
    assert _error(rule) == (path, reason)


def test_every_bad_node_of_a_rule_is_named_not_only_the_first() -> None:
    rule = {
        "any": [
            {"type": "field", "field": "email", "op": "eqq", "value": "x"},
            TAG,
            {"all": [{"type": "revenue", "op": "gte", "value": "lots"}, {"type": "nope"}]},
        ]
    }

    with pytest.raises(RuleError) as caught:
        parse_rule(rule)

    assert [path for path, _ in caught.value.errors] == [
        "$.any[0].op",
        "$.any[2].all[0].value",
        "$.any[2].all[1].type",
    ]
    assert (caught.value.path, caught.value.reason) == caught.value.errors[0]


def test_groups_nest_at_most_eight_deep() -> None:
    rule: dict[str, Any] = TAG
    for _ in range(9):
        rule = {"not": rule}

    assert _error(rule) == ("$" + ".not" * 9, "groups nest at most 8 deep")


def test_a_valid_rule_becomes_a_typed_tree_with_defaults() -> None:
    rule = parse_rule({"all": [{"type": "event", "kind": "purchase", "window": {"last_days": 7}}]})

    assert isinstance(rule, Group)
    assert rule.children == (
        EventFilter("$.all[0]", "purchase", True, 1, None, Window(last_days=7), ()),
    )


@pytest.mark.django_db
def test_an_undeclared_property_is_refused_at_its_key(workspace: Workspace) -> None:
    rule = {"all": [TAG, {"type": "property", "key": "size", "op": "eq", "value": "L"}]}

    with pytest.raises(RuleError) as caught:
        check_rule(workspace, rule)

    assert (caught.value.path, caught.value.reason) == (
        "$.all[1].key",
        "property 'size' is not declared in this workspace",
    )


@pytest.mark.django_db
def test_a_property_value_must_suit_its_declared_type(workspace: Workspace) -> None:
    PropertyDefinition.objects.create(
        workspace=workspace, key="score", label="Score", type="number"
    )

    with pytest.raises(RuleError) as caught:
        check_rule(workspace, {"type": "property", "key": "score", "op": "gt", "value": "high"})
    with pytest.raises(RuleError) as wrong_op:
        check_rule(workspace, {"type": "property", "key": "score", "op": "contains", "value": "1"})

    assert (caught.value.path, caught.value.reason) == (
        "$.value",
        "'high' is not a number (property 'score')",
    )
    assert wrong_op.value.path == "$.op"
    assert wrong_op.value.reason.startswith("operator 'contains' does not apply to number property")


@pytest.mark.django_db
def test_an_unknown_segment_and_a_cycle_are_refused(workspace: Workspace) -> None:
    Segment.objects.create(
        workspace=workspace,
        name="A",
        slug="a",
        kind=SegmentKind.DYNAMIC,
        rule={"type": "segment", "slug": "b"},
    )

    with pytest.raises(RuleError) as unknown:
        check_rule(workspace, {"any": [TAG, {"type": "segment", "slug": "zzz"}]})
    with pytest.raises(RuleError) as cycle:
        check_rule(workspace, {"type": "segment", "slug": "a"}, slug="b")

    assert (unknown.value.path, unknown.value.reason) == (
        "$.any[1].slug",
        "no segment 'zzz' in this workspace",
    )
    assert (cycle.value.path, cycle.value.reason) == (
        "$",
        "the rule refers to segment 'b' itself (directly or not)",
    )
