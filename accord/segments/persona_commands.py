"""``accord segments personas --workspace WS``: recompute a workspace's personas and print them.

Imports nothing from Django at module level: the ``accord`` parser is built before setup.
"""

from __future__ import annotations

import argparse
import sys


def register_personas(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``personas`` to the ``accord segments`` sub-commands."""
    personas = commands.add_parser(
        "personas",
        help="Recompute the personas of a workspace and save them as segments.",
        description="Cluster the workspace's contacts, save the personas as segments, print them.",
    )
    personas.add_argument("--workspace", required=True, metavar="SLUG", help="Workspace slug.")
    personas.add_argument(
        "--language", choices=("fr", "en"), default=None, help="Language of the printout."
    )
    personas.set_defaults(func=run_personas)


def run_personas(args: argparse.Namespace) -> int:
    """Exit 0 on success, 1 without enough activity to cluster, 2 for an unknown workspace."""
    from accord.cli import setup_django

    setup_django()
    from accord.accounts.access import WorkspaceAccess
    from accord.accounts.models import Workspace
    from accord.segments.personas import PersonaError, refresh_personas

    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        print(f"No workspace with slug {args.workspace!r}.", file=sys.stderr)
        return 2
    try:
        personas = refresh_personas(WorkspaceAccess.system(workspace, "cli"))
    except PersonaError as error:
        print(str(error), file=sys.stderr)
        return 1
    language = args.language or workspace.language
    for persona in personas:
        print(f"{persona.size:>8}  {persona.name(language)}")
        print(f"          {persona.description(language)}")
    if personas:
        method = personas[0].method
        print(f"k = {method.get('k')}, silhouette {method.get('silhouette')}")
    return 0
