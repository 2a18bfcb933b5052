"""``accord segments``: list segments, evaluate one, refresh every dynamic segment."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any

from accord.cli import setup_django
from accord.segments.persona_commands import register_personas

if TYPE_CHECKING:
    from accord.accounts.models import Workspace

SHOWN_IDS = 100


def register(subparsers: Any) -> None:
    """Add the ``segments`` command group."""
    segments = subparsers.add_parser("segments", help="Segments: list, evaluate, refresh.")
    sub = segments.add_subparsers(dest="segments_command", required=True)
    register_personas(sub)

    p = sub.add_parser("list", help="List a workspace's segments with their sizes.")
    p.add_argument("--workspace", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true", help="Print one JSON object per line.")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("eval", help="Evaluate a segment now and print its size and members.")
    p.add_argument("segment", metavar="SEGMENT", help="The segment's slug.")
    p.add_argument("--workspace", required=True, metavar="SLUG")
    p.add_argument("--json", action="store_true", help="Print one JSON object.")
    p.add_argument(
        "--dry-run", action="store_true", help="Evaluate a dynamic segment without saving."
    )
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("refresh", help="Re-evaluate the dynamic segments (what the worker does).")
    p.add_argument("--workspace", metavar="SLUG", help="One workspace (default: all).")
    p.set_defaults(func=cmd_refresh)


def _workspace(slug: str) -> Workspace | None:
    from accord.accounts.models import Workspace

    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        print(f"error: no workspace {slug!r}", file=sys.stderr)
    return workspace


def cmd_list(args: argparse.Namespace) -> int:
    setup_django()
    from accord.segments.queries import segments

    workspace = _workspace(args.workspace)
    if workspace is None:
        return 2
    for segment in segments(workspace):
        evaluated = segment.evaluated_at.isoformat() if segment.evaluated_at else None
        if args.json:
            row = {
                "segment": segment.slug,
                "name": segment.name,
                "kind": segment.kind,
                "size": segment.size,
                "evaluated_at": evaluated,
            }
            print(json.dumps(row, sort_keys=True))
        else:
            print(f"{segment.slug:<40} {segment.kind:<8} {segment.size:>9}  {evaluated or '-'}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    setup_django()
    from django.utils import timezone

    from accord.segments import actions, queries
    from accord.segments.evaluation import matching_ids
    from accord.segments.models import Segment, SegmentKind
    from accord.segments.rules import RuleError, parse_rule

    workspace = _workspace(args.workspace)
    if workspace is None:
        return 2
    try:
        segment = queries.get_segment(workspace, args.segment)
    except Segment.DoesNotExist:
        print(f"error: no segment {args.segment!r} in {workspace.slug!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    result: dict[str, Any] = {"segment": segment.slug, "kind": segment.kind, "saved": False}
    try:
        if segment.kind != SegmentKind.DYNAMIC:
            ids = queries.member_ids(segment)
            result.update(size=len(ids), evaluated_at=_iso(segment.evaluated_at))
        elif args.dry_run:
            now = timezone.now()
            ids = matching_ids(workspace, parse_rule(segment.rule), now=now).tolist()
            result.update(size=len(ids), evaluated_at=now.isoformat())
        else:
            change = actions.refresh_segment(segment)
            ids = queries.member_ids(segment, SHOWN_IDS)
            result.update(
                size=change.size,
                evaluated_at=change.at.isoformat(),
                saved=True,
                entered=change.entered,
                left=change.left,
            )
    except RuleError as exc:
        print(f"error: the rule is invalid at {exc.path}: {exc.reason}", file=sys.stderr)
        return 1
    result.update(contact_ids=ids[:SHOWN_IDS], seconds=round(time.perf_counter() - started, 3))
    _print_eval(result, args.json)
    return 0


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _print_eval(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, sort_keys=True))
        return
    print(f"{result['segment']}: {result['size']} contacts (evaluated {result['evaluated_at']})")
    if "entered" in result:
        print(f"  {result['entered']} entered, {result['left']} left")
    print(f"  first ids: {' '.join(str(i) for i in result['contact_ids'][:20]) or '-'}")


def cmd_refresh(args: argparse.Namespace) -> int:
    setup_django()
    from accord.segments.actions import refresh_dynamic_segments, refresh_workspace

    if args.workspace:
        workspace = _workspace(args.workspace)
        if workspace is None:
            return 2
        count = refresh_workspace(workspace)
    else:
        count = refresh_dynamic_segments()
    print(f"{count} dynamic segments refreshed.")
    return 0
