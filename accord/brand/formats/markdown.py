"""Parse Markdown (CommonMark with GFM tables) into prose blocks.

Front matter (``---`` YAML or ``+++`` TOML at the top), fenced and indented code blocks, link
reference definitions and thematic breaks are skipped. ATX and setext headings become
``heading.hN`` blocks; paragraphs, list items, block quotes and table cells become prose blocks;
raw HTML blocks go through the HTML extractor. This is a line-based reading of the format, good
for prose documents; it does not build a full CommonMark tree (nested containers are flattened).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from accord.brand.formats.html import extract_html_blocks
from accord.brand.formats.inline import InlineRenderer
from accord.brand.formats.model import Block, Directive, Document, TextBuilder

__all__ = ["parse_markdown"]

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>")
_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)")
_TASK = re.compile(r"\[[ xX]\][ \t]+")
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*\S")
_FOOTNOTE = re.compile(r"^ {0,3}\[\^[^\]]+\]:[ \t]*")
_HTML_START = re.compile(r"^ {0,3}<(?:!--|/?[A-Za-z][A-Za-z0-9\-]*(?:[\s/>]|$))")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_FRONT_MATTER = {"---": ("---", "..."), "+++": ("+++",)}

Range = tuple[int, int]


def _line_ranges(source: str) -> list[Range]:
    ranges = []
    start = 0
    for line in source.split("\n"):
        end = start + len(line)
        ranges.append((start, end - 1 if line.endswith("\r") else end))
        start = end + 1
    return ranges


@dataclass
class _Parser:
    """Line-by-line Markdown block reader writing blocks and counts."""

    source: str
    suffix: str
    lines: list[Range] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    in_list: bool = False
    readers: list[tuple[Callable[[str], object], Callable[[int], int]]] = field(
        default_factory=list
    )

    def line(self, index: int) -> str:
        """Return line ``index`` without its line break."""
        start, end = self.lines[index]
        return self.source[start:end]

    def blank(self, index: int) -> bool:
        """Tell whether line ``index`` is blank."""
        return not self.line(index).strip()

    def content(self, index: int, skip: int = 0) -> Range:
        """Return the source range of a line from column ``skip``, whitespace trimmed."""
        start, end = self.lines[index]
        start = min(end, start + skip)
        text = self.source[start:end]
        stripped = text.strip()
        if not stripped:
            return (start, start)
        begin = start + len(text) - len(text.lstrip())
        return (begin, begin + len(stripped))

    def emit(self, ranges: list[Range], kind: frozenset[str]) -> None:
        """Render inline content of ``ranges`` into a block of sections ``kind``."""
        ranges = [piece for piece in ranges if piece[1] > piece[0]]
        if not ranges:
            return
        renderer = InlineRenderer(self.source, ranges)
        builder = TextBuilder()
        renderer.render(builder)
        self.directives.extend(renderer.directives)
        sections = kind | {self.suffix}
        if builder.text().strip():
            self.blocks.append(Block(builder.text(), sections, builder.offsets()))
        for alt in renderer.alts:
            self.blocks.append(Block(alt.text(), frozenset({"alt", self.suffix}), alt.offsets()))

    def starts_block(self, index: int) -> bool:
        """Tell whether a line interrupts a paragraph."""
        text = self.line(index)
        item = _ITEM.match(text)
        # only a bullet, or an ordered list starting at 1, interrupts a paragraph
        list_start = item is not None and bool(item.group(3)) and item.group(2)[:-1] in ("", "1")
        return bool(
            list_start
            or _ATX.match(text)
            or _FENCE.match(text)
            or _QUOTE.match(text)
            or _BREAK.match(text)
            or _HTML_START.match(text)
        )

    def run(self) -> Document:
        """Parse the whole source."""
        self.lines = _line_ranges(self.source)
        self.readers = self._readers()
        index = self.skip_front_matter()
        while index < len(self.lines):
            index = self.step(index)
        return Document(
            source=self.source,
            fmt="markdown",
            blocks=tuple(self.blocks),
            directives=tuple(sorted(self.directives, key=lambda item: item.offset)),
            counts=dict(self.counts),
        )

    def skip_front_matter(self) -> int:
        """Return the first line after YAML (``---``) or TOML (``+++``) front matter."""
        if not self.lines:
            return 0
        closers = _FRONT_MATTER.get(self.line(0).rstrip())
        if closers is None:
            return 0
        for index in range(1, len(self.lines)):
            if self.line(index).rstrip() in closers:
                return index + 1
        return 0

    def step(self, index: int) -> int:
        """Read the block starting at line ``index``; return the next line to read."""
        text = self.line(index)
        if not text.strip():
            return index + 1
        for test, reader in self.readers:
            if test(text):
                return reader(index)
        return self.paragraph(index)

    def _readers(self) -> list[tuple[Callable[[str], object], Callable[[int], int]]]:
        return [
            (self._is_fence, self.fence),
            (self._is_indented_code, self.indented_code),
            (_ATX.match, self.atx_heading),
            (_BREAK.match, lambda index: index + 1),
            (_QUOTE.match, self.quote),
            (_HTML_START.match, self.html),
            (_REFERENCE.match, lambda index: index + 1),
            (_ITEM.match, self.item),
            (lambda text: self.in_list and _indent(text) >= 2, self.list_paragraph),
        ]

    def _is_fence(self, text: str) -> bool:
        match = _FENCE.match(text)
        return match is not None and (self.in_list or len(match.group(1)) <= 3)

    def _is_indented_code(self, text: str) -> bool:
        return not self.in_list and _indent(text) >= 4

    def fence(self, index: int) -> int:
        """Skip a fenced code block; return the line after its closing fence."""
        match = _FENCE.match(self.line(index))
        if match is None:
            return self.paragraph(index)
        marker = match.group(2)
        self.counts["pre"] += 1
        for end in range(index + 1, len(self.lines)):
            closing = self.line(end).strip()
            if closing.startswith(marker[0] * len(marker)) and not closing.strip(marker[0]):
                return end + 1
        return len(self.lines)

    def indented_code(self, index: int) -> int:
        """Skip an indented code block."""
        self.counts["pre"] += 1
        end = index
        while end < len(self.lines) and (self.blank(end) or _indent(self.line(end)) >= 4):
            end += 1
        return end

    def atx_heading(self, index: int) -> int:
        """Read a ``#`` heading."""
        match = _ATX.match(self.line(index))
        if match is None:
            return self.paragraph(index)
        level = len(match.group(1))
        start = self.lines[index][0] + match.start(2)
        self.heading([(start, start + len(match.group(2)))], level)
        self.in_list = False
        return index + 1

    def heading(self, ranges: list[Range], level: int) -> None:
        """Emit a heading block of ``level``."""
        self.counts[f"heading_h{level}"] += 1
        self.emit(ranges, frozenset({"heading", f"h{level}", "text"}))

    def quote(self, index: int) -> int:
        """Read a block quote; each of its paragraphs becomes a block."""
        end = index
        ranges: list[Range] = []
        self.counts["blockquote"] += 1
        while end < len(self.lines) and not self.blank(end):
            text = self.line(end)
            if not _QUOTE.match(text) and (end == index or self.starts_block(end)):
                break
            depth = len(text) - len(text.lstrip(" >")) if _QUOTE.match(text) else 0
            ranges.append(self.content(end, depth))
            end += 1
        paragraph: list[Range] = []
        for piece in [*ranges, (0, 0)]:
            if piece[1] > piece[0]:
                paragraph.append(piece)
            elif paragraph:
                self.emit(paragraph, frozenset({"blockquote", "paragraph", "text"}))
                paragraph = []
        self.in_list = False
        return end

    def html(self, index: int) -> int:
        """Read a raw HTML block (or comment) through the HTML extractor."""
        comment = self.line(index).lstrip().startswith("<!--")
        end = index
        while end < len(self.lines):
            if comment and "-->" in self.line(end):
                end += 1
                break
            if not comment and self.blank(end):
                break
            end += 1
        start = self.lines[index][0]
        stop = self.lines[end - 1][1]
        found = extract_html_blocks(self.source, start, stop, self.suffix)
        self.blocks.extend(found.blocks)
        self.directives.extend(found.directives)
        self.counts.update(found.counts)
        return end

    def item(self, index: int) -> int:
        """Read a list item (a task list box is left out)."""
        match = _ITEM.match(self.line(index))
        if match is None:
            return self.paragraph(index)
        first = self.content(index, match.end())
        task = _TASK.match(self.source, first[0], first[1])
        ranges = [(task.end(), first[1]) if task else first]
        self.counts["list"] += 1
        self.in_list = True
        return self.collect(index + 1, ranges, frozenset({"list", "text"}))

    def list_paragraph(self, index: int) -> int:
        """Read an indented paragraph that continues a list item."""
        return self.collect(index + 1, [self.content(index)], frozenset({"list", "text"}))

    def collect(self, index: int, ranges: list[Range], kind: frozenset[str]) -> int:
        """Add lazy continuation lines to ``ranges`` and emit the block."""
        while index < len(self.lines) and not self.blank(index) and not self.starts_block(index):
            ranges.append(self.content(index))
            index += 1
        self.emit(ranges, kind)
        return index

    def paragraph(self, index: int) -> int:
        """Read a paragraph, a setext heading or a table."""
        if self.table(index):
            return self.table_rows(index)
        self.in_list = False
        footnote = _FOOTNOTE.match(self.line(index))
        ranges = [self.content(index, footnote.end() if footnote else 0)]
        end = index + 1
        while end < len(self.lines) and not self.blank(end):
            setext = _SETEXT.match(self.line(end))
            if setext:
                self.heading(ranges, 1 if setext.group(1)[0] == "=" else 2)
                return end + 1
            if self.starts_block(end):
                break
            ranges.append(self.content(end))
            end += 1
        self.counts["paragraphs"] += 1
        self.emit(ranges, frozenset({"paragraph", "text"}))
        return end

    def table(self, index: int) -> bool:
        """Tell whether a table (header row, then a delimiter row) starts at ``index``."""
        return (
            "|" in self.line(index)
            and index + 1 < len(self.lines)
            and "-" in self.line(index + 1)
            and _TABLE_RULE.match(self.line(index + 1)) is not None
        )

    def table_rows(self, index: int) -> int:
        """Read a table: header cells, then body cells."""
        self.in_list = False
        self.cells(index, frozenset({"table", "header", "text"}))
        end = index + 2
        while end < len(self.lines) and not self.blank(end) and "|" in self.line(end):
            self.cells(end, frozenset({"table", "cell", "text"}))
            end += 1
        return end

    def cells(self, index: int, kind: frozenset[str]) -> None:
        """Emit each non-empty cell of a table row."""
        start, end = self.lines[index]
        row = self.source[start:end]
        position = 0
        for match in re.finditer(r"(?<!\\)\|", row + "|"):
            cell = (start + position, start + match.start())
            position = match.end()
            text = self.source[cell[0] : cell[1]]
            if text.strip():
                begin = cell[0] + len(text) - len(text.lstrip())
                self.emit([(begin, begin + len(text.strip()))], kind)


def _indent(text: str) -> int:
    expanded = text.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def parse_markdown(source: str) -> Document:
    """Parse a Markdown document into prose blocks mapped to ``source``."""
    return _Parser(source, "md").run()
