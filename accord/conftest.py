"""Fixtures shared by every app's tests: a workspace with one member per role and an outsider."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accord.accounts.access import Actor, WorkspaceAccess
from accord.accounts.actions import create_api_token, create_user, create_workspace
from accord.accounts.models import Membership, User, Workspace
from accord.accounts.roles import Role

PASSWORD = "correct-horse-battery"


@pytest.fixture
def owner(db: None) -> User:
    return create_user("owner", PASSWORD, email="owner@example.com")


@pytest.fixture
def workspace(owner: User) -> Workspace:
    return create_workspace("brand", "Brand", Actor.for_user(owner))


@pytest.fixture
def other_workspace(db: None) -> Workspace:
    return create_workspace("other", "Other brand", Actor.system())


@pytest.fixture
def member(workspace: Workspace) -> Callable[[Role], User]:
    """Make a user holding ``role`` in the workspace (the owner fixture for Role.OWNER)."""

    def make(role: Role) -> User:
        user = create_user(f"user-{role.value}", PASSWORD)
        Membership.objects.create(user=user, workspace=workspace, role=role.value)
        return user

    return make


@pytest.fixture
def outsider(other_workspace: Workspace) -> User:
    """A user who belongs to another workspace only."""
    user = create_user("outsider", PASSWORD)
    Membership.objects.create(user=user, workspace=other_workspace, role=Role.OWNER.value)
    return user


@pytest.fixture
def owner_access(workspace: Workspace, owner: User) -> WorkspaceAccess:
    return WorkspaceAccess(workspace, Actor.for_user(owner), Role.OWNER.value)


@pytest.fixture
def access_for(
    workspace: Workspace, member: Callable[[Role], User]
) -> Callable[[Role], WorkspaceAccess]:
    """A WorkspaceAccess for a fresh member holding ``role``."""

    def make(role: Role) -> WorkspaceAccess:
        return WorkspaceAccess(workspace, Actor.for_user(member(role)), role.value)

    return make


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A test client signed in as ``user``."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_token(workspace: Workspace) -> Callable[[Role], str]:
    """Create an API token with ``role`` in the workspace and return its secret."""

    def make(role: Role = Role.MARKETING) -> str:
        return create_api_token(WorkspaceAccess.system(workspace), f"t-{role.value}", role).secret

    return make
