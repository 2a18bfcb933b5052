"""The brand-voice score of one lint and the report ``check_outgoing`` returns.

Formula: each alert weighs 10 (error), 3 (warning) or 1 (suggestion); the penalty is the
weighted sum per 100 words, words counted with a floor of 50 so that one slip in a short post
is not read as a wholly off-brand text::

    score = clip(100 - 100 * (10 * errors + 3 * warnings + suggestions) / max(words, 50), 0, 100)

rounded to one decimal. A text without alerts scores 100.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from accord.brand.alerts import Alert, Level

WEIGHTS: dict[Level, int] = {"error": 10, "warning": 3, "suggestion": 1}
WORD_FLOOR = 50


def brand_voice_score(words: int, errors: int, warnings: int, suggestions: int) -> float:
    """Return the 0–100 score of a text of ``words`` words with these alert counts."""
    weighted = WEIGHTS["error"] * errors + WEIGHTS["warning"] * warnings + suggestions
    penalty = 100 * weighted / max(words, WORD_FLOOR)
    return round(min(100.0, max(0.0, 100 - penalty)), 1)


@dataclass(frozen=True)
class LintReport:
    """The alerts of one outgoing text, its word count and its brand-voice score."""

    alerts: tuple[Alert, ...]
    words: int

    def count(self, level: Level) -> int:
        """Return how many alerts have ``level``."""
        return sum(1 for alert in self.alerts if alert.level == level)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def suggestions(self) -> int:
        return self.count("suggestion")

    @property
    def blocking(self) -> bool:
        """Tell whether an error alert stops the text unless a reviewer overrides it."""
        return self.errors > 0

    @property
    def score(self) -> float:
        return brand_voice_score(self.words, self.errors, self.warnings, self.suggestions)

    @property
    def rules_hit(self) -> list[str]:
        """Return the names of the rules that fired, most frequent first."""
        return [name for name, _ in Counter(a.check for a in self.alerts).most_common()]

    def as_json(self) -> dict[str, object]:
        """Return the report as stored in ``Content.last_lint``."""
        return {
            "words": self.words,
            "score": self.score,
            "errors": self.errors,
            "warnings": self.warnings,
            "suggestions": self.suggestions,
            "alerts": [
                {
                    "check": a.check,
                    "level": a.level,
                    "message": a.message,
                    "line": a.line,
                    "column": a.column,
                    "start": a.start,
                    "end": a.end,
                    "match": a.match,
                    "replacement": a.replacement,
                }
                for a in self.alerts
            ],
        }
