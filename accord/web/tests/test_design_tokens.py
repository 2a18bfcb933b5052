"""The stylesheet's colour pairs keep a WCAG AA contrast (4.5:1) for normal text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "static" / "web" / "accord.css"
# (text, background) pairs the stylesheet uses for text.
PAIRS = [
    ("--ink", "--bg"),
    ("--ink", "--surface"),
    ("--muted", "--surface"),
    ("--muted", "--surface-2"),
    ("--muted", "--bg"),
    ("--accent", "--surface"),
    ("--accent", "--accent-soft"),
    ("--accent-ink", "--accent"),
    ("--accent-ink", "--accent-hover"),
    ("--danger", "--surface"),
    ("--danger", "--danger-soft"),
    ("--ok", "--ok-soft"),
    ("--warn", "--warn-soft"),
]


def tokens() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", CSS.read_text(encoding="utf-8"), flags=re.S)
    assert root is not None
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_contrast_at_least_4_5_to_1(text: str, background: str) -> None:
    colours = tokens()
    assert contrast(colours[text], colours[background]) >= 4.5


def test_keyboard_focus_is_always_visible() -> None:
    css = CSS.read_text(encoding="utf-8")
    assert ":focus-visible { outline: 3px solid var(--accent)" in css
    assert "outline: none" not in css.replace("main:focus { outline: none; }", "")
