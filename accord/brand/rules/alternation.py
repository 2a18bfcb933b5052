"""A rule's tokens as one alternation, searched only for the tokens that can match.

Vale joins a rule's tokens into one alternation (``\\b(?:a|b|c)\\b``). When word keys say that
only a few tokens can match a document, searching each of those tokens on its own and merging
the results the way an alternation would (leftmost match first, the earlier token on a tie,
then resume after it) finds the same matches much faster: the others match nowhere. A token
whose matches all start with a literal ("very", "hit the") is located with ``str.find`` on the
lower-cased text and only tried where that literal occurs. Many candidates fall back to the
joined pattern, compiled once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from accord.brand.prefilter import token_anchor, token_keys
from accord.brand.regex import PatternError

__all__ = ["Alternation"]

_MERGE_LIMIT = 48  # above this many candidate tokens, one joined pattern is faster
_MIN_ANCHOR = 2


def _probes(keys: frozenset[str] | None) -> tuple[str, ...]:
    """Return texts one of which a block must contain for the token to match in it."""
    if keys is None or any(key.startswith("#") for key in keys):
        return ()
    return tuple(key.lstrip("<>=") for key in keys)


@dataclass(frozen=True)
class Alternation:
    """Tokens (Python syntax) between a prefix and a suffix, one alternative each."""

    tokens: tuple[str, ...]
    prefix: str
    suffix: str
    flags: int
    capture: bool = False
    keys: tuple[frozenset[str] | None, ...] = ()
    anchors: tuple[str | None, ...] = ()
    probes: tuple[tuple[str, ...], ...] = ()
    full: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _single: dict[int, re.Pattern[str]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(
        cls,
        tokens: Sequence[str],
        *,
        prefix: str = "",
        suffix: str = "",
        flags: int = 0,
        capture: bool = False,
        bounded: bool = True,
        anchored: bool = True,
    ) -> Alternation:
        """Compile the alternation of ``tokens``; raise ``PatternError`` if it is invalid.

        ``anchored`` says matches start where tokens start (no pattern before them).
        """
        keys = tuple(token_keys(token, bounded=bounded) for token in tokens)
        anchors = tuple(token_anchor(token) if anchored else None for token in tokens)
        anchors = tuple(a if a and len(a) >= _MIN_ANCHOR else None for a in anchors)
        probes = tuple(_probes(token_keys) for token_keys in keys)
        built = cls(tuple(tokens), prefix, suffix, flags, capture, keys, anchors, probes)
        object.__setattr__(built, "full", built._compile(range(len(tokens))))
        return built

    def _compile(self, indices: Sequence[int]) -> re.Pattern[str]:
        wrap = "({})" if self.capture else "{}"
        body = "|".join(wrap.format(self.tokens[index]) for index in indices)
        try:
            return re.compile(self.prefix + body + self.suffix, self.flags)
        except re.error as error:
            raise PatternError(f"invalid pattern: {error}") from error

    def _pattern(self, index: int) -> re.Pattern[str]:
        pattern = self._single.get(index)
        if pattern is None:
            pattern = self._single[index] = self._compile((index,))
        return pattern

    def _next(self, index: int, text: str, lower: str, start: int) -> re.Match[str] | None:
        """Return the first match of token ``index`` at or after ``start``.

        ``lower`` is ``text.lower()``, or "" when lower-casing changed the length (then
        positions in it are not positions in ``text``).
        """
        pattern = self._pattern(index)
        anchor = self.anchors[index]
        if anchor is None or not lower:
            probes = self.probes[index] if self.probes else ()
            if probes and lower and not any(probe in lower for probe in probes):
                return None
            return pattern.search(text, start)
        at = lower.find(anchor, start)
        while at >= 0:
            match = pattern.match(text, at)
            if match is not None:
                return match
            at = lower.find(anchor, at + 1)
        return None

    def finditer(
        self, text: str, lower: str, subset: tuple[int, ...] | None
    ) -> Iterator[tuple[int, re.Match[str]]]:
        """Yield (token index, match) as the alternation restricted to ``subset`` would.

        ``lower`` is ``text.lower()``. The token index is -1 when it is not known (the joined
        pattern without capture groups).
        """
        if subset is None or len(subset) > _MERGE_LIMIT:
            for match in self.full.finditer(text):
                yield (match.lastindex or 0) - 1 if self.capture else -1, match
            return
        if len(lower) != len(text):
            lower = ""
        if len(subset) == 1:
            yield from self._single_token(subset[0], text, lower)
        else:
            yield from self._merged(text, lower, subset)

    def _single_token(
        self, index: int, text: str, lower: str
    ) -> Iterator[tuple[int, re.Match[str]]]:
        match = self._next(index, text, lower, 0)
        while match is not None:
            yield index, match
            position = match.end() if match.end() > match.start() else match.end() + 1
            match = self._next(index, text, lower, position)

    def _merged(
        self, text: str, lower: str, subset: tuple[int, ...]
    ) -> Iterator[tuple[int, re.Match[str]]]:
        heads = [self._next(index, text, lower, 0) for index in subset]
        position = 0
        while True:
            best, found = -1, None
            for slot, head in enumerate(heads):
                if head is not None and head.start() < position:
                    head = heads[slot] = self._next(subset[slot], text, lower, position)
                if head is not None and (found is None or head.start() < found.start()):
                    best, found = slot, head
            if found is None:
                return
            yield subset[best], found
            position = found.end() if found.end() > found.start() else found.end() + 1
