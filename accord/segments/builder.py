"""The rule builder's model: edits applied to rule JSON at a path, and the rows the form shows.

The JSON textarea holds the rule; each control of the structured form posts that JSON with one
edit (``set`` a value at a path, ``add_filter`` to a group, ``remove`` a node...), and the
server answers the rebuilt form. Edits work on raw JSON, so a half-written rule stays editable.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from accord.segments.rules import DATE_OPS, LEAF_TYPES, ORDER_OPS

DEFAULT_LEAVES: dict[str, dict[str, Any]] = {
    "field": {"type": "field", "field": "email", "op": "contains", "value": "@"},
    "property": {"type": "property", "key": "", "op": "eq", "value": ""},
    "tag": {"type": "tag", "tag": "", "has": True},
    "consent": {"type": "consent", "purpose": "email_marketing", "granted": True},
    "event": {"type": "event", "kind": "page_view", "did": True, "min": 1},
    "first_seen": {"type": "first_seen", "op": "within_days", "value": 30},
    "last_seen": {"type": "last_seen", "op": "within_days", "value": 30},
    "revenue": {"type": "revenue", "op": "gte", "value": 100},
    "email_engagement": {"type": "email_engagement", "metric": "opened", "op": "gte", "value": 1},
    "visited_url": {"type": "visited_url", "pattern": "/"},
    "utm_source": {"type": "utm_source", "value": ""},
    "segment": {"type": "segment", "slug": "", "member": True},
}
DEFAULT_RULE: dict[str, Any] = {"all": [DEFAULT_LEAVES["field"]]}
INTEGER_KEYS = {"min", "max", "last_days"}
BOOLEAN_KEYS = {"did", "has", "granted", "member"}
NUMBER_VALUE_TYPES = {"revenue", "email_engagement"}
TOKEN = re.compile(r"\.([A-Za-z_]+)|\[(\d+)\]")


class EditError(ValueError):
    """An edit that does not apply to the rule (a stale path, an unknown edit)."""


def parse_path(path: str) -> list[str | int]:
    """``$.all[1].window`` → ``["all", 1, "window"]``; raise EditError for anything else."""
    if not path.startswith("$"):
        raise EditError(f"not a path: {path!r}")
    tokens: list[str | int] = []
    position = 1
    for match in TOKEN.finditer(path, 1):
        if match.start() != position:
            break
        tokens.append(match.group(1) if match.group(1) else int(match.group(2)))
        position = match.end()
    if position != len(path):
        raise EditError(f"not a path: {path!r}")
    return tokens


def _get(data: Any, tokens: list[str | int]) -> Any:
    for token in tokens:
        try:
            data = data[token]
        except (KeyError, IndexError, TypeError):
            raise EditError("the rule changed: this node is gone") from None
    return data


def _put(root: Any, tokens: list[str | int], value: Any) -> Any:
    if not tokens:
        return value
    parent = _get(root, tokens[:-1])
    last = tokens[-1]
    if isinstance(parent, dict) and isinstance(last, str):
        parent[last] = value
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = value
    else:
        raise EditError("the rule changed: this node is gone")
    return root


def _delete(root: Any, tokens: list[str | int]) -> Any:
    if not tokens:
        return copy.deepcopy(DEFAULT_RULE)
    parent = _get(root, tokens[:-1])
    last = tokens[-1]
    try:
        del parent[last]
    except (KeyError, IndexError, TypeError):
        raise EditError("the rule changed: this node is gone") from None
    return root


def _scalar(text: str) -> Any:
    """Read a typed value: a number or true/false when it looks like one, else the text."""
    lowered = text.strip().lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    try:
        return int(text) if re.fullmatch(r"-?\d+", text.strip()) else float(text)
    except ValueError:
        return text


def _coerce(root: Any, tokens: list[str | int], raw: str, types: dict[str, str]) -> Any:
    """Convert a form value to what the rule expects at that place."""
    key = tokens[-1] if tokens else ""
    if key in BOOLEAN_KEYS:
        return raw == "true"
    if key in INTEGER_KEYS:
        return int(raw) if re.fullmatch(r"\d+", raw.strip()) else None
    if key != "value":
        return raw
    node = _get(root, tokens[:-1])
    read = _reader(node, types)
    if node.get("op") in {"in", "not_in"}:
        return [read(item.strip()) for item in raw.split(",") if item.strip()]
    return read(raw)


def _reader(node: dict[str, Any], types: dict[str, str]) -> Callable[[str], Any]:
    """How to read a typed value: numbers and booleans where the node compares them."""
    kind = node.get("type")
    if kind is None:  # a condition on an event property: typed like JSON
        return _scalar
    if kind == "property":
        return _scalar if types.get(str(node.get("key"))) in {"number", "boolean"} else str
    seen_days = kind in {"first_seen", "last_seen"} and node.get("op") == "within_days"
    return _scalar if kind in NUMBER_VALUE_TYPES or seen_days else str


def _set(root: Any, tokens: list[str | int], raw: str, types: dict[str, str]) -> Any:
    value = _coerce(root, tokens, raw, types)
    if value is None and tokens and tokens[-1] in INTEGER_KEYS:
        return _delete(root, tokens) if _has(root, tokens) else root
    root = _put(root, tokens, value)
    if tokens and tokens[-1] in {"op", "field"}:
        _normalise(_get(root, tokens[:-1]))
    return root


def _normalise(node: dict[str, Any]) -> None:
    """Keep a filter's value in the shape its (new) operator or field needs."""
    if node.get("field") == "created_at" and node.get("op") not in DATE_OPS:
        node["op"], node["value"] = "gte", date.today().isoformat()  # noqa: DTZ011
    elif node.get("type") == "field" and node.get("field") != "created_at":
        if node.get("op") in ORDER_OPS:
            node["op"], node["value"] = "contains", ""
    op, value = node.get("op"), node.get("value")
    if op in {"is_set", "is_not_set"}:
        node.pop("value", None)
    elif op in {"in", "not_in"} and not isinstance(value, list):
        node["value"] = [value] if value not in ("", None) else []
    elif isinstance(value, list):
        node["value"] = value[0] if value else ""
    elif "value" not in node and op is not None:
        node["value"] = ""


