"""Every write of the brand voice: the style guide and the content gate, atomic and audited.

The gate: a content is written as a draft, submitted (refused while an error alert stands,
unless a brand reviewer overrode them with a reason), then approved or rejected by a member
holding ``CONTENT_APPROVE``. Submission and approval record a ``LintRecord`` for the scores.
Editing the body of an overridden content drops the override: it waived other alerts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import record_audit
from accord.accounts.roles import Perm
from accord.brand.guide import lint_with_guide
from accord.brand.models import Content, ContentStatus, LintRecord, StyleGuide
from accord.brand.queries import style_guide
from accord.brand.scoring import LintReport

__all__ = [
    "ContentDraft",
    "GateError",
    "approve_content",
    "create_content",
    "override_content",
    "reject_content",
    "save_style_guide",
    "submit_content",
    "update_content",
]

GUIDE_FIELDS = (
    "tone_fr",
    "tone_en",
    "brand_name",
    "preferred",
    "banned",
    "avoid",
    "inclusive",
    "channels",
    "readability",
    "custom_rules",
)


class GateError(Exception):
    """A gate step refused: error alerts stand, a reason is missing or the status is wrong."""


@dataclass(frozen=True)
class ContentDraft:
    """The fields a writer sets on a content."""

    channel: str
    title: str
    body: str
    language: str = "fr"
    sponsored: bool = False
    campaign: str = ""


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def save_style_guide(access: WorkspaceAccess, values: dict[str, Any]) -> StyleGuide:
    """Create or update the workspace's style guide from ``values`` (keys of GUIDE_FIELDS)."""
    access.require(Perm.BRAND_EDIT_GUIDE)
    with transaction.atomic():
        guide, _created = StyleGuide.objects.select_for_update().get_or_create(
            workspace=access.workspace
        )
        before = _snapshot(guide, GUIDE_FIELDS)
        changed = [name for name in GUIDE_FIELDS if name in values]
        for name in changed:
            setattr(guide, name, values[name])
        guide.save(update_fields=[*changed, "updated_at"])
        after = _snapshot(guide, GUIDE_FIELDS)
        record_audit(access.actor, access.workspace, "brand.guide.saved", guide, before, after)
    return guide


_DRAFT_FIELDS = ("channel", "title", "body", "language", "sponsored", "campaign")


def create_content(access: WorkspaceAccess, draft: ContentDraft) -> Content:
    """Create a draft content written by the acting member."""
    access.require(Perm.CONTENT_EDIT)
    with transaction.atomic():
        content = Content.objects.create(
            workspace=access.workspace,
            author=access.actor.user,
            **{name: getattr(draft, name) for name in _DRAFT_FIELDS},
        )
        after = _snapshot(content, _DRAFT_FIELDS)
        record_audit(access.actor, access.workspace, "brand.content.created", content, None, after)
    return content


def update_content(access: WorkspaceAccess, content: Content, draft: ContentDraft) -> Content:
    """Save a new version; a submitted or decided content goes back to draft.

    A changed body drops an override, which waived the alerts of the previous text.
    """
    access.require(Perm.CONTENT_EDIT)
    with transaction.atomic():
        before = _snapshot(content, (*_DRAFT_FIELDS, "status"))
        fields = [*_DRAFT_FIELDS, "status", "updated_at"]
        if draft.body != content.body and content.overridden:
            content.override_reason, content.override_by, content.override_at = "", None, None
            fields += ["override_reason", "override_by", "override_at"]
        for name in _DRAFT_FIELDS:
            setattr(content, name, getattr(draft, name))
        content.status = ContentStatus.DRAFT
        content.save(update_fields=fields)
        after = _snapshot(content, (*_DRAFT_FIELDS, "status"))
        record_audit(
            access.actor, access.workspace, "brand.content.updated", content, before, after
        )
    return content


def _lint(content: Content) -> LintReport:
    guide = style_guide(content.workspace)
    return lint_with_guide(
        guide, content.channel, content.body, content.language, content.sponsored
    )


def _record(content: Content, report: LintReport) -> None:
    LintRecord.objects.create(
        workspace_id=content.workspace_id,
        content=content,
        channel=content.channel,
        campaign=content.campaign,
        author_id=content.author_id,
        at=timezone.now(),
        words=report.words,
        errors=report.errors,
        warnings=report.warnings,
        suggestions=report.suggestions,
        score=report.score,
        rules=[alert.check for alert in report.alerts],
    )


def _move(access: WorkspaceAccess, content: Content, status: str, action: str) -> LintReport:
    """Lint, refuse on unwaived errors, then set ``status``, record the lint and audit.

    A refusal still stores the lint result, so the content page shows what blocked it.
    """
    report = _lint(content)
    content.last_lint = report.as_json()
    if report.blocking and not content.overridden:
        content.save(update_fields=["last_lint"])
        raise GateError(
            _("Error alerts block this content; fix them or ask a brand reviewer to override.")
        )
    with transaction.atomic():
        before = {"status": content.status}
        content.status = status
        content.save(update_fields=["status", "last_lint", "updated_at"])
        _record(content, report)
        after = {"status": status, "score": report.score, "errors": report.errors}
        record_audit(access.actor, access.workspace, action, content, before, after)
    return report


def submit_content(access: WorkspaceAccess, content: Content) -> LintReport:
    """Submit a draft (or rejected) content for approval; raise GateError on error alerts."""
    access.require(Perm.CONTENT_EDIT)
    if content.status not in (ContentStatus.DRAFT, ContentStatus.REJECTED):
        raise GateError(_("Only a draft can be submitted."))
    return _move(access, content, ContentStatus.SUBMITTED, "brand.content.submitted")


def approve_content(access: WorkspaceAccess, content: Content) -> LintReport:
    """Approve a submitted content; raise GateError while unwaived error alerts stand."""
    access.require(Perm.CONTENT_APPROVE)
    if content.status != ContentStatus.SUBMITTED:
        raise GateError(_("Only a submitted content can be approved."))
    return _move(access, content, ContentStatus.APPROVED, "brand.content.approved")


def reject_content(access: WorkspaceAccess, content: Content, note: str = "") -> Content:
    """Send a submitted content back to its author, with an optional note in the audit row."""
    access.require(Perm.CONTENT_APPROVE)
    if content.status != ContentStatus.SUBMITTED:
        raise GateError(_("Only a submitted content can be rejected."))
    with transaction.atomic():
        content.status = ContentStatus.REJECTED
        content.save(update_fields=["status", "updated_at"])
        after = {"status": content.status, "note": note.strip()}
        record_audit(
            access.actor,
            access.workspace,
            "brand.content.rejected",
            content,
            {"status": ContentStatus.SUBMITTED},
            after,
        )
    return content


def override_content(access: WorkspaceAccess, content: Content, reason: str) -> Content:
    """Waive the content's error alerts for a stated ``reason`` (brand reviewers, owners)."""
    access.require(Perm.CONTENT_APPROVE)
    reason = reason.strip()
    if not reason:
        raise GateError(_("An override needs a reason."))
    with transaction.atomic():
        before = {"override_reason": content.override_reason}
        content.override_reason = reason
        content.override_by = access.actor.user
        content.override_at = timezone.now()
        content.save(update_fields=["override_reason", "override_by", "override_at", "updated_at"])
        record_audit(
            access.actor,
            access.workspace,
            "brand.content.overridden",
            content,
            before,
            {"override_reason": reason},
        )
    return content
