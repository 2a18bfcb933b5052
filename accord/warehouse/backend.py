"""Where flushed events go and where analytics read them: local Parquet, or any Ibis backend.

The embedded default writes Parquet files (``store.py``) and reads them with DuckDB. With
``ACCORD_WAREHOUSE_URL`` set, the flush inserts into one table of that backend (ClickHouse,
BigQuery, Spark…) with two more columns, ``workspace_id`` and ``day``, and reads go there too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any, Protocol

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend
from ibis.expr.types import Table

from accord.warehouse import store
from accord.warehouse.config import WarehouseConfig


class Sink(Protocol):
    """A destination for flushed events."""

    def lock(self, workspace_id: int) -> AbstractContextManager[None]:
        """Hold the workspace's writer lock."""

    def known_ids(self, workspace_id: int, day: date) -> set[str]:
        """The event ids already stored for that workspace and day."""

    def write(self, workspace_id: int, day: date, table: pa.Table) -> None:
        """Store one day's new events durably, or raise."""


class ParquetSink:
    """Local Parquet files, one folder per workspace and day."""

    def __init__(self, config: WarehouseConfig) -> None:
        self.config = config

    def lock(self, workspace_id: int) -> AbstractContextManager[None]:
        return store.workspace_lock(self.config.root, workspace_id)

    def known_ids(self, workspace_id: int, day: date) -> set[str]:
        return store.event_ids(self.config.events_root, workspace_id, day)

    def write(self, workspace_id: int, day: date, table: pa.Table) -> None:
        store.write_part(self.config.events_root, workspace_id, day, table)


class IbisSink:
    """One table of a remote backend, shared by every workspace (``workspace_id`` column)."""

    def __init__(self, config: WarehouseConfig) -> None:
        self.config = config
        self.connection = connect(config)

    def lock(self, workspace_id: int) -> AbstractContextManager[None]:
        # The remote engine keeps its own consistency; flushes still queue per workspace locally.
        return store.workspace_lock(self.config.root, workspace_id)

    def known_ids(self, workspace_id: int, day: date) -> set[str]:
        if self.config.table not in self.connection.list_tables():
            return set()
        t = self.connection.table(self.config.table)
        ids = t.filter(t.workspace_id == workspace_id, t.day == day).select("event_id")
        return set(ids.to_pyarrow().column("event_id").to_pylist())

    def write(self, workspace_id: int, day: date, table: pa.Table) -> None:
        rows = table.cast(store.EVENT_SCHEMA)
        rows = rows.append_column("workspace_id", pa.array([workspace_id] * len(rows), pa.int64()))
        rows = rows.append_column("day", pa.array([day] * len(rows), pa.date32()))
        if self.config.table not in self.connection.list_tables():
            self.connection.create_table(self.config.table, schema=ibis.schema(rows.schema))
        self.connection.insert(self.config.table, ibis.memtable(rows))


def sink_for(config: WarehouseConfig) -> Sink:
    """The sink the configuration names."""
    return ParquetSink(config) if config.embedded else IbisSink(config)


def connect(config: WarehouseConfig) -> BaseBackend:
    """Open an Ibis connection: an in-memory DuckDB for the embedded store, else ``url``."""
    if config.embedded:
        return ibis.duckdb.connect()
    assert config.url is not None  # noqa: S101  (warehouse_config guarantees it)
    return ibis.connect(config.url)


def events_expr(connection: BaseBackend, config: WarehouseConfig, workspace_id: int) -> Table:
    """The workspace's events (bots included): the EVENT_SCHEMA columns and ``day`` (UTC date).

    ``day`` comes from the partition folders (or the remote table's column): filtering on it
    skips whole files.
    """
    columns = (*store.EVENT_COLUMNS, "day")
    if not config.embedded:
        if config.table not in connection.list_tables():
            return _empty()
        t = connection.table(config.table)
        return t.filter(t.workspace_id == workspace_id).select(*columns)
    files = store.part_files(config.events_root, workspace_id)
    if not files:
        return _empty()
    table = connection.read_parquet([str(f) for f in files], hive_partitioning=True)
    return table.select(*columns)


def _empty() -> Table:
    schema = store.EVENT_SCHEMA.append(pa.field("day", pa.date32()))
    return ibis.memtable(schema.empty_table())


def links_expr(links: pa.Table) -> Table:
    """Identity links (``anonymous_id``, ``contact_id``) as an Ibis table."""
    return ibis.memtable(links)


@contextmanager
def analytics(config: WarehouseConfig, workspace_id: int) -> Iterator[tuple[BaseBackend, Table]]:
    """Yield a connection and the workspace's events table; close the connection afterwards."""
    connection = connect(config)
    try:
        yield connection, events_expr(connection, config, workspace_id)
    finally:
        connection.disconnect()


def to_rows(expr: Any) -> list[dict[str, Any]]:
    """Execute an Ibis expression and return its rows as dictionaries."""
    rows: list[dict[str, Any]] = expr.to_pyarrow().to_pylist()
    return rows