def _has(root: Any, tokens: list[str | int]) -> bool:
    try:
        _get(root, tokens)
    except EditError:
        return False
    return True


def _group_items(root: Any, tokens: list[str | int]) -> list[Any]:
    group = _get(root, tokens)
    for key in ("all", "any"):
        if isinstance(group, dict) and isinstance(group.get(key), list):
            items: list[Any] = group[key]
            return items
    raise EditError("not a group")


def _window(root: Any, tokens: list[str | int], raw: str) -> Any:
    """Set the window at ``node.window``: "" (all time), "last_days" or "between"."""
    node = _get(root, tokens[:-1])
    today = date.today()  # noqa: DTZ011  (a suggestion the user edits)
    if raw == "last_days":
        node["window"] = {"last_days": 30}
    elif raw == "between":
        node["window"] = {"from": (today - timedelta(days=30)).isoformat(), "to": today.isoformat()}
    else:
        node.pop("window", None)
    return root


def _toggle(root: Any, tokens: list[str | int], raw: str) -> Any:
    group = _get(root, tokens)
    old = "all" if "all" in group else "any"
    group["any" if old == "all" else "all"] = group.pop(old)
    return root


def _negate(root: Any, tokens: list[str | int], raw: str) -> Any:
    node = _get(root, tokens)
    if isinstance(node, dict) and set(node) == {"not"}:
        return _put(root, tokens, node["not"])
    return _put(root, tokens, {"not": node})


def _set_type(root: Any, tokens: list[str | int], raw: str) -> Any:
    """Replace the filter holding ``node.type`` by a default filter of type ``raw``."""
    if raw not in DEFAULT_LEAVES:
        raise EditError(f"unknown filter type {raw!r}")
    return _put(root, tokens[:-1], copy.deepcopy(DEFAULT_LEAVES[raw]))


