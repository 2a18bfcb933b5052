"""Evaluate Vale ``metric`` formulas and conditions safely (arithmetic on named counts).

A formula is a Tengo expression such as ``(words / sentences) + math.sqrt(syllables)``; it is
parsed once with Python's ``ast`` (``&&``, ``||`` and ``!`` rewritten) and only numbers, the
known variables, arithmetic, comparisons and ``math`` functions are allowed.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from accord.brand.rules.base import RuleError

__all__ = ["VARIABLES", "Formula", "FormulaError"]

VARIABLES = frozenset(
    """words sentences syllables characters polysyllabic_words complex_words long_words
    paragraphs pre list blockquote heading_h1 heading_h2 heading_h3 heading_h4 heading_h5
    heading_h6""".split()
)
_HEADING = re.compile(r"heading\.(h[1-6])")
_FUNCTIONS: dict[str, Callable[..., float]] = {
    name: getattr(math, name)
    for name in ("sqrt pow log log10 log2 exp floor ceil fabs trunc sin cos tan atan hypot".split())
}
_FUNCTIONS["abs"] = abs
_FUNCTIONS["min"] = min
_FUNCTIONS["max"] = max


class FormulaError(ValueError):
    """A formula cannot be evaluated (division by zero, math domain error)."""


def _python_syntax(expression: str) -> str:
    text = _HEADING.sub(r"heading_\1", expression.strip())
    text = text.replace("&&", " and ").replace("||", " or ")
    return re.sub(r"!(?!=)", " not ", text)


def _check(node: ast.AST, names: frozenset[str]) -> None:
    """Reject any syntax a formula may not use."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id not in names:
            raise RuleError(f"unknown variable '{child.id}' in formula")
        if isinstance(child, ast.Pow):
            raise RuleError("use math.pow(x, y) rather than ** in a formula")
        if isinstance(child, ast.Call) and not isinstance(child.func, ast.Attribute):
            raise RuleError("only math functions may be called in a formula")
        if isinstance(child, ast.Attribute) and not (
            isinstance(child.value, ast.Name)
            and child.value.id == "math"
            and child.attr in _FUNCTIONS
        ):
            raise RuleError("only math functions may be called in a formula")
        allowed = (
            ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Call,
            ast.Name, ast.Attribute, ast.Constant, ast.Load, ast.operator, ast.unaryop,
            ast.cmpop, ast.boolop,
        )  # fmt: skip
        if not isinstance(child, allowed):
            raise RuleError(f"'{type(child).__name__}' is not allowed in a formula")


class _Math:
    """The ``math`` module as formulas see it: only the allowed functions."""

    def __getattr__(self, name: str) -> Callable[..., float]:
        return _FUNCTIONS[name]


_GLOBALS: dict[str, Any] = {"__builtins__": {}, "math": _Math()}


@dataclass(frozen=True)
class Formula:
    """A parsed, checked formula."""

    source: str
    code: Any

    @classmethod
    def parse(cls, expression: str, extra: tuple[str, ...] = ()) -> Formula:
        """Parse and check ``expression`` (``extra``: more variable names it may use)."""
        try:
            tree = ast.parse(_python_syntax(expression), mode="eval")
        except SyntaxError as error:
            raise RuleError(f"invalid formula {expression!r}: {error.msg}") from error
        names = VARIABLES | {"math", *extra}
        _check(tree, names)
        return cls(expression, compile(tree, "<formula>", "eval"))

    def evaluate(self, values: Mapping[str, float]) -> Any:
        """Return the formula's value; raise ``FormulaError`` on a math error.

        A missing variable counts as 0.
        """
        try:
            # The tree was checked by _check: only numbers, known names, arithmetic,
            # comparisons and math functions; no builtins are reachable.
            return eval(self.code, _GLOBALS, _Defaults(values))  # noqa: S307
        except (ZeroDivisionError, ValueError, OverflowError, TypeError) as error:
            raise FormulaError(str(error)) from error


class _Defaults(dict[str, Any]):
    """Variables for ``eval``: a name not given is 0."""

    def __missing__(self, key: str) -> float:
        if key == "math":
            raise KeyError(key)  # found in the globals instead
        return 0.0
