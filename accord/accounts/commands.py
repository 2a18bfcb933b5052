"""``accord workspace`` and ``accord tokens`` commands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from accord.cli import setup_django


def register(sub: Any) -> None:
    workspace = sub.add_parser("workspace", help="Manage workspaces.").add_subparsers(
        dest="workspace_command", required=True
    )
    p = workspace.add_parser("create", help="Create a workspace (one per brand).")
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--language", choices=["fr", "en"], default="fr")
    p.add_argument("--owner", help="Username to make owner of the workspace.")
    p.set_defaults(func=cmd_workspace_create)

    tokens = sub.add_parser("tokens", help="Manage API tokens.").add_subparsers(
        dest="tokens_command", required=True
    )
    p = tokens.add_parser("create", help="Create an API token; prints it on the last line.")
    p.add_argument("--workspace", required=True)
    p.add_argument("--name", required=True)
    p.add_argument(
        "--role",
        default="marketing",
        choices=["owner", "marketing", "communication", "brand_reviewer", "crisis_lead", "viewer"],
    )
    p.set_defaults(func=cmd_tokens_create)


def cmd_workspace_create(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from accord.accounts.access import Actor
    from accord.accounts.actions import create_workspace
    from accord.accounts.models import User

    actor = Actor.system("cli")
    if args.owner:
        user = User.objects.filter(username=args.owner).first()
        if user is None:
            print(f"error: no user named {args.owner!r}", file=sys.stderr)
            return 2
        actor = Actor.for_user(user)
    try:
        workspace = create_workspace(args.slug, args.name, actor, language=args.language)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            print(f"error: {field}: {' '.join(errors)}", file=sys.stderr)
        return 2
    print(f"Created workspace {workspace.slug} ({workspace.name}).")
    return 0


def cmd_tokens_create(args: argparse.Namespace) -> int:
    setup_django()
    from accord.accounts.access import WorkspaceAccess
    from accord.accounts.actions import create_api_token
    from accord.accounts.models import Workspace
    from accord.accounts.roles import Role

    workspace = Workspace.objects.filter(slug=args.workspace).first()
    if workspace is None:
        print(f"error: no workspace {args.workspace!r}", file=sys.stderr)
        return 2
    issued = create_api_token(WorkspaceAccess.system(workspace, "cli"), args.name, Role(args.role))
    token = issued.token
    print(f"Token {token.name!r} for {workspace.slug} (role {token.role}). Keep it secret:")
    print(issued.secret)
    return 0
