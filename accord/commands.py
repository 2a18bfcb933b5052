"""Platform commands: migrate, serve, worker, createadmin, demo."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import threading
from typing import Any

from accord.cli import setup_django


def register(sub: Any) -> None:
    p = sub.add_parser("migrate", help="Create or upgrade the database schema.")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="Run the web server and the background worker together.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--no-worker", action="store_true", help="Do not start a worker beside the server."
    )
    p.add_argument("--workers", type=int, default=1, help="Web server processes (uvicorn workers).")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="Run the background worker (Huey consumer).")
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("createadmin", help="Create a superuser login.")
    p.add_argument("--username", required=True)
    p.add_argument("--email", default="")
    p.add_argument("--password", help="Read from ACCORD_ADMIN_PASSWORD or asked when omitted.")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("demo", help="Build the demo company, then serve it.")
    p.add_argument("--contacts", type=int, default=5000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--events", type=int, default=1_000_000, help="Warehouse events to generate.")
    p.add_argument("--no-serve", action="store_true")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)


def migrate(verbosity: int = 0) -> None:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def cmd_migrate(args: argparse.Namespace) -> int:
    migrate(verbosity=1)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run the Huey consumer until SIGINT/SIGTERM; a side thread beats for /healthz."""
    setup_django()
    from huey.contrib.djhuey import HUEY

    from accord.web.health import beat

    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.is_set():
            beat()
            stop.wait(15)

    threading.Thread(target=heartbeat, daemon=True, name="heartbeat").start()
    consumer = HUEY.create_consumer(workers=args.workers, worker_type="thread", periodic=True)
    try:
        consumer.run()
    finally:
        stop.set()
    return 0


def serve(host: str, port: int, with_worker: bool = True, workers: int = 1) -> int:
    """Run uvicorn in this process and a worker in a child; Ctrl-C stops both."""
    setup_django()
    worker: subprocess.Popen[bytes] | None = None
    if with_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "accord.cli", "worker"], env=os.environ.copy()
        )  # noqa: S603
    try:
        _run_uvicorn(host, port, max(1, workers))
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def _run_uvicorn(host: str, port: int, workers: int) -> None:
    """Serve accord.asgi in this process, or in ``workers`` processes sharing one socket.

    With several workers, uvicorn binds the socket itself with protocol 0, so asyncio does not
    set TCP_NODELAY on accepted connections and each small response waits on the client's
    delayed ACK (measured: 40 single-event requests/s instead of 360 on one connection). The
    socket is bound here as a TCP one instead; the workers inherit it.

    The HTTP parser and the event loop are the C ones (httptools, uvloop): with uvicorn's
    pure-Python h11 parser and asyncio's loop, one single-event request cost about twice the
    server CPU (measured in docs/decisions/0004-ingestion-throughput.md).
    """
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "accord.asgi:application",
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        workers=workers,
        http="httptools",
        loop="asyncio" if sys.platform == "win32" else "uvloop",  # uvloop has no Windows build
    )
    try:
        if workers == 1:
            uvicorn.Server(config).run()
            return
        bound = config.bind_socket()
        sock = socket.socket(bound.family, bound.type, socket.IPPROTO_TCP, fileno=bound.detach())
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled (as uvicorn.run does)
        pass


def cmd_serve(args: argparse.Namespace) -> int:
    print(f"Accord is running at http://{args.host}:{args.port}/  (Ctrl-C to stop)", flush=True)
    workers = getattr(args, "workers", 1)  # `accord demo` serves with one
    return serve(args.host, args.port, with_worker=not args.no_worker, workers=workers)


def cmd_createadmin(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from accord.accounts.actions import create_user

    password = args.password or os.environ.get("ACCORD_ADMIN_PASSWORD") or getpass.getpass()
    try:
        create_user(args.username, password, email=args.email, is_superuser=True)
    except ValidationError as exc:
        print(f"error: {'; '.join(exc.messages)}", file=sys.stderr)
        return 2
    print(f"Created admin {args.username}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, build the demo company (idempotent for a seed), print the login, serve."""
    migrate()
    from accord.demo import build_demo

    demo = build_demo(contacts=args.contacts, seed=args.seed, events=args.events)
    url = f"http://{args.host}:{args.port}/"
    print(f"Demo company: {demo.workspace_name} (workspace: {demo.workspace_slug})")
    print(f"{demo.contacts} contacts, {demo.events} events in the warehouse")
    print(f"Sign in at {url} as {demo.username} / {demo.password}", flush=True)
    if args.no_serve:
        return 0
    return cmd_serve(args)
