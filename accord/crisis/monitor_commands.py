"""``accord crisis monitor``: run the spike monitor for one workspace now (what the task does)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any


def register_monitor(commands: Any) -> None:
    """Add ``monitor`` to the subparsers of the ``crisis`` command group."""
    monitor = commands.add_parser(
        "monitor",
        help="read new mention buckets through the spike detectors and record alerts",
        description=(
            "Advance every series (volume, negative volume, net sentiment; 5-minute, hourly "
            "and daily; the workspace and each active query) of WORKSPACE to now, grouping "
            "anomalies into alerts. Safe to run repeatedly: a bucket is read once."
        ),
    )
    monitor.add_argument("--workspace", required=True, metavar="SLUG")
    monitor.add_argument(
        "--now", metavar="ISO8601", help="pretend it is this moment (with a time zone)"
    )
    monitor.set_defaults(func=run_monitor_command)


def _parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("--now needs a time zone, e.g. 2026-01-31T12:00:00+00:00")
    return moment


def run_monitor_command(args: argparse.Namespace) -> int:
    """Run the monitor for ``args.workspace``; print what it did; return the exit code."""
    from accord.cli import setup_django

    setup_django()
    from accord.accounts.models import Workspace
    from accord.crisis.monitor import run_monitor

    try:
        now = _parse_now(args.now)
    except ValueError as error:
        print(f"accord crisis monitor: {error}", file=sys.stderr)
        return 2
    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        print(f"accord crisis monitor: no workspace {args.workspace!r}", file=sys.stderr)
        return 2
    run = run_monitor(workspace, now=now)
    print(
        f"{run.series} series advanced, {run.points} buckets read, {run.findings} anomalous "
        f"points, {run.opened} alerts opened, {run.grown} grown"
    )
    return 0
