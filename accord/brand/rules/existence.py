"""``existence``: flag any occurrence of the rule's tokens (and ``raw`` pattern)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from accord.brand.alerts import format_message
from accord.brand.formats.model import Block
from accord.brand.prefilter import token_keys
from accord.brand.regex import translate
from accord.brand.rules.alternation import Alternation
from accord.brand.rules.base import (
    Action,
    Context,
    ExceptionMatcher,
    Finding,
    Keys,
    RuleError,
    RuleInfo,
)
from accord.brand.rules.fields import Fields

__all__ = ["Existence", "apply_action", "build_existence"]


def apply_action(action: Action, match: str) -> str | None:
    """Return the text an alert's action would put in place of ``match`` (None: no fix)."""
    name, params = action.name, action.params
    if name == "remove":
        return ""
    if name == "replace" and params:
        return params[0]
    if name != "edit" or not params:
        return None
    operation, arguments = params[0], params[1:]
    if operation == "truncate" and arguments:
        return match.split(arguments[0])[0]
    if operation in {"trim", "trim_left", "trim_right"}:
        chars = arguments[0] if arguments else None
        strip = {"trim": str.strip, "trim_left": str.lstrip, "trim_right": str.rstrip}
        return strip[operation](match, chars)
    if operation == "split" and len(arguments) == 2 and arguments[1].isdigit():
        parts = match.split(arguments[0])
        index = int(arguments[1])
        return parts[index] if index < len(parts) else None
    if operation == "regex" and len(arguments) == 2:
        replacement = re.sub(r"\$(\d+)", r"\\\1", arguments[1])
        return re.sub(translate(arguments[0]), replacement, match)
    return None


@dataclass(frozen=True)
class Existence:
    """Flag every match of the tokens, unless it is an exception."""

    info: RuleInfo
    alternation: Alternation
    exceptions: ExceptionMatcher
    joinable: bool = False

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return the keys of each token (see ``accord.brand.prefilter``)."""
        return self.alternation.keys

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Flag each match of the (candidate) tokens in each block."""
        if self.joinable and len(blocks) > 1:
            joined = context.joined(blocks)
            for _, match in self.alternation.finditer(joined.text, joined.lower, units):
                block, offset = joined.locate(match.start())
                finding = self._finding(block, match.start() - offset, match.end() - offset)
                if finding is not None:
                    yield finding
            return
        for block in blocks:
            for _, match in self.alternation.finditer(block.text, block.lower, units):
                finding = self._finding(block, match.start(), match.end())
                if finding is not None:
                    yield finding

    def _finding(self, block: Block, start: int, end: int) -> Finding | None:
        observed = block.text[start:end]
        if "\x00" in observed or self.exceptions.excepts(observed.strip(), block.text, start, end):
            return None
        message = format_message(self.info.message, observed)
        return Finding(block, start, end, message, apply_action(self.info.action, observed))


def build_existence(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Existence:
    """Compile an ``existence`` rule (tokens joined in Vale's word template)."""
    tokens = [token for token in fields.strings("tokens") if token.strip()]
    raw = "".join(fields.strings("raw"))
    if not tokens and not raw:
        raise RuleError("an existence rule needs 'tokens' or 'raw'")
    nonword = fields.flag("nonword")
    word = not nonword and bool(tokens)
    raw_py = translate(raw)
    translated = [translate(token) for token in tokens]
    body_open, body_close = (r"(?m:\b(?:", r")\b)") if word else ("(?m:(?:", "))")
    append = fields.flag("append")
    alternation = Alternation.build(
        translated,
        prefix=("" if append else raw_py) + body_open,
        suffix=body_close + (raw_py if append else ""),
        flags=re.IGNORECASE if fields.flag("ignorecase") else 0,
        bounded=word,
        anchored=append or not raw,
    )
    if not tokens:
        alternation = _raw_only(alternation, raw_py)
    vocab = accepted if fields.flag("vocab", default=True) and not nonword else ()
    return Existence(
        info=info,
        alternation=alternation,
        exceptions=ExceptionMatcher.build(fields.strings("exceptions"), vocab),
        joinable=word and not raw,
    )


def _raw_only(alternation: Alternation, raw_py: str) -> Alternation:
    """Key a raw-only rule by its raw pattern: one unit, always the whole pattern."""
    keys = (token_keys(raw_py, bounded=False),)
    unit = Alternation(
        ("",), alternation.prefix, alternation.suffix, alternation.flags, keys=keys, anchors=(None,)
    )
    object.__setattr__(unit, "full", alternation.full)
    return unit
