"""Run rules over a document and turn their findings into sorted ``Alert`` objects.

Per document the engine computes, once and only when a rule needs it: the set of words (to
skip rules whose tokens cannot match, see ``prefilter``), the blocks of each scope, the
sentences of each block, the language and the readability measures.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from accord.brand.alerts import Alert, Level, level_rank
from accord.brand.formats import Document, Format, parse_document
from accord.brand.formats.model import IDENTITY, ORIGIN, Block, JoinedBlocks, format_suffix
from accord.brand.prefilter import DocumentKeys, KeyIndex
from accord.brand.readability import TextMeasures, measure
from accord.brand.rules.base import Finding, Rule, RuleInfo
from accord.brand.rules.loader import Unsupported
from accord.brand.rules.measures import metric_values
from accord.brand.scope import Scope
from accord.brand.text.language import language_of_words
from accord.brand.text.sentences import split_sentences
from accord.brand.text.syllables import Language
from accord.brand.text.tokens import words

__all__ = ["LintContext", "RuleSet", "lint_document", "lint_text"]

_NEWLINE = re.compile("\n")
_NO_SENTENCES = frozenset({"heading", "alt"})
_COUNTED = (
    "paragraphs pre list blockquote heading_h1 heading_h2 heading_h3 heading_h4 heading_h5 "
    "heading_h6"
).split()


def _units(rule: Rule) -> tuple[frozenset[str] | None, ...] | None:
    """Return a rule's unit keys when the prefilter applies (not to rules reading raw text)."""
    if rule.units is None or rule.info.scope.mentions("raw"):
        return None
    return rule.units


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules ready to run, with the rules that could not be compiled."""

    rules: tuple[Rule, ...]
    unsupported: tuple[Unsupported, ...] = ()
    index: KeyIndex = field(init=False, repr=False, compare=False)
    ranks: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranks", tuple(level_rank(r.info.level) for r in self.rules))
        keyed = [
            (position, units) for position, rule in enumerate(self.rules) if (units := _units(rule))
        ]
        object.__setattr__(self, "index", KeyIndex.build(keyed))

    @classmethod
    def of(cls, items: Iterable[Rule | Unsupported]) -> RuleSet:
        """Split built rules from unsupported ones."""
        rules: list[Rule] = []
        unsupported: list[Unsupported] = []
        for item in items:
            if isinstance(item, Unsupported):
                unsupported.append(item)
            else:
                rules.append(item)
        return cls(tuple(rules), tuple(unsupported))

    @property
    def names(self) -> list[str]:
        """Return the names of the runnable rules."""
        return [rule.info.name for rule in self.rules]


class LintContext:
    """Lazily computed facts about one document, shared by the rules linting it."""

    def __init__(self, document: Document, language: Language | None = None) -> None:
        self.document = document
        self._language = language
        self._suffix = format_suffix(document.fmt)
        self._scoped: dict[int, list[Block]] = {}
        self._sentences: dict[int, list[Block]] = {}
        self._measures: dict[int, TextMeasures] = {}
        self._summary: Block | None = None
        self._summary_words: list[str] | None = None
        self._joined: dict[int, JoinedBlocks] = {}
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._values: dict[int, dict[str, float]] = {}
        self._line_starts: list[int] | None = None

    @property
    def language(self) -> Language:
        """Return the document's language (detected from its prose unless given)."""
        if self._language is None:
            self._language = language_of_words(self.summary_words())
        return self._language

    def summary_words(self) -> list[str]:
        """Return the words of the summary block."""
        if self._summary_words is None:
            self._summary_words = words(self.summary().text)
        return self._summary_words

    def summary(self) -> Block:
        """Return the document's prose (headings and alt texts left out) as one block."""
        if self._summary is None:
            texts = [block.text for block in self._prose()]
            sections = frozenset({"summary", self._suffix})
            self._summary = Block("\n\n".join(texts), sections, ORIGIN)
        return self._summary

    def keys(self) -> DocumentKeys:
        """Return the document's prose indexed for the prefilter."""
        return DocumentKeys.of("\n".join(block.text for block in self.document.blocks))

    def measures(self, block: Block) -> TextMeasures:
        """Return the readability measures of ``block`` in the document's language."""
        key = id(block)
        if key not in self._measures:
            if block is self._summary:
                tokens, spans = self.summary_words(), self._summary_spans()
                self._measures[key] = measure(block.text, self.language, tokens, spans)
            else:
                self._measures[key] = measure(block.text, self.language)
        return self._measures[key]

    def _summary_spans(self) -> list[tuple[int, int]]:
        """Return the summary's sentences: each prose block's, shifted (blocks never merge)."""
        spans: list[tuple[int, int]] = []
        offset = 0
        for block in self._prose():
            spans.extend((start + offset, end + offset) for start, end in self.spans(block))
            offset += len(block.text) + 2
        return spans

    def _prose(self) -> list[Block]:
        return [block for block in self.document.blocks if _NO_SENTENCES.isdisjoint(block.sections)]

    def spans(self, block: Block) -> list[tuple[int, int]]:
        """Return the sentence spans of ``block`` (cached)."""
        key = id(block)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = split_sentences(block.text)
        return found

    def element_counts(self) -> dict[str, int]:
        """Return how many paragraphs, lists items, code blocks, quotes and headings it has."""
        counts = dict.fromkeys(_COUNTED, 0)
        counts.update(self.document.counts)
        return counts

    def metric_values(self, block: Block) -> dict[str, float]:
        """Return the variables of metric formulas for ``block`` (cached)."""
        key = id(block)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = metric_values(self.measures(block), self.element_counts())
        return found

    def joined(self, blocks: Sequence[Block]) -> JoinedBlocks:
        """Return ``blocks`` joined into one text (cached for the same block list)."""
        key = id(blocks)
        found = self._joined.get(key)
        if found is None:
            found = self._joined[key] = JoinedBlocks.of(tuple(blocks))
        return found

    def sentence_count(self, text: str) -> int:
        """Return how many sentences ``text`` has."""
        return len(split_sentences(text))

    def sentences(self, block: Block) -> list[Block]:
        """Return the sentences of a prose block as blocks (none for headings and alt text)."""
        key = id(block)
        if key not in self._sentences:
            extra = frozenset({"sentence"})
            self._sentences[key] = (
                [block.slice(start, end, extra) for start, end in self.spans(block)]
                if _NO_SENTENCES.isdisjoint(block.sections)
                else []
            )
        return self._sentences[key]

    def blocks_for(self, scope: Scope) -> list[Block]:
        """Return the blocks in ``scope``, in document order (cached by scope identity)."""
        cached = self._scoped.get(id(scope))
        if cached is not None:
            return cached
        selected: list[Block] = []
        if scope.mentions("raw"):
            raw = Block(self.document.source, frozenset({"raw", self._suffix}), IDENTITY)
            selected.extend([raw] if scope.matches(raw.sections) else [])
        if scope.mentions("summary") and scope.matches(self.summary().sections):
            selected.append(self.summary())
        wants_sentences = scope.mentions("sentence")
        for block in self.document.blocks:
            if scope.matches(block.sections):
                selected.append(block)
            if wants_sentences:
                selected.extend(s for s in self.sentences(block) if scope.matches(s.sections))
        self._scoped[id(scope)] = selected
        return selected

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a source offset."""
        if self._line_starts is None:
            source = self.document.source
            self._line_starts = [0] + [match.end() for match in _NEWLINE.finditer(source)]
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


def _alert(finding: Finding, info: RuleInfo, context: LintContext) -> Alert:
    start, end = finding.block.source_span(finding.start, finding.end)
    line, column = context.position(start)
    return Alert(
        check=info.name,
        level=info.level,
        message=finding.message,
        line=line,
        column=column,
        start=start,
        end=end,
        match=context.document.source[start:end],
        replacement=finding.replacement,
        link=info.link,
    )


def _enabled(alert: Alert, document: Document) -> bool:
    enabled = True
    style = alert.check.split(".")[0]
    for directive in document.directives:
        if directive.offset > alert.start:
            break
        if directive.target in (None, alert.check, style):
            enabled = directive.enabled
    return enabled


def _rule_alerts(
    rule: Rule,
    position: int,
    context: LintContext,
    candidates: dict[int, tuple[int, ...]],
    keyed: frozenset[int],
) -> list[Alert]:
    units = None
    if position in keyed:
        units = candidates.get(position)
        if not units:
            return []
    blocks = context.blocks_for(rule.info.scope)
    if not blocks:
        return []
    alerts = [_alert(finding, rule.info, context) for finding in rule.run(blocks, context, units)]
    if rule.info.limit > 0:
        alerts = sorted(alerts, key=lambda alert: alert.start)[: rule.info.limit]
    return alerts


def _ignored(source: str, patterns: Sequence[re.Pattern[str]]) -> list[tuple[int, int]]:
    return [match.span() for pattern in patterns for match in pattern.finditer(source)]


def lint_document(
    document: Document,
    rules: RuleSet,
    *,
    min_level: Level = "suggestion",
    language: Language | None = None,
    ignore: Sequence[re.Pattern[str]] = (),
) -> list[Alert]:
    """Run ``rules`` on a parsed document; return its alerts sorted by position.

    Alerts below ``min_level`` are dropped, as are those a ``<!-- vale … -->`` comment turns
    off and those overlapping a match of an ``ignore`` pattern (``TokenIgnores``) in the
    source. ``language`` ("fr"/"en") is detected from the prose when not given.
    """
    context = LintContext(document, language)
    keyed = rules.index.keyed_rules
    candidates = rules.index.candidates(context.keys()) if keyed else {}
    threshold = level_rank(min_level)
    found: dict[tuple[str, int, int, str], Alert] = {}
    for position, rule in enumerate(rules.rules):
        if rules.ranks[position] < threshold:
            continue
        for alert in _rule_alerts(rule, position, context, candidates, keyed):
            found.setdefault((alert.check, alert.start, alert.end, alert.message), alert)
    ignored = _ignored(document.source, ignore)
    alerts = [
        alert
        for alert in found.values()
        if _enabled(alert, document)
        and not any(start < alert.end and alert.start < end for start, end in ignored)
    ]
    return sorted(alerts, key=lambda alert: (alert.line, alert.column, alert.check, alert.end))


def lint_text(
    text: str,
    rules: RuleSet | Sequence[Rule],
    fmt: Format = "text",
    *,
    min_level: Level = "suggestion",
    language: Language | None = None,
) -> list[Alert]:
    """Lint ``text`` (``fmt`` "text", "markdown" or "html") with ``rules``.

    Pass a ``RuleSet`` when linting many texts with the same rules: building one indexes the
    rules' key words, which a plain sequence of rules would redo on every call.
    """
    ruleset = rules if isinstance(rules, RuleSet) else RuleSet(tuple(rules))
    return lint_document(parse_document(text, fmt), ruleset, min_level=min_level, language=language)
