"""Typed access to a rule's YAML fields, with Vale's lenient conversions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.brand.rules.base import RuleError

__all__ = ["Fields", "as_text"]


def as_text(value: Any) -> str:
    """Return a YAML scalar as Vale reads it into a string (``true`` → "true", 3 → "3")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


@dataclass(frozen=True)
class Fields:
    """A rule definition as parsed from YAML."""

    data: Mapping[str, Any]

    def has(self, key: str) -> bool:
        """Tell whether ``key`` is set."""
        return self.data.get(key) is not None

    def string(self, key: str, default: str = "") -> str:
        """Return a string field."""
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, list | dict):
            raise RuleError(f"'{key}' must be a string")
        return as_text(value)

    def strings(self, key: str) -> list[str]:
        """Return a list field (a single string counts as a one-item list)."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [as_text(item) for item in value if item is not None]
        if isinstance(value, dict):
            raise RuleError(f"'{key}' must be a list")
        return [as_text(value)]

    def flag(self, key: str, default: bool = False) -> bool:
        """Return a boolean field ("true", "yes" and 1 count as true)."""
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return value.strip().lower() in {"true", "yes", "on", "1"}
        return bool(value)

    def number(self, key: str, default: float = 0.0) -> float:
        """Return a numeric field."""
        value = self.data.get(key)
        if value is None:
            return default
        try:
            return float(value)
        except (TypeError, ValueError) as error:
            raise RuleError(f"'{key}' must be a number") from error

    def integer(self, key: str, default: int = 0) -> int:
        """Return an integer field."""
        return int(self.number(key, default))

    def pairs(self, key: str) -> list[tuple[str, str]]:
        """Return a map field as (key, value) pairs in file order."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, dict):
            raise RuleError(f"'{key}' must be a map")
        return [(as_text(left), as_text(right)) for left, right in value.items()]
