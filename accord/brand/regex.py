"""Translate Vale's regular expressions (Go RE2 / regexp2 syntax) to Python ``re``.

Vale compiles its rules with regexp2 in RE2 mode, so a style can use RE2 syntax (POSIX classes,
``\\z``, ``\\Q…\\E``, ``\\x{…}``, ``\\p{…}``, flags switched on mid-pattern) and regexp2 extras
(look-arounds, ``(?<name>…)``). Python ``re`` differs on a few points, rewritten here:

- a flag group such as ``(?i)`` is only allowed at the very start in Python 3.11; anywhere it
  becomes a scoped group ``(?i:…)`` that runs to the end of the enclosing group, reopened after
  each ``|`` of that group (flags in Go persist across alternatives);
- ``(?<name>…)`` and ``(?'name'…)`` become ``(?P<name>…)``;
- ``[[:alpha:]]`` and the other POSIX classes become explicit ASCII ranges;
- ``\\z`` becomes ``\\Z``; ``\\Q…\\E`` is quoted; ``\\x{263a}`` becomes the character;
- ``\\pL``, ``\\p{Lu}``, ``\\p{Greek}`` and a few other Unicode classes become ranges (Python
  ``re`` has no ``\\p``); letters and digits are exact, scripts are approximated by their blocks.

Patterns are always translated so that they can be concatenated: a leading ``(?i)`` is scoped
too, the caller passes global flags to ``re.compile`` itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["PatternError", "compile_pattern", "translate"]


class PatternError(ValueError):
    """A rule's pattern cannot be translated or compiled."""


_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}

# Unicode classes as ranges usable inside a character class. Scripts are approximated by their
# main blocks; letters and digits outside a class use Python's exact Unicode categories.
_UNICODE = {
    "L": "A-Za-z\\u00aa\\u00b5\\u00ba\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u02c1"
    "\\u0370-\\u03ff\\u0400-\\u052f\\u0531-\\u0587\\u05d0-\\u05ea\\u0620-\\u064a"
    "\\u1e00-\\u1fff\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af",
    "Lu": "A-Z\\u00c0-\\u00d6\\u00d8-\\u00de\\u0391-\\u03a9\\u0410-\\u042f",
    "Ll": "a-z\\u00df-\\u00f6\\u00f8-\\u00ff\\u03b1-\\u03c9\\u0430-\\u044f",
    "N": "0-9\\u00b2\\u00b3\\u00b9\\u00bc-\\u00be\\u0660-\\u0669\\u2070-\\u2079\\u2080-\\u2089",
    "Nd": "0-9\\u0660-\\u0669\\u06f0-\\u06f9\\u0966-\\u096f\\uff10-\\uff19",
    "P": "!-#%-*,-/:;?@\\[-\\]_{}\\u00a1\\u00a7\\u00ab\\u00b6\\u00b7\\u00bb\\u00bf"
    "\\u2010-\\u2027\\u2030-\\u205e\\u3001-\\u3003\\u3008-\\u3011",
    "Z": " \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000",
    "Zs": " \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000",
    "Latin": "A-Za-z\\u00aa\\u00ba\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f\\u1e00-\\u1eff",
    "Greek": "\\u0370-\\u03ff\\u1f00-\\u1fff",
    "Cyrillic": "\\u0400-\\u052f",
    "Han": "\\u2e80-\\u2fdf\\u3005\\u3007\\u3021-\\u3029\\u3400-\\u4dbf\\u4e00-\\u9fff",
    "Hiragana": "\\u3041-\\u309f",
    "Katakana": "\\u30a0-\\u30ff",
    "Arabic": "\\u0600-\\u06ff\\u0750-\\u077f",
    "Hebrew": "\\u0591-\\u05f4",
}
_EXACT_OUTSIDE_CLASS = {"L": "[^\\W\\d_]", "N": "\\d", "Nd": "\\d"}
_FLAG_GROUP = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])")
_NAMED_GROUP = re.compile(r"\(\?(?:<(?![=!])|')([A-Za-z_]\w*)[>']")
_SUPPORTED_FLAGS = frozenset("imsx")


