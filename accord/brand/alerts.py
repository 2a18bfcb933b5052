"""Alerts, levels and Vale's message formatting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = ["LEVELS", "Alert", "Level", "format_message", "level_rank"]

Level = Literal["suggestion", "warning", "error"]
LEVELS: tuple[Level, ...] = ("suggestion", "warning", "error")

_VERB = re.compile(r"%(?:\[(\d+)\])?([-+#0]*\d*(?:\.\d+)?)([svdqfgext%])")


@dataclass(frozen=True, slots=True)
class Alert:
    """One finding in a text: where it is, what it says, and a fix when the rule gives one.

    ``start``/``end`` are offsets in the linted text (``text[start:end] == match``); ``line``
    and ``column`` are 1-based, the column counted in characters. ``replacement`` is the text
    that fixes the alert when the rule suggests one (a substitution's first suggestion, the
    expected capitalisation, "" to remove), else None.
    """

    check: str
    level: Level
    message: str
    line: int
    column: int
    start: int
    end: int
    match: str
    replacement: str | None = None
    link: str = ""

    def line_format(self, path: str) -> str:
        """Return Vale's ``--output=line`` form: ``path:line:col:Check:message``."""
        return f"{path}:{self.line}:{self.column}:{self.check}:{self.message}"


def level_rank(level: str) -> int:
    """Return 0, 1 or 2 for suggestion, warning or error."""
    return LEVELS.index(level) if level in LEVELS else 1


def _render(value: str | float, flags: str, verb: str) -> str:
    if verb == "q":
        return '"' + str(value).replace('"', '\\"') + '"'
    if verb in "dfeg" and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return format(value, flags.replace("#", "") + verb)
        except ValueError:
            return str(value)
    return str(value)


@dataclass(frozen=True, slots=True)
class _Template:
    """A message template split into literal text and verbs (index, flags, verb)."""

    parts: tuple[str, ...]
    verbs: tuple[tuple[int, str, str], ...]
    plain: str | None  # a str.format pattern when every verb is a plain %s or %v
    needed: int  # how many substitutions the verbs refer to


@lru_cache(maxsize=4096)
def _compiled(template: str) -> _Template:
    parts: list[str] = []
    verbs: list[tuple[int, str, str]] = []
    buffer = ""
    position = next_index = 0
    for match in _VERB.finditer(template):
        index, flags, verb = match.groups()
        buffer += template[position : match.start()]
        position = match.end()
        if verb == "%":
            buffer += "%"
            continue
        parts.append(buffer)
        buffer = ""
        next_index = int(index) - 1 if index else next_index
        verbs.append((next_index, flags, verb))
        next_index += 1
    parts.append(buffer + template[position:])
    plain = None
    if all(verb in "sv" and not flags and index >= 0 for index, flags, verb in verbs):
        escaped = [part.replace("{", "{{").replace("}", "}}") for part in parts]
        pairs = zip(verbs, escaped[1:], strict=True)
        plain = escaped[0] + "".join(f"{{{index}}}{part}" for (index, _, _), part in pairs)
    needed = max((index + 1 for index, _, _ in verbs), default=0)
    return _Template(tuple(parts), tuple(verbs), plain, needed)


def format_message(template: str, *subs: str | float) -> str:
    """Fill ``%s``-style verbs (Go ``fmt``: ``%s``, ``%d``, ``%q``, ``%[2]s``, ``%%``).

    Verbs take the substitutions in order (``%[n]s`` picks the n-th); a verb with nothing left
    to take becomes "", where Go would print ``%!s(MISSING)``.
    """
    if "%" not in template:
        return template
    compiled = _compiled(template)
    if compiled.plain is not None:
        padding = [""] * (compiled.needed - len(subs))
        return compiled.plain.format(*subs, *padding)
    out = [compiled.parts[0]]
    for (index, flags, verb), part in zip(compiled.verbs, compiled.parts[1:], strict=True):
        value = subs[index] if 0 <= index < len(subs) else ""
        out.append(_render(value, flags, verb))
        out.append(part)
    return "".join(out)
