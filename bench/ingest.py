"""Event ingestion and analytics: Accord's batched durable inbox and DuckDB over Parquet.

Figure 1, ``ingest_events_durable``: events per second through
``accord.warehouse.actions.ingest_events`` in batches of 1,000, each batch committed to the
SQLite inbox with ``synchronous=FULL`` before the call returns (what a 200 of
``POST /api/v1/events`` promises), then flushed to Parquet. Baseline, same run and same events:
the same function called once per event (one durable transaction per event), what an endpoint
receiving one hit per request pays.

Figure 2, ``daily_channel_counts``: events and distinct visitors per day and channel over a year
of demo events (``build_demo_events``), with the Ibis expression on DuckDB over the Parquet
files (identity stitching and bot filtering included). Baseline, same events: the equivalent
``GROUP BY`` through the Django ORM on the operational SQLite database (no stitching, so less
work than Accord does).

Figures 3, 4 and 5, ``http_batch_events``, ``http_single_event_requests`` and
``http_single_event_requests_concurrent``: the batch API over HTTP on loopback.
``accord serve --no-worker --workers 2`` runs in a subprocess on a free 127.0.0.1 port with its
own ACCORD_HOME (SQLite, per-token rate limit raised for the run). After a warm-up (64 untimed
requests, so every worker process has started), 2 keep-alive connections POST batches of 1,000
events (events/s sustained, target 50,000/s), then one event per request (requests/s, target
2,000/s); then 32 connections send one event per request, as many browsers at once would (the
case group commit is for). Bounded in count and time. The client is one thread driving every
connection through ``selectors``, requests encoded before the clock starts: one request in
flight per connection (no pipelining), every response read whole, its status checked and its
JSON decoded. ``params`` give the server's CPU (its processes, from /proc) and the client's
(this process) per request or per 1,000 events, and ``fsync_ms``, the disk's fsync latency
measured in the run: a connection waits for one fsync per request, which bounds the
2-connection single-event figure at ``fsync_bound_requests_per_s``.
Baseline, same run and same events: ``InboxEvent.objects.create`` once per event through the
Django ORM into SQLite (what a plain Django endpoint storing each hit would do).

Usage: python bench/ingest.py [--quick] [--events N] [--baseline-events N] [--query-events N]
                              [--http-events N] [--single-events N] [--only ingest|query|http]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import selectors
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# A private ACCORD_HOME (and SQLite) for this run, set before Django reads its settings.
HOME = Path(tempfile.mkdtemp(prefix="accord-bench-ingest-"))
os.environ["ACCORD_HOME"] = str(HOME)
for name in ("DATABASE_URL", "REDIS_URL", "ACCORD_WAREHOUSE_URL", "ACCORD_WAREHOUSE_BACKEND"):
    os.environ.pop(name, None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RESULTS = Path(__file__).resolve().parent / "results" / "ingest.json"
MACHINE = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
NOW = datetime(2025, 3, 14, 12, tzinfo=UTC)
KINDS = ("page_view", "page_view", "page_view", "click", "form_submit", "purchase")


def make_events(count: int, seed: int, now: datetime = NOW) -> list[dict[str, Any]]:
    """Browser-like events over the day before ``now``, deterministic for a seed."""
    rng = random.Random(seed)
    events = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        event: dict[str, Any] = {
            "event_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "ts": (now - timedelta(seconds=rng.randrange(86_400))).isoformat(),
            "kind": kind,
            "anonymous_id": f"v-{rng.randrange(count // 5 + 1)}",
            "session_id": f"s-{i // 4}",
            "url": f"https://maison-lumiere.example/boutique/{rng.randrange(40)}",
            "utm_source": "instagram",
            "utm_medium": "social",
            "utm_campaign": "expo-lumiere",
            "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15",
        }
        if kind == "purchase":
            event.update(value=round(rng.uniform(20, 900), 2), currency="EUR")
        events.append(event)
    return events


def _workspace(slug: str) -> Any:
    from accord.accounts.access import Actor
    from accord.accounts.actions import create_workspace

    return create_workspace(slug, slug.title(), Actor.system("bench"))


def bench_ingest(count: int, baseline_count: int) -> dict[str, Any]:
    from django.db import connection

    from accord.warehouse.actions import flush_inbox, ingest_events

    events = make_events(count, seed=1)
    baseline_ws, accord_ws = _workspace("baseline"), _workspace("accord")
    started = time.perf_counter()
    for event in events[:baseline_count]:
        ingest_events(baseline_ws, [event], source="bench", now=NOW)
        connection.close()  # a new request, a new connection: synchronous=FULL again
    baseline = baseline_count / (time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, count, 1000):
        ingest_events(accord_ws, events[start : start + 1000], source="bench", now=NOW)
    seconds = time.perf_counter() - started
    flush_started = time.perf_counter()
    flushed = flush_inbox(accord_ws)
    flush_seconds = time.perf_counter() - flush_started
    params = {
        "events": count,
        "batch": 1000,
        "database": "SQLite (WAL, synchronous=FULL)",
        "machine": MACHINE,
        "baseline_events": baseline_count,
        "seconds": round(seconds, 2),
        "flushed": flushed.written,
        "flush_events_per_s": round(flushed.written / flush_seconds, 1),
    }
    base = ("ingest_events, one event (one durable transaction) per call", baseline)
    return figure("ingest_events_durable", params, count / seconds, "events/s", base)


def _load_into_sqlite(workspace: Any, files: list[Path]) -> int:
    """Copy the demo events into the inbox table (marked flushed), as an all-SQL store would."""
    import pyarrow.parquet as pq

    from accord.warehouse.models import InboxEvent

    loaded = 0
    for path in files:
        rows = [_inbox_values(row) for row in pq.read_table(path).to_pylist()]
        InboxEvent.objects.bulk_create(
            [InboxEvent(workspace=workspace, flushed_at=NOW, **row) for row in rows],
            batch_size=2000,
        )
        loaded += len(rows)
    return loaded


def _inbox_values(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row as InboxEvent fields: nulls become blanks, properties a dict."""
    values = {key: ("" if value is None else value) for key, value in row.items()}
    values.update(
        contact_id=row["contact_id"], value=row["value"], properties=json.loads(row["properties"])
    )
    return values


