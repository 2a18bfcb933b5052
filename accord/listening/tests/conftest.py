"""Listening test helpers: a brand query with competitors, sources, raw items, a loopback server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import translation

from accord.accounts.models import Workspace
from accord.listening.models import ListeningQuery, Source, SourceKind
from accord.listening.sources import RawMention

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages built outside a request (errors, labels) in English, whatever LANGUAGE_CODE."""
    with translation.override("en"):
        yield


@pytest.fixture
def brand_query(workspace: Workspace) -> ListeningQuery:
    return ListeningQuery.objects.create(
        workspace=workspace,
        name="Maison Lumière",
        slug="maison-lumiere",
        keywords=["Maison Lumière", "Lumière lamp"],
        exclusions=["lumière du jour"],
        competitors=[
            {"name": "Lampes Dupont", "keywords": ["Dupont lamps", "Lampes Dupont"]},
            {"name": "Nordlys", "keywords": ["Nordlys"]},
        ],
    )


def make_source(workspace: Workspace, kind: str = SourceKind.RSS, **fields: Any) -> Source:
    config = fields.pop("config", {"url": "http://127.0.0.1:1/feed"})
    return Source.objects.create(
        workspace=workspace, kind=kind, name=fields.pop("name", kind), config=config, **fields
    )


@pytest.fixture
def rss_source(workspace: Workspace) -> Source:
    return make_source(workspace)


def raw(text: str, **fields: Any) -> RawMention:
    fields.setdefault("published_at", NOW)
    return RawMention(text=text, **fields)


Route = Callable[["Handler"], tuple[int, str, bytes]]


class Handler(BaseHTTPRequestHandler):
    """Answers from the server's ``routes`` (path → function) and records each request."""

    server: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.server.requests.append(self)
        path = self.path.split("?", 1)[0]
        route = self.server.routes.get((self.command, path))
        status, kind, body = route(self) if route else (404, "application/json", b'{"error":"nf"}')
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer


class LoopbackServer(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[Handler] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def json(self, method: str, path: str, data: Any, status: int = 200) -> None:
        body = json.dumps(data).encode()
        self.routes[(method, path)] = lambda handler: (status, "application/json", body)

    def raw(self, method: str, path: str, body: bytes, kind: str, status: int = 200) -> None:
        self.routes[(method, path)] = lambda handler: (status, kind, body)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """A real HTTP server on loopback, in a thread, answering the routes a test sets."""
    httpd = LoopbackServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
