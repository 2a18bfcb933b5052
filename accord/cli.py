"""The ``accord`` command: one entry point whose command groups live in each app's commands.py."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

# Each module defines ``register(subparsers)``; it adds its parser(s) and sets ``func``
# (a callable taking the parsed namespace and returning an exit code).
COMMAND_MODULES = [
    "accord.commands",
    "accord.accounts.commands",
    "accord.contacts.commands",
    "accord.warehouse.commands",
    "accord.brand.commands",
    "accord.segments.commands",
    "accord.crisis.commands",
    "accord.listening.commands",
]


def setup_django() -> None:
    """Configure Django once; commands that touch the database call this first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accord", description="Accord: marketing and communication, as one."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
