"""The Maison Lumière demo: a guide, contents through every gate state, idempotent."""

from __future__ import annotations

from accord.accounts.models import User, Workspace
from accord.brand.demo import DEMOS, build_demo_brand
from accord.brand.models import Content, ContentStatus, LintRecord, StyleGuide


def test_demo_builds_the_guide_and_contents_once(workspace: Workspace, owner: User) -> None:
    build_demo_brand(workspace, [owner], seed=7)
    build_demo_brand(workspace, [owner], seed=7)

    statuses = set(Content.objects.values_list("status", flat=True))
    assert StyleGuide.objects.get(workspace=workspace).brand_name == "Maison Lumière"
    assert Content.objects.filter(workspace=workspace).count() == len(DEMOS)
    assert statuses == {s.value for s in ContentStatus}
    assert Content.objects.exclude(override_reason="").filter(status="approved").count() == 1
    assert LintRecord.objects.filter(workspace=workspace).exists()
