"""The tracking snippet: its size on the wire and how it is served."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.test import Client

STATIC = Path(__file__).resolve().parent.parent / "static" / "tracking"


def test_the_snippet_is_at_most_2_kb_gzipped() -> None:
    packed = gzip.compress((STATIC / "t.js").read_bytes(), compresslevel=9)

    assert len(packed) <= 2048


def test_the_form_embed_script_is_small_too() -> None:
    assert len(gzip.compress((STATIC / "f.js").read_bytes(), compresslevel=9)) <= 1024


@pytest.mark.django_db
def test_t_js_is_served_gzipped_as_javascript_and_cacheable(client: Client) -> None:
    response = client.get("/t.js", headers={"Accept-Encoding": "gzip, br"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "public, max-age=3600"
    assert gzip.decompress(response.content) == (STATIC / "t.js").read_bytes()
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_t_js_is_served_plain_to_a_client_without_gzip(client: Client) -> None:
    response = client.get("/t.js")

    assert response.content == (STATIC / "t.js").read_bytes()
    assert "Content-Encoding" not in response


@pytest.mark.django_db
def test_f_js_is_served(client: Client) -> None:
    response = client.get("/f.js")

    assert response.status_code == 200
    assert b"data-form" in response.content
