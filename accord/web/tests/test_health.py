from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from accord.web.health import HEARTBEAT_KEY, beat


@pytest.fixture(autouse=True)
def _no_heartbeat() -> None:
    cache.delete(HEARTBEAT_KEY)


@pytest.mark.django_db
def test_healthz_reports_a_missing_worker_as_degraded(client: Client) -> None:
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["worker"] == {"ok": False, "error": "no worker heartbeat seen"}
    assert body["disk"]["ok"] is True


@pytest.mark.django_db
def test_healthz_is_ok_once_a_worker_beats(client: Client) -> None:
    beat()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["worker"]["ok"] is True
