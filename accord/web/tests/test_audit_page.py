from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import User
from accord.accounts.roles import Role
from accord.contacts.actions import create_contact


def test_owners_read_the_audit_log_with_who_what_and_after(
    owner: User, owner_access: WorkspaceAccess, client_for: Callable[[User], Client]
) -> None:
    create_contact(owner_access, {"email": "zoe@example.com"})

    response = client_for(owner).get("/w/brand/audit/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "contact.create" in body
    assert "workspace.create" in body
    assert "zoe@example.com" in body


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.OWNER])
def test_other_roles_may_not_read_the_audit_log(
    role: Role, member: Callable[[Role], User], client_for: Callable[[User], Client]
) -> None:
    assert client_for(member(role)).get("/w/brand/audit/").status_code == 403


def test_an_outsider_does_not_learn_the_workspace_exists(
    outsider: User, workspace: object, client_for: Callable[[User], Client]
) -> None:
    assert client_for(outsider).get("/w/brand/audit/").status_code == 404


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/w/brand/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
