"""Markdown, HTML and plain text: what is prose, its scope, and positions in the source."""

from __future__ import annotations

from accord.brand import lint_text
from accord.brand.formats import Format, format_for_path, parse_document
from accord.brand.tests.conftest import Linter, make_rule

VERY = {"extends": "existence", "message": "'%s'", "tokens": ["very"]}

MARKDOWN = """---
title: A very long title
---
# A very good heading

Some *very* **bold** text, a [very nice link](http://very.example) and
`very code` inline, then ![a very pretty image](very.png) and https://very.example/very.

```python
very = "very"
```

    very indented code

- a very short item
- [x] a very done task

> very quoted

| Name | Very |
|------|------|
| very | cell |

<div>Raw <b>very</b> HTML &amp; <code>very</code></div>

Setext very heading
-------------------
"""


def _blocks(source: str, fmt: Format = "markdown") -> list[tuple[list[str], str]]:
    document = parse_document(source, fmt)
    return [(sorted(block.sections), block.text) for block in document.blocks]


def test_markdown_blocks_and_scopes() -> None:
    assert _blocks(MARKDOWN) == [
        (["h1", "heading", "md", "text"], "A very good heading"),
        (
            ["md", "paragraph", "text"],
            "Some very bold text, a very nice link and \ufffc inline, then \ufffc and \ufffc.",
        ),
        (["alt", "md"], "a very pretty image"),
        (["list", "md", "text"], "a very short item"),
        (["list", "md", "text"], "a very done task"),
        (["blockquote", "md", "paragraph", "text"], "very quoted"),
        (["header", "md", "table", "text"], "Name"),
        (["header", "md", "table", "text"], "Very"),
        (["cell", "md", "table", "text"], "very"),
        (["cell", "md", "table", "text"], "cell"),
        (["md", "paragraph", "text"], "Raw very HTML & \ufffc"),
        (["h2", "heading", "md", "text"], "Setext very heading"),
    ]


def test_markdown_alerts_point_into_the_original_file(lint: Linter) -> None:
    # not in: front matter, inline code, link target, URL, code blocks, image (scope alt)
    assert lint(VERY, MARKDOWN, "markdown") == [
        "4:5:Test.Rule:'very'",
        "6:7:Test.Rule:'very'",
        "6:31:Test.Rule:'very'",
        "15:5:Test.Rule:'very'",
        "16:9:Test.Rule:'very'",
        "18:3:Test.Rule:'very'",
        "22:3:Test.Rule:'very'",
        "24:13:Test.Rule:'very'",
        "26:8:Test.Rule:'very'",
    ]


def test_markdown_scope_heading_reads_headings_only(lint: Linter) -> None:
    rule = {**VERY, "scope": "heading"}

    assert lint(rule, MARKDOWN, "markdown") == ["4:5:Test.Rule:'very'", "26:8:Test.Rule:'very'"]


def test_markdown_scope_alt_reads_image_text(lint: Linter) -> None:
    rule = {**VERY, "scope": "alt"}

    assert lint(rule, MARKDOWN, "markdown") == ["7:30:Test.Rule:'very'"]


def test_raw_scope_reads_everything(lint: Linter) -> None:
    rule = {**VERY, "scope": "raw"}

    assert len(lint(rule, MARKDOWN, "markdown")) == MARKDOWN.count("very")


def test_vale_comments_turn_rules_off_and_on(lint: Linter) -> None:
    text = (
        "very first\n\n<!-- vale off -->\n\nvery hidden\n\n<!-- vale on -->\n\nvery shown\n\n"
        "<!-- vale Test.Rule = NO -->\n\nvery muted\n\n<!-- vale Test = YES -->\n\nvery back\n"
    )

    assert lint(VERY, text, "markdown") == [
        "1:1:Test.Rule:'very'",
        "9:1:Test.Rule:'very'",
        "17:1:Test.Rule:'very'",
    ]


HTML = """<html><head><title>very title</title><style>p { color: very; }</style></head>
<body>
<h1>A very <em>good</em> heading</h1>
<p>First line
   with a very &amp; caf&eacute; <code>very code</code> and
   <img src="x.png" alt="very alt"> end.</p>
<script>var very = 1;</script>
<ul><li>very item</li><li>other</li></ul>
<pre>very preformatted</pre>
<table><tr><th>Very</th></tr><tr><td>very cell</td></tr></table>
</body></html>
"""


def test_html_blocks_and_scopes() -> None:
    assert _blocks(HTML, "html") == [
        (["h1", "heading", "html", "text"], "A very good heading"),
        (["alt", "html"], "very alt"),
        (["html", "paragraph", "text"], "First line with a very & café \ufffc and \ufffc end."),
        (["html", "list", "text"], "very item"),
        (["html", "list", "text"], "other"),
        (["header", "html", "table", "text"], "Very"),
        (["cell", "html", "table", "text"], "very cell"),
    ]


def test_html_alerts_point_into_the_original_file(lint: Linter) -> None:
    # not in: title (head), style, inline code, alt text (scope alt), script, pre
    assert lint({**VERY, "ignorecase": True}, HTML, "html") == [
        "3:7:Test.Rule:'very'",
        "5:11:Test.Rule:'very'",
        "8:9:Test.Rule:'very'",
        "10:16:Test.Rule:'Very'",
        "10:38:Test.Rule:'very'",
    ]


def test_html_entities_map_to_their_source() -> None:
    rule = make_rule("Test.Rule", {"extends": "existence", "message": "'%s'", "tokens": ["café"]})

    [alert] = lint_text("<p>Un caf&eacute; noir</p>", [rule], "html")

    assert (alert.line, alert.column, alert.message) == (1, 7, "'café'")
    assert (alert.start, alert.end, alert.match) == (6, 17, "caf&eacute;")


def test_plain_text_paragraphs_join_lines(lint: Linter) -> None:
    rule = {"extends": "existence", "message": "'%s'", "tokens": ["hit the ground"]}

    assert _blocks("First line\n  second line\n\nNext", "text") == [
        (["paragraph", "text", "txt"], "First line second line"),
        (["paragraph", "text", "txt"], "Next"),
    ]
    assert lint(rule, "We hit the\nground running.") == ["1:4:Test.Rule:'hit the ground'"]


def test_format_from_extension() -> None:
    assert format_for_path("a/b.md") == "markdown"
    assert format_for_path("page.HTML") == "html"
    assert format_for_path("notes.txt") == "text"
    assert format_for_path("notes") == "text"
    assert format_for_path("doc.mdx", {"mdx": "md"}) == "markdown"
