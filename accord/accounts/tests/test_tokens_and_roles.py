from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied

from accord.accounts import queries
from accord.accounts.access import WorkspaceAccess
from accord.accounts.actions import create_api_token, revoke_api_token, set_member_role
from accord.accounts.models import ApiToken, AuditEntry, Membership, User, Workspace
from accord.accounts.roles import ROLE_PERMISSIONS, Perm, Role, role_has


def test_it_stores_only_the_digest_of_a_token(owner_access: WorkspaceAccess) -> None:
    issued = create_api_token(owner_access, "zapier")

    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert stored.digest == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in {stored.digest, stored.prefix, stored.name}
    assert stored.prefix == issued.secret[:12]


def test_a_token_resolves_to_its_workspace_and_role(owner_access: WorkspaceAccess) -> None:
    issued = create_api_token(owner_access, "reporting", Role.VIEWER)

    access = queries.access_for_token(issued.secret)

    assert access is not None
    assert access.workspace == owner_access.workspace
    assert access.role == "viewer"
    assert access.actor.label == "token:reporting"


def test_a_revoked_token_no_longer_authenticates(owner_access: WorkspaceAccess) -> None:
    issued = create_api_token(owner_access, "old")

    revoke_api_token(owner_access, issued.token)

    assert queries.access_for_token(issued.secret) is None
    assert queries.access_for_token("acc_not-a-token") is None
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "token.revoke",
        "token.create",
        "workspace.create",
    ]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.OWNER])
def test_only_owners_create_tokens_or_change_members(
    role: Role, access_for: Callable[[Role], WorkspaceAccess], owner: User
) -> None:
    access = access_for(role)
    tokens_before = ApiToken.objects.count()

    with pytest.raises(PermissionDenied):
        create_api_token(access, "sneaky")
    with pytest.raises(PermissionDenied):
        set_member_role(access, owner, Role.VIEWER)

    assert ApiToken.objects.count() == tokens_before
    assert Membership.objects.get(user=owner).role == "owner"


def test_an_owner_changes_a_role_and_the_audit_keeps_before_and_after(
    owner_access: WorkspaceAccess, member: Callable[[Role], User]
) -> None:
    hugo = member(Role.VIEWER)

    set_member_role(owner_access, hugo, Role.MARKETING)

    entry = AuditEntry.objects.get(action="member.set_role")
    assert (entry.before, entry.after, entry.actor_label) == (
        {"role": "viewer"},
        {"role": "marketing"},
        "owner",
    )
    assert Membership.objects.get(user=hugo).role == "marketing"


def test_a_user_has_one_role_in_each_of_several_workspaces(
    owner: User, workspace: Workspace, other_workspace: Workspace
) -> None:
    Membership.objects.create(user=owner, workspace=other_workspace, role=Role.VIEWER.value)

    assert [w.slug for w in queries.workspaces_for(owner)] == ["brand", "other"]
    brand, other = queries.access_for_user(owner, "brand"), queries.access_for_user(owner, "other")
    assert brand is not None
    assert other is not None
    assert (brand.role, other.role) == ("owner", "viewer")
    assert queries.access_for_user(owner, "missing") is None


def test_roles_grant_what_the_product_promises() -> None:
    assert ROLE_PERMISSIONS[Role.OWNER] == frozenset(Perm)
    assert role_has("marketing", Perm.CONTACTS_IMPORT)
    assert not role_has("communication", Perm.CONTACTS_IMPORT)
    assert not role_has("viewer", Perm.CONTACTS_EDIT)
    assert not role_has("brand_reviewer", Perm.AUDIT_VIEW)
    assert not role_has("nonsense", Perm.CONTACTS_VIEW)
    for role in Role:
        assert role_has(role.value, Perm.CONTACTS_VIEW)
