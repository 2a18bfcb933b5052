"""Extract prose blocks from HTML with the standard library's ``html.parser``.

Tags are stripped and whitespace collapsed as a browser would; block elements (``p``, ``h1``…
``h6``, ``li``, ``blockquote``, ``td``, ``th``, ``div``…) delimit blocks; ``script``, ``style``,
``pre``, ``head`` and ``template`` are skipped with their content, inline ``code``, ``tt``,
``kbd``, ``samp`` and ``var`` become one placeholder character; an ``img`` alt text becomes an
``alt`` block; entities are decoded; ``<!-- vale off -->`` comments become directives. Text that
sits directly in a container (a ``div``, a ``td``) is a block of its own.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from accord.brand.formats.inline import parse_directive
from accord.brand.formats.model import PLACEHOLDER, Block, Directive, Document, TextBuilder

__all__ = ["DEFAULT_IGNORED", "DEFAULT_SKIPPED", "HtmlBlocks", "extract_html_blocks", "parse_html"]

DEFAULT_SKIPPED = frozenset({"script", "style", "pre", "head", "template", "noscript", "svg"})
DEFAULT_IGNORED = frozenset({"code", "tt", "kbd", "samp", "var"})
_BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p section
    summary table tbody td tfoot th thead tr ul""".split()
)
_KINDS = {
    "li": ("list", "text"),
    "td": ("table", "cell", "text"),
    "th": ("table", "header", "text"),
    "caption": ("table", "caption", "text"),
    "figcaption": ("figure", "caption", "text"),
    "blockquote": ("blockquote", "paragraph", "text"),
}
_COLLAPSE = re.compile(r"[ \t\n\r\f]+")
_ENTITY_TEXT = re.compile(r"&#?[0-9A-Za-z]+;?")
_ALT = re.compile(r"""\salt\s*=\s*(["']?)""", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlBlocks:
    """Blocks, directives and element counts found in a piece of HTML."""

    blocks: tuple[Block, ...]
    directives: tuple[Directive, ...]
    counts: dict[str, int]


def _kind(stack: list[str]) -> frozenset[str]:
    """Return the scope sections of text inside the open elements ``stack``."""
    for tag in reversed(stack):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            return frozenset({"heading", tag, "text"})
        if tag in _KINDS:
            sections = set(_KINDS[tag])
            if "blockquote" in stack:
                sections.add("blockquote")
            return frozenset(sections)
    sections = {"paragraph", "text"}
    if "blockquote" in stack:
        sections.add("blockquote")
    return frozenset(sections)


@dataclass
class _State:
    source: str
    suffix: str
    skipped: frozenset[str]
    ignored: frozenset[str]
    line_starts: list[int] = field(default_factory=list)
    stack: list[str] = field(default_factory=list)
    builder: TextBuilder = field(default_factory=TextBuilder)
    blocks: list[Block] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    skipping: list[str] = field(default_factory=list)
    ignoring: list[str] = field(default_factory=list)


class _Extractor(HTMLParser):
    """``HTMLParser`` that writes prose blocks with source offsets."""

    def __init__(self, state: _State) -> None:
        super().__init__(convert_charrefs=False)
        self.state = state

    def source_position(self) -> int:
        """Return the source offset of the token being handled."""
        line, column = self.getpos()
        return self.state.line_starts[line - 1] + column

    def flush(self) -> None:
        """Close the current block (if it holds prose) and start a new one."""
        state = self.state
        text = state.builder.text().rstrip()
        if text.strip() and text.strip() != PLACEHOLDER:
            sections = _kind(state.stack) | {state.suffix}
            state.blocks.append(Block(text, sections, state.builder.offsets()))
        state.builder = TextBuilder()

    def put(self, value: str, start: int, end: int) -> None:
        """Append ``value`` standing for ``source[start:end]`` (no double spaces)."""
        builder = self.state.builder
        if value == " " and (not builder.parts or builder.last_char().isspace()):
            return
        builder.put(value, start, end)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a block, skip or ignore an element, or note an image or a break."""
        state = self.state
        if state.skipping:
            state.skipping.extend([tag] if tag == state.skipping[0] else [])
            return
        if tag in state.skipped:
            state.counts["pre"] += tag == "pre"
            state.skipping.append(tag)
            return
        self.count(tag)
        if tag in state.ignored:
            if not state.ignoring:
                self.put(PLACEHOLDER, self.source_position(), self.source_position() + 1)
            state.ignoring.append(tag)
        elif tag == "img":
            self.image(attrs)
        elif tag == "br":
            self.put(" ", self.source_position(), self.source_position() + 1)
        elif tag in _BLOCK_TAGS:
            self.flush()
            state.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Handle ``<br/>``-style tags as a start tag followed by its end."""
        self.handle_starttag(tag, attrs)
        if tag in _BLOCK_TAGS or tag in self.state.skipped or tag in self.state.ignored:
            self.handle_endtag(tag)

    def count(self, tag: str) -> None:
        """Count headings, list items, paragraphs and quotes for metric rules."""
        counts = self.state.counts
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            counts[f"heading_{tag}"] += 1
        elif tag == "li":
            counts["list"] += 1
        elif tag in {"blockquote", "p"}:
            counts["paragraphs" if tag == "p" else tag] += 1

    def image(self, attrs: list[tuple[str, str | None]]) -> None:
        """Put a placeholder for an image and make its alt text an ``alt`` block."""
        alt = dict(attrs).get("alt")
        start = self.source_position()
        self.put(PLACEHOLDER, start, start + 1)
        raw = self.get_starttag_text() or ""
        found = _ALT.search(raw)
        if not alt or found is None:
            return
        begin = start + found.end()
        builder = TextBuilder()
        if raw.startswith(alt, found.end()):
            builder.copy(self.state.source, begin, begin + len(alt))
        else:  # the attribute held entities: map the decoded text to its start
            builder.put(alt, begin, begin + 1)
        self.state.blocks.append(
            Block(builder.text(), frozenset({"alt", self.state.suffix}), builder.offsets())
        )

    def handle_endtag(self, tag: str) -> None:
        """Close the element: end a block, or stop skipping or ignoring."""
        state = self.state
        if state.skipping:
            if tag == state.skipping[0]:
                state.skipping.pop()
            return
        if state.ignoring:
            if tag == state.ignoring[0]:
                state.ignoring.pop()
            return
        if tag in _BLOCK_TAGS and tag in state.stack:
            self.flush()
            while state.stack and state.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        """Copy text, collapsing runs of whitespace into one space."""
        state = self.state
        if state.skipping or state.ignoring:
            return
        start = self.source_position()
        position = 0
        for match in _COLLAPSE.finditer(data):
            self.copy(start + position, start + match.start())
            self.put(" ", start + match.start(), start + match.end())
            position = match.end()
        self.copy(start + position, start + len(data))

    def copy(self, start: int, end: int) -> None:
        """Append ``source[start:end]`` unchanged."""
        if end > start:
            self.state.builder.copy(self.state.source, start, end)

    def handle_entityref(self, name: str) -> None:
        """Decode a named entity (``&eacute;``)."""
        self.entity()

    def handle_charref(self, name: str) -> None:
        """Decode a numeric entity (``&#233;``)."""
        self.entity()

    def entity(self) -> None:
        """Append the character an entity stands for, mapped to the whole entity."""
        state = self.state
        if state.skipping or state.ignoring:
            return
        start = self.source_position()
        match = _ENTITY_TEXT.match(state.source, start)
        text = match.group() if match else "&"
        decoded = html.unescape(text)
        if decoded == "\u00a0" or not decoded.isspace():
            self.put(decoded, start, start + len(text))
        else:
            self.put(" ", start, start + len(text))

    def handle_comment(self, data: str) -> None:
        """Read ``<!-- vale … -->`` directives."""
        self.state.directives.extend(parse_directive(data, self.source_position()))


def extract_html_blocks(
    source: str,
    start: int,
    end: int,
    suffix: str,
    skipped: frozenset[str] = DEFAULT_SKIPPED,
    ignored: frozenset[str] = DEFAULT_IGNORED,
) -> HtmlBlocks:
    """Extract the prose of ``source[start:end]`` (HTML) as blocks of scope suffix ``suffix``."""
    fragment = source[start:end]
    line_starts = [start] + [start + match.end() for match in re.finditer("\n", fragment)]
    state = _State(source, suffix, skipped, ignored, line_starts=line_starts)
    parser = _Extractor(state)
    parser.feed(fragment)
    parser.close()
    parser.flush()
    return HtmlBlocks(tuple(state.blocks), tuple(state.directives), dict(state.counts))


def parse_html(
    source: str,
    skipped: frozenset[str] = DEFAULT_SKIPPED,
    ignored: frozenset[str] = DEFAULT_IGNORED,
) -> Document:
    """Parse an HTML document into prose blocks mapped to ``source``."""
    found = extract_html_blocks(source, 0, len(source), "html", skipped, ignored)
    return Document(
        source=source,
        fmt="html",
        blocks=found.blocks,
        directives=found.directives,
        counts=found.counts,
    )
