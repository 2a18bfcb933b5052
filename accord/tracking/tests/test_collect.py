"""The collect endpoint /t/e: validation, CORS, cookieless ids, bots, opt-outs and rate limits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from accord.accounts.models import Workspace
from accord.tracking.actions import visitor_hash
from accord.tracking.hits import Visitor
from accord.tracking.models import DailySalt, RejectedHits, TrackingSite
from accord.tracking.tests.conftest import BROWSER, Beacon, stored
from accord.warehouse.queries import ingestion_health

DAY = date(2025, 3, 14)


def test_a_page_view_is_stored_with_its_utms_channel_and_referrer(
    beacon: Beacon, workspace: Workspace
) -> None:
    response = beacon(
        u="https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
        r="https://mail.example.net/",
    )

    assert response.status_code == 202
    assert response["Access-Control-Allow-Origin"] == "https://shop.example"
    (event,) = stored(workspace)
    assert event.kind == "page_view"
    assert event.channel == "email"
    assert (event.utm_source, event.utm_medium, event.utm_campaign) == (
        "newsletter",
        "email",
        "spring",
    )
    assert event.referrer == "https://mail.example.net/"
    assert event.source == "snippet"
    assert event.bot is False
    assert len(event.anonymous_id) == 32
    assert event.anonymous_id == event.session_id
    assert "Set-Cookie" not in response


@pytest.mark.parametrize(
    ("url", "referrer", "channel"),
    [
        ("https://shop.example/", "https://www.google.fr/", "search"),
        ("https://shop.example/", "https://www.linkedin.com/feed/", "social"),
        ("https://shop.example/?gclid=abc", "https://www.google.fr/", "paid"),
        ("https://shop.example/?utm_medium=cpc&utm_source=google", "", "paid"),
        ("https://shop.example/", "https://blog.example.org/post", "referral"),
        ("https://shop.example/", "https://shop.example/other", "direct"),
        ("https://shop.example/", None, "direct"),
    ],
)
def test_the_channel_comes_from_utms_then_click_ids_then_the_referrer(
    beacon: Beacon, workspace: Workspace, url: str, referrer: str | None, channel: str
) -> None:
    beacon(u=url, r=referrer)

    assert [event.channel for event in stored(workspace)] == [channel]


def test_outbound_clicks_and_custom_events_keep_their_target_name_and_props(
    beacon: Beacon, workspace: Workspace
) -> None:
    beacon("click", h="https://partner.example/offer")
    beacon("custom", e="signup", p={"plan": "pro", "seats": 3})

    click, custom = stored(workspace)
    assert (click.kind, click.properties) == ("click", {"target": "https://partner.example/offer"})
    assert (custom.kind, custom.properties) == (
        "custom",
        {"plan": "pro", "seats": 3, "name": "signup"},
    )


def test_a_consented_first_party_id_is_the_anonymous_id(
    beacon: Beacon, workspace: Workspace
) -> None:
    beacon(a="0b5e7c1e-4f7e-4a4e-9d55-1b8d3f0a9c21")

    (event,) = stored(workspace)
    assert event.anonymous_id == "0b5e7c1e-4f7e-4a4e-9d55-1b8d3f0a9c21"
    assert event.session_id != event.anonymous_id


def test_the_same_browser_gets_the_same_cookieless_id_and_another_browser_another(
    beacon: Beacon, workspace: Workspace
) -> None:
    beacon(ip="203.0.113.7")
    beacon(ip="203.0.113.7")
    beacon(ip="198.51.100.1")

    first, second, other = (event.anonymous_id for event in stored(workspace))
    assert first == second
    assert other != first


@pytest.mark.django_db
def test_the_cookieless_hash_is_stable_within_a_day_and_changes_the_next_day() -> None:
    visitor = Visitor("203.0.113.7", BROWSER)

    monday = visitor_hash("site-key", visitor, DAY)

    assert visitor_hash("site-key", visitor, DAY) == monday
    assert visitor_hash("site-key", visitor, DAY + timedelta(days=1)) != monday
    assert visitor_hash("other-key", visitor, DAY) != monday
    assert visitor_hash("site-key", Visitor("203.0.113.8", BROWSER), DAY) != monday


@pytest.mark.django_db
def test_a_new_days_salt_deletes_the_older_salts() -> None:
    visitor = Visitor("203.0.113.7", BROWSER)
    visitor_hash("k", visitor, DAY - timedelta(days=2))
    visitor_hash("k", visitor, DAY - timedelta(days=1))

    visitor_hash("k", visitor, DAY)

    assert list(DailySalt.objects.values_list("day", flat=True)) == [DAY]


def test_bot_user_agents_are_stored_flagged_and_counted_apart(
    beacon: Beacon, workspace: Workspace
) -> None:
    beacon(user_agent="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    beacon()

    assert [event.bot for event in stored(workspace)] == [True, False]
    health = ingestion_health(workspace)
    assert (health.accepted, health.bot_filtered) == (2, 1)


def test_an_origin_outside_the_allowed_domains_gets_no_cors_and_nothing_is_stored(
    beacon: Beacon, workspace: Workspace
) -> None:
    response = beacon(origin="https://evil.example")

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert stored(workspace) == []
    assert list(RejectedHits.objects.values_list("reason", "count")) == [("origin", 1)]


def test_a_page_outside_the_allowed_domains_is_refused_even_without_an_origin(
    beacon: Beacon, workspace: Workspace
) -> None:
    response = beacon(origin="", u="https://evil.example/")

    assert response.status_code == 403
    assert stored(workspace) == []


def test_www_and_wildcard_domains_are_allowed(
    beacon: Beacon, site: TrackingSite, workspace: Workspace
) -> None:
    site.allowed_domains = ["shop.example", "*.brand.example"]
    site.save()

    assert (
        beacon(origin="https://www.shop.example", u="https://www.shop.example/").status_code == 202
    )
    assert (
        beacon(origin="https://fr.brand.example", u="https://fr.brand.example/").status_code == 202
    )
    assert (
        beacon(origin="https://brandexample.com", u="https://brandexample.com/").status_code == 403
    )
    assert len(stored(workspace)) == 2


def test_a_preflight_is_answered_only_for_an_allowed_origin(
    client: Client, site: TrackingSite
) -> None:
    allowed = client.options("/t/e", HTTP_ORIGIN="https://shop.example")
    refused = client.options("/t/e", HTTP_ORIGIN="https://evil.example")

    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example"
    assert allowed["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"n": "purchase"}, "invalid:kind"),
        ({"u": "javascript:alert(1)"}, "invalid:url"),
        ({"u": None}, "invalid:url"),
        ({"n": "custom"}, "invalid:name"),
        ({"n": "custom", "e": "x", "p": {"nested": {"a": 1}}}, "invalid:properties"),
    ],
)
def test_bad_input_is_refused_with_400_and_counted_by_reason(
    beacon: Beacon, workspace: Workspace, fields: dict[str, object], reason: str
) -> None:
    kind = str(fields.pop("n", "page_view"))
    response = beacon(kind, **fields)

    assert response.status_code == 400
    assert stored(workspace) == []
    assert list(RejectedHits.objects.values_list("reason", "count")) == [(reason, 1)]


def test_a_body_that_is_not_json_or_names_no_known_site_is_refused(
    client: Client, site: TrackingSite, workspace: Workspace
) -> None:
    not_json = client.post("/t/e", data="hello", content_type="text/plain")
    unknown = client.post(
        "/t/e",
        data='{"k": "nope", "n": "page_view", "u": "https://shop.example/"}',
        content_type="text/plain",
    )

    assert (not_json.status_code, unknown.status_code) == (400, 400)
    assert stored(workspace) == []


def test_do_not_track_and_global_privacy_control_store_nothing(
    beacon: Beacon, workspace: Workspace
) -> None:
    dnt = beacon(headers={"DNT": "1"})
    gpc = beacon(headers={"Sec-GPC": "1"})

    assert (dnt.status_code, gpc.status_code) == (204, 204)
    assert stored(workspace) == []


def test_an_address_over_the_rate_limit_gets_429_and_nothing_more_is_stored(
    beacon: Beacon, workspace: Workspace, settings: Settings
) -> None:
    settings.ACCORD_TRACKING_RATE_LIMIT = 2

    statuses = [beacon().status_code for _ in range(3)]
    other_address = beacon(ip="198.51.100.1")

    assert statuses == [202, 202, 429]
    assert other_address.status_code == 202
    assert len(stored(workspace)) == 3


def test_get_is_not_allowed(client: Client, site: TrackingSite) -> None:
    assert client.get("/t/e").status_code == 405
