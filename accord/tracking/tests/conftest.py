"""Tracking fixtures: a site on shop.example, a private warehouse folder, a clean rate limiter."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import Workspace
from accord.tracking import actions
from accord.tracking.models import TrackingSite
from accord.warehouse.models import InboxEvent

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
ORIGIN = "https://shop.example"

Beacon = Callable[..., "Response"]


@pytest.fixture(autouse=True)
def isolated(settings: Settings, tmp_path: Path) -> None:
    """Give each test its own warehouse folder and empty rate-limit counters.

    Browsers without a language preference get English here (French is the default).
    """
    settings.ACCORD_WAREHOUSE_DIR = str(tmp_path / "warehouse")
    settings.LANGUAGE_CODE = "en"
    cache.clear()


@pytest.fixture
def site(owner_access: WorkspaceAccess) -> TrackingSite:
    """The workspace's site, allowing shop.example (and www.shop.example)."""
    return actions.save_site(owner_access, ["shop.example"])


@pytest.fixture
def beacon(client: Client, site: TrackingSite) -> Beacon:
    """POST a snippet beacon as a browser on shop.example would (text/plain JSON)."""

    def send(
        kind: str = "page_view",
        *,
        origin: str = ORIGIN,
        user_agent: str = BROWSER,
        ip: str = "203.0.113.7",
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> Response:
        body = {"k": site.key, "n": kind, "u": "https://shop.example/", "r": None, **fields}
        sent = {
            "User-Agent": user_agent,
            **({"Origin": origin} if origin else {}),
            **(headers or {}),
        }
        return client.post(
            "/t/e",
            data=json.dumps(body),
            content_type="text/plain;charset=UTF-8",
            headers=sent,
            REMOTE_ADDR=ip,
        )

    return send


def stored(workspace: Workspace) -> list[InboxEvent]:
    """The events the warehouse received for the workspace, oldest first (its inbox)."""
    return list(InboxEvent.objects.filter(workspace=workspace).order_by("id"))
