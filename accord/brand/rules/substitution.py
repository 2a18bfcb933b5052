"""``substitution``: flag a term and suggest its replacement from the ``swap`` map."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from accord.brand.alerts import format_message
from accord.brand.formats.model import Block
from accord.brand.regex import PatternError, translate
from accord.brand.rules.alternation import Alternation
from accord.brand.rules.base import (
    Context,
    ExceptionMatcher,
    Finding,
    Keys,
    RuleInfo,
    cap_first,
    is_phrase,
    options,
    to_sentence,
)
from accord.brand.rules.fields import Fields

__all__ = ["Substitution", "build_substitution"]

_GROUP_REFERENCE = re.compile(r"\$(\d+)")
_REGEX_SYNTAX = re.compile(r"[\\\[\]{}*+?^$]|\(\?")


def _matches_expected(expected: str, observed: str) -> bool:
    """Tell whether ``observed`` already is ``expected`` (a phrase, or a pattern to match)."""
    if is_phrase(expected):
        return expected == observed
    try:
        return re.fullmatch(translate(expected), observed) is not None
    except (PatternError, re.error):
        return expected == observed


def _quoted_once(message: str) -> str:
    """Drop the quotes around the first of two quoted ``%s`` (suggestions come quoted)."""
    for spec in ("'%s'", '"%s"'):
        if message.count(spec) == 2:
            return message.replace(spec, "%s", 1)
    return message


@dataclass(frozen=True)
class Substitution:
    """Flag each swap key found and suggest its value."""

    info: RuleInfo
    alternation: Alternation
    keys: tuple[str, ...]
    replacements: tuple[str, ...]
    exceptions: ExceptionMatcher
    ignorecase: bool
    capitalize: bool
    joinable: bool

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return the key words of each swap key."""
        return self.alternation.keys

    def expected(self, index: int, observed: str) -> str:
        """Return the replacement for swap ``index`` adapted to ``observed``."""
        expected = self.replacements[index]
        if self.capitalize and observed == cap_first(observed):
            expected = cap_first(expected)
        if not _GROUP_REFERENCE.search(expected):
            return expected
        flags = re.IGNORECASE if self.ignorecase else 0
        template = _GROUP_REFERENCE.sub(r"\\g<\1>", expected)
        try:
            return re.sub(
                translate(self.keys[index], capture=True), template, observed, flags=flags
            )
        except (PatternError, re.error):
            return expected

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Flag each swap key match whose text differs from its replacement."""
        if self.joinable and len(blocks) > 1:
            joined = context.joined(blocks)
            for index, match in self.alternation.finditer(joined.text, joined.lower, units):
                start, end = match.span(match.lastindex or 0)
                block, offset = joined.locate(start)
                finding = self._finding(block, start - offset, end - offset, index)
                if finding is not None:
                    yield finding
            return
        for block in blocks:
            for index, match in self.alternation.finditer(block.text, block.lower, units):
                start, end = match.span(match.lastindex or 0)
                finding = self._finding(block, start, end, index)
                if finding is not None:
                    yield finding

    def _finding(self, block: Block, start: int, end: int, index: int) -> Finding | None:
        observed = block.text[start:end]
        if "\x00" in observed:
            return None
        expected = self.expected(index, observed)
        replace = self.info.action.name == "replace"
        same = observed in options(expected) if replace else _matches_expected(expected, observed)
        if same or self.exceptions.excepts(observed, block.text, start, end):
            return None
        message = self.info.message
        suggestions = options(expected) or [expected]
        if replace and not self.info.action.params:
            expected = to_sentence(suggestions, "or")
            message = _quoted_once(message)
        first = (self.info.action.params or suggestions)[0]
        fix = None if _REGEX_SYNTAX.search(first) else first
        return Finding(block, start, end, format_message(message, expected, observed), fix)


def build_substitution(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Substitution:
    """Compile a ``substitution`` rule (longest swap keys first, as Vale does)."""
    swaps = sorted(fields.pairs("swap"), key=lambda pair: len(pair[0]), reverse=True)
    keys = tuple(key for key, _ in swaps)
    nonword = fields.flag("nonword")
    ignorecase = fields.flag("ignorecase")
    body_open, body_close = ("(?m:(?:", "))") if nonword else (r"(?m:\b(?:", r")\b)")
    alternation = Alternation.build(
        [translate(key, capture=False) for key in keys],
        prefix=body_open,
        suffix=body_close,
        flags=re.IGNORECASE if ignorecase else 0,
        capture=True,
        bounded=not nonword,
    )
    vocab = accepted if fields.flag("vocab", default=True) else ()
    return Substitution(
        info=info,
        alternation=alternation,
        keys=keys,
        replacements=tuple(value for _, value in swaps),
        exceptions=ExceptionMatcher.build(fields.strings("exceptions"), vocab),
        ignorecase=ignorecase,
        capitalize=fields.flag("capitalize"),
        joinable=not nonword,
    )
