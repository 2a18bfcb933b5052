"""Vale's built-in style ``Vale``: Terms, Avoid and Repetition (Spelling is not supported)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from accord.brand.alerts import Level
from accord.brand.rules.base import Rule
from accord.brand.rules.loader import Unsupported, build_rule

__all__ = ["builtin_rules"]


def _definitions(accepted: Sequence[str], rejected: Sequence[str]) -> dict[str, dict[str, Any]]:
    definitions: dict[str, dict[str, Any]] = {
        "Vale.Repetition": {
            "extends": "repetition",
            "level": "error",
            "message": "'%s' is repeated!",
            "scope": "text",
            "ignorecase": True,
            "alpha": True,
            "action": {"name": "edit", "params": ["truncate", " "]},
            "tokens": [r"[^\s.!?]+"],
        },
        "Vale.Spelling": {"extends": "spelling", "message": "Did you really mean '%s'?"},
    }
    if accepted:
        definitions["Vale.Terms"] = {
            "extends": "substitution",
            "level": "error",
            "message": "Use '%s' instead of '%s'.",
            "scope": "text",
            "ignorecase": True,
            "vocab": False,
            "swap": {term.lower(): term for term in accepted},
        }
    if rejected:
        definitions["Vale.Avoid"] = {
            "extends": "existence",
            "level": "error",
            "message": "Avoid using '%s'.",
            "scope": "text",
            "ignorecase": False,
            "tokens": list(rejected),
        }
    return definitions


def builtin_rules(
    accepted: Sequence[str],
    rejected: Sequence[str],
    levels: Mapping[str, Level] | None = None,
) -> list[Rule | Unsupported]:
    """Build the ``Vale`` style's rules for a vocabulary (``levels`` overrides by rule name)."""
    levels = levels or {}
    return [
        build_rule(name, data, accepted, levels.get(name))
        for name, data in _definitions(accepted, rejected).items()
    ]
