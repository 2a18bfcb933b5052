"""Every write to accounts: workspaces, members, users, API tokens, and the audit trail."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.models import ApiToken, AuditEntry, Membership, User, Workspace
from accord.accounts.roles import Perm, Role

TOKEN_PREFIX = "acc_"  # noqa: S105  (a public marker, not a secret)


def record_audit(
    actor: Actor,
    workspace: Workspace | None,
    action: str,
    obj: Any,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit row; ``obj`` is a model instance (its class name and pk are stored)."""
    return AuditEntry.objects.create(
        workspace=workspace,
        actor=actor.user,
        actor_token=actor.token,
        actor_label=actor.label,
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "pk", "") or ""),
        before=before,
        after=after,
    )


def scrub_audit(workspace: Workspace, object_type: str, object_id: str) -> int:
    """Blank the before/after snapshots of one object's audit rows (GDPR erasure); return count."""
    return AuditEntry.objects.filter(
        workspace=workspace, object_type=object_type, object_id=object_id
    ).update(before=None, after=None)


@transaction.atomic
def create_workspace(slug: str, name: str, actor: Actor, language: str = "fr") -> Workspace:
    """Create a workspace; a human creator becomes its owner."""
    workspace = Workspace(slug=slug, name=name, language=language)
    workspace.full_clean()
    workspace.save()
    if actor.user is not None:
        Membership.objects.create(user=actor.user, workspace=workspace, role=Role.OWNER.value)
    record_audit(
        actor, workspace, "workspace.create", workspace, after={"slug": slug, "name": name}
    )
    return workspace


@transaction.atomic
def set_member_role(access: WorkspaceAccess, user: User, role: Role) -> Membership:
    """Add ``user`` to the workspace with ``role``, or change the role they have."""
    access.require(Perm.WORKSPACE_MANAGE)
    membership, created = Membership.objects.get_or_create(
        user=user, workspace=access.workspace, defaults={"role": role.value}
    )
    before = None if created else {"role": membership.role}
    if not created and membership.role != role.value:
        membership.role = role.value
        membership.save(update_fields=["role"])
    record_audit(
        access.actor, access.workspace, "member.set_role", membership, before, {"role": role.value}
    )
    return membership


@transaction.atomic
def create_user(
    username: str, password: str, *, email: str = "", language: str = "", is_superuser: bool = False
) -> User:
    """Create a login; ``is_superuser`` also grants Django's staff flag."""
    user = User(username=username, email=email, language=language)
    user.is_superuser = is_superuser
    user.is_staff = is_superuser
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def set_user_language(user: User, language: str) -> None:
    """Store the interface language a person prefers ('' follows the browser)."""
    if language not in {"", "fr", "en"}:
        raise ValueError(f"Unsupported language {language!r}.")
    user.language = language
    user.save(update_fields=["language"])


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: ``secret`` is shown once and never stored."""

    token: ApiToken
    secret: str


@transaction.atomic
def create_api_token(
    access: WorkspaceAccess, name: str, role: Role = Role.MARKETING
) -> IssuedToken:
    """Create a workspace-scoped token; only its SHA-256 digest is kept."""
    access.require(Perm.WORKSPACE_MANAGE)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace=access.workspace,
        name=name,
        role=role.value,
        prefix=secret[:12],
        digest=token_digest(secret),
        created_by=access.actor.user,
    )
    record_audit(
        access.actor,
        access.workspace,
        "token.create",
        token,
        after={"name": name, "role": role.value},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def revoke_api_token(access: WorkspaceAccess, token: ApiToken) -> None:
    """Revoke a token of this workspace; revoking twice keeps the first revocation time."""
    access.require(Perm.WORKSPACE_MANAGE)
    if token.workspace_id != access.workspace.pk or token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        access.actor, access.workspace, "token.revoke", token, {"revoked": False}, {"revoked": True}
    )


TOUCH_EVERY_SECONDS = 60


def touch_due(token: ApiToken, now: datetime) -> bool:
    """Tell whether ``touch_api_token`` would write (last use unknown or over a minute old)."""
    last = token.last_used_at
    return last is None or (now - last).total_seconds() > TOUCH_EVERY_SECONDS


def touch_api_token(token: ApiToken) -> None:
    """Record that a token was used, at most once a minute to spare writes.

    Also updates ``token.last_used_at`` in memory, for callers that keep the token.
    """
    now = timezone.now()
    if touch_due(token, now):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
