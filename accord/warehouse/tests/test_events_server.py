"""``POST /api/v1/events`` through a real ``accord serve`` on loopback (the group-commit path).

One server of two worker processes (its own ACCORD_HOME and SQLite database, whatever
DATABASE_URL the tests run on) serves the module; each test uses fresh event ids.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Server:
    port: int
    home: Path
    writer: str
    viewer: str
    env: dict[str, str]


def _env(home: Path, rate_limit: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env.update(
        ACCORD_HOME=str(home),
        ACCORD_API_RATE_LIMIT=str(rate_limit),
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
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_until_up(port: int) -> None:
    """Wait until a worker answers (the socket accepts before the workers have started)."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/api/v1/openapi.json")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("accord serve did not start")


def _serve(home: Path, rate_limit: int) -> Iterator[Server]:
    env = _env(home, rate_limit)
    _cli(env, "migrate")
    _cli(env, "workspace", "create", "srv", "--name", "Server")
    writer = _cli(env, "tokens", "create", "--workspace", "srv", "--name", "w", "--role", "owner")
    viewer = _cli(env, "tokens", "create", "--workspace", "srv", "--name", "v", "--role", "viewer")
    port = _free_port()
    command = [sys.executable, "-m", "accord.cli", "serve", "--no-worker", "--port", str(port)]
    command += ["--workers", "2"]  # two processes: ids, counts and limits shared through the DB
    server = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_up(port)
        yield Server(port, home, writer, viewer, env)
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from _serve(tmp_path_factory.mktemp("events-server"), 1_000_000)


def event(**fields: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "ts": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "kind": "page_view",
        "anonymous_id": "v-1",
    }
    raw.update(fields)
    return raw


def post(
    server: Server, body: bytes, secret: str | None = None
) -> tuple[int, dict[str, Any], dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    try:
        connection.request("POST", "/api/v1/events", body=body, headers=headers)
        response = connection.getresponse()
        payload = json.loads(response.read())
        return response.status, payload, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def pending(server: Server) -> int:
    stats = json.loads(
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "accord.cli", "warehouse", "stats", "--workspace", "srv"]
            + ["--json"],
            env=server.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    )
    count: int = stats["pending"]
    return count


def test_a_batch_is_stored_and_sent_again_counts_as_duplicates(server: Server) -> None:
    before = pending(server)
    events = [event(), event(), event(user_agent="Googlebot/2.1"), {"kind": "page_view"}]
    body = json.dumps({"events": events}).encode()

    status, payload, headers = post(server, body, server.writer)
    again = post(server, body, server.writer)

    assert status == 200
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert payload == {
        "accepted": 3,
        "duplicates": 0,
        "bots": 1,
        "rejected": [
            {
                "index": 3,
                "reason": "missing_event_id",
                "detail": "event_id is required (a UUID, the idempotency key).",
            }
        ],
    }
    assert again[:2] == (200, {**payload, "accepted": 0, "duplicates": 3, "bots": 0})
    assert pending(server) == before + 3


def test_concurrent_single_event_requests_are_each_stored_once(server: Server) -> None:
    before = pending(server)
    shared = event()  # sent by every thread: stored once, a duplicate for all the others
    answers: list[dict[str, Any]] = []
    lock = threading.Lock()

    def send(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        headers = {"Authorization": f"Bearer {server.writer}"}
        for body in [{"events": [event()]} for _ in range(count)] + [{"events": [shared]}]:
            connection.request("POST", "/api/v1/events", json.dumps(body).encode(), headers)
            response = connection.getresponse()
            assert response.status == 200
            with lock:
                answers.append(json.loads(response.read()))
        connection.close()

    threads = [threading.Thread(target=send, args=(10,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 8 * 11
    assert sum(answer["accepted"] for answer in answers) == 8 * 10 + 1
    assert sum(answer["duplicates"] for answer in answers) == 7
    assert pending(server) == before + 81


def test_bad_bodies_keep_their_specific_errors(server: Server) -> None:
    malformed = post(server, b"{not json", server.writer)
    not_a_batch = post(server, b'{"items": []}', server.writer)
    too_many = post(server, json.dumps({"events": [{}] * 1001}).encode(), server.writer)

    assert malformed[0] == 400
    assert malformed[1]["error"]["code"] == "malformed_json"
    assert not_a_batch[:2] == (
        422,
        {
            "error": {
                "code": "invalid",
                "message": 'The body must be {"events": [...]}.',
                "fields": {"events": ["A list of events is required."]},
            }
        },
    )
    assert too_many[0] == 413
    assert too_many[1]["error"]["code"] == "too_many_events"


def test_a_missing_or_unknown_token_is_unauthenticated_and_stores_nothing(server: Server) -> None:
    before = pending(server)
    body = json.dumps({"events": [event()]}).encode()

    anonymous = post(server, body)
    unknown = post(server, body, "acc_not-a-real-token")

    for status, payload, headers in (anonymous, unknown):
        assert status == 401
        assert headers["www-authenticate"] == "Bearer"
        assert payload["error"]["code"] == "unauthenticated"
    assert pending(server) == before


def test_a_role_without_events_write_is_forbidden_and_stores_nothing(server: Server) -> None:
    before = pending(server)

    status, payload, _ = post(server, json.dumps({"events": [event()]}).encode(), server.viewer)

    assert status == 403
    assert payload["error"]["code"] == "forbidden"
    assert pending(server) == before


def test_a_token_over_its_rate_limit_gets_429_and_stores_nothing(
    tmp_path: Path,
) -> None:
    for limited in _serve(tmp_path / "home", 2):
        answers = [
            post(limited, json.dumps({"events": [event()]}).encode(), limited.writer)
            for _ in range(3)
        ]

        assert [status for status, _, _ in answers] == [200, 200, 429]
        assert answers[2][1] == {
            "error": {
                "code": "rate_limited",
                "message": "Too many requests for this token.",
                "fields": {},
            }
        }
        assert 1 <= int(answers[2][2]["retry-after"]) <= 60
        assert pending(limited) == 2
