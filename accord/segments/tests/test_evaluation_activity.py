"""Counts, revenue and first/last seen read the activity rollups: the same answers as the events.

``_activity`` takes whole months from ``monthly``, other whole days from ``activity`` and the
part-days at the window's edges from the events; these tests hold it to a count over the events
for windows cut anywhere (mid-day, across month ends, inside one day), and check that the
rules give the reference members when the rollup files are missing (computed on the fly).
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from accord.accounts.models import Workspace
from accord.segments.evaluation import _activity, _Reach, _scope, evaluate_rule
from accord.segments.tests.conftest import NOW, Population, build_population
from accord.segments.tests.reference import ReferenceEvaluator
from accord.segments.tests.test_evaluation_reference import (
    ENGAGEMENT_RULES,
    REVENUE_RULES,
    SEEN_RULES,
    WINDOWS,
    _strip,
)
from accord.warehouse import rollups
from accord.warehouse.config import warehouse_config
from accord.warehouse.queries import AnalyticsTables, analytics_tables

MIDDAY = datetime(2025, 2, 27, 9, 30, tzinfo=UTC)
REACHES = [
    _Reach(frozenset({"page_view"}), None, None),
    _Reach(None, MIDDAY, None),
    _Reach(frozenset({"page_view", "purchase"}), MIDDAY - timedelta(days=40), MIDDAY),
    _Reach(None, MIDDAY.replace(hour=0, minute=10), MIDDAY.replace(hour=23, minute=50)),
    _Reach(frozenset({"custom"}), MIDDAY, MIDDAY + timedelta(days=1)),  # two part-days
    _Reach(None, datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)),
    _Reach(None, None, datetime(2025, 2, 3, 23, 59, tzinfo=UTC)),
    _Reach(frozenset({"click"}), datetime(2024, 12, 31, 23, tzinfo=UTC), NOW),
]


def _counts(rows: object) -> Counter[int]:
    table = rows.to_pyarrow()  # type: ignore[attr-defined]
    return Counter(
        {
            int(contact): int(total)
            for contact, total in zip(
                table.column("contact").to_pylist(), table.column("n").to_pylist(), strict=True
            )
        }
    )


def _by_contact(rows: object, total: object) -> object:
    return rows.group_by(contact=rows.resolved_contact_id).aggregate(n=total)  # type: ignore[attr-defined]


SUMMED_RULES: list[dict[str, Any]] = [
    *({"type": "event", "kind": "page_view", "did": True, "min": 2, "window": w} for w in WINDOWS),
    *SEEN_RULES,
    *REVENUE_RULES,
    *ENGAGEMENT_RULES,
]


def _tier_counts_and_scan(tables: AnalyticsTables, reach: _Reach) -> tuple[Counter[int], ...]:
    """Events per contact within ``reach``: from the activity tiers, and from the events."""
    visits = tables.visits
    scanned = _scope(visits.filter(visits.resolved_contact_id.notnull()), reach)
    rows = _activity(tables, reach)
    return (
        _counts(_by_contact(rows, rows.events.sum())),
        _counts(_by_contact(scanned, scanned.count())),
    )


def _assert_reference_members(workspace: Workspace, rules: list[dict[str, Any]]) -> None:
    reference = ReferenceEvaluator(workspace, NOW)
    for rule in rules:
        node = {"all": [_strip(rule)]}
        assert evaluate_rule(workspace, node, now=NOW) == reference.evaluate(node), node


@pytest.mark.django_db
@pytest.mark.parametrize("reach", REACHES)
def test_activity_rows_count_the_same_events_as_a_scan(
    population: Population, reach: _Reach
) -> None:
    with analytics_tables(population.workspace) as tables:
        tiers, scanned = _tier_counts_and_scan(tables, reach)
    assert tiers == scanned
    assert sum(scanned.values()) > 0


@pytest.mark.django_db
def test_rules_give_the_reference_members_without_rollup_files(population: Population) -> None:
    config = warehouse_config()
    shutil.rmtree(rollups.rollups_root(config.root, population.workspace.pk))
    _assert_reference_members(population.workspace, SUMMED_RULES)


@pytest.mark.django_db
def test_a_missing_activity_day_file_is_computed_from_the_events(population: Population) -> None:
    config = warehouse_config()
    base = rollups.rollups_root(config.root, population.workspace.pk)
    day_files = sorted(base.glob("day=*/activity-*.parquet"))
    assert len(day_files) > 30
    day_files[len(day_files) // 2].unlink()  # its month's files are still there
    reach = _Reach(None, datetime(2024, 11, 1, 7, tzinfo=UTC), None)  # every event
    with analytics_tables(population.workspace) as tables:
        tiers, scanned = _tier_counts_and_scan(tables, reach)
    assert tiers == scanned


@pytest.mark.django_db
def test_folder_names_with_an_equals_sign_above_the_warehouse_change_nothing(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    settings.ACCORD_WAREHOUSE_DIR = str(tmp_path / "site=shop" / "warehouse")
    build_population(workspace)
    base = rollups.rollups_root(warehouse_config().root, workspace.pk)
    next(iter(sorted(base.glob("day=*/activity-*.parquet")))).unlink()  # stored and computed
    _assert_reference_members(workspace, [SUMMED_RULES[0], *SEEN_RULES])


@pytest.mark.django_db
def test_the_month_under_way_is_read_from_day_files(
    population: Population, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rollups, "_today", lambda: NOW.date())  # March 2025 is under way
    config = warehouse_config()
    result = rollups.refresh(config.root, config.events_root, population.workspace.pk, grace=0)
    base = rollups.rollups_root(config.root, population.workspace.pk)
    assert result.months_built == 0  # the month's other files stand; its monthly goes
    assert not list(base.glob("month=2025-03/monthly-*"))
    assert list(base.glob("month=2025-02/monthly-*"))
    _assert_reference_members(population.workspace, SUMMED_RULES)
    with analytics_tables(population.workspace) as tables:
        assert tables.rollups.monthly_until == date(2025, 3, 1)
        for reach in REACHES:
            tiers, scanned = _tier_counts_and_scan(tables, reach)
            assert tiers == scanned, reach
