"""What a parsed document is made of: prose blocks whose positions map back to the source.

A block's text is not a slice of the source (markup is removed, entities decoded, line breaks
inside a paragraph turned into spaces), so each block carries an ``OffsetMap``: segments of its
text, each tied to the source range it came from. Copied text maps one to one; a character that
stands for something else (a decoded ``&eacute;``, a placeholder for inline code) maps to the
start of what it replaced.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "PLACEHOLDER",
    "Block",
    "Directive",
    "Document",
    "Format",
    "JoinedBlocks",
    "OffsetMap",
    "TextBuilder",
    "format_suffix",
]

Format = Literal["text", "markdown", "html"]

# Stands in for inline code, URLs and images: not a word, not whitespace, not punctuation rules
# look for, so rules neither match it nor see two words glued together.
PLACEHOLDER = "\ufffc"

_SUFFIX: dict[Format, str] = {"text": "txt", "markdown": "md", "html": "html"}


def format_suffix(fmt: Format) -> str:
    """Return the scope section Vale uses for a format ("md", "html", "txt")."""
    return _SUFFIX[fmt]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Piecewise map from positions in a block's text to positions in the source."""

    starts: tuple[int, ...]
    origins: tuple[int, ...]
    origin_ends: tuple[int, ...]
    exact: tuple[bool, ...]

    def start(self, index: int) -> int:
        """Return the source position of the character at ``index``."""
        if not self.starts:
            return 0
        segment = max(0, bisect_right(self.starts, index) - 1)
        offset = index - self.starts[segment]
        if self.exact[segment]:
            return self.origins[segment] + offset
        return self.origins[segment] if offset == 0 else self.origin_ends[segment]

    def end(self, index: int) -> int:
        """Return the source position just after the character before ``index``."""
        if not self.starts or index <= 0:
            return self.start(index)
        segment = max(0, bisect_right(self.starts, index - 1) - 1)
        if self.exact[segment]:
            return self.origins[segment] + index - self.starts[segment]
        return self.origin_ends[segment]


IDENTITY = OffsetMap(starts=(0,), origins=(0,), origin_ends=(0,), exact=(True,))
ORIGIN = OffsetMap(starts=(0,), origins=(0,), origin_ends=(0,), exact=(False,))


@dataclass(slots=True)
class TextBuilder:
    """Accumulate a block's text piece by piece together with its offset map."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    starts: list[int] = field(default_factory=list)
    origins: list[int] = field(default_factory=list)
    origin_ends: list[int] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)

    def copy(self, source: str, start: int, end: int) -> None:
        """Append ``source[start:end]`` unchanged."""
        if end <= start:
            return
        if self.exact and self.exact[-1] and self.origin_ends[-1] == start:
            self.origin_ends[-1] = end
        else:
            self._segment(start, end, exact=True)
        self.parts.append(source[start:end])
        self.length += end - start

    def put(self, text: str, start: int, end: int) -> None:
        """Append ``text`` standing for ``source[start:end]`` (not a copy of it)."""
        if not text:
            return
        self._segment(start, end, exact=len(text) == end - start)
        self.parts.append(text)
        self.length += len(text)

    def _segment(self, start: int, end: int, *, exact: bool) -> None:
        self.starts.append(self.length)
        self.origins.append(start)
        self.origin_ends.append(end)
        self.exact.append(exact)

    def last_char(self) -> str:
        """Return the last character written so far ("" when empty)."""
        return self.parts[-1][-1] if self.parts else ""

    def text(self) -> str:
        """Return the accumulated text."""
        return "".join(self.parts)

    def offsets(self) -> OffsetMap:
        """Return the offset map of the accumulated text."""
        return OffsetMap(
            starts=tuple(self.starts),
            origins=tuple(self.origins),
            origin_ends=tuple(self.origin_ends),
            exact=tuple(self.exact),
        )


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of prose with its scope sections (e.g. {"heading", "h2", "text", "md"})."""

    text: str
    sections: frozenset[str]
    offsets: OffsetMap
    shift: int = 0
    lower: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lower", self.text.lower())

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the source (start, end) of the block text span ``[start, end)``."""
        begin = self.offsets.start(start + self.shift)
        if end <= start:
            return begin, begin
        return begin, max(begin, self.offsets.end(end + self.shift))

    def slice(self, start: int, end: int, extra: frozenset[str]) -> Block:
        """Return the sub-block ``text[start:end]`` with ``extra`` added to its sections."""
        return Block(
            text=self.text[start:end],
            sections=self.sections | extra,
            offsets=self.offsets,
            shift=self.shift + start,
        )


SEPARATOR = "\n\x00\n"


@dataclass(frozen=True, slots=True)
class JoinedBlocks:
    """Several blocks as one text (joined by a separator no rule token matches across).

    Scanning one text instead of each block saves the per-block overhead of a rule; ``locate``
    maps a position back to its block.
    """

    blocks: tuple[Block, ...]
    text: str
    lower: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, blocks: tuple[Block, ...]) -> JoinedBlocks:
        """Join ``blocks`` in order."""
        starts, position = [], 0
        for block in blocks:
            starts.append(position)
            position += len(block.text) + len(SEPARATOR)
        text = SEPARATOR.join(block.text for block in blocks)
        return cls(blocks, text, text.lower(), tuple(starts))

    def locate(self, position: int) -> tuple[Block, int]:
        """Return the block holding ``position`` and the block's start in the joined text."""
        index = max(0, bisect_right(self.starts, position) - 1)
        return self.blocks[index], self.starts[index]


@dataclass(frozen=True, slots=True)
class Directive:
    """An in-text switch (``<!-- vale off -->``): from ``offset`` on, ``target`` is on or off.

    ``target`` is None for every rule, a style name or a ``Style.Rule`` name.
    """

    offset: int
    target: str | None
    enabled: bool


@dataclass(frozen=True)
class Document:
    """A parsed document: its source, format, prose blocks in order, and element counts."""

    source: str
    fmt: Format
    blocks: tuple[Block, ...]
    directives: tuple[Directive, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
