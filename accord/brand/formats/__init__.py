"""Document formats: Markdown, HTML and plain text, parsed into prose blocks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath

from accord.brand.formats.html import parse_html
from accord.brand.formats.markdown import parse_markdown
from accord.brand.formats.model import Block, Directive, Document, Format, OffsetMap
from accord.brand.formats.plain import parse_text

__all__ = [
    "Block",
    "Directive",
    "Document",
    "Format",
    "OffsetMap",
    "format_for_path",
    "parse_document",
]

_EXTENSIONS: dict[str, Format] = {
    "md": "markdown",
    "markdown": "markdown",
    "mdown": "markdown",
    "mkd": "markdown",
    "mdx": "markdown",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "txt": "text",
    "text": "text",
}


def format_for_path(path: str | PurePath, aliases: Mapping[str, str] | None = None) -> Format:
    """Return the format of a file from its extension; ``aliases`` is .vale.ini's [formats]."""
    extension = PurePath(path).suffix.lstrip(".").lower()
    extension = (aliases or {}).get(extension, extension)
    return _EXTENSIONS.get(extension, "text")


def parse_document(source: str, fmt: Format = "text") -> Document:
    """Parse ``source`` in format ``fmt`` ("text", "markdown" or "html")."""
    if fmt == "markdown":
        return parse_markdown(source)
    if fmt == "html":
        return parse_html(source)
    return parse_text(source)
