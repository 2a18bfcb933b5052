"""Who is acting and what they may do in a workspace: the object every action receives."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from accord.accounts.models import ApiToken, User, Workspace
from accord.accounts.roles import Perm, role_has


@dataclass(frozen=True)
class Actor:
    """A person, an API token or the system itself (CLI, worker, demo generator)."""

    user: User | None = None
    token: ApiToken | None = None
    label: str = "system"

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(user=user, label=user.get_username())

    @classmethod
    def for_token(cls, token: ApiToken) -> Actor:
        return cls(token=token, label=f"token:{token.name}")

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=label)


@dataclass(frozen=True)
class WorkspaceAccess:
    """An actor's role in one workspace; ``role`` is None for the system (allowed everything)."""

    workspace: Workspace
    actor: Actor
    role: str | None

    def can(self, perm: Perm) -> bool:
        return self.role is None or role_has(self.role, perm)

    def require(self, perm: Perm) -> None:
        """Raise PermissionDenied unless the role grants ``perm``."""
        if not self.can(perm):
            raise PermissionDenied(f"Role {self.role!r} may not {perm.value}.")

    @classmethod
    def system(cls, workspace: Workspace, label: str = "system") -> WorkspaceAccess:
        return cls(workspace=workspace, actor=Actor.system(label), role=None)
