"""identity_links: loaded once per change of the workspace's links, never stale."""

from __future__ import annotations

import pytest

from accord.accounts.models import Workspace
from accord.warehouse.actions import forget_contact, stitch_identities, stitch_identity
from accord.warehouse.models import IdentityLink, LinkStamp
from accord.warehouse.queries import identity_links


def _pairs(workspace: Workspace) -> set[tuple[str, int]]:
    table = identity_links(workspace)
    return set(
        zip(
            table.column("anonymous_id").to_pylist(),
            table.column("contact_id").to_pylist(),
            strict=True,
        )
    )


@pytest.mark.django_db
def test_links_are_reused_until_they_change(
    workspace: Workspace, other_workspace: Workspace
) -> None:
    stitch_identity(workspace, "v-1", 10)
    first = identity_links(workspace)

    assert identity_links(workspace) is first  # nothing changed: no second load
    stitch_identity(other_workspace, "v-9", 90)
    assert identity_links(workspace) is first  # another workspace's links are theirs
    assert _pairs(other_workspace) == {("v-9", 90)}

    stitch_identity(workspace, "v-2", 20)
    assert _pairs(workspace) == {("v-1", 10), ("v-2", 20)}
    stitch_identity(workspace, "v-1", 30)  # moved to another contact
    assert _pairs(workspace) == {("v-1", 30), ("v-2", 20)}
    stitch_identities(workspace, {"v-3": 40, "v-2": 99}, source="demo")  # v-2 is kept
    assert _pairs(workspace) == {("v-1", 30), ("v-2", 20), ("v-3", 40)}
    forget_contact(workspace, 30)
    assert _pairs(workspace) == {("v-2", 20), ("v-3", 40)}


@pytest.mark.django_db
def test_without_a_stamp_links_are_loaded_every_time(workspace: Workspace) -> None:
    stitch_identity(workspace, "v-1", 10)
    LinkStamp.objects.filter(workspace=workspace).delete()
    first = identity_links(workspace)
    IdentityLink.objects.filter(workspace=workspace).update(contact_id=11)

    assert identity_links(workspace) is not first
    assert _pairs(workspace) == {("v-1", 11)}
