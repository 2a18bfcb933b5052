"""The brand-voice score formula and the consistency dashboard."""

from __future__ import annotations

from django.utils import translation

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.brand import actions, queries
from accord.brand.actions import ContentDraft
from accord.brand.guide import lint_with_guide
from accord.brand.models import StyleGuide
from accord.brand.scoring import brand_voice_score


def test_score_is_100_minus_weighted_alerts_per_100_words() -> None:
    assert brand_voice_score(100, errors=1, warnings=2, suggestions=1) == 83.0


def test_short_texts_count_as_50_words() -> None:
    assert brand_voice_score(10, errors=1, warnings=0, suggestions=0) == 80.0


def test_score_is_clipped_at_zero() -> None:
    assert brand_voice_score(50, errors=6, warnings=0, suggestions=0) == 0.0


def test_score_of_a_known_text() -> None:
    guide = StyleGuide(banned=["cheap"], avoid={"amazing": "hand-blown"}, inclusive=False)
    text = " ".join(["Light"] * 98) + " amazing cheap"

    report = lint_with_guide(guide, "social", text, "en", False)

    assert (report.words, report.errors, report.warnings, report.score) == (100, 1, 1, 87.0)


def test_dashboard_averages_scores_by_channel_and_counts_violations(
    workspace: Workspace, owner_access: WorkspaceAccess
) -> None:
    actions.save_style_guide(owner_access, {"avoid": {"amazing": "hand-blown"}, "inclusive": False})
    for body in ("An amazing light.", "A hand-blown light."):
        content = actions.create_content(owner_access, ContentDraft("social", "Post", body, "en"))
        actions.submit_content(owner_access, content)

    with translation.override("en"):
        board = queries.dashboard(workspace)

    assert [(row.label, row.lints, row.score) for row in board.by_channel] == [
        ("Social post", 2, 97.0)
    ]
    assert board.violations == [("Brand.Avoid", 1)]
    assert board.overall.lints == 2
