"""GDPR erasure reaches the warehouse: stored files, the inbox and the identity links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyarrow.parquet as pq
import pytest

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.contacts.actions import erase_contact
from accord.contacts.models import Contact
from accord.warehouse import store
from accord.warehouse.actions import (
    ErasureResult,
    erase_contact_events,
    flush_inbox,
    ingest_events,
    stitch_identity,
)
from accord.warehouse.config import warehouse_config
from accord.warehouse.models import IdentityLink, InboxEvent
from accord.warehouse.queries import contact_journey, warehouse_stats
from accord.warehouse.tests.conftest import NOW, EventFactory


def _ts(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).isoformat()


def _stored_rows(workspace: Workspace) -> list[dict[str, object]]:
    files = store.part_files(warehouse_config().events_root, workspace.pk)
    rows: list[dict[str, object]] = []
    for file in files:
        rows += pq.read_table(str(file)).to_pylist()
    return sorted(rows, key=lambda row: str(row["event_id"]))


@pytest.mark.django_db
def test_erasing_a_contact_anonymises_its_stored_and_pending_events(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    make_event: EventFactory,
    django_capture_on_commit_callbacks: Any,
) -> None:
    contact = Contact.objects.create(workspace=workspace, email="lea@example.org")
    mine = [
        make_event(
            ts=_ts(50), anonymous_id="v-42", url="/merci?email=lea@example.org#x", session_id="s1"
        ),
        make_event(ts=_ts(40), contact_id=contact.pk, kind="purchase", properties={"n": "Léa"}),
    ]
    other = make_event(ts=_ts(45), anonymous_id="v-99", url="/boutique?q=lampe", session_id="s9")
    neighbour = make_event(ts=_ts(44), contact_id=contact.pk + 1, kind="purchase")
    ingest_events(workspace, [*mine, other, neighbour], source="tracking", now=NOW)
    flush_inbox(workspace)
    stitch_identity(workspace, "v-42", contact.pk)
    pending = make_event(ts=_ts(1), contact_id=contact.pk, properties={"phone": "0601020304"})
    ingest_events(workspace, [pending], source="api", now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        erase_contact(owner_access, contact)

    assert not IdentityLink.objects.filter(workspace=workspace).exists()
    assert contact_journey(workspace, contact.pk) == []
    rows = {str(row["event_id"]): row for row in _stored_rows(workspace)}
    assert len(rows) == 4  # nothing lost, nothing doubled
    assert rows[neighbour["event_id"]]["contact_id"] == contact.pk + 1
    erased = [rows[mine[0]["event_id"]], rows[mine[1]["event_id"]]]
    token = erased[0]["anonymous_id"]
    assert str(token).startswith("erased-")
    for row in erased:
        assert (row["contact_id"], row["anonymous_id"], row["session_id"]) == (None, token, None)
        assert row["properties"] == "{}"
    assert erased[0]["url"] == "/merci"
    kept = rows[other["event_id"]]
    assert (kept["anonymous_id"], kept["session_id"], kept["url"]) == (
        "v-99",
        "s9",
        "/boutique?q=lampe",
    )
    inbox = InboxEvent.objects.get(event_id=pending["event_id"])
    assert (inbox.contact_id, inbox.anonymous_id, inbox.properties) == (None, token, {})
    assert warehouse_stats(workspace).events == 4
    # A rerun (the task retried after a crash) finds nothing left to rewrite.
    again = erase_contact_events(workspace.pk, contact.pk, ["v-42"], "erased-again")
    assert again == ErasureResult(links=0, inbox_rows=0, files=0, events=0)


@pytest.mark.django_db
def test_erasing_a_contact_without_events_rewrites_no_file(
    workspace: Workspace,
    owner_access: WorkspaceAccess,
    make_event: EventFactory,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ingest_events(workspace, [make_event(anonymous_id="v-1")], source="api", now=NOW)
    flush_inbox(workspace)
    before = store.part_files(warehouse_config().events_root, workspace.pk)
    contact = Contact.objects.create(workspace=workspace, email="x@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        erase_contact(owner_access, contact)

    assert store.part_files(warehouse_config().events_root, workspace.pk) == before
