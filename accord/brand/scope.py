"""Vale scopes: which blocks of a document a rule reads.

A block carries sections such as ``{"heading", "h2", "text", "md"}``; a rule's scope is a list
of alternatives, each a ``&``-joined list of dotted selectors that may be negated with ``~``
(``heading & ~heading.h1``). A selector matches a block holding all of its sections, so
``paragraph.rst`` never matches Markdown and ``text.html`` only matches HTML. As in Vale, a
sentence only matches an alternative that asks for ``sentence``, and a negation never lets a
rule read the ``raw`` or ``summary`` blocks.

Scope names: ``text`` (every prose block: paragraphs, headings, list items, quotes, table
cells), ``paragraph``, ``sentence``, ``heading`` (``heading.h1`` … ``heading.h6``), ``list``,
``blockquote``, ``table.header``, ``table.cell``, ``table.caption``, ``figure.caption``,
``alt`` (image text), ``raw`` (the file as it is) and ``summary`` (the document's prose as one
text, for metrics). Any other name matches nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["Scope", "Selector"]

_SIZED = frozenset({"raw", "summary"})


@dataclass(frozen=True, slots=True)
class Selector:
    """One dotted selector of a scope, possibly negated."""

    sections: frozenset[str]
    negated: bool


@dataclass(frozen=True, slots=True)
class Scope:
    """A rule's scope: any alternative matching a block selects it."""

    alternatives: tuple[tuple[Selector, ...], ...]
    _verdicts: dict[frozenset[str], bool] = field(
        default_factory=dict, repr=False, compare=False, hash=False
    )

    @classmethod
    def parse(cls, values: Sequence[str]) -> Scope:
        """Parse scope strings such as ``["heading & ~heading.h1", "sentence"]``.

        Equal scope lists give the same object, so callers may cache by identity.
        """
        return _parse(tuple(str(value) for value in values))

    @classmethod
    def _build(cls, values: tuple[str, ...]) -> Scope:
        alternatives = []
        for value in values:
            parts = []
            for part in value.split("&"):
                text = part.strip()
                negated = text.startswith("~")
                names = frozenset(name for name in text.lstrip("~").strip().split(".") if name)
                if names:
                    parts.append(Selector(names, negated))
            if parts:
                alternatives.append(tuple(parts))
        return cls(tuple(alternatives))

    def mentions(self, section: str) -> bool:
        """Tell whether a non-negated selector of this scope names ``section``."""
        return any(
            section in part.sections and not part.negated
            for alternative in self.alternatives
            for part in alternative
        )

    def matches(self, sections: frozenset[str]) -> bool:
        """Tell whether a block with ``sections`` is in this scope."""
        verdict = self._verdicts.get(sections)
        if verdict is None:
            verdict = self._verdicts[sections] = self._decide(sections)
        return verdict

    def _decide(self, sections: frozenset[str]) -> bool:
        sentence = "sentence" in sections
        sized = not sections.isdisjoint(_SIZED)
        for alternative in self.alternatives:
            if sentence and not any(
                "sentence" in part.sections and not part.negated for part in alternative
            ):
                continue
            if all(_part_matches(part, sections, sized) for part in alternative):
                return True
        return False


@lru_cache(maxsize=1024)
def _parse(values: tuple[str, ...]) -> Scope:
    return Scope._build(values)


def _part_matches(part: Selector, sections: frozenset[str], sized: bool) -> bool:
    contained = part.sections <= sections
    if part.negated:
        return not contained and not sized
    return contained
