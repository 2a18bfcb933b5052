"""``accord serve`` runs the web server and the worker, and Ctrl-C stops both."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _health(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
            body: dict[str, object] = json.load(response)
            return body
    except urllib.error.HTTPError as error:  # 503 while the worker is not up yet
        degraded: dict[str, object] = json.load(error)
        return degraded
    except OSError:
        return None


def _workers_of(home: Path) -> list[int]:
    """PIDs of `accord worker` processes whose ACCORD_HOME is ``home``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if b"worker" in cmdline and f"ACCORD_HOME={home}".encode() in environ:
            pids.append(int(proc.name))
    return pids


@pytest.mark.skipif(not Path("/proc").exists(), reason="needs /proc to find the worker")
def test_serve_answers_health_with_its_worker_and_stops_both_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "ACCORD_HOME": str(tmp_path), "ACCORD_HUEY_IMMEDIATE": "0"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "accord.cli", "migrate"], env=env, check=True, capture_output=True
    )  # noqa: S603
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "accord.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(60):
            body = _health(port)
            if body is not None and body.get("status") == "ok":
                break
            time.sleep(0.5)
        assert body is not None
        assert body["status"] == "ok"
        assert _workers_of(tmp_path)

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
        for _ in range(40):
            if not _workers_of(tmp_path):
                break
            time.sleep(0.25)
        assert _workers_of(tmp_path) == []
    finally:
        if server.poll() is None:
            server.kill()
