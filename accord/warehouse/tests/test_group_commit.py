"""The group committer: concurrent batches share a transaction, each gets its own answer."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest

from accord.accounts.access import Actor
from accord.accounts.actions import create_workspace
from accord.accounts.models import Workspace
from accord.warehouse.actions import IngestResult, ParsedBatch, parse_batch, store_batches
from accord.warehouse.committer import GroupCommitter, _Job
from accord.warehouse.models import InboxEvent, IngestionCounter, Outcome
from accord.warehouse.tests.conftest import NOW, EventFactory


@pytest.fixture
def shop(transactional_db: None) -> Workspace:
    """A committed workspace: the committer thread reads it on its own connection."""
    return create_workspace("shop", "Shop", Actor.system("test"))


def batch(workspace: Workspace, events: list[dict[str, object]]) -> ParsedBatch:
    return parse_batch(workspace.pk, events, source="api", now=NOW)


def counts(workspace: Workspace) -> dict[tuple[str, str], int]:
    return {
        (row.outcome, row.reason): row.count
        for row in IngestionCounter.objects.filter(workspace=workspace)
    }


def test_batches_stored_together_count_an_id_sent_twice_once(
    shop: Workspace, make_event: EventFactory
) -> None:
    shared = make_event()
    first = batch(shop, [shared, make_event()])
    second = batch(shop, [shared, make_event(kind="teleport")])

    results = store_batches([first, second])

    assert results == [
        IngestResult(accepted=2, duplicates=0, bots=0, rejected=()),
        IngestResult(accepted=0, duplicates=1, bots=0, rejected=tuple(second.rejected)),
    ]
    assert second.rejected[0].reason == "unknown_kind"
    assert InboxEvent.objects.filter(workspace=shop).count() == 2
    assert counts(shop) == {
        (Outcome.ACCEPTED, ""): 2,
        (Outcome.DUPLICATE, ""): 1,
        (Outcome.REJECTED, "unknown_kind"): 1,
    }


def test_concurrent_submissions_all_resolve_once_durable(
    shop: Workspace, make_event: EventFactory
) -> None:
    committer = GroupCommitter()
    futures: list[Future[IngestResult]] = []
    lock = threading.Lock()

    def submit() -> None:
        for _ in range(10):
            future = committer.submit(batch(shop, [make_event()]))
            with lock:
                futures.append(future)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results = [future.result(timeout=30) for future in futures]

    assert [result.accepted for result in results] == [1] * 60
    assert InboxEvent.objects.filter(workspace=shop).count() == 60
    assert counts(shop) == {(Outcome.ACCEPTED, ""): 60}


def test_a_failing_batch_fails_only_its_own_request(
    shop: Workspace, make_event: EventFactory
) -> None:
    good = _Job(batch(shop, [make_event()]), Future())
    orphan = ParsedBatch(10**9, batch(shop, [make_event()]).events, [], "api", NOW)
    bad = _Job(orphan, Future())  # no such workspace: the foreign key refuses it

    GroupCommitter().commit([good, bad])

    assert good.future.result(timeout=1).accepted == 1
    assert bad.future.exception(timeout=1) is not None
    assert list(InboxEvent.objects.values_list("workspace_id", flat=True)) == [shop.pk]
