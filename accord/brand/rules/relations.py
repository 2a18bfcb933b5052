"""Rules about the document as a whole: ``consistency`` and ``conditional``.

Both keep state across the blocks of one file, in document order, as Vale does: a consistency
rule alerts once both spellings of a pair have been seen; a conditional rule's definitions
(``second``) count for the blocks read after them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from accord.brand.alerts import format_message
from accord.brand.formats.model import Block
from accord.brand.prefilter import token_keys
from accord.brand.regex import compile_pattern, translate
from accord.brand.rules.base import Context, ExceptionMatcher, Finding, Keys, RuleError, RuleInfo
from accord.brand.rules.fields import Fields

__all__ = ["Conditional", "Consistency", "build_conditional", "build_consistency"]


@dataclass(frozen=True)
class Consistency:
    """Alert when both sides of an ``either`` pair appear in one document."""

    info: RuleInfo
    pairs: tuple[re.Pattern[str], ...]
    keys: tuple[Keys, ...]

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return the key words of each pair (either side)."""
        return self.keys

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Track which side of each pair appeared; alert from the block where both have."""
        indices = units if units is not None else range(len(self.pairs))
        for index in indices:
            yield from self._pair(self.pairs[index], blocks)

    def _pair(self, pattern: re.Pattern[str], blocks: Sequence[Block]) -> Iterator[Finding]:
        seen: set[int] = set()
        for block in blocks:
            last: tuple[int, int] | None = None
            for match in pattern.finditer(block.text):
                if match.lastindex is not None:
                    seen.add(match.lastindex)
                    last = match.span(match.lastindex)
            if last is not None and seen == {1, 2}:
                observed = block.text[last[0] : last[1]]
                message = format_message(self.info.message, observed)
                yield Finding(block, last[0], last[1], message)


def build_consistency(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Consistency:
    """Compile a ``consistency`` rule: one pattern per ``either`` pair."""
    nonword = fields.flag("nonword")
    flags = re.IGNORECASE if fields.flag("ignorecase") else 0
    template = "(?m:(?:{}))" if nonword else r"(?m:\b(?:{})\b)"
    pairs, keys = [], []
    for first, second in fields.pairs("either"):
        left, right = translate(first, capture=False), translate(second, capture=False)
        body = f"({left})|({right})"
        try:
            pairs.append(re.compile(template.format(body), flags))
        except re.error as error:
            raise RuleError(f"invalid pattern in either: {error}") from error
        sides = [token_keys(side, bounded=not nonword) for side in (left, right)]
        keys.append(None if None in sides else frozenset().union(*[s for s in sides if s]))
    if not pairs:
        raise RuleError("a consistency rule needs 'either'")
    return Consistency(info=info, pairs=tuple(pairs), keys=tuple(keys))


@dataclass(frozen=True)
class Conditional:
    """Alert on a ``first`` match not defined by a ``second`` match read before it."""

    info: RuleInfo
    first: re.Pattern[str]
    second: re.Pattern[str]
    exceptions: ExceptionMatcher

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return None: the rule reads every block in its scope."""
        return None

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Collect definitions block by block and flag undefined antecedents."""
        defined: set[str] = set()
        for block in blocks:
            text = block.text
            if self.second.groups == 0:
                if self.second.search(text):
                    continue
            else:
                for match in self.second.finditer(text):
                    defined.update(group for group in match.groups() if group)
            for match in self.first.finditer(text):
                observed = match.group()
                if observed in defined or self.exceptions.excepts(
                    observed, text, match.start(), match.end()
                ):
                    continue
                message = format_message(self.info.message, observed)
                yield Finding(block, match.start(), match.end(), message)


def build_conditional(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Conditional:
    """Compile a ``conditional`` rule."""
    first, second = fields.string("first"), fields.string("second")
    if not first or not second:
        raise RuleError("a conditional rule needs 'first' and 'second'")
    flags = re.IGNORECASE if fields.flag("ignorecase") else 0
    vocab = accepted if fields.flag("vocab", default=True) else ()
    return Conditional(
        info=info,
        first=compile_pattern(first, flags),
        second=compile_pattern(second, flags),
        exceptions=ExceptionMatcher.build(fields.strings("exceptions"), vocab),
    )
