"""Where the warehouse lives and which Ibis backend reads it, from ``ACCORD_WAREHOUSE_*``.

Every value is read when asked for (not at import), so that tests and commands can point the
warehouse elsewhere with Django's ``settings`` (``ACCORD_WAREHOUSE_DIR``) or the environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from accord.environment import ConfigurationError, env_int, env_str

# Backends the analytics expressions are known to run on; each is reached with ibis.connect(url).
BACKENDS = frozenset({"duckdb", "clickhouse", "bigquery", "pyspark", "postgres", "trino"})
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,127}$")


@dataclass(frozen=True)
class WarehouseConfig:
    """The warehouse's backend and its knobs; ``url`` is None for the embedded DuckDB."""

    backend: str
    url: str | None
    table: str
    root: Path
    retention_days: int
    dedup_days: int
    flush_batch: int

    @property
    def embedded(self) -> bool:
        """Tell whether events live in local Parquet files read by DuckDB."""
        return self.backend == "duckdb" and self.url is None

    @property
    def events_root(self) -> Path:
        return self.root / "events"


def _positive(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ConfigurationError(f"{name}={value} must be at least 1.")
    return value


def _backend_and_url() -> tuple[str, str | None]:
    backend = env_str("ACCORD_WAREHOUSE_BACKEND", "duckdb").strip().lower()
    if backend not in BACKENDS:
        known = ", ".join(sorted(BACKENDS))
        raise ConfigurationError(f"ACCORD_WAREHOUSE_BACKEND={backend!r} is not one of {known}.")
    url = env_str("ACCORD_WAREHOUSE_URL", "").strip() or None
    if backend != "duckdb" and url is None:
        raise ConfigurationError(
            f"ACCORD_WAREHOUSE_BACKEND={backend} needs ACCORD_WAREHOUSE_URL "
            f"(e.g. {backend}://host/database)."
        )
    if url is not None and not url.startswith(f"{backend}://"):
        raise ConfigurationError(
            f"ACCORD_WAREHOUSE_URL must start with {backend}:// for backend {backend}."
        )
    return backend, url


def warehouse_config() -> WarehouseConfig:
    """Read the warehouse configuration; a bad value raises ConfigurationError naming it."""
    backend, url = _backend_and_url()
    table = env_str("ACCORD_WAREHOUSE_TABLE", "accord_events")
    if not TABLE_NAME.match(table):
        raise ConfigurationError(f"ACCORD_WAREHOUSE_TABLE={table!r} is not a table name.")
    configured = getattr(settings, "ACCORD_WAREHOUSE_DIR", None) or env_str(
        "ACCORD_WAREHOUSE_DIR", ""
    )
    root = Path(configured) if configured else Path(settings.ACCORD_HOME) / "warehouse"
    return WarehouseConfig(
        backend=backend,
        url=url,
        table=table,
        root=root.expanduser().resolve(),
        retention_days=_positive("ACCORD_WAREHOUSE_RETENTION_DAYS", 760),
        dedup_days=_positive("ACCORD_WAREHOUSE_DEDUP_DAYS", 7),
        flush_batch=_positive("ACCORD_WAREHOUSE_FLUSH_BATCH", 50_000),
    )
