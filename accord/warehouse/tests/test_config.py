"""ACCORD_WAREHOUSE_* settings fail loudly; a URL sends events to an Ibis backend instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.accounts.models import Workspace
from accord.environment import ConfigurationError
from accord.warehouse import actions
from accord.warehouse.actions import flush_inbox, ingest_events
from accord.warehouse.config import warehouse_config
from accord.warehouse.queries import contact_journey, warehouse_stats
from accord.warehouse.tests.conftest import NOW, EventFactory


def test_the_default_is_duckdb_over_parquet_in_accord_home(warehouse_dir: Path) -> None:
    config = warehouse_config()

    assert (config.backend, config.url, config.embedded) == ("duckdb", None, True)
    assert config.events_root == warehouse_dir / "events"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"ACCORD_WAREHOUSE_BACKEND": "oracle"}, "ACCORD_WAREHOUSE_BACKEND='oracle'"),
        ({"ACCORD_WAREHOUSE_BACKEND": "clickhouse"}, "needs ACCORD_WAREHOUSE_URL"),
        (
            {"ACCORD_WAREHOUSE_BACKEND": "clickhouse", "ACCORD_WAREHOUSE_URL": "bigquery://p/d"},
            "must start with clickhouse://",
        ),
        ({"ACCORD_WAREHOUSE_FLUSH_BATCH": "0"}, "ACCORD_WAREHOUSE_FLUSH_BATCH=0"),
        ({"ACCORD_WAREHOUSE_RETENTION_DAYS": "a year"}, "ACCORD_WAREHOUSE_RETENTION_DAYS"),
        ({"ACCORD_WAREHOUSE_TABLE": "events; drop"}, "ACCORD_WAREHOUSE_TABLE"),
    ],
)
def test_a_bad_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match=message):
        warehouse_config()


@pytest.mark.django_db
def test_a_url_sends_flushed_events_to_that_backend_and_reads_them_there(
    workspace: Workspace,
    make_event: EventFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    warehouse_dir: Path,
) -> None:
    monkeypatch.setenv("ACCORD_WAREHOUSE_URL", f"duckdb://{tmp_path / 'remote.ddb'}")
    events = [
        make_event(contact_id=4, ts="2025-03-14T09:00:00Z"),
        make_event(kind="purchase", contact_id=4, value=20.0, ts="2025-03-14T09:05:00Z"),
    ]
    ingest_events(workspace, events, source="api", now=NOW)

    def crash(ids: object, at: object) -> None:
        raise RuntimeError("killed before marking")

    with monkeypatch.context() as patch:
        patch.setattr(actions, "mark_flushed", crash)
        with pytest.raises(RuntimeError):
            flush_inbox(workspace)
    result = flush_inbox(workspace)

    assert (result.written, result.skipped_duplicates) == (0, 2)
    stats = warehouse_stats(workspace)
    assert (stats.events, stats.by_kind, stats.files) == (2, {"page_view": 1, "purchase": 1}, 0)
    assert [step.kind for step in contact_journey(workspace, 4)] == ["page_view", "purchase"]
    assert not list(warehouse_dir.rglob("*.parquet"))
