"""Parse plain text into paragraphs (blocks separated by blank lines)."""

from __future__ import annotations

import re

from accord.brand.formats.model import Block, Document, TextBuilder

__all__ = ["parse_text"]

_LINE = re.compile(r"[^\n]*\n?")
_SECTIONS = frozenset({"paragraph", "text", "txt"})


def _emit(source: str, lines: list[tuple[int, int]], blocks: list[Block]) -> None:
    builder = TextBuilder()
    for index, (start, end) in enumerate(lines):
        if index:
            previous_end = lines[index - 1][1]
            builder.put(" ", previous_end, previous_end + 1)
        builder.copy(source, start, end)
    blocks.append(Block(builder.text(), _SECTIONS, builder.offsets()))


def parse_text(source: str) -> Document:
    """Parse plain text: each run of non-blank lines is a paragraph, lines joined by spaces."""
    blocks: list[Block] = []
    lines: list[tuple[int, int]] = []
    for match in _LINE.finditer(source):
        raw = match.group().rstrip("\n").rstrip("\r")
        stripped = raw.strip()
        if not stripped:
            if lines:
                _emit(source, lines, blocks)
                lines = []
            continue
        start = match.start() + len(raw) - len(raw.lstrip())
        lines.append((start, start + len(stripped)))
    if lines:
        _emit(source, lines, blocks)
    counts = {"paragraphs": len(blocks)}
    return Document(source=source, fmt="text", blocks=tuple(blocks), counts=counts)
