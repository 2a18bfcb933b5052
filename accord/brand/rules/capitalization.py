"""``capitalization``: a block (usually a heading) must be in title, sentence, lower or upper
case, or match a pattern."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from accord.brand.alerts import format_message
from accord.brand.formats.model import Block
from accord.brand.regex import compile_pattern
from accord.brand.rules.base import Context, ExceptionMatcher, Finding, Keys, RuleInfo
from accord.brand.rules.fields import Fields
from accord.brand.text.case import (
    TitleStyle,
    is_sentence_case,
    is_title_case,
    sentence_case,
    title_case,
)

__all__ = ["Capitalization", "build_capitalization"]

# A check tells whether a text passes; an expectation returns the text as it should be.
Check = Callable[[str], bool]
Expectation = Callable[[str], str | None]


@dataclass(frozen=True)
class Capitalization:
    """Alert on a block whose case does not follow ``match``."""

    info: RuleInfo
    check: Check
    expect: Expectation
    prefix: re.Pattern[str] | None

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return None: capitalization reads every block in its scope."""
        return None

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Check each block's case."""
        for block in blocks:
            text = block.text.strip()
            lead = len(block.text) - len(block.text.lstrip())
            skip = self.prefix.match(text) if self.prefix else None
            checked = text[skip.end() :] if skip else text
            if self.check(checked):
                continue
            expected = self.expect(checked)
            suggestion = None
            if expected is not None:
                suggestion = text[: skip.end()] + expected if skip else expected
            message = format_message(self.info.message, text, suggestion or "")
            yield Finding(block, lead, lead + len(text), message, suggestion)


def _case_check(fields: Fields, exceptions: re.Pattern[str] | None) -> tuple[Check, Expectation]:
    match = fields.string("match", "$title")
    threshold = fields.number("threshold", 0.0) or 0.8
    if match == "$title":
        style: TitleStyle = "Chicago" if fields.string("style") == "Chicago" else "AP"
        return (
            lambda text: is_title_case(text, style, exceptions, threshold),
            lambda text: title_case(text, style, exceptions),
        )
    if match == "$sentence":
        indicators = tuple(fields.strings("indicators"))
        return (
            lambda text: is_sentence_case(text, exceptions, threshold, indicators),
            lambda text: sentence_case(text, exceptions, indicators),
        )

    def excepted(text: str) -> bool:
        """Tell whether ``text`` holds an exception."""
        return exceptions is not None and exceptions.search(text) is not None

    if match == "$lower":
        return (lambda text: text == text.lower() or excepted(text)), str.lower
    if match == "$upper":
        return (lambda text: text == text.upper() or excepted(text)), str.upper
    pattern = compile_pattern(match)
    return (lambda text: pattern.search(text) is not None or excepted(text)), (lambda _: None)


def build_capitalization(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Capitalization:
    """Compile a ``capitalization`` rule."""
    vocab = accepted if fields.flag("vocab", default=True) else ()
    exceptions = ExceptionMatcher.build(fields.strings("exceptions"), vocab).terms
    prefix = fields.string("prefix")
    check, expect = _case_check(fields, exceptions)
    return Capitalization(
        info=info,
        check=check,
        expect=expect,
        prefix=compile_pattern(prefix) if prefix else None,
    )
