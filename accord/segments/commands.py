"""``accord segments ...``: evaluate segments from the command line."""

from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``segments`` command group (filled in by the segments app's commands)."""
