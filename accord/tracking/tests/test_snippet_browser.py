"""t.js run for real in headless Chromium: a shop page on another origin includes the snippet."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.tracking import actions
from accord.tracking.tests.conftest import BROWSER, stored
from accord.warehouse.models import InboxEvent

# Playwright's sync API runs an event loop in this thread; the ORM checks here are plain reads.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]

SHOP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script>window.accord=window.accord||function(){(accord.q=accord.q||[]).push(arguments)};
accord('event', 'queued', {early: true});</script>
<script defer data-site="%(key)s" src="%(accord)s/t.js"></script>
</head><body>
<a id="out" href="https://partner.example/offer">Partner</a>
<a id="in" href="/about">About</a>
<script>document.addEventListener('click', function (e) { e.preventDefault(); });</script>
</body></html>"""


class Shop:
    """A second origin serving the shop page (so that Accord is a cross-origin third party)."""

    def __init__(self) -> None:
        self.page = b""
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(shop.page)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"http://{self.host}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def shop(transactional_db: None, owner_access: WorkspaceAccess, live_server: Any) -> Iterator[Shop]:
    shop = Shop()
    site = actions.save_site(owner_access, [shop.host])
    shop.page = (SHOP_PAGE % {"key": site.key, "accord": live_server.url}).encode()
    yield shop
    shop.server.shutdown()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context (a desktop user agent, no stored state)."""
    contexts: list[Any] = []

    def open_page(init_script: str = "") -> Any:
        context = chromium.new_context(user_agent=BROWSER)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def wait_for_events(workspace: Workspace, count: int, timeout: float = 10.0) -> list[InboxEvent]:
    """Wait until the warehouse received ``count`` events for the workspace; return them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = stored(workspace)
        if len(events) >= count:
            return events
        time.sleep(0.05)
    return stored(workspace)


def kinds(events: list[InboxEvent]) -> list[tuple[str, str]]:
    return sorted(
        (e.kind, e.properties.get("name") or e.properties.get("target", "")) for e in events
    )


def test_it_sends_page_views_spa_navigations_outbound_clicks_and_custom_events_cookielessly(
    shop: Shop, new_page: Callable[..., Any], workspace: Workspace
) -> None:
    page = new_page()

    page.goto(shop.url + "/")
    first = wait_for_events(workspace, 2)
    page.evaluate("history.pushState({}, '', '/pricing?utm_source=newsletter&utm_medium=email')")
    page.evaluate("history.replaceState({}, '', '/pricing?utm_source=newsletter&utm_medium=email')")
    wait_for_events(workspace, 3)
    page.click("#out")
    page.click("#in")
    wait_for_events(workspace, 4)
    page.evaluate("accord('event', 'signup', {plan: 'pro'})")
    events = wait_for_events(workspace, 5)

    assert kinds(first) == [("custom", "queued"), ("page_view", "")]
    assert kinds(events) == [
        ("click", "https://partner.example/offer"),
        ("custom", "queued"),
        ("custom", "signup"),
        ("page_view", ""),
        ("page_view", ""),
    ]
    spa = next(e for e in events if e.kind == "page_view" and "pricing" in e.url)
    assert (spa.utm_source, spa.channel) == ("newsletter", "email")
    signup = next(e for e in events if e.properties.get("name") == "signup")
    assert signup.properties == {"name": "signup", "plan": "pro"}
    assert len({e.anonymous_id for e in events}) == 1
    assert all(e.bot is False and e.source == "snippet" for e in events)
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


@pytest.mark.parametrize(
    "signal",
    [
        "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'})",
        "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true})",
    ],
    ids=["do-not-track", "global-privacy-control"],
)
def test_do_not_track_and_global_privacy_control_send_nothing(
    shop: Shop, new_page: Callable[..., Any], workspace: Workspace, signal: str
) -> None:
    page = new_page(signal)
    beacons: list[str] = []
    page.on(
        "request", lambda request: beacons.append(request.url) if "/t/e" in request.url else None
    )

    page.goto(shop.url + "/")
    page.evaluate("history.pushState({}, '', '/next')")
    page.evaluate("accord('event', 'signup'); accord('consent', true)")
    page.click("#out")
    page.wait_for_timeout(800)

    assert beacons == []
    assert stored(workspace) == []
    assert page.evaluate("localStorage.length") == 0


def test_consent_stores_a_first_party_id_that_later_events_carry(
    shop: Shop, new_page: Callable[..., Any], workspace: Workspace
) -> None:
    page = new_page()
    page.goto(shop.url + "/")
    before = wait_for_events(workspace, 2)

    page.evaluate("accord('consent', true)")
    first_party = page.evaluate("localStorage.getItem('_accord_id')")
    page.evaluate("accord('event', 'after-consent')")
    after = wait_for_events(workspace, 3)[-1]
    page.evaluate("accord('consent', false)")

    assert len(first_party) == 36
    assert before[0].anonymous_id != first_party
    assert (after.properties["name"], after.anonymous_id) == ("after-consent", first_party)
    assert page.evaluate("localStorage.length") == 0
    assert page.context.cookies() == []