def bench_query(count: int) -> dict[str, Any]:
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from accord.warehouse import backend, expressions, store
    from accord.warehouse.config import warehouse_config
    from accord.warehouse.demo import build_demo_events
    from accord.warehouse.models import InboxEvent
    from accord.warehouse.queries import analytics_tables

    accord_ws, baseline_ws = _workspace("demo"), _workspace("demo-sql")
    contacts = list(range(1, 5001))
    build_demo_events(accord_ws, contacts, seed=42, events=count, end=date(2025, 3, 13))
    files = store.part_files(warehouse_config().events_root, accord_ws.pk)
    _load_into_sqlite(baseline_ws, files)

    def baseline() -> list[Any]:
        return list(
            InboxEvent.objects.filter(workspace=baseline_ws, bot=False)
            .annotate(day=TruncDate("ts", tzinfo=UTC))
            .values("day", "channel")
            .annotate(events=Count("id"), visitors=Count("anonymous_id", distinct=True))
            .order_by("day", "channel")
        )

    def accord() -> list[dict[str, Any]]:
        with analytics_tables(accord_ws) as tables:
            return backend.to_rows(expressions.daily_channel_counts(tables.rollups))

    baseline_seconds, baseline_rows = _best_of(baseline)
    seconds, rows = _best_of(accord)
    params = {
        "events": count,
        "files": len(files),
        "rows": len(rows),
        "baseline_rows": len(baseline_rows),
        "engine": "DuckDB over Parquet via Ibis",
        "machine": MACHINE,
    }
    base = ("Django ORM GROUP BY on the SQLite events table", baseline_seconds)
    result = figure("daily_channel_counts", params, seconds, "s", base)
    result["ratio"] = round(baseline_seconds / seconds, 2)
    return result


HTTP_CONNECTIONS = 2
CONCURRENT_CONNECTIONS = 32  # single events from many browsers at once: group commit's case
HTTP_SECONDS = 20.0  # each HTTP loop stops after this long, whatever is left
SERVER_WORKERS = 2  # uvicorn processes, one per core (docs/decisions/0004-ingestion-throughput.md)


