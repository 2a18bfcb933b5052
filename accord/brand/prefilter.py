"""Keys that let the engine skip rules whose tokens cannot match a document.

Running every token of every rule over every document is what makes a naive linter slow: a
rule with 700 alternatives costs milliseconds per page in Python's backtracking engine. Most
tokens, though, need something easy to look up in any match:

- a whole word ("hit the ground running" needs "ground"; ``(?:bull|ox)-like`` needs "like";
  ``m[ae]n`` needs "man" or "men": small finite patterns are expanded);
- else the start or the end of a word, three or four letters (``hero\\w*`` needs a word
  starting with "hero", written ``<hero``; ``[\\w]+ing`` a word ending in "ing", ``>ing``);
- else a literal piece of text (``[a-z]*[!]{2,}`` needs "!!", written ``=!!``);
- else a digit (``\\d{1,2} ?[ap]m``, written ``#d``).

This module derives such keys from the parsed pattern; the engine looks up the document's keys
(``DocumentKeys``) and only runs the tokens that can match. A token without a derivable key is
always run, so the filter never changes the result, only the time it takes.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DocumentKeys", "KeyIndex", "token_anchor", "token_keys"]

_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")
_DIGIT = re.compile(r"\d")
_MAX_CHOICES = 64
_MAX_CLASS = 6  # literal classes up to this size are expanded ("[ae]" → "a" or "e")
_AFFIX = 4  # word starts and ends are keyed by this many characters at most
_MIN_AFFIX = 3  # shorter word starts and ends (``<at``) are in nearly every text: not keys
_DIGIT_KEY = "#d"
_BOUND = "\x00"  # marks a word boundary inside an expanded pattern text
# Words in nearly every English or French text: as keys they filter nothing.
_COMMON = frozenset(
    """a an the and or of to in on at by for is are be as it that this with from was not
    le la les de des du un une et en au aux est pour par sur que qui ne pas il elle""".split()
)

# (kind, value) elements of a flattened pattern: "lit"/"sep" (a word / non-word character,
# value None when it is a class of non-word characters), "bound" (zero-width edge between a
# word and a non-word character), "skip" (zero-width, says nothing), "choice" (alternatives,
# each a list of elements), "opt" (an optional list of elements), "digit" (one or more digits)
# and "unknown" (anything else, possibly empty, possibly word characters).
_Element = tuple[str, Any]


def _parser() -> Any:
    return importlib.import_module("re._parser")


def _is_word(char: str) -> bool:
    return _WORD_CHAR.match(char) is not None


def _char(char: str) -> _Element:
    return ("lit", char) if _is_word(char) else ("sep", char)


def _class_element(items: Sequence[tuple[Any, Any]]) -> _Element:
    names = [str(op) for op, _ in items]
    if all(name == "LITERAL" for name in names):
        chars = [chr(value) for _, value in items]
        if len(chars) == 1:
            return _char(chars[0])
        if len(chars) <= _MAX_CLASS:
            return ("choice", [[_char(char)] for char in chars])
    if names == ["CATEGORY"] and str(items[0][1]) in {"CATEGORY_DIGIT", "CATEGORY_UNI_DIGIT"}:
        return ("digit", None)
    if names == ["RANGE"] and items[0][1] == (48, 57):
        return ("digit", None)
    separator = all(
        (name == "LITERAL" and not _is_word(chr(value)))
        or (name == "CATEGORY" and str(value) in {"CATEGORY_SPACE", "CATEGORY_UNI_SPACE"})
        for name, (_, value) in zip(names, items, strict=True)
    )
    return ("sep", None) if separator else ("unknown", None)


def _repeat(low: int, high: int, body: list[_Element]) -> list[_Element]:
    if low == 0 and high == 1:
        return [("opt", body)]
    if low >= 1 and len(body) == 1 and body[0][0] in {"lit", "sep"} and body[0][1] is not None:
        return [body[0]] * min(low, 4) + ([("unknown", None)] if high != low else [])
    if low >= 1 and all(kind == "sep" for kind, _ in body):
        return [("sep", None)]
    if low >= 1 and all(kind == "digit" for kind, _ in body):
        return [("digit", None)]
    return [("unknown", None)]


def _element(op: Any, value: Any) -> list[_Element]:
    """Flatten one parsed node into elements (a group with one alternative is inlined)."""
    name = str(op)
    if name == "LITERAL":
        return [_char(chr(value))]
    if name == "AT":
        return [("unknown", None)] if str(value) == "AT_NON_BOUNDARY" else [("bound", None)]
    if name in {"ASSERT", "ASSERT_NOT"}:
        return [("skip", None)]
    if name == "IN":
        return [_class_element(value)]
    if name in {"SUBPATTERN", "ATOMIC_GROUP"}:
        return _flatten(value[-1] if name == "SUBPATTERN" else value)
    if name == "BRANCH":
        return [("choice", [_flatten(branch) for branch in value[1]])]
    if name in {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}:
        low, high, body = value
        return _repeat(low, high, _flatten(body))
    return [("unknown", None)]


def _flatten(parsed: Any) -> list[_Element]:
    elements: list[_Element] = []
    for op, value in parsed:
        elements.extend(_element(op, value))
    return elements


def _bounded(elements: Sequence[_Element], index: int, step: int, edge: bool) -> bool:
    """Tell whether a word ends at ``index`` looking in direction ``step``."""
    position = index + step
    while 0 <= position < len(elements) and elements[position][0] == "skip":
        position += step
    if not 0 <= position < len(elements):
        return edge
    return elements[position][0] in {"sep", "bound"}


def _runs(elements: Sequence[_Element]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = -1
    for index, (kind, _) in enumerate(elements):
        if kind == "lit" and start < 0:
            start = index
        elif kind != "lit" and start >= 0:
            runs.append((start, index))
            start = -1
    if start >= 0:
        runs.append((start, len(elements)))
    return runs


def _run_key(text: str, starts: bool, ends: bool) -> str | None:
    """Return the key of a literal run: a word, a word start ``<…`` or a word end ``>…``."""
    text = text.lower()
    if starts and ends:
        return text
    if len(text) < _MIN_AFFIX:
        return None
    if starts:
        return "<" + text[:_AFFIX]
    if ends:
        return ">" + text[-_AFFIX:]
    return None


def _rank(key: str) -> tuple[int, int]:
    """Rate how selective one key is: (rarity, kind); whole words beat text on a tie."""
    if key[0] in "#=":
        return (1, 0)
    if key[0] in "<>":
        return (2, 1)
    return (1 if key in _COMMON else 3, 2)


def _strength(keys: frozenset[str]) -> tuple[tuple[int, int], int, int]:
    """Rank key sets by their weakest key, then by length, then by how few they are."""
    shortest = min(len(key.lstrip("<>=#")) for key in keys)
    return (min(_rank(key) for key in keys), shortest, -len(keys))


def _choice_keys(
    elements: Sequence[_Element], index: int, left: bool, right: bool
) -> frozenset[str] | None:
    inner_left = _bounded(elements, index, -1, left)
    inner_right = _bounded(elements, index, 1, right)
    union: set[str] = set()
    for branch in elements[index][1]:
        keys = _sequence_keys(branch, inner_left, inner_right)
        if keys is None:
            return None
        union |= keys
    return frozenset(union) if len(union) <= _MAX_CHOICES else None


def _sequence_keys(elements: Sequence[_Element], left: bool, right: bool) -> frozenset[str] | None:
    """Return the best key set of a sequence: a match holds one of them."""
    options: list[frozenset[str]] = []
    for start, end in _runs(elements):
        text = "".join(char for _, char in elements[start:end])
        starts = _bounded(elements, start, -1, left)
        key = _run_key(text, starts, _bounded(elements, end - 1, 1, right))
        if key is not None:
            options.append(frozenset({key}))
    for index, (kind, _) in enumerate(elements):
        if kind == "choice":
            keys = _choice_keys(elements, index, left, right)
            if keys is not None:
                options.append(keys)
    return max(options, key=_strength) if options else None


def _expand(elements: Sequence[_Element]) -> list[str] | None:
    """Return every text a small finite pattern can match, or None if it is not one."""
    results = [""]
    for kind, value in elements:
        if kind in {"lit", "sep", "bound"} and (value is not None or kind == "bound"):
            mark = _BOUND if kind == "bound" else value
            results = [result + mark for result in results]
            continue
        if kind == "skip":
            continue
        if kind == "choice":
            branches = [_expand(branch) for branch in value]
            if any(branch is None for branch in branches):
                return None
            options = [text for branch in branches for text in branch or []]
        elif kind == "opt":
            body = _expand(value)
            if body is None:
                return None
            options = ["", *body]
        else:
            return None
        results = [result + option for result in results for option in options]
        if len(results) > _MAX_CHOICES:
            return None
    return results


def _expanded_keys(elements: Sequence[_Element], bounded: bool) -> frozenset[str] | None:
    texts = _expand(elements)
    if not texts or any(not text.strip(_BOUND) for text in texts):
        return None
    union: set[str] = set()
    for text in texts:
        chars = [("bound", None) if char == _BOUND else _char(char) for char in text]
        keys = _sequence_keys(chars, bounded, bounded)
        if keys is None:
            return None
        union |= keys
    return frozenset(union) if len(union) <= _MAX_CHOICES else None


def _text_key(elements: Sequence[_Element]) -> frozenset[str] | None:
    """Return the longest literal text (2+ characters) of the top level, as ``=text``."""
    best, current = "", ""
    for kind, value in [*elements, ("unknown", None)]:
        if kind in {"lit", "sep"} and value is not None:
            current += value
        elif kind not in {"bound", "skip"}:
            best, current = max(best, current, key=len), ""
    if len(best) >= 2:
        return frozenset({"=" + best.lower()})
    if any(kind == "digit" for kind, _ in elements):
        return frozenset({_DIGIT_KEY})
    return None


def _elements(pattern: str) -> list[_Element] | None:
    try:
        return _flatten(_parser().parse(pattern))
    except (re.error, RecursionError, AttributeError, ImportError):
        return None


def token_anchor(pattern: str) -> str | None:
    """Return the lower-cased literal text every match of ``pattern`` starts with, if any.

    Zero-width assertions at the start (``\\b``, look-arounds) are passed over.
    """
    elements = _elements(pattern)
    if elements is None:
        return None
    chars: list[str] = []
    for kind, value in elements:
        if kind in {"bound", "skip"} and not chars:
            continue
        if kind not in {"lit", "sep"} or value is None:
            break
        chars.append(value)
    return "".join(chars).lower() or None


def token_keys(pattern: str, *, bounded: bool) -> frozenset[str] | None:
    """Return keys one of which any match of ``pattern`` holds, or None when unknown.

    ``pattern`` is a Python pattern; ``bounded`` says the engine wraps it in ``\\b…\\b``.
    """
    elements = _elements(pattern)
    if elements is None:
        return None
    edges = [("bound", None)] if bounded else []
    options = [
        keys
        for keys in (
            _sequence_keys([*edges, *elements, *edges], False, False),
            _expanded_keys(elements, bounded),
            _text_key(elements),
        )
        if keys is not None and all(key.lstrip("<>=") for key in keys)
    ]
    return max(options, key=_strength) if options else None


@dataclass(frozen=True)
class DocumentKeys:
    """What a document offers to look keys up: its words, their starts and ends, its text."""

    words: frozenset[str]
    text: str

    @classmethod
    def of(cls, text: str) -> DocumentKeys:
        """Index ``text`` (the document's prose, or several texts joined)."""
        lower = text.lower()
        return cls(frozenset(_WORD.findall(lower)), lower)


@dataclass(frozen=True)
class KeyIndex:
    """Map keys to the (rule, unit) pairs they make possible, for one rule collection."""

    words: dict[str, tuple[tuple[int, int], ...]]
    word_keys: frozenset[str]
    starts: dict[int, dict[str, tuple[tuple[int, int], ...]]]
    ends: dict[int, dict[str, tuple[tuple[int, int], ...]]]
    texts: dict[str, tuple[tuple[int, int], ...]]
    digits: tuple[tuple[int, int], ...]
    always: dict[int, frozenset[int]]
    keyed_rules: frozenset[int]

    @classmethod
    def build(cls, rules_units: Iterable[tuple[int, Sequence[frozenset[str] | None]]]) -> KeyIndex:
        """Index each rule's units (tokens, swap keys, pairs) by their keys."""
        by_key: dict[str, list[tuple[int, int]]] = {}
        always: dict[int, frozenset[int]] = {}
        keyed: set[int] = set()
        for rule_index, units in rules_units:
            keyed.add(rule_index)
            unkeyed = frozenset(index for index, keys in enumerate(units) if keys is None)
            if unkeyed:
                always[rule_index] = unkeyed
            for unit_index, keys in enumerate(units):
                for key in keys or ():
                    by_key.setdefault(key, []).append((rule_index, unit_index))
        starts: dict[int, dict[str, tuple[tuple[int, int], ...]]] = {}
        ends: dict[int, dict[str, tuple[tuple[int, int], ...]]] = {}
        for key, pairs in by_key.items():
            if key[0] in "<>":
                table = starts if key[0] == "<" else ends
                table.setdefault(len(key) - 1, {})[key[1:]] = tuple(pairs)
        words = {key: tuple(pairs) for key, pairs in by_key.items() if key[0] not in "<>=#"}
        return cls(
            words=words,
            word_keys=frozenset(words),
            starts=starts,
            ends=ends,
            texts={key[1:]: tuple(pairs) for key, pairs in by_key.items() if key[0] == "="},
            digits=tuple(by_key.get(_DIGIT_KEY, ())),
            always=always,
            keyed_rules=frozenset(keyed),
        )

    def _pairs(self, document: DocumentKeys) -> Iterator[tuple[tuple[int, int], ...]]:
        words = document.words
        for word in words & self.word_keys:
            yield self.words[word]
        for size, table in self.starts.items():
            for start in {word[:size] for word in words if word[:size] in table}:
                yield table[start]
        for size, table in self.ends.items():
            for end in {word[-size:] for word in words if word[-size:] in table}:
                yield table[end]
        for text, pairs in self.texts.items():
            if text in document.text:
                yield pairs
        if self.digits and _DIGIT.search(document.text):
            yield self.digits

    def candidates(self, document: DocumentKeys) -> dict[int, tuple[int, ...]]:
        """Return, for each keyed rule that may match, the sorted units that may match."""
        found: dict[int, set[int]] = {rule: set(units) for rule, units in self.always.items()}
        for pairs in self._pairs(document):
            for rule, unit in pairs:
                units = found.get(rule)
                if units is None:
                    found[rule] = {unit}
                else:
                    units.add(unit)
        return {rule: tuple(sorted(units)) for rule, units in found.items()}
