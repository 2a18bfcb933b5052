"""What every rule shares: its definition fields, findings, exceptions and helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from accord.brand.alerts import Level
from accord.brand.formats.model import Block, JoinedBlocks
from accord.brand.readability import TextMeasures
from accord.brand.regex import compile_pattern, translate
from accord.brand.scope import Scope
from accord.brand.text.syllables import Language

__all__ = [
    "Action",
    "Context",
    "ExceptionMatcher",
    "Finding",
    "Rule",
    "RuleError",
    "RuleInfo",
    "cap_first",
    "is_phrase",
    "options",
    "to_sentence",
]

Keys = frozenset[str] | None


class RuleError(ValueError):
    """A rule definition is invalid (missing key, wrong type, bad level…)."""


@dataclass(frozen=True, slots=True)
class Action:
    """A rule's suggested fix: ``replace``, ``remove``, ``edit`` or ``suggest`` with params."""

    name: str = ""
    params: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """The fields every Vale rule has."""

    name: str
    extends: str
    level: Level
    message: str
    scope: Scope
    description: str = ""
    link: str = ""
    limit: int = 0
    action: Action = field(default_factory=Action)


class Finding(NamedTuple):
    """A rule's raw result: a span of a block, its message and the suggested fix.

    A named tuple rather than a frozen dataclass: rules create thousands per second and only
    the engine reads them, to build ``Alert`` objects.
    """

    block: Block
    start: int
    end: int
    message: str
    replacement: str | None = None


class Context(Protocol):
    """What rules may ask of the document being linted (computed once, on demand)."""

    @property
    def language(self) -> Language:
        """Return the document's language."""
        ...

    def measures(self, block: Block) -> TextMeasures:
        """Return the readability measures of ``block``."""
        ...

    def element_counts(self) -> dict[str, int]:
        """Return counts of document elements (headings, lists, code blocks…)."""
        ...

    def metric_values(self, block: Block) -> dict[str, float]:
        """Return the variables of metric formulas for ``block`` (measures and counts)."""
        ...

    def sentence_count(self, text: str) -> int:
        """Return how many sentences ``text`` has."""
        ...

    def joined(self, blocks: Sequence[Block]) -> JoinedBlocks:
        """Return ``blocks`` joined into one text (cached for the same block list)."""
        ...


class Rule(Protocol):
    """A compiled rule: its definition, optional word keys, and its check."""

    @property
    def info(self) -> RuleInfo:
        """Return the rule's definition fields."""
        ...

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return key words per unit (token, swap, pair), or None when the rule is not keyed."""
        ...

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterable[Finding]:
        """Check ``blocks`` (in document order); ``units`` limits which units may match."""
        ...


def _exception_term(term: str) -> str:
    if term.startswith("(?i)"):
        return "(?i:" + translate(term[4:]) + ")"
    return "(?-i:" + translate(term) + ")"


@dataclass(frozen=True, slots=True)
class ExceptionMatcher:
    """Vale's exceptions: terms that, found in a match, cancel it (vocabulary included)."""

    terms: re.Pattern[str] | None
    phrases: re.Pattern[str] | None

    @classmethod
    def build(cls, exceptions: Sequence[str], accepted: Sequence[str] = ()) -> ExceptionMatcher:
        """Compile ``exceptions`` plus the accepted vocabulary ``accepted``.

        Terms are case-sensitive unless they start with ``(?i)``; multi-word terms also cancel
        a match lying inside one of them ("mea" inside an accepted "mea culpa").
        """
        terms = sorted([*exceptions, *accepted], key=len, reverse=True)
        if not terms:
            return cls(None, None)
        joined = "|".join(_exception_term(term) for term in terms)
        compiled = re.compile(r"\b(?:" + joined + r")\b", re.MULTILINE)
        phrases = [term for term in terms if " " in term or "\t" in term or "\\s" in term]
        phrase_re = None
        if phrases:
            phrase_re = compile_pattern(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)
        return cls(compiled, phrase_re)

    def excepts(self, observed: str, text: str = "", start: int = 0, end: int = 0) -> bool:
        """Tell whether ``observed`` (found at ``text[start:end]``) is an exception."""
        if self.terms is not None and self.terms.search(observed):
            return True
        if self.phrases is None or not text:
            return False
        return any(
            match.start() <= start and end <= match.end() for match in self.phrases.finditer(text)
        )


def is_phrase(text: str) -> bool:
    """Tell whether ``text`` is plain words (letters, digits, spaces, hyphens), not a regex."""
    return all(char.isalnum() or char in " -" for char in text)


def options(expected: str) -> list[str]:
    """Split ``a|b|c`` into its suggestions (an escaped ``\\|`` stays a pipe)."""
    return [
        option.replace("\x00", "|")
        for option in expected.replace("\\|", "\x00").split("|")
        if option
    ]


def to_sentence(words: Sequence[str], conjunction: str = "or") -> str:
    """Quote and join suggestions as Vale does: 'a', 'a' or 'b', 'a', 'b', or 'c'."""
    quoted = [f"'{word}'" for word in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    if len(quoted) == 2:
        return f"{quoted[0]} {conjunction} {quoted[1]}"
    return ", ".join([*quoted[:-1], f"{conjunction} {quoted[-1]}"])


def cap_first(text: str) -> str:
    """Upper-case the first character of ``text``."""
    return text[:1].upper() + text[1:]
