"""The fast paths of evaluation give the reference members: candidate lists, link loading."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from accord.accounts.models import Workspace
from accord.contacts.models import Contact
from accord.segments import evaluation
from accord.segments.evaluation import evaluate_rule
from accord.segments.tests.conftest import NOW, Population
from accord.segments.tests.reference import ReferenceEvaluator
from accord.warehouse.actions import stitch_identity
from accord.warehouse.queries import identity_links

PAGE_VIEWS = {"type": "event", "kind": "page_view", "did": True}
NO_PURCHASE = {"type": "event", "kind": "purchase", "did": False}
FRENCH = {"type": "field", "field": "language", "op": "eq", "value": "fr"}
MIXED_RULES: list[dict[str, Any]] = [
    {"all": [FRENCH, PAGE_VIEWS]},
    {"all": [FRENCH, {"type": "tag", "tag": "vip"}, PAGE_VIEWS, NO_PURCHASE]},
    {"all": [{"type": "tag", "tag": "vip", "has": False}, NO_PURCHASE]},
    {"all": [FRENCH, {"any": [PAGE_VIEWS, {"type": "revenue", "op": "gte", "value": 100}]}]},
    {"all": [FRENCH, {"type": "revenue", "op": "gte", "value": 100}, {"not": PAGE_VIEWS}]},
    {"any": [FRENCH, {"all": [{"type": "tag", "tag": "vip"}, PAGE_VIEWS]}]},
]


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [evaluation.MAX_CANDIDATES, 0])
def test_mixed_groups_give_the_reference_members_with_or_without_candidate_lists(
    population: Population, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    monkeypatch.setattr(evaluation, "MAX_CANDIDATES", limit)
    reference = ReferenceEvaluator(population.workspace, NOW)

    mismatches = [
        rule
        for rule in MIXED_RULES
        if evaluate_rule(population.workspace, rule, now=NOW) != reference.evaluate(rule)
    ]

    assert mismatches == []


@pytest.mark.django_db
def test_the_contact_query_lists_the_behaviour_candidates(population: Population) -> None:
    rule = {"all": [FRENCH, PAGE_VIEWS]}

    with CaptureQueriesContext(connection) as queries:
        found = evaluate_rule(population.workspace, rule, now=NOW)

    contact_queries = [q["sql"] for q in queries if '"contacts_contact"' in q["sql"]]
    assert len(contact_queries) == 1
    candidates = "json_each" if connection.vendor == "sqlite" else "::bigint[]"
    assert candidates in contact_queries[0]
    assert found == ReferenceEvaluator(population.workspace, NOW).evaluate(rule)


@pytest.mark.django_db
def test_candidate_ids_outside_the_workspace_never_match(
    workspace: Workspace, other_workspace: Workspace
) -> None:
    mine = Contact.objects.create(workspace=workspace, email="a@example.com", language="fr")
    theirs = Contact.objects.create(workspace=other_workspace, email="b@example.com", language="fr")
    compiler = evaluation._Compiler(workspace, NOW)
    within = np.array(sorted([mine.pk, theirs.pk, 999_999]), dtype=np.int64)

    found = compiler.ids(Q(language__iexact="fr"), within=within)

    assert found.tolist() == [mine.pk]


@pytest.mark.django_db
def test_identity_links_load_every_link_of_the_workspace_only(
    workspace: Workspace, other_workspace: Workspace
) -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    odd = 'v-"quoted", comma\\slash é\n'
    stitch_identity(workspace, odd, 7, now=at)
    stitch_identity(workspace, "v-plain", 2**40, now=at)
    stitch_identity(other_workspace, "v-elsewhere", 3, now=at)

    links = identity_links(workspace)

    assert sorted(zip(*links.to_pydict().values(), strict=True)) == [
        (odd, 7),
        ("v-plain", 2**40),
    ]
    assert str(links.schema.field("contact_id").type) == "int64"


@pytest.mark.django_db
def test_identity_links_of_a_workspace_without_any_is_an_empty_table(
    workspace: Workspace,
) -> None:
    links = identity_links(workspace)

    assert links.num_rows == 0
    assert links.column_names == ["anonymous_id", "contact_id"]
