"""The event fact: its kinds, its fields, and the validator that says why one is refused."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

MAX_BATCH = 1_000
MAX_BODY_BYTES = 10 * 1024 * 1024  # a full batch of events with the largest properties fits
MAX_PROPERTIES_BYTES = 8 * 1024
FUTURE_TOLERANCE = timedelta(days=1)
MAX_AGE = timedelta(days=400)
LONG_TEXT = 2048  # url, referrer, user_agent
SHORT_TEXT = 200  # ids, channel, utm_*


class EventKind(StrEnum):
    PAGE_VIEW = "page_view"
    CLICK = "click"
    FORM_SUBMIT = "form_submit"
    EMAIL_SENT = "email_sent"
    EMAIL_OPENED = "email_opened"
    EMAIL_CLICKED = "email_clicked"
    EMAIL_BOUNCED = "email_bounced"
    EMAIL_UNSUBSCRIBED = "email_unsubscribed"
    SOCIAL_IMPRESSION = "social_impression"
    SOCIAL_ENGAGEMENT = "social_engagement"
    AD_IMPRESSION = "ad_impression"
    AD_CLICK = "ad_click"
    PURCHASE = "purchase"
    CUSTOM = "custom"


KINDS = frozenset(kind.value for kind in EventKind)
TEXT_FIELDS = {
    "anonymous_id": SHORT_TEXT,
    "session_id": SHORT_TEXT,
    "channel": SHORT_TEXT,
    "utm_source": SHORT_TEXT,
    "utm_medium": SHORT_TEXT,
    "utm_campaign": SHORT_TEXT,
    "utm_content": SHORT_TEXT,
    "utm_term": SHORT_TEXT,
    "url": LONG_TEXT,
    "referrer": LONG_TEXT,
    "user_agent": LONG_TEXT,
}
TEXT_ITEMS = tuple(TEXT_FIELDS.items())  # in Event's field order, then user_agent
NO_PROPERTIES: Mapping[str, Any] = MappingProxyType({})
KNOWN_FIELDS = frozenset(
    {"event_id", "ts", "kind", "contact_id", "value", "currency", "properties", *TEXT_FIELDS}
)
CURRENCY = re.compile(r"^[A-Za-z]{3}$")
BOT_AGENTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|"
    r"lighthouse|pingdom|uptime|monitor|curl/|wget/|python-|httpx|aiohttp|go-http-client|"
    r"java/|okhttp|libwww|scrapy|facebookexternalhit|embedly|quora link preview|"
    r"preview|validator|feedfetcher|archiver|bingpreview|mediapartners",
    re.IGNORECASE,
)
CHANNEL_BY_KIND_PREFIX = {"email_": "email", "social_": "social", "ad_": "paid"}
CHANNEL_BY_KIND = {  # the prefixes above, looked up once per kind rather than per event
    kind: channel
    for kind in KINDS
    for prefix, channel in CHANNEL_BY_KIND_PREFIX.items()
    if kind.startswith(prefix)
}
CHANNEL_BY_MEDIUM = {
    "cpc": "paid",
    "ppc": "paid",
    "paid": "paid",
    "display": "paid",
    "email": "email",
    "newsletter": "email",
    "social": "social",
    "organic": "search",
}


class Event(NamedTuple):
    """One valid, normalised event: aware UTC ``ts``, lower-case ``channel``, upper ``currency``.

    A named tuple rather than the usual frozen dataclass (docs/decisions/0004): a frozen
    dataclass's ``__init__`` sets each of its 18 fields through ``object.__setattr__``, 2.4 µs per
    event, 40% of validating one; and the fields are in the inbox table's column order, so the
    insert row is a slice of the event.
    """

    event_id: uuid.UUID
    ts: datetime
    kind: str
    contact_id: int | None = None
    anonymous_id: str = ""
    session_id: str = ""
    channel: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_content: str = ""
    utm_term: str = ""
    url: str = ""
    referrer: str = ""
    value: float | None = None
    currency: str = ""
    properties: Mapping[str, Any] = NO_PROPERTIES
    bot: bool = False


class Invalid(ValueError):
    """An event refused for ``reason`` (a stable code such as ``unknown_kind``)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@lru_cache(maxsize=4096)
def is_bot_agent(user_agent: str) -> bool:
    """Tell whether a user agent names a crawler, a monitor, a script or a headless browser.

    Cached: a batch or a busy site repeats the same few agents, and the pattern is long.
    """
    return BOT_AGENTS.search(user_agent) is not None


def parse_event(raw: Any, now: datetime, user_agent: str = "") -> Event:
    """Validate one raw event and return it normalised; raise Invalid with the first reason.

    ``user_agent`` applies when the event carries none (the tracking app passes the browser's).
    The checks run in a fixed order (object, fields, texts, kind, money, id, ts, contact,
    properties), so an event with several faults always gets the same reason.
    """
    if type(raw) is not dict and not isinstance(raw, Mapping):  # the ABC check costs 0.1 µs
        raise Invalid("not_an_object", "An event must be a JSON object.")
    if not KNOWN_FIELDS.issuperset(raw):
        unknown = sorted(set(raw) - KNOWN_FIELDS)
        raise Invalid(
            "unknown_field", f"Unknown field {unknown[0]!r}; put custom data in properties."
        )
    anonymous, session, channel, source, medium, campaign, content, term, url, referrer, agent = (
        _texts(raw)  # the 11 TEXT_ITEMS, in order
    )
    kind = _kind(raw.get("kind"))
    value, currency = _money(raw.get("value"), raw.get("currency"))
    properties = raw.get("properties")
    agent = agent or user_agent
    return Event(
        _event_id(raw.get("event_id")),
        _timestamp(raw.get("ts"), now),
        kind,
        _contact_id(raw.get("contact_id")),
        anonymous,
        session,
        channel.lower() or default_channel(kind, medium, referrer),
        source,
        medium,
        campaign,
        content,
        term,
        url,
        referrer,
        value,
        currency,
        NO_PROPERTIES if properties is None else _properties(properties),
        bool(agent) and is_bot_agent(agent),
    )


