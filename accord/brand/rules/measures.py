"""``metric`` (a formula over text counts) and ``readability`` (average grade level).

Both measure the whole document's prose (the ``summary`` scope) unless the rule names another
scope, and report at the start of what they measured (1:1 for a document). Counts use the
document's language, so syllables are French syllables in a French text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields

from accord.brand.alerts import format_message
from accord.brand.formats.model import Block
from accord.brand.readability import (
    TextMeasures,
    automated_readability_index,
    coleman_liau_index,
    flesch_kincaid_grade,
    gunning_fog,
    smog_grade,
)
from accord.brand.rules.base import Context, Finding, Keys, RuleError, RuleInfo
from accord.brand.rules.fields import Fields
from accord.brand.rules.formula import Formula, FormulaError

__all__ = [
    "GRADE_METRICS",
    "Metric",
    "Readability",
    "build_metric",
    "build_readability",
    "metric_values",
]

GRADE_METRICS: dict[str, Callable[[TextMeasures], float]] = {
    "Gunning Fog": gunning_fog,
    "Coleman-Liau": coleman_liau_index,
    "Flesch-Kincaid": flesch_kincaid_grade,
    "SMOG": smog_grade,
    "Automated Readability": automated_readability_index,
}


_MEASURES = tuple(item.name for item in dataclass_fields(TextMeasures))


def metric_values(measures: TextMeasures, counts: dict[str, int]) -> dict[str, float]:
    """Return the variables a metric formula may use, for one measured block."""
    values: dict[str, float] = {key: float(value) for key, value in counts.items()}
    values.update({name: float(getattr(measures, name)) for name in _MEASURES})
    return values


@dataclass(frozen=True)
class Metric:
    """Alert when ``formula`` computed on a block satisfies ``condition``."""

    info: RuleInfo
    formula: Formula
    condition: Formula

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return None: metrics are not keyed."""
        return None

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Evaluate the formula on each block (usually the one summary block)."""
        for block in blocks:
            if not context.measures(block).words:
                continue
            values = context.metric_values(block)
            try:
                result = float(self.formula.evaluate(values))
                fires = bool(self.condition.evaluate({**values, "__result__": result}))
            except FormulaError:
                continue
            if fires:
                yield Finding(block, 0, 0, format_message(self.info.message, f"{result:.2f}"))


def build_metric(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Metric:
    """Compile a ``metric`` rule."""
    formula = fields.string("formula")
    condition = fields.string("condition")
    if not formula or not condition:
        raise RuleError("a metric rule needs 'formula' and 'condition'")
    return Metric(
        info=info,
        formula=Formula.parse(formula),
        condition=Formula.parse(f"__result__ {condition}", extra=("__result__",)),
    )


@dataclass(frozen=True)
class Readability:
    """Alert when the average of the chosen grade-level metrics exceeds ``grade``."""

    info: RuleInfo
    metrics: tuple[Callable[[TextMeasures], float], ...]
    grade: float

    @property
    def units(self) -> tuple[Keys, ...] | None:
        """Return None: readability is not keyed."""
        return None

    def run(
        self, blocks: Sequence[Block], context: Context, units: tuple[int, ...] | None
    ) -> Iterator[Finding]:
        """Average the metrics on each block (usually the one summary block)."""
        for block in blocks:
            measures = context.measures(block)
            if not measures.words:
                continue
            grade = sum(metric(measures) for metric in self.metrics) / len(self.metrics)
            if grade > self.grade:
                yield Finding(block, 0, 0, format_message(self.info.message, f"{grade:.2f}"))


def build_readability(info: RuleInfo, fields: Fields, accepted: Sequence[str]) -> Readability:
    """Compile a ``readability`` rule."""
    names = fields.strings("metrics")
    unknown = [name for name in names if name not in GRADE_METRICS]
    if not names or unknown:
        known = ", ".join(GRADE_METRICS)
        raise RuleError(f"'metrics' must list some of {known} (got {unknown or 'none'})")
    return Readability(
        info=info,
        metrics=tuple(GRADE_METRICS[name] for name in names),
        grade=fields.number("grade"),
    )