def _server_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_URL"))}
    env.update(
        ACCORD_HOME=str(home),
        ACCORD_API_RATE_LIMIT="1000000000",
        DJANGO_SETTINGS_MODULE="accord.settings",
    )
    return env


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "accord.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@contextmanager
def accord_server(workers: int = SERVER_WORKERS) -> Iterator[tuple[int, str, int]]:
    """Run ``accord serve --no-worker`` on a free loopback port; yield (port, secret, pid)."""
    env = _server_env(HOME / "server")
    _cli(env, "migrate")
    _cli(env, "workspace", "create", "http", "--name", "HTTP")
    secret = _cli(env, "tokens", "create", "--workspace", "http", "--name", "bench")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "accord.cli", "serve", "--no-worker", "--port", str(port)]
    command += ["--workers", str(workers)]
    server = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_up(port)
        yield port, secret.strip().splitlines()[-1], server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("accord serve did not start within 60 s")


@dataclass
class _Connection:
    """One keep-alive client connection: its requests still to send and what it has read."""

    sock: socket.socket
    requests: list[bytes]
    accepted: list[int]
    unsent: memoryview = memoryview(b"")
    received: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True)
class HttpRun:
    """What one timed loop of requests did, and the CPU this (client) process spent on it."""

    requests: int
    events: int
    seconds: float
    client_cpu: float


def _request(port: int, secret: str, body: bytes) -> bytes:
    """The whole HTTP/1.1 request, encoded once before the timed loop."""
    head = (
        f"POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {secret}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def _http_run(
    port: int, secret: str, bodies: list[bytes], connections: int = HTTP_CONNECTIONS
) -> HttpRun:
    """Spread the bodies over ``connections`` keep-alive connections, one request in flight on
    each (no pipelining), every response read in full and checked; stop after HTTP_SECONDS.

    One thread drives every connection through ``selectors``: a thread per connection made the
    client's own CPU (and GIL hand-offs) a large part of what the loop measured.
    """
    requests = [_request(port, secret, body) for body in bodies]
    selector = selectors.DefaultSelector()
    for share in (requests[i::connections] for i in range(connections)):
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        client = _Connection(sock, share[::-1], [])
        selector.register(sock, selectors.EVENT_READ, client)
    clients = [key.data for key in selector.get_map().values()]
    cpu, started = time.process_time(), time.perf_counter()
    deadline = time.monotonic() + HTTP_SECONDS
    for client in clients:
        _send_next(selector, client, deadline)
    while selector.get_map():
        events = selector.select(timeout=30)
        if not events:
            raise RuntimeError("POST /api/v1/events: no answer within 30 s")
        for key, mask in events:
            _step(selector, key.data, mask, deadline)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    selector.close()
    accepted = [count for client in clients for count in client.accepted]
    return HttpRun(len(accepted), sum(accepted), seconds, cpu)


def _send_next(selector: selectors.BaseSelector, client: _Connection, deadline: float) -> None:
    """Start the connection's next request, or close it when it has none left (or time is up)."""
    if not client.requests or time.monotonic() > deadline:
        selector.unregister(client.sock)
        client.sock.close()
        return
    client.unsent = memoryview(client.requests.pop())
    _write(selector, client)


def _write(selector: selectors.BaseSelector, client: _Connection) -> None:
    sent = client.sock.send(client.unsent)
    client.unsent = client.unsent[sent:]
    wanted = selectors.EVENT_WRITE if client.unsent else selectors.EVENT_READ
    if selector.get_key(client.sock).events != wanted:
        selector.modify(client.sock, wanted, client)


def _step(
    selector: selectors.BaseSelector, client: _Connection, mask: int, deadline: float
) -> None:
    if mask & selectors.EVENT_WRITE:
        _write(selector, client)
        return
    chunk = client.sock.recv(1 << 16)
    if not chunk:
        raise RuntimeError("POST /api/v1/events: the server closed the connection")
    client.received += chunk
    answer = _response(client.received)
    if answer is not None:
        client.accepted.append(answer)
        _send_next(selector, client, deadline)


