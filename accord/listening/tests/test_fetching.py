"""Scheduled fetching: due sources only, errors kept per source, one failure blocks nothing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accord.accounts.models import Workspace
from accord.listening import tasks
from accord.listening.actions import due_sources, fetch_due_sources
from accord.listening.models import ListeningQuery, Mention, Source, SourceKind
from accord.listening.sources import CONNECTORS
from accord.listening.tests.conftest import NOW, LoopbackServer, make_source
from accord.listening.tests.test_connectors import RSS


def test_only_active_pull_sources_whose_turn_has_come_are_due(workspace: Workspace) -> None:
    never = make_source(workspace, name="never")
    due = make_source(workspace, name="due", last_fetched_at=NOW - timedelta(minutes=15))
    make_source(workspace, name="recent", last_fetched_at=NOW - timedelta(minutes=14))
    make_source(workspace, name="off", is_active=False)
    make_source(workspace, SourceKind.REVIEWS, name="reviews", config={})
    make_source(workspace, SourceKind.WEBHOOK, name="hook", config={})

    assert [s.name for s in due_sources(NOW)] == [never.name, due.name]


def test_a_failing_source_keeps_its_error_and_the_others_are_fetched(
    workspace: Workspace,
    brand_query: ListeningQuery,
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.raw("GET", "/feed.xml", RSS, "application/rss+xml")

    def broken(config: Any, state: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setitem(
        CONNECTORS, "bluesky", dataclasses.replace(CONNECTORS["bluesky"], fetch=broken)
    )
    down = make_source(workspace, name="a-down", config={"url": f"{server.url}/missing"})
    buggy = make_source(workspace, SourceKind.BLUESKY, name="b-buggy", config={"q": "x"})
    good = make_source(workspace, name="c-good", config={"url": f"{server.url}/feed.xml"})

    outcomes = fetch_due_sources(now=NOW)

    assert [(o.source_id, o.error.split(":")[0]) for o in outcomes] == [
        (down.pk, "HTTP 404 from 127.0.0.1"),
        (buggy.pk, "unexpected error"),
        (good.pk, ""),
    ]
    assert Mention.objects.filter(source=good).count() == 1
    down.refresh_from_db()
    buggy.refresh_from_db()
    assert down.last_error.startswith("HTTP 404 from 127.0.0.1:")
    assert (buggy.last_error, buggy.last_fetched_at) == ("unexpected error: boom", NOW)


def test_the_periodic_task_fetches_due_sources(
    workspace: Workspace, brand_query: ListeningQuery, server: LoopbackServer
) -> None:
    server.raw("GET", "/feed.xml", RSS, "application/rss+xml")
    source: Source = make_source(workspace, config={"url": f"{server.url}/feed.xml"})

    tasks.fetch_listening_sources.call_local()

    source.refresh_from_db()
    assert Mention.objects.count() == 1
    assert source.last_fetched_at is not None
    assert timezone.now() - source.last_fetched_at < timedelta(minutes=1)
