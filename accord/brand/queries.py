"""Reads of the brand voice, and the check every outgoing message goes through.

``check_outgoing(workspace, channel, text, language, sponsored) -> LintReport`` is what the
email, social and press editors call before a send: ``channel`` is one of ``Channel``
("email", "social", "press", "ad", "landing"), ``language`` "fr" or "en", ``sponsored``
whether the text is paid content (it then needs "#sponsorisé" / "#ad"). The report's
``alerts`` carry positions and fixes, ``blocking`` is True when an error alert stops the text
(unless a brand reviewer overrides it), ``score`` is the 0–100 brand-voice score
(``accord.brand.scoring``). It reads the workspace's style guide (one query) and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Count, QuerySet, Sum
from django.db.models.functions import TruncWeek

from accord.accounts.models import AuditEntry, Workspace
from accord.brand.alerts import Alert
from accord.brand.guide import lint_with_guide
from accord.brand.models import Channel, Content, LintRecord, StyleGuide
from accord.brand.scoring import LintReport

__all__ = [
    "BrandDashboard",
    "ScoreRow",
    "apply_fix",
    "check_outgoing",
    "content_history",
    "contents",
    "dashboard",
    "highlighted",
    "style_guide",
]

TOP_VIOLATIONS = 10
RECENT_RECORDS = 2000


def style_guide(workspace: Workspace) -> StyleGuide:
    """Return the workspace's style guide, an unsaved empty one when none was written."""
    guide = StyleGuide.objects.filter(workspace=workspace).first()
    return guide if guide is not None else StyleGuide(workspace=workspace)


def check_outgoing(
    workspace: Workspace, channel: str, text: str, language: str, sponsored: bool
) -> LintReport:
    """Lint an outgoing ``text`` with the workspace's style guide (see the module docstring)."""
    return lint_with_guide(style_guide(workspace), channel, text, language, sponsored)


def apply_fix(text: str, start: int, end: int, match: str, replacement: str) -> str:
    """Replace ``text[start:end]`` by ``replacement``; raise ValueError if it is not ``match``.

    The check guards against a stale fix: the text changed since it was linted.
    """
    if not 0 <= start <= end <= len(text) or text[start:end] != match:
        raise ValueError("The text changed since it was checked.")
    return text[:start] + replacement + text[end:]


def contents(workspace: Workspace, status: str = "") -> QuerySet[Content]:
    """Return the workspace's contents, newest first, optionally of one status."""
    found = Content.objects.filter(workspace=workspace).select_related("author", "override_by")
    return found.filter(status=status) if status else found


def content_history(content: Content) -> QuerySet[AuditEntry]:
    """Return the audit rows of one content (submission, override, decision), oldest first."""
    return AuditEntry.objects.filter(
        workspace_id=content.workspace_id, object_type="Content", object_id=str(content.pk)
    ).order_by("at", "pk")


@dataclass(frozen=True)
class Segment:
    """A run of a checked text; ``alert`` is the alert marking it, None for plain text."""

    text: str
    alert: Alert | None = None


def highlighted(text: str, alerts: Iterable[Alert]) -> list[Segment]:
    """Cut ``text`` into plain runs and runs marked by an alert.

    Alerts about the whole text (empty span) mark nothing; of overlapping spans the earliest
    wins, the others stay listed but unmarked.
    """
    segments: list[Segment] = []
    position = 0
    for alert in sorted(alerts, key=lambda a: (a.start, -a.end)):
        if alert.start == alert.end or alert.start < position or alert.end > len(text):
            continue
        if alert.start > position:
            segments.append(Segment(text[position : alert.start]))
        segments.append(Segment(text[alert.start : alert.end], alert))
        position = alert.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


@dataclass(frozen=True)
class ScoreRow:
    """The average brand-voice score of one group of lints (a channel, campaign, author, week)."""

    label: str
    lints: int
    score: float
    errors: int


@dataclass(frozen=True)
class BrandDashboard:
    """Brand-voice consistency of a workspace: scores by group and the most frequent alerts."""

    overall: ScoreRow
    by_channel: list[ScoreRow]
    by_campaign: list[ScoreRow]
    by_author: list[ScoreRow]
    by_week: list[ScoreRow]
    violations: list[tuple[str, int]]


def _rows(records: QuerySet[LintRecord], field: str) -> list[ScoreRow]:
    grouped = records.values(field).annotate(n=Count("pk"), s=Avg("score"), e=Sum("errors"))
    return [_row(str(item[field] or "—"), item) for item in grouped.order_by(field)]


def _row(label: str, item: Mapping[str, Any]) -> ScoreRow:
    score = item["s"]
    return ScoreRow(
        label=label,
        lints=int(str(item["n"] or 0)),
        score=round(float(str(score)), 1) if score is not None else 100.0,
        errors=int(str(item["e"] or 0)),
    )


def _weeks(records: QuerySet[LintRecord]) -> list[ScoreRow]:
    grouped = (
        records.annotate(week=TruncWeek("at"))
        .values("week")
        .annotate(n=Count("pk"), s=Avg("score"), e=Sum("errors"))
        .order_by("week")
    )
    return [_row(_week_label(item["week"]), item) for item in grouped]


def _week_label(week: object) -> str:
    return week.date().isoformat() if isinstance(week, datetime) else str(week)


def _channel_label(value: str) -> str:
    return str(Channel(value).label) if value in Channel.values else value


def _violations(rule_lists: Iterable[list[str]]) -> list[tuple[str, int]]:
    counts: Counter[str] = Counter()
    for names in rule_lists:
        counts.update(names)
    return counts.most_common(TOP_VIOLATIONS)


def dashboard(workspace: Workspace) -> BrandDashboard:
    """Return the consistency scores of the workspace's recorded lints.

    Note: five grouped queries plus one reading the rule names of the latest
    ``RECENT_RECORDS`` lints, counted here (JSON lists do not group portably in SQL).
    """
    records = LintRecord.objects.filter(workspace=workspace)
    overall = records.aggregate(n=Count("pk"), s=Avg("score"), e=Sum("errors"))
    channels = [
        ScoreRow(_channel_label(row.label), row.lints, row.score, row.errors)
        for row in _rows(records, "channel")
    ]
    recent = records.order_by("-at").values_list("rules", flat=True)[:RECENT_RECORDS]
    return BrandDashboard(
        overall=_row("", overall),
        by_channel=channels,
        by_campaign=_rows(records, "campaign"),
        by_author=_rows(records, "author__username"),
        by_week=_weeks(records),
        violations=_violations(recent),
    )
