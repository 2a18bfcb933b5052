"""Reads about accounts: memberships, roles, tokens and the audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.models import ApiToken, AuditEntry, Membership, User, Workspace


def workspaces_for(user: User) -> QuerySet[Workspace]:
    """Workspaces the user belongs to, by name."""
    return Workspace.objects.filter(memberships__user=user).order_by("name")


def access_for_user(user: User, slug: str) -> WorkspaceAccess | None:
    """The user's access to workspace ``slug``, or None when they are not a member (one query)."""
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace__slug=slug)
        .first()
    )
    if membership is None:
        return None
    return WorkspaceAccess(membership.workspace, Actor.for_user(user), membership.role)


def access_for_token(secret: str) -> WorkspaceAccess | None:
    """Resolve a bearer secret to its workspace access; revoked or unknown tokens give None."""
    from accord.accounts.actions import token_digest

    token = (
        ApiToken.objects.select_related("workspace")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    return WorkspaceAccess(token.workspace, Actor.for_token(token), token.role)


def workspace_by_slug(slug: str) -> Workspace:
    """Return the workspace or raise Workspace.DoesNotExist."""
    return Workspace.objects.get(slug=slug)


def audit_log(workspace: Workspace) -> QuerySet[AuditEntry]:
    """The workspace's audit entries, newest first."""
    return AuditEntry.objects.filter(workspace=workspace).select_related("actor")


def members(workspace: Workspace) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=workspace)
        .select_related("user")
        .order_by("user__username")
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's memberships with their workspaces, by workspace name (one query)."""
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")
    )
