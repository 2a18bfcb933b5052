"""``accord contacts import`` and ``accord contacts export``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from accord.cli import setup_django


def register(sub: Any) -> None:
    contacts = sub.add_parser("contacts", help="Import and export contacts.").add_subparsers(
        dest="contacts_command", required=True
    )
    p = contacts.add_parser(
        "import",
        help="Import or update contacts from a CSV file (matched on email).",
        description="Rejected rows go to an error report CSV; the exit code is 0 even then.",
    )
    p.add_argument("file")
    p.add_argument("--workspace", required=True, help="Workspace slug.")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="Map a column to a field (email, first_name, …, properties.KEY or ignore); repeat.",
    )
    p.add_argument("--json", action="store_true", help="Print one JSON object with the counts.")
    p.set_defaults(func=cmd_import)

    p = contacts.add_parser("export", help="Write every contact of a workspace to a CSV file.")
    p.add_argument("--workspace", required=True, help="Workspace slug.")
    p.add_argument("--output", required=True, help="CSV file to write ('-' for stdout).")
    p.set_defaults(func=cmd_export)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def parse_map(items: list[str]) -> dict[str, str]:
    """Turn ['Courriel=email', …] into {'Courriel': 'email'}; raise ValueError when malformed."""
    mapping = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise ValueError(f"--map {item!r} is not COLUMN=FIELD.")
        mapping[column.strip()] = target.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    setup_django()
    from accord.accounts.access import WorkspaceAccess
    from accord.accounts.models import Workspace
    from accord.contacts.importing import ImportSetupError, import_contacts

    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        return _fail(f"no workspace {args.workspace!r}")
    try:
        mapping = parse_map(args.map)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        result = import_contacts(
            WorkspaceAccess.system(workspace, "cli"), args.file, mapping=mapping
        )
    except ImportSetupError as exc:
        return _fail(" ".join(exc.messages))
    if args.json:
        print(json.dumps(result.as_json()))
        return 0
    print(
        f"Imported {result.file_name} into {workspace.slug}: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged, {result.rejected} rejected."
    )
    if result.error_report:
        print(f"Rejected rows and their reasons: {result.error_report}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    setup_django()
    from accord.accounts.models import Workspace
    from accord.contacts.exporting import export_contacts_csv

    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        return _fail(f"no workspace {args.workspace!r}")
    if args.output == "-":
        count = export_contacts_csv(workspace, sys.stdout)
    else:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as handle:
                count = export_contacts_csv(workspace, handle)
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
        print(f"Exported {count} contacts of {workspace.slug} to {args.output}.")
    return 0
