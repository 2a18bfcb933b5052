"""Helpers for the brand linter tests: build a rule from a dict, lint, format alerts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from accord.brand import Alert, lint_text
from accord.brand.formats import Format
from accord.brand.rules import Rule, Unsupported, build_rule

FIXTURES = Path(__file__).parent / "fixtures"

Linter = Callable[..., list[str]]


def make_rule(name: str, data: Mapping[str, Any], accepted: tuple[str, ...] = ()) -> Rule:
    """Build a rule that must be supported."""
    rule = build_rule(name, data, accepted)
    assert not isinstance(rule, Unsupported), rule
    return rule


def lines(alerts: list[Alert]) -> list[str]:
    """Format alerts as ``line:col:Check:message``."""
    return [f"{a.line}:{a.column}:{a.check}:{a.message}" for a in alerts]


@pytest.fixture
def lint() -> Linter:
    """Lint ``text`` with one rule built from ``data``; return ``line:col:Check:message``."""

    def run(data: Mapping[str, Any], text: str, fmt: Format = "text", **options: Any) -> list[str]:
        rule = make_rule(options.pop("name", "Test.Rule"), data, options.pop("accepted", ()))
        return lines(lint_text(text, [rule], fmt, **options))

    return run


@pytest.fixture
def fixtures() -> Path:
    """Return the fixtures folder."""
    return FIXTURES
