"""Each way an event can be wrong is refused with its own reason; good events are normalised."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from accord.warehouse.events import Invalid, parse_event

NOW = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)
GOOD: dict[str, Any] = {
    "event_id": "0b6f3c1e-6a55-4a3e-9a57-1f0e0c6f4a10",
    "ts": "2025-03-14T10:00:00+01:00",
    "kind": "purchase",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"event_id": None}, "missing_event_id"),
        ({"event_id": "not-a-uuid"}, "bad_event_id"),
        ({"event_id": 12}, "bad_event_id"),
        ({"ts": None}, "missing_ts"),
        ({"ts": "yesterday"}, "bad_ts"),
        ({"ts": "2025-03-14T10:00:00"}, "ts_without_timezone"),
        ({"ts": (NOW + timedelta(days=1, minutes=1)).isoformat()}, "ts_in_future"),
        ({"ts": (NOW - timedelta(days=401)).isoformat()}, "ts_too_old"),
        ({"kind": None}, "missing_kind"),
        ({"kind": "page_vue"}, "unknown_kind"),
        ({"value": "12.50"}, "bad_value"),
        ({"value": True}, "bad_value"),
        ({"value": float("inf")}, "bad_value"),
        ({"currency": "euro"}, "bad_currency"),
        ({"currency": "E1R"}, "bad_currency"),
        ({"properties": [1, 2]}, "properties_not_object"),
        ({"properties": {"blob": "x" * 8200}}, "properties_too_large"),
        ({"contact_id": "42"}, "bad_contact_id"),
        ({"contact_id": 0}, "bad_contact_id"),
        ({"url": 3}, "bad_field_type"),
        ({"utm_campaign": "x" * 201}, "field_too_long"),
        ({"utm_campain": "typo"}, "unknown_field"),
    ],
)
def test_it_refuses_an_event_with_a_specific_reason(change: dict[str, Any], reason: str) -> None:
    raw = {key: value for key, value in {**GOOD, **change}.items() if value is not None}

    with pytest.raises(Invalid) as caught:
        parse_event(raw, NOW)

    assert caught.value.reason == reason


def test_it_refuses_what_is_not_an_object() -> None:
    with pytest.raises(Invalid) as caught:
        parse_event(["event"], NOW)

    assert caught.value.reason == "not_an_object"


def test_it_normalises_a_good_event() -> None:
    event = parse_event(
        {**GOOD, "value": 89, "currency": "eur", "utm_medium": "cpc", "channel": ""}, NOW
    )

    assert event.event_id == uuid.UUID(GOOD["event_id"])
    assert event.ts == datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
    assert (event.value, event.currency, event.channel, event.bot) == (89.0, "EUR", "paid", False)


def test_a_timestamp_just_inside_the_limits_is_accepted() -> None:
    soon = parse_event({**GOOD, "ts": (NOW + timedelta(hours=23)).isoformat()}, NOW)
    old = parse_event({**GOOD, "ts": (NOW - timedelta(days=399)).isoformat()}, NOW)

    assert (soon.ts, old.ts) == (NOW + timedelta(hours=23), NOW - timedelta(days=399))


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32",
    ],
)
def test_a_bot_user_agent_flags_the_event(agent: str) -> None:
    assert parse_event({**GOOD, "user_agent": agent}, NOW).bot
    assert parse_event(GOOD, NOW, user_agent=agent).bot


def test_a_browser_user_agent_does_not_flag_the_event() -> None:
    agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15"

    assert not parse_event({**GOOD, "user_agent": agent}, NOW).bot


@pytest.mark.parametrize(
    ("change", "channel"),
    [
        ({"kind": "email_opened", "utm_medium": "cpc"}, "email"),
        ({"kind": "social_engagement"}, "social"),
        ({"kind": "ad_click"}, "paid"),
        ({"utm_medium": " Newsletter "}, "email"),
        ({"utm_medium": "podcast"}, "referral"),
        ({"referrer": "https://search.example/"}, "referral"),
        ({}, "direct"),
        ({"channel": " Partner ", "utm_medium": "cpc"}, "partner"),
    ],
)
def test_an_event_without_a_channel_gets_one_from_its_kind_medium_or_referrer(
    change: dict[str, Any], channel: str
) -> None:
    assert parse_event({**GOOD, **change}, NOW).channel == channel
