"""``occurrence`` (count a token per block) and ``repetition`` (a token twice in a row)."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from accord.brand.alerts import format_message
from accord.brand.formats.model import Block
from accord.brand.regex import compile_pattern
from accord.brand.rules.base import Context, ExceptionMatcher, Finding, Keys, RuleError, RuleInfo
from accord.brand.rules.existence import apply_action
from accord.brand.rules.fields import Fields

__all__ = ["Occurrence", "Repetition", "build_occurrence", "build_repetition"]


def _is_code(text: str) -> bool:
    return all(char in "*@\ufffc" for char in text)


@dataclass(frozen=True)
class Occurrence:
    """Alert when a block holds more than ``max`` or fewer than ``min`` matches of ``token``."""

    info: RuleInfo
    pattern: re.Pattern[str]
    maximum: int
    minimum: int

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return None: a minimum must be checked even where the token never appears."""
        return None

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Count the token in each block; alert at its first match (or the block start)."""
        for block in blocks:
            count, first = self._count(block.text)
            too_many = self.maximum > 0 and count > self.maximum
            too_few = self.minimum > 0 and count < self.minimum
            if not (too_many or too_few):
                continue
            message = format_message(self.info.message, count)
            if count == 0:
                yield Finding(block, 0, 0, message)
            elif first is not None:
                yield Finding(block, first.start(), first.end(), message)

    def _count(self, text: str) -> tuple[int, re.Match[str] | None]:
        """Count matches and find the first one that is not code (or only blank).

        A minimum-only rule whose message does not show the count stops counting at the
        minimum: the verdict is known.
        """
        if self.maximum <= 0 and "%" not in self.info.message:
            found = list(islice(self.pattern.finditer(text), self.minimum))
            usable = (m for m in found if m.group().strip() and not _is_code(m.group()))
            return len(found), next(usable, None)
        count = len(self.pattern.findall(text))
        passes = not (self.maximum > 0 and count > self.maximum) and not (
            self.minimum > 0 and count < self.minimum
        )
        first = None if passes or count == 0 else self.pattern.search(text)
        if first is None or (first.group().strip() and not _is_code(first.group())):
            return count, first
        count, first = 0, None
        for match in self.pattern.finditer(text):
            count += 1
            if first is None and match.group().strip() and not _is_code(match.group()):
                first = match
        return count, first


def build_occurrence(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Occurrence:
    """Compile an ``occurrence`` rule."""
    token = fields.string("token")
    if not token:
        raise RuleError("an occurrence rule needs a 'token'")
    flags = re.IGNORECASE if fields.flag("ignorecase") else 0
    return Occurrence(
        info=info,
        pattern=compile_pattern("(?:" + token + ")", flags),
        maximum=fields.integer("max"),
        minimum=fields.integer("min"),
    )


def _letters(text: str) -> bool:
    return all(char.isalpha() or char in "'’-" for char in text) and any(
        char.isalpha() for char in text
    )


@dataclass(frozen=True)
class Repetition:
    """Alert when a token match equals the one before it within a sentence ("the the")."""

    info: RuleInfo
    pattern: re.Pattern[str]
    maximum: int
    ignorecase: bool
    alpha: bool
    exceptions: ExceptionMatcher

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return None: repetition is not keyed by words."""
        return None

    def _same(self, current: str, previous: str) -> bool:
        if not current:
            return False
        same = current.casefold() == previous.casefold() if self.ignorecase else current == previous
        return same and (not self.alpha or _letters(current))

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Walk the token matches of each block, comparing each with the previous one."""
        for block in blocks:
            yield from self._block(block, context)

    def _may_repeat(self, block: Block) -> bool:
        """Tell quickly whether two consecutive matches are equal (needed for any alert)."""
        found = list(
            map(str.strip, self.pattern.findall(block.lower if self.ignorecase else block.text))
        )
        return any(map(operator.eq, found, found[1:]))

    def _block(self, block: Block, context: Context) -> Iterator[Finding]:
        text = block.text
        if not self._may_repeat(block):
            return
        previous, previous_start, count = "", 0, 0
        for match in self.pattern.finditer(text):
            current = match.group().strip()
            hit = self._same(current, previous)
            count += hit
            if hit and count > self.maximum:
                span = text[previous_start : match.end()]
                one_sentence = context.sentence_count(span) == 1
                if one_sentence and not self.exceptions.excepts(
                    span, text, previous_start, match.end()
                ):
                    message = format_message(self.info.message, current)
                    fix = apply_action(self.info.action, span)
                    yield Finding(block, previous_start, match.end(), message, fix)
                    count = 0
            previous, previous_start = current, match.start()


def build_repetition(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Repetition:
    """Compile a ``repetition`` rule."""
    tokens = fields.strings("tokens")
    if not tokens:
        raise RuleError("a repetition rule needs 'tokens'")
    ignorecase = fields.flag("ignorecase")
    vocab = accepted if fields.flag("vocab", default=True) else ()
    return Repetition(
        info=info,
        pattern=compile_pattern("(?:" + "|".join(tokens) + ")", re.IGNORECASE if ignorecase else 0),
        maximum=fields.integer("max"),
        ignorecase=ignorecase,
        alpha=fields.flag("alpha"),
        exceptions=ExceptionMatcher.build(fields.strings("exceptions"), vocab),
    )