def _add_filter(root: Any, tokens: list[str | int], raw: str) -> Any:
    _group_items(root, tokens).append(
        copy.deepcopy(DEFAULT_LEAVES.get(raw, DEFAULT_LEAVES["field"]))
    )
    return root


def _add_group(root: Any, tokens: list[str | int], raw: str) -> Any:
    _group_items(root, tokens).append({"any": [copy.deepcopy(DEFAULT_LEAVES["field"])]})
    return root


def _add_condition(root: Any, tokens: list[str | int], raw: str) -> Any:
    node = _get(root, tokens)
    node.setdefault("properties", []).append({"key": "", "op": "eq", "value": ""})
    return root


EDITS: dict[str, Callable[[Any, list[str | int], str], Any]] = {
    "remove": lambda root, tokens, raw: _delete(root, tokens),
    "window": _window,
    "toggle": _toggle,
    "negate": _negate,
    "type": _set_type,
    "add_filter": _add_filter,
    "add_group": _add_group,
    "add_condition": _add_condition,
}


def apply_edit(
    data: Any, edit: str, path: str, value: str, property_types: dict[str, str] | None = None
) -> Any:
    """Return a copy of the rule JSON with one edit applied; raise EditError when it cannot.

    ``property_types`` (declared property key → type) lets ``set`` type a property's value.
    """
    root, tokens = copy.deepcopy(data), parse_path(path)
    if edit == "set":
        return _set(root, tokens, value, property_types or {})
    if edit not in EDITS:
        raise EditError(f"unknown edit {edit!r}")
    return EDITS[edit](root, tokens, value)


# Rows of the structured form -----------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the structured form: a group, a negation or a filter, at a depth."""

    path: str
    depth: int
    kind: str  # "all", "any", "not", "leaf" or "unknown"
    node: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    error_path: str = ""

    @property
    def type(self) -> str:
        value = self.node.get("type", "")
        return str(value) if value in LEAF_TYPES else ""

    @property
    def window_kind(self) -> str:
        window = self.node.get("window")
        if not isinstance(window, dict):
            return ""
        return "last_days" if "last_days" in window else "between"

    @property
    def conditions(self) -> list[tuple[str, dict[str, Any], str]]:
        """The event property conditions: their path, their JSON and their value as shown."""
        items = self.node.get("properties")
        if not isinstance(items, list):
            return []
        return [
            (f"{self.path}.properties[{i}]", c, joined(c.get("value")))
            for i, c in enumerate(items)
            if isinstance(c, dict)
        ]

    @property
    def joined_value(self) -> str:
        return joined(self.node.get("value"))


def joined(value: Any) -> str:
    """A value as a text input shows it: a list joined with commas, booleans as true/false."""
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return _shown(value)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def rows(data: Any, errors: Sequence[tuple[str, str]] = ()) -> list[Row]:
    """Flatten the rule JSON into rows; each (path, reason) error goes on the deepest row its
    path is under (the first error of a row wins)."""
    found: list[Row] = []
    _walk(data, "$", 0, found)
    placed: dict[str, tuple[str, str]] = {}
    for error_path, reason in errors:
        under = [row.path for row in found if _under(error_path, row.path)]
        if under:
            placed.setdefault(max(under, key=len), (error_path, reason))
    shown = []
    for row in found:
        error_path, reason = placed.get(row.path, ("", ""))
        shown.append(Row(row.path, row.depth, row.kind, row.node, reason, error_path))
    return shown


def _under(path: str, prefix: str) -> bool:
    return bool(path) and (
        path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")
    )


def _walk(node: Any, path: str, depth: int, found: list[Row]) -> None:
    if not isinstance(node, dict):
        found.append(Row(path, depth, "unknown"))
        return
    for key in ("all", "any"):
        if isinstance(node.get(key), list):
            found.append(Row(path, depth, key, node))
            for index, child in enumerate(node[key]):
                _walk(child, f"{path}.{key}[{index}]", depth + 1, found)
            return
    if "not" in node:
        found.append(Row(path, depth, "not", node))
        _walk(node["not"], f"{path}.not", depth + 1, found)
        return
    found.append(Row(path, depth, "leaf", node))
