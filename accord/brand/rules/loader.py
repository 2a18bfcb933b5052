"""Build rules from Vale YAML definitions, and read style folders."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from accord.brand.alerts import LEVELS, Level
from accord.brand.regex import PatternError
from accord.brand.rules.base import Action, Rule, RuleError, RuleInfo
from accord.brand.rules.capitalization import build_capitalization
from accord.brand.rules.counting import build_occurrence, build_repetition
from accord.brand.rules.existence import build_existence
from accord.brand.rules.fields import Fields, as_text
from accord.brand.rules.measures import build_metric, build_readability
from accord.brand.rules.relations import build_conditional, build_consistency
from accord.brand.rules.substitution import build_substitution
from accord.brand.scope import Scope

__all__ = [
    "SUPPORTED_TYPES",
    "UNSUPPORTED_TYPES",
    "Unsupported",
    "build_rule",
    "load_rule_file",
    "rule_files",
]

Builder = Callable[[RuleInfo, Fields, Sequence[str]], Rule]
SUPPORTED_TYPES: dict[str, Builder] = {
    "existence": build_existence,
    "substitution": build_substitution,
    "occurrence": build_occurrence,
    "repetition": build_repetition,
    "consistency": build_consistency,
    "conditional": build_conditional,
    "capitalization": build_capitalization,
    "metric": build_metric,
    "readability": build_readability,
}
UNSUPPORTED_TYPES = frozenset({"spelling", "sequence", "script"})
_MEASURING = frozenset({"metric", "readability"})
_YAML_LINE = re.compile(r"line (\d+)")
_DOUBLE_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A rule that loaded but cannot run here, and why."""

    name: str
    extends: str
    reason: str


def _action(fields: Fields) -> Action:
    value = fields.data.get("action")
    if not isinstance(value, Mapping):
        return Action()
    params = value.get("params") or []
    if not isinstance(params, list):
        params = [params]
    return Action(as_text(value.get("name")), tuple(as_text(param) for param in params))


def _scope(extends: str, fields: Fields) -> Scope:
    values = fields.strings("scope")
    if extends in _MEASURING and (not values or values == ["text"]):
        values = ["summary"]
    return Scope.parse(values or ["text"])


def _info(name: str, extends: str, fields: Fields, level: Level | None) -> RuleInfo:
    if not fields.has("message"):
        raise RuleError("missing the required 'message' key")
    declared = fields.string("level", "warning")
    if declared not in LEVELS:
        raise RuleError(f"'level' must be one of {', '.join(LEVELS)}, not {declared!r}")
    return RuleInfo(
        name=name,
        extends=extends,
        level=level or declared,
        message=fields.string("message"),
        scope=_scope(extends, fields),
        description=fields.string("description"),
        link=fields.string("link"),
        limit=fields.integer("limit"),
        action=_action(fields),
    )


def build_rule(
    name: str,
    data: Mapping[str, Any],
    accepted: Sequence[str] = (),
    level: Level | None = None,
) -> Rule | Unsupported:
    """Build the rule ``name`` from its parsed YAML ``data``.

    ``accepted`` is the vocabulary's accepted terms (exceptions for most rule types); ``level``
    overrides the rule's own. Raise ``RuleError`` when the definition is invalid; return
    ``Unsupported`` for a type (or a pattern) this engine cannot run.
    """
    fields = Fields(data)
    extends = fields.string("extends")
    if not extends:
        raise RuleError("missing the required 'extends' key")
    if extends in UNSUPPORTED_TYPES:
        return Unsupported(name, extends, f"'{extends}' rules are not supported")
    builder = SUPPORTED_TYPES.get(extends)
    if builder is None:
        known = ", ".join([*SUPPORTED_TYPES, *sorted(UNSUPPORTED_TYPES)])
        raise RuleError(f"'extends' must be one of {known}, not {extends!r}")
    info = _info(name, extends, fields, level)
    try:
        return builder(info, fields, accepted)
    except PatternError as error:
        return Unsupported(name, extends, str(error))


def _parse_yaml(text: str) -> Any:
    """Parse YAML, accepting ``\\'`` inside double quotes as Go's YAML parser does."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        lenient = _DOUBLE_QUOTED.sub(lambda match: match.group().replace("\\'", "'"), text)
        if lenient == text:
            raise
        return yaml.safe_load(lenient)


def load_rule_file(
    path: Path, name: str, accepted: Sequence[str] = (), level: Level | None = None
) -> Rule | Unsupported:
    """Read and build one rule file; raise ``RuleError`` naming the file when it is invalid."""
    try:
        data = _parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        line = _YAML_LINE.search(str(error))
        where = f"{path}:{line.group(1)}" if line else str(path)
        raise RuleError(f"{where}: invalid YAML: {error}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(f"{path}: cannot read: {error}") from error
    if not isinstance(data, Mapping):
        raise RuleError(f"{path}: a rule must be a YAML map")
    try:
        return build_rule(name, data, accepted, level)
    except RuleError as error:
        raise RuleError(f"{path}: {error}") from error


def rule_files(style_dir: Path) -> Iterator[tuple[str, Path]]:
    """Yield (rule name, path) for each ``.yml`` rule of a style folder, sorted.

    Rules in sub-folders are named with dots (``Style.dates.Format``); folders whose name
    starts with "." or "_" are skipped.
    """
    style = style_dir.name
    for path in sorted(style_dir.rglob("*.yml")):
        relative = path.relative_to(style_dir)
        if any(part.startswith((".", "_")) for part in relative.parts[:-1]):
            continue
        yield ".".join([style, *relative.with_suffix("").parts]), path
