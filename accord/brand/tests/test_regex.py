"""Translating Vale's Go/regexp2 patterns to Python ``re``."""

from __future__ import annotations

import pytest

from accord.brand.regex import PatternError, compile_pattern, translate


@pytest.mark.parametrize(
    ("go", "python"),
    [
        (r"(?i)abc", r"(?i:abc)"),
        (r"a(?i)b|c", r"a(?i:b)|(?i:c)"),
        (r"(x(?-i)y|z)w", r"(x(?-i:y)|(?-i:z))w"),
        (r"[[:alpha:]]+", r"[A-Za-z]+"),
        (r"[[:^digit:]]", r"[^0-9]"),
        (r"[[:upper:][:digit:]_]", r"[A-Z0-9_]"),
        (r"(?<name>\w+)", r"(?P<name>\w+)"),
        (r"(?P<n>a)(?P=n)", r"(?P<n>a)(?P=n)"),
        (r"(?<=a)b(?<!c)", r"(?<=a)b(?<!c)"),
        (r"\x{263a}", "☺"),
        (r"\pL+", r"[^\W\d_]+"),
        (r"\Qa.b*\E", r"a\.b\*"),
        (r"end\z", r"end\Z"),
        (r"(?#note)x", "x"),
    ],
)
def test_translation(go: str, python: str) -> None:
    assert translate(go) == python


def test_capture_groups_can_be_made_non_capturing() -> None:
    assert translate(r"(foo)|(?P<x>bar)|(?:baz)", capture=False) == r"(?:foo)|(?:bar)|(?:baz)"


def test_flags_keep_go_semantics_across_alternatives() -> None:
    pattern = compile_pattern(r"a(?i)b|c")

    assert pattern.fullmatch("aB")
    assert pattern.fullmatch("C")
    assert not pattern.fullmatch("AB")


def test_unicode_class_inside_a_class() -> None:
    assert compile_pattern(r"[\p{Lu}0-9]+").fullmatch("ÉTÉ2025")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(abc", "missing closing"),
        ("abc)", "unexpected"),
        ("[abc", "missing closing"),
        ("(?U)a+", "unsupported flag"),
        (r"\p{Klingon}", "unsupported Unicode class"),
        ("a{2,1}", "invalid pattern"),
    ],
)
def test_errors_are_pattern_errors(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_pattern(pattern)
