"""``accord warehouse``: flush, stats, compact, retention and a demo/benchmark event generator."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from accord.cli import setup_django

if TYPE_CHECKING:
    from accord.accounts.models import Workspace


def register(sub: Any) -> None:
    warehouse = sub.add_parser("warehouse", help="Event warehouse maintenance.").add_subparsers(
        dest="warehouse_command", required=True
    )
    p = warehouse.add_parser("flush", help="Write every accepted event to the warehouse now.")
    _workspaces(p)
    p.set_defaults(func=cmd_flush)

    p = warehouse.add_parser("stats", help="Count the distinct events stored in the warehouse.")
    p.add_argument("--workspace", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true", help="Print one JSON object.")
    p.set_defaults(func=cmd_stats)

    p = warehouse.add_parser("compact", help="Merge each day's files into one.")
    _workspaces(p)
    p.set_defaults(func=cmd_compact)

    p = warehouse.add_parser("retention", help="Drop days older than the retention.")
    _workspaces(p)
    p.add_argument("--set-days", type=int, metavar="N", help="First set the retention to N days.")
    p.set_defaults(func=cmd_retention)

    p = warehouse.add_parser("demo", help="Generate demo events straight into the warehouse.")
    p.add_argument("--workspace", required=True, metavar="SLUG")
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--replace", action="store_true", help="Delete the workspace's events first.")
    p.set_defaults(func=cmd_demo)


def _workspaces(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="SLUG", help="One workspace (default: all).")


def _selected(args: argparse.Namespace) -> list[Workspace] | None:
    """The workspaces a command targets, or None (after an error message) for an unknown slug."""
    from accord.accounts.models import Workspace

    if not getattr(args, "workspace", None):
        return list(Workspace.objects.order_by("slug"))
    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        print(f"error: no workspace {args.workspace!r}", file=sys.stderr)
        return None
    return [workspace]


def cmd_flush(args: argparse.Namespace) -> int:
    setup_django()
    from accord.warehouse.actions import flush_inbox

    workspaces = _selected(args)
    if workspaces is None:
        return 2
    for workspace in workspaces:
        result = flush_inbox(workspace)
        print(
            f"{workspace.slug}: {result.written} events written in {result.files} files, "
            f"{result.skipped_duplicates} already stored."
        )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    setup_django()
    from accord.warehouse.queries import warehouse_stats

    workspaces = _selected(args)
    if workspaces is None:
        return 2
    stats = warehouse_stats(workspaces[0])
    if args.json:
        print(json.dumps({"workspace": workspaces[0].slug, **stats.as_json()}, sort_keys=True))
        return 0
    print(f"{stats.events} events ({stats.bot_events} from bots) in {stats.files} files")
    for kind, count in stats.by_kind.items():
        print(f"  {kind:<20} {count}")
    print(f"{stats.pending} waiting in the inbox")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    setup_django()
    from accord.warehouse.actions import compact_workspace

    workspaces = _selected(args)
    if workspaces is None:
        return 2
    for workspace in workspaces:
        result = compact_workspace(workspace)
        print(
            f"{workspace.slug}: {result.days} days compacted, "
            f"{result.files_before} files → {result.files_after}."
        )
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    setup_django()
    from accord.accounts.access import WorkspaceAccess
    from accord.warehouse.actions import apply_retention, set_retention

    workspaces = _selected(args)
    if workspaces is None:
        return 2
    if args.set_days is not None and args.set_days < 1:
        print("error: --set-days must be at least 1", file=sys.stderr)
        return 2
    for workspace in workspaces:
        if args.set_days is not None:
            set_retention(WorkspaceAccess.system(workspace, "cli"), args.set_days)
        result = apply_retention(workspace)
        print(
            f"{workspace.slug}: keeping {result.retention_days} days, "
            f"{len(result.dropped_days)} days dropped."
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    setup_django()
    from accord.warehouse.demo import build_demo_events, demo_contact_ids

    workspaces = _selected(args)
    if workspaces is None:
        return 2
    workspace = workspaces[0]
    written = build_demo_events(
        workspace,
        demo_contact_ids(workspace),
        seed=args.seed,
        events=args.events,
        replace=args.replace,
    )
    print(f"{workspace.slug}: {written} demo events in the warehouse.")
    return 0
