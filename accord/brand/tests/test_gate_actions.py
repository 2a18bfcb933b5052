"""The content gate: submission, overrides, approval and their audit rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry
from accord.accounts.roles import Role
from accord.brand import actions
from accord.brand.actions import ContentDraft, GateError
from accord.brand.models import Content, ContentStatus, LintRecord

AccessFor = Callable[[Role], WorkspaceAccess]
BANNED = ContentDraft("social", "Sale", "Cheap lights today.", "en")
CLEAN = ContentDraft("social", "Launch", "Hand-blown lights today.", "en")


@pytest.fixture
def guide(owner_access: WorkspaceAccess) -> None:
    actions.save_style_guide(owner_access, {"banned": ["cheap"], "inclusive": False})


def _reload(content: Content) -> Content:
    return Content.objects.get(pk=content.pk)


@pytest.mark.usefixtures("guide")
def test_submission_is_blocked_by_an_error_alert(access_for: AccessFor) -> None:
    writer = access_for(Role.MARKETING)
    content = actions.create_content(writer, BANNED)

    with pytest.raises(GateError):
        actions.submit_content(writer, content)

    stored = _reload(content)
    assert stored.status == ContentStatus.DRAFT
    assert stored.last_lint["errors"] == 1
    assert LintRecord.objects.count() == 0


@pytest.mark.usefixtures("guide")
def test_a_brand_reviewer_overrides_with_a_reason_then_it_goes_through(
    access_for: AccessFor,
) -> None:
    writer, reviewer = access_for(Role.MARKETING), access_for(Role.BRAND_REVIEWER)
    content = actions.create_content(writer, BANNED)

    actions.override_content(reviewer, content, "  Legal wording, agreed with counsel. ")
    actions.submit_content(writer, _reload(content))
    actions.approve_content(reviewer, _reload(content))

    stored = _reload(content)
    assert (stored.status, stored.override_reason, stored.override_by) == (
        ContentStatus.APPROVED,
        "Legal wording, agreed with counsel.",
        reviewer.actor.user,
    )
    audit = AuditEntry.objects.get(action="brand.content.overridden")
    assert (audit.object_id, audit.actor, audit.after) == (
        str(content.pk),
        reviewer.actor.user,
        {"override_reason": "Legal wording, agreed with counsel."},
    )
    assert LintRecord.objects.filter(content=content).count() == 2


@pytest.mark.usefixtures("guide")
def test_an_override_by_marketing_is_denied_and_changes_nothing(access_for: AccessFor) -> None:
    writer = access_for(Role.MARKETING)
    content = actions.create_content(writer, BANNED)

    with pytest.raises(PermissionDenied):
        actions.override_content(writer, content, "Trust me.")

    stored = _reload(content)
    assert (stored.override_reason, stored.override_by, stored.override_at) == ("", None, None)
    assert not AuditEntry.objects.filter(action="brand.content.overridden").exists()


@pytest.mark.usefixtures("guide")
def test_an_override_needs_a_reason(access_for: AccessFor) -> None:
    content = actions.create_content(access_for(Role.MARKETING), BANNED)

    with pytest.raises(GateError):
        actions.override_content(access_for(Role.BRAND_REVIEWER), content, "   ")

    assert _reload(content).override_at is None


@pytest.mark.usefixtures("guide")
@pytest.mark.parametrize("role", [Role.MARKETING, Role.COMMUNICATION, Role.VIEWER])
def test_approval_needs_content_approve(
    access_for: AccessFor, owner_access: WorkspaceAccess, role: Role
) -> None:
    writer = owner_access
    content = actions.create_content(writer, CLEAN)
    actions.submit_content(writer, content)

    with pytest.raises(PermissionDenied):
        actions.approve_content(access_for(role), _reload(content))

    assert _reload(content).status == ContentStatus.SUBMITTED


@pytest.mark.usefixtures("guide")
def test_a_brand_reviewer_approves_a_clean_submitted_content(access_for: AccessFor) -> None:
    writer = access_for(Role.MARKETING)
    content = actions.create_content(writer, CLEAN)
    actions.submit_content(writer, content)

    actions.approve_content(access_for(Role.BRAND_REVIEWER), _reload(content))

    assert _reload(content).status == ContentStatus.APPROVED
    audit = AuditEntry.objects.filter(object_type="Content", object_id=str(content.pk))
    assert list(audit.order_by("pk").values_list("action", flat=True)) == [
        "brand.content.created",
        "brand.content.submitted",
        "brand.content.approved",
    ]


@pytest.mark.usefixtures("guide")
def test_content_with_errors_cannot_be_approved_without_an_override(
    access_for: AccessFor,
) -> None:
    writer, reviewer = access_for(Role.MARKETING), access_for(Role.BRAND_REVIEWER)
    content = actions.create_content(writer, CLEAN)
    actions.submit_content(writer, content)
    actions.save_style_guide(reviewer, {"banned": ["hand-blown"]})

    with pytest.raises(GateError):
        actions.approve_content(reviewer, _reload(content))

    assert _reload(content).status == ContentStatus.SUBMITTED


@pytest.mark.usefixtures("guide")
def test_editing_the_body_drops_the_override(access_for: AccessFor) -> None:
    writer = access_for(Role.MARKETING)
    content = actions.create_content(writer, BANNED)
    actions.override_content(access_for(Role.BRAND_REVIEWER), content, "Agreed.")

    actions.update_content(
        writer,
        _reload(content),
        BANNED.__class__("social", "Sale", "Cheap lights, today only.", "en"),
    )

    assert _reload(content).override_at is None


def test_marketing_cannot_edit_the_style_guide(access_for: AccessFor) -> None:
    with pytest.raises(PermissionDenied):
        actions.save_style_guide(access_for(Role.MARKETING), {"banned": ["x"]})

    assert not AuditEntry.objects.filter(action="brand.guide.saved").exists()