def _response(buffer: bytearray) -> int | None:
    """The events a complete 200 response in ``buffer`` accepted (removing it), None if partial."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1").lower()
    status = int(head[9:12])
    length = int(head.split("content-length:", 1)[1].split("\r\n", 1)[0])
    if len(buffer) < end + 4 + length:
        return None
    body = bytes(buffer[end + 4 : end + 4 + length])
    del buffer[: end + 4 + length]
    if status != 200:
        raise RuntimeError(f"POST /api/v1/events: {status} {body[:200]!r}")
    accepted: int = json.loads(body)["accepted"]
    return accepted


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its descendants so far, from /proc (Linux).

    The machine is shared: wall-clock rates move with its load, CPU per request much less.
    """
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, grown = {pid}, True
    while grown:
        found = {child for child, parent in parents.items() if parent in tree}
        grown = not found <= tree
        tree |= found
    return sum(times.get(member, 0.0) for member in tree)


def _orm_creates_per_s(events: list[dict[str, Any]]) -> float:
    """Baseline: one ``InboxEvent.objects.create`` per event (autocommit) into SQLite."""
    from accord.warehouse.models import InboxEvent

    workspace = _workspace("orm")
    started = time.perf_counter()
    for event in events:
        InboxEvent.objects.create(
            workspace=workspace,
            event_id=event["event_id"],
            ts=datetime.fromisoformat(event["ts"]),
            kind=event["kind"],
            anonymous_id=event["anonymous_id"],
            session_id=event["session_id"],
            url=event["url"],
            utm_source=event["utm_source"],
            utm_medium=event["utm_medium"],
            utm_campaign=event["utm_campaign"],
            value=event.get("value"),
            currency=event.get("currency", ""),
            source="bench",
            received_at=NOW,
        )
    return len(events) / (time.perf_counter() - started)