def default_channel(kind: str, utm_medium: str, referrer: str) -> str:
    """Pick a channel for an event that names none: from its kind, its utm_medium, its referrer."""
    channel = CHANNEL_BY_KIND.get(kind)
    if channel is not None:
        return channel
    if utm_medium:
        return CHANNEL_BY_MEDIUM.get(utm_medium.lower(), "referral")
    return "referral" if referrer else "direct"


def _texts(raw: Mapping[str, Any]) -> list[str]:
    """Every text field of the event in TEXT_ITEMS order, stripped ("" when absent).

    The common case (a short enough string, or nothing) is checked inline; anything else goes
    through ``_text``, which raises for the first bad field in that same order.
    """
    texts = []
    for name, limit in TEXT_ITEMS:
        value = raw.get(name)
        if value is None:
            texts.append("")
        elif type(value) is str and len(value) <= limit:
            texts.append(value.strip())
        else:
            texts.append(_text(raw, name, limit))
    return texts


def _text(raw: Mapping[str, Any], name: str, limit: int) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("bad_field_type", f"{name} must be a string.")
    if len(value) > limit:
        raise Invalid("field_too_long", f"{name} is longer than {limit} characters.")
    return value.strip()


def _event_id(value: Any) -> uuid.UUID:
    if value is None or value == "":
        raise Invalid("missing_event_id", "event_id is required (a UUID, the idempotency key).")
    if not isinstance(value, str):
        raise Invalid("bad_event_id", "event_id must be a UUID string.")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Invalid("bad_event_id", f"event_id {value[:40]!r} is not a UUID.") from None


def _timestamp(value: Any, now: datetime) -> datetime:
    if value is None or value == "":
        raise Invalid("missing_ts", "ts is required (ISO 8601 with a time zone).")
    if not isinstance(value, str):
        raise Invalid("bad_ts", "ts must be an ISO 8601 string.")
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("bad_ts", f"ts {value[:40]!r} is not ISO 8601.") from None
    if ts.tzinfo is None:
        raise Invalid("ts_without_timezone", "ts must carry a time zone (e.g. Z or +01:00).")
    if ts > now + FUTURE_TOLERANCE:
        raise Invalid("ts_in_future", "ts is more than one day in the future.")
    if ts < now - MAX_AGE:
        raise Invalid("ts_too_old", f"ts is more than {MAX_AGE.days} days in the past.")
    return ts.astimezone(now.tzinfo)


def _kind(value: Any) -> str:
    if value is None or value == "":
        raise Invalid("missing_kind", "kind is required.")
    if not isinstance(value, str) or value not in KINDS:
        shown = str(value)[:40]
        raise Invalid("unknown_kind", f"kind {shown!r} is not one of {', '.join(sorted(KINDS))}.")
    return value


def _contact_id(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid("bad_contact_id", "contact_id must be a positive integer.")
    return value


def _money(value: Any, currency: Any) -> tuple[float | None, str]:
    if currency is not None and (not isinstance(currency, str) or not CURRENCY.match(currency)):
        raise Invalid("bad_currency", "currency must be an ISO 4217 code of three letters.")
    code = currency.upper() if isinstance(currency, str) else ""
    if value is None:
        return None, code
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid("bad_value", "value must be a finite number.")
    return float(value), code


def _properties(value: Any) -> Mapping[str, Any]:
    if value is None:
        return NO_PROPERTIES
    if not isinstance(value, Mapping):
        raise Invalid("properties_not_object", "properties must be a JSON object.")
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise Invalid("properties_not_json", "properties must hold JSON values only.") from None
    size = len(text.encode("utf-8"))
    if size > MAX_PROPERTIES_BYTES:
        raise Invalid(
            "properties_too_large",
            f"properties take {size} bytes (at most {MAX_PROPERTIES_BYTES}).",
        )
    return dict(value)


class BadBatch(ValueError):
    """A request body that is not a usable batch: the HTTP status, code and message it earns."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, Any]) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


def batch_events(body: bytes) -> list[Any]:
    """The events of a ``{"events": [...]}`` body of at most MAX_BATCH events, or raise BadBatch.

    The body's size is the caller's to check (it decides how much to read).
    """
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadBatch(400, "malformed_json", f"The body is not JSON: {exc}.", {}) from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        message = 'The body must be {"events": [...]}.'
        raise BadBatch(422, "invalid", message, {"events": ["A list of events is required."]})
    if len(events) > MAX_BATCH:
        message = f"At most {MAX_BATCH} events per request, got {len(events)}."
        raise BadBatch(413, "too_many_events", message, {"events": [message]})
    return events