@dataclass
class _Group:
    """One open group of the pattern being rewritten, with its mid-pattern flag scopes."""

    scopes: list[str] = field(default_factory=list)


@dataclass
class _Translator:
    """Single pass over a Go pattern, writing the Python equivalent."""

    source: str
    capture: bool = True
    pos: int = 0
    out: list[str] = field(default_factory=list)
    groups: list[_Group] = field(default_factory=lambda: [_Group()])

    def run(self) -> str:
        """Translate the whole pattern."""
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char == "\\":
                self.out.append(self._escape(in_class=False))
            elif char == "[":
                self.out.append(self._char_class())
            elif char == "(":
                self._open_group()
            elif char == ")":
                self._close_group()
            elif char == "|":
                self._alternative()
            else:
                self.out.append(char)
                self.pos += 1
        if len(self.groups) != 1:
            raise PatternError(f"missing closing ')' in {self.source!r}")
        self._close_scopes(self.groups[0])
        return "".join(self.out)

    def _escape(self, *, in_class: bool) -> str:
        text = self.source
        if self.pos + 1 >= len(text):
            raise PatternError(f"trailing backslash in {text!r}")
        code = text[self.pos + 1]
        self.pos += 2
        if code == "Q":
            end = text.find("\\E", self.pos)
            end = len(text) if end < 0 else end
            literal = re.escape(text[self.pos : end])
            self.pos = min(len(text), end + 2)
            return literal
        if code == "z" and not in_class:
            return "\\Z"
        if code == "Z" and not in_class:
            return "(?=\\n?\\Z)"
        if code == "x" and self.pos < len(text) and text[self.pos] == "{":
            return self._hex_escape()
        if code in "pP":
            return self._unicode_class(negated=code == "P", in_class=in_class)
        return "\\" + code

    def _hex_escape(self) -> str:
        end = self.source.find("}", self.pos)
        if end < 0:
            raise PatternError(f"unterminated \\x{{ in {self.source!r}")
        try:
            char = chr(int(self.source[self.pos + 1 : end], 16))
        except ValueError as error:
            raise PatternError(f"bad \\x{{}} escape in {self.source!r}") from error
        self.pos = end + 1
        return re.escape(char)

    def _unicode_class(self, *, negated: bool, in_class: bool) -> str:
        text = self.source
        if self.pos < len(text) and text[self.pos] == "{":
            end = text.find("}", self.pos)
            if end < 0:
                raise PatternError(f"unterminated \\p{{ in {text!r}")
            name = text[self.pos + 1 : end]
            self.pos = end + 1
        else:
            name = text[self.pos : self.pos + 1]
            self.pos += 1
        if name.startswith("^"):
            name, negated = name[1:], not negated
        if name not in _UNICODE:
            raise PatternError(f"unsupported Unicode class \\p{{{name}}} in {text!r}")
        if in_class:
            if negated:
                raise PatternError(f"negated \\P{{{name}}} inside a class in {text!r}")
            return _UNICODE[name]
        if name in _EXACT_OUTSIDE_CLASS and not negated:
            return _EXACT_OUTSIDE_CLASS[name]
        return ("[^" if negated else "[") + _UNICODE[name] + "]"

    def _char_class(self) -> str:
        text = self.source
        self.pos += 1
        parts = ["["]
        if self.pos < len(text) and text[self.pos] == "^":
            parts.append("^")
            self.pos += 1
        first = True
        while self.pos < len(text):
            char = text[self.pos]
            if char == "]" and not first:
                self.pos += 1
                parts.append("]")
                return "".join(parts)
            if char == "[" and text.startswith("[:", self.pos):
                parts.append(self._posix_class(len(parts) == 1 or parts[-1] == "^"))
            elif char == "\\":
                parts.append(self._escape(in_class=True))
            else:
                # Python warns about possible set operations ("[[", "--", "&&", "~~", "||").
                doubled = char in "[-&~|" and text[self.pos + 1 : self.pos + 2] == char
                parts.append("\\" + char if char == "[" or doubled else char)
                self.pos += 1
            first = False
        raise PatternError(f"missing closing ']' in {text!r}")

    def _posix_class(self, alone: bool) -> str:
        text = self.source
        end = text.find(":]", self.pos + 2)
        if end < 0:
            raise PatternError(f"unterminated POSIX class in {text!r}")
        name = text[self.pos + 2 : end]
        self.pos = end + 2
        negated = name.startswith("^")
        ranges = _POSIX.get(name.lstrip("^"))
        if ranges is None:
            raise PatternError(f"unknown POSIX class [:{name}:] in {text!r}")
        if not negated:
            return ranges
        if alone and text[self.pos : self.pos + 1] == "]":
            return "^" + ranges
        raise PatternError(f"negated POSIX class [:{name}:] mixed with others in {text!r}")

    def _open_group(self) -> None:
        text = self.source
        named = _NAMED_GROUP.match(text, self.pos)
        if named:
            self.out.append(f"(?P<{named.group(1)}>" if self.capture else "(?:")
            self.pos = named.end()
            self.groups.append(_Group())
            return
        flags = _FLAG_GROUP.match(text, self.pos)
        if flags:
            self._flag_group(flags)
            return
        if text.startswith("(?#", self.pos):
            end = text.find(")", self.pos)
            self.pos = len(text) if end < 0 else end + 1
            return
        if not self.capture and text.startswith("(?P<", self.pos):
            self.out.append("(?:")
            self.pos = text.index(">", self.pos) + 1
            self.groups.append(_Group())
            return
        opener = "(?" + text[self.pos + 2] if text.startswith("(?", self.pos) else "("
        opener = opener + "=" if opener == "(?<" and text[self.pos + 3] == "=" else opener
        opener = opener + "!" if opener == "(?<" and text[self.pos + 3] == "!" else opener
        self.pos += len(opener)
        self.out.append("(?:" if opener == "(" and not self.capture else opener)
        self.groups.append(_Group())

    def _flag_group(self, match: re.Match[str]) -> None:
        on, off, end = match.group(1), match.group(2) or "", match.group(3)
        unsupported = set(on + off) - _SUPPORTED_FLAGS
        if unsupported:
            raise PatternError(f"unsupported flag(s) {''.join(sorted(unsupported))!r}")
        spec = on + ("-" + off if off else "")
        self.pos = match.end()
        if end == ":":
            self.out.append(f"(?{spec}:" if spec else "(?:")
            self.groups.append(_Group())
        elif spec:
            scope = f"(?{spec}:"
            self.out.append(scope)
            self.groups[-1].scopes.append(scope)

    def _close_scopes(self, group: _Group) -> None:
        self.out.append(")" * len(group.scopes))

    def _close_group(self) -> None:
        if len(self.groups) == 1:
            raise PatternError(f"unexpected ')' in {self.source!r}")
        self._close_scopes(self.groups.pop())
        self.out.append(")")
        self.pos += 1

    def _alternative(self) -> None:
        group = self.groups[-1]
        self._close_scopes(group)
        self.out.append("|")
        self.out.extend(group.scopes)
        self.pos += 1


def translate(pattern: str, *, capture: bool = True) -> str:
    """Rewrite a Go/regexp2 pattern as an equivalent Python ``re`` pattern.

    With ``capture=False`` plain and named groups become non-capturing (``(…)`` → ``(?:…)``),
    as Vale does for substitution keys so that its own groups number the alternatives.
    """
    return _Translator(pattern, capture=capture).run()


def compile_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Translate and compile a Vale pattern; raise ``PatternError`` with the reason on failure."""
    translated = translate(pattern)
    try:
        return re.compile(translated, flags)
    except re.error as error:
        raise PatternError(f"invalid pattern {pattern!r}: {error}") from error