def fsync_ms(folder: Path, times: int = 20) -> float:
    """The median time of one fsync after a 4 KiB write in ``folder`` (the server's disk).

    A 2xx means fsync'd, so a client sending one request at a time waits at least this long
    per request: ``connections / fsync`` bounds the sequential single-event figure.
    """
    path = folder / "fsync-probe"
    samples = []
    with path.open("wb") as probe:
        for _ in range(times):
            probe.write(b"x" * 4096)
            probe.flush()
            started = time.perf_counter()
            os.fsync(probe.fileno())
            samples.append(time.perf_counter() - started)
    path.unlink()
    return 1000 * sorted(samples)[times // 2]


def _cpu_params(run: HttpRun, server_cpu: float, per: int, unit: str) -> dict[str, float]:
    """Server and client CPU (ms) per ``per`` requests or events of the run."""
    count = max(run.events if unit == "events" else run.requests, 1)
    label = f"{per}_{unit}" if per > 1 else unit
    return {
        f"server_cpu_ms_per_{label}": round(1000 * server_cpu * per / count, 3),
        f"client_cpu_ms_per_{label}": round(1000 * run.client_cpu * per / count, 3),
    }


def bench_http(count: int, single: int, baseline_count: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    events = make_events(count + 2 * single + 64, seed=3, now=now)
    batches = [json.dumps({"events": events[i : i + 1000]}).encode() for i in range(0, count, 1000)]
    singles = [json.dumps({"events": [e]}).encode() for e in events[count:]]
    warm_up, singles, many = singles[:64], singles[64 : 64 + single], singles[64 + single :]
    baseline = _orm_creates_per_s(make_events(baseline_count, seed=4, now=now))
    fsync = fsync_ms(HOME)
    with accord_server() as (port, secret, pid):
        _http_run(port, secret, warm_up, CONCURRENT_CONNECTIONS)  # every worker process started
        runs, cpu = [], [server_cpu_seconds(pid)]
        for bodies, connections in (
            (batches, HTTP_CONNECTIONS),
            (singles, HTTP_CONNECTIONS),
            (many, CONCURRENT_CONNECTIONS),
        ):
            runs.append(_http_run(port, secret, bodies, connections))
            cpu.append(server_cpu_seconds(pid))
    server_cpu = [after - before for before, after in zip(cpu, cpu[1:], strict=False)]
    batch, one, concurrent = runs
    common = {
        "server": f"accord serve --no-worker --workers {SERVER_WORKERS} (uvicorn, httptools, "
        "uvloop), SQLite, 127.0.0.1 keep-alive",
        "client": "one thread, selectors, pre-encoded requests, one in flight per connection",
        "fsync_ms": round(fsync, 2),
        "machine": MACHINE,
    }
    params = {
        "events_sent": batch.requests * 1000,
        "events_accepted": batch.events,
        "batch": 1000,
        "connections": HTTP_CONNECTIONS,
        "seconds": round(batch.seconds, 2),
        "baseline_events": baseline_count,
        "target": "50,000 events/s",
        **_cpu_params(batch, server_cpu[0], 1000, "events"),
        **common,
    }
    base = ("Django ORM Model.objects.create per event, SQLite", baseline)
    one_params = {
        "requests": one.requests,
        "connections": HTTP_CONNECTIONS,
        "seconds": round(one.seconds, 2),
        "target": "2,000 requests/s",
        "fsync_bound_requests_per_s": round(HTTP_CONNECTIONS * 1000 / fsync, 1),
        **_cpu_params(one, server_cpu[1], 1, "request"),
        **common,
    }
    many_params = {
        "requests": concurrent.requests,
        "connections": CONCURRENT_CONNECTIONS,
        "seconds": round(concurrent.seconds, 2),
        "target": "2,000 requests/s",
        **_cpu_params(concurrent, server_cpu[2], 1, "request"),
        **common,
    }
    return [
        figure("http_batch_events", params, batch.events / batch.seconds, "events/s", base),
        figure("http_single_event_requests", one_params, one.requests / one.seconds, "req/s", base),
        figure(
            "http_single_event_requests_concurrent",
            many_params,
            concurrent.requests / concurrent.seconds,
            "req/s",
            base,
        ),
    ]


def _best_of(run: Any, times: int = 3) -> tuple[float, list[Any]]:
    """The fastest of ``times`` runs (the first warms caches and imports) and its rows."""
    best, rows = float("inf"), list[Any]()
    for _ in range(times):
        started = time.perf_counter()
        rows = run()
        best = min(best, time.perf_counter() - started)
    return best, rows


def figure(
    name: str, params: dict[str, Any], value: float, unit: str, base: tuple[str, float]
) -> dict[str, Any]:
    return {
        "name": name,
        "params": params,
        "value": round(value, 3 if unit == "s" else 1),
        "unit": unit,
        "baseline": {"name": base[0], "value": round(base[1], 3 if unit == "s" else 1)},
        "ratio": round(value / base[1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes, under a minute.")
    parser.add_argument("--events", type=int)
    parser.add_argument("--baseline-events", type=int)
    parser.add_argument("--query-events", type=int)
    parser.add_argument("--http-events", type=int)
    parser.add_argument("--single-events", type=int, help="Requests of one event, per figure.")
    parser.add_argument(
        "--only",
        choices=("ingest", "query", "http"),
        help="Run one group of figures; print them without writing the results file.",
    )
    args = parser.parse_args()
    count = args.events or (20_000 if args.quick else 200_000)
    baseline_count = args.baseline_events or (500 if args.quick else 5_000)
    query_count = args.query_events or (50_000 if args.quick else 1_000_000)
    http_count = args.http_events or (20_000 if args.quick else 400_000)
    single_count = args.single_events or (1_000 if args.quick else 10_000)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    django.setup()
    from accord.commands import migrate

    migrate()
    figures = []
    if args.only in (None, "ingest"):
        figures.append(bench_ingest(count, baseline_count))
    if args.only in (None, "query"):
        figures.append(bench_query(query_count))
    if args.only in (None, "http"):
        figures += bench_http(http_count, single_count, baseline_count)
    if args.only is None:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for item in figures:
        print(json.dumps(item))
    return 0


if __name__ == "__main__":
    sys.exit(main())
