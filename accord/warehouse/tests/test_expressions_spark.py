"""The analytics expressions give the same answers on Spark (local mode) as on DuckDB."""

from __future__ import annotations

import importlib.util
import logging
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import ibis
import pyarrow as pa
import pytest
from ibis.backends import BaseBackend

from accord.accounts.models import Workspace
from accord.warehouse import expressions, store
from accord.warehouse.config import warehouse_config
from accord.warehouse.demo import build_demo_events
from accord.warehouse.queries import identity_links

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None, reason="pyspark is not installed"
    ),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime (install JDK 17)"),
    pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[BaseBackend]:
    from pyspark.sql import SparkSession

    # py4j logs its shutdown at INFO after pytest has closed the captured streams.
    logging.getLogger("py4j").setLevel(logging.WARNING)

    session = (
        SparkSession.builder.master("local[1]")
        .appName("accord-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "512m")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield ibis.pyspark.connect(session)
    session.stop()


def _rows(connection: BaseBackend, expr: Any) -> list[dict[str, Any]]:
    """Run ``expr`` on ``connection``; rows as plain values, floats rounded, in a stable order."""
    rows = connection.to_pyarrow(expr).to_pylist()
    clean = [{key: _plain(value) for key, value in row.items()} for row in rows]
    return sorted(clean, key=lambda row: [str(v) for v in row.values()])


def _plain(value: Any) -> Any:
    """Round floats; make datetimes naive UTC (Spark answers naive, in its UTC session zone)."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


@pytest.mark.django_db
def test_expressions_agree_on_duckdb_and_spark(workspace: Workspace, spark: BaseBackend) -> None:
    build_demo_events(workspace, list(range(1, 41)), seed=3, events=1_200, end=date(2025, 3, 13))
    files = store.part_files(warehouse_config().events_root, workspace.pk)
    events = pa.concat_tables(pa.parquet.read_table(str(f)) for f in files)
    links = identity_links(workspace)
    spark.create_view("events", ibis.memtable(events), overwrite=True)
    spark.create_view("links", ibis.memtable(links), overwrite=True)
    on_spark = expressions.visitor_events(spark.table("events"), spark.table("links"))
    visits = expressions.visitor_events(ibis.memtable(events), ibis.memtable(links))
    spark_rollups = expressions.rollups(spark.table("events"), spark.table("links"))
    rollups = expressions.rollups(ibis.memtable(events), ibis.memtable(links))
    duckdb = ibis.duckdb.connect()

    conversion = _rows(duckdb, expressions.campaign_conversion(rollups))
    assert sum(row["purchasers"] for row in conversion) > 0  # the data exercises every branch
    for counted in (
        expressions.daily_channel_counts,
        expressions.daily_visitors,
        expressions.monthly_visitors,
        expressions.campaign_conversion,
    ):
        assert _rows(spark, counted(spark_rollups)) == _rows(duckdb, counted(rollups)), (
            counted.__name__
        )
    for build in (expressions.sessions, expressions.daily_sessions):
        assert _rows(spark, build(on_spark)) == _rows(duckdb, build(visits)), build.__name__
    assert spark.execute(expressions.unique_visitors(spark_rollups)) == duckdb.execute(
        expressions.unique_visitors(rollups)
    )
