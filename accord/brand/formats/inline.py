"""Render Markdown inline markup to plain prose, keeping the way back to the source.

The input is a block's content as source ranges (one per line, prefixes such as ``> `` already
removed). Line breaks become single spaces; emphasis markers, link destinations and HTML tags
are dropped; link text is kept; entities are decoded; inline code, autolinks, bare URLs and
images become one placeholder character (an image's alt text becomes its own ``alt`` block);
``<!-- vale … -->`` comments become directives.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from accord.brand.formats.model import PLACEHOLDER, Directive, TextBuilder

__all__ = ["InlineRenderer", "parse_directive"]

_SPECIAL = re.compile(r"[\\`!\[\]<*_~&\n]|(?<!\w)(?:https?://|www\.)")
_SPECIAL_NO_URL = re.compile(r"[\\`!\[\]<*_~&\n]")  # faster when the text has no URL
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9\-]*)(?:\s[^<>]*)?/?>")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?'\")\]]")
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt", "var"})
_DIRECTIVE = re.compile(r"^\s*vale\s+(.+?)\s*$", re.DOTALL)
_SETTING = re.compile(r"^\s*([\w.\-]+)\s*=\s*(YES|NO)\s*$", re.IGNORECASE)


def parse_directive(comment: str, offset: int) -> list[Directive]:
    """Read ``vale off``, ``vale on`` or ``vale Style.Rule = NO`` from an HTML comment body."""
    match = _DIRECTIVE.match(comment)
    if match is None:
        return []
    body = match.group(1)
    if body.lower() in {"off", "on"}:
        return [Directive(offset, None, body.lower() == "on")]
    directives = []
    for part in body.split(","):
        setting = _SETTING.match(part)
        if setting is not None:
            directives.append(
                Directive(offset, setting.group(1), setting.group(2).upper() == "YES")
            )
    return directives


@dataclass
class InlineRenderer:
    """Walk one block's inline content and write prose into a ``TextBuilder``."""

    source: str
    ranges: Sequence[tuple[int, int]]
    text: str = ""
    line_starts: list[int] = field(default_factory=list)
    alts: list[TextBuilder] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    special: re.Pattern[str] = _SPECIAL

    def __post_init__(self) -> None:
        self.text = "\n".join(self.source[start:end] for start, end in self.ranges)
        has_url = "://" in self.text or "www." in self.text
        self.special = _SPECIAL if has_url else _SPECIAL_NO_URL
        position = 0
        for start, end in self.ranges:
            self.line_starts.append(position)
            position += end - start + 1

    def to_source(self, index: int) -> int:
        """Return the source position of ``self.text[index]`` (a line break maps to its end)."""
        line = max(0, bisect_right(self.line_starts, index) - 1)
        start, end = self.ranges[line]
        return min(start + index - self.line_starts[line], end)

    def render(self, builder: TextBuilder) -> None:
        """Render the whole content into ``builder``."""
        self._walk(0, len(self.text), builder)

    def _copy(self, builder: TextBuilder, start: int, end: int) -> None:
        if end > start:
            origin = self.to_source(start)
            builder.copy(self.source, origin, origin + end - start)

    def _put(self, builder: TextBuilder, value: str, start: int, end: int) -> None:
        builder.put(value, self.to_source(start), self.to_source(max(start, end - 1)) + 1)

    def _walk(self, start: int, end: int, builder: TextBuilder) -> None:
        position = start
        text = self.text
        while position < end:
            special = self.special.search(text, position, end)
            stop = end if special is None else special.start()
            self._copy(builder, position, stop)
            if special is None:
                return
            handler = _HANDLERS.get(text[stop], InlineRenderer._url)
            position = handler(self, builder, stop, end)

    def _newline(self, builder: TextBuilder, position: int, end: int) -> int:
        if builder.parts and not builder.last_char().isspace():
            self._put(builder, " ", position, position + 1)
        return position + 1

    def _escape(self, builder: TextBuilder, position: int, end: int) -> int:
        following = self.text[position + 1 : position + 2]
        if following in _ASCII_PUNCT and position + 1 < end:
            self._copy(builder, position + 1, position + 2)
            return position + 2
        if following == "\n":
            return position + 1
        self._copy(builder, position, position + 1)
        return position + 1

    def _code(self, builder: TextBuilder, position: int, end: int) -> int:
        text = self.text
        run = position
        while run < end and text[run] == "`":
            run += 1
        fence = text[position:run]
        close = text.find(fence, run, end)
        while close >= 0 and close + len(fence) < end and text[close + len(fence)] == "`":
            close = text.find(fence, close + len(fence) + 1, end)
        if close < 0:
            self._copy(builder, position, run)
            return run
        self._put(builder, PLACEHOLDER, position, close + len(fence))
        return close + len(fence)

    def _bang(self, builder: TextBuilder, position: int, end: int) -> int:
        if self.text[position + 1 : position + 2] != "[":
            self._copy(builder, position, position + 1)
            return position + 1
        link = self._link_at(position + 1, end)
        if link is None:
            self._copy(builder, position, position + 1)
            return position + 1
        text_end, after = link
        alt = TextBuilder()
        self._walk(position + 2, text_end, alt)
        if alt.length:
            self.alts.append(alt)
        self._put(builder, PLACEHOLDER, position, after)
        return after

    def _bracket(self, builder: TextBuilder, position: int, end: int) -> int:
        text = self.text
        if text.startswith("[^", position):
            close = text.find("]", position, end)
            if close > 0 and "\n" not in text[position:close]:
                return close + 1
        link = self._link_at(position, end)
        if link is None:
            self._copy(builder, position, position + 1)
            return position + 1
        text_end, after = link
        self._walk(position + 1, text_end, builder)
        return after

    def _link_at(self, position: int, end: int) -> tuple[int, int] | None:
        """Return (end of link text, end of link) for ``[text](dest)`` or ``[text][ref]``."""
        close = _matching(self.text, position, end, "[", "]")
        if close < 0 or close + 1 >= end:
            return None
        opener = self.text[close + 1]
        if opener == "(":
            after = _matching(self.text, close + 1, end, "(", ")")
        elif opener == "[":
            after = _matching(self.text, close + 1, end, "[", "]")
        else:
            return None
        return None if after < 0 else (close, after + 1)

    def _literal(self, builder: TextBuilder, position: int, end: int) -> int:
        self._copy(builder, position, position + 1)
        return position + 1

    def _angle(self, builder: TextBuilder, position: int, end: int) -> int:
        text = self.text
        if text.startswith("<!--", position):
            close = text.find("-->", position + 4, end)
            if close >= 0:
                self.directives.extend(
                    parse_directive(text[position + 4 : close], self.to_source(position))
                )
                return close + 3
        autolink = _AUTOLINK.match(text, position, end)
        if autolink:
            self._put(builder, PLACEHOLDER, position, autolink.end())
            return autolink.end()
        tag = _TAG.match(text, position, end)
        if tag is None:
            return self._literal(builder, position, end)
        name = tag.group(1).lower()
        if name in _CODE_TAGS and not tag.group().startswith("</"):
            close = text.lower().find(f"</{name}>", tag.end(), end)
            if close >= 0:
                self._put(builder, PLACEHOLDER, position, close + len(name) + 3)
                return close + len(name) + 3
        return tag.end()

    def _emphasis(self, builder: TextBuilder, position: int, end: int) -> int:
        text = self.text
        char = text[position]
        run = position
        while run < end and text[run] == char:
            run += 1
        before = text[position - 1] if position > 0 else " "
        after = text[run] if run < end else " "
        flanking = not after.isspace() or not before.isspace()
        intraword = char == "_" and before.isalnum() and after.isalnum()
        strike_too_short = char == "~" and run - position < 2
        if not flanking or intraword or strike_too_short:
            self._copy(builder, position, run)
        return run

    def _entity(self, builder: TextBuilder, position: int, end: int) -> int:
        match = _ENTITY.match(self.text, position, end)
        if match is None:
            return self._literal(builder, position, end)
        self._put(builder, html.unescape(match.group()), position, match.end())
        return match.end()

    def _url(self, builder: TextBuilder, position: int, end: int) -> int:
        match = _URL.match(self.text, position, end)
        if match is None:
            return self._literal(builder, position, end)
        self._put(builder, PLACEHOLDER, position, match.end())
        return match.end()


def _matching(text: str, position: int, end: int, opener: str, closer: str) -> int:
    """Return the index of the bracket closing the one at ``position`` (-1 if none)."""
    depth = 0
    index = position
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


_Handler = Callable[[InlineRenderer, TextBuilder, int, int], int]
_HANDLERS: dict[str, _Handler] = {
    "\n": InlineRenderer._newline,
    "\\": InlineRenderer._escape,
    "`": InlineRenderer._code,
    "!": InlineRenderer._bang,
    "[": InlineRenderer._bracket,
    "]": InlineRenderer._literal,
    "<": InlineRenderer._angle,
    "*": InlineRenderer._emphasis,
    "_": InlineRenderer._emphasis,
    "~": InlineRenderer._emphasis,
    "&": InlineRenderer._entity,
}
