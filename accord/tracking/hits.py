"""What a visitor's browser sends (snippet beacons, pixel queries) and the events made of it.

Parsing never trusts the input: every field is typed, bounded and checked here, so that the
actions receive a ``Hit`` they can turn into a warehouse event without further checks.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from accord.tracking.channels import CLICK_IDS, channel_for, host_of, is_bot

MAX_BODY = 8 * 1024
MAX_URL = 2000
MAX_PROPERTIES = 25
MAX_TEXT = 500
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
SNIPPET_KINDS = frozenset({"page_view", "click", "custom"})
PIXEL_KINDS = re.compile(r"^(email_[a-z_]{1,40}|page_view|custom)$")
VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
EVENT_NAME = re.compile(r"^[^\x00-\x1f]{1,100}$")


class InvalidHit(ValueError):
    """The input cannot become an event; ``reason`` is a short machine-readable word.

    ``site_key`` is the key the input named, when it could be read, so that the refusal can
    be counted for that site's workspace.
    """

    def __init__(self, reason: str, site_key: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.site_key = site_key


@dataclass(frozen=True)
class Visitor:
    """The request facts that identify a browser without storing anything on it."""

    ip: str
    user_agent: str

    @property
    def bot(self) -> bool:
        return is_bot(self.user_agent)


@dataclass(frozen=True)
class Hit:
    """One validated beacon or pixel request, not yet tied to a workspace."""

    kind: str
    url: str = ""
    referrer: str = ""
    name: str = ""
    target: str = ""
    properties: Mapping[str, Any] = field(default_factory=dict)
    first_party_id: str = ""
    contact_uid: str = ""
    utms: Mapping[str, str] = field(default_factory=dict)


def parse_beacon(body: bytes) -> tuple[str, Hit]:
    """Read the snippet's JSON body into (site key, hit); raise InvalidHit on anything odd."""
    if len(body) > MAX_BODY:
        raise InvalidHit("too_large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise InvalidHit("not_json") from None
    if not isinstance(data, dict):
        raise InvalidHit("not_json")
    key = _text(data.get("k"), 32)
    try:
        return key, _beacon_hit(data)
    except InvalidHit as exc:
        raise InvalidHit(exc.reason, key) from None


def _beacon_hit(data: Mapping[str, Any]) -> Hit:
    kind = _text(data.get("n"), 20)
    if kind not in SNIPPET_KINDS:
        raise InvalidHit("kind")
    url = _url(data.get("u"), required=True)
    return Hit(
        kind=kind,
        url=url,
        referrer=_url(data.get("r"), required=False),
        name=_event_name(data.get("e"), required=kind == "custom"),
        target=_url(data.get("h"), required=kind == "click"),
        properties=_properties(data.get("p")),
        first_party_id=_visitor_id(data.get("a")),
        utms=utms_of(url),
    )


def parse_pixel(query: Mapping[str, str]) -> tuple[str, Hit]:
    """Read the pixel's query string into (site key, hit); raise InvalidHit on anything odd."""
    key = _text(query.get("k"), 32)
    try:
        return key, _pixel_hit(query)
    except InvalidHit as exc:
        raise InvalidHit(exc.reason, key) from None


def _pixel_hit(query: Mapping[str, str]) -> Hit:
    kind = _text(query.get("e") or "email_opened", 50)
    if not PIXEL_KINDS.match(kind):
        raise InvalidHit("kind")
    utms = {key: _text(query.get(key), 100) for key in UTM_KEYS if query.get(key)}
    if query.get("cp") and "utm_campaign" not in utms:
        utms["utm_campaign"] = _text(query.get("cp"), 100)
    return Hit(
        kind=kind,
        url=_url(query.get("u"), required=False),
        name=_event_name(query.get("n"), required=False),
        first_party_id=_visitor_id(query.get("a")),
        contact_uid=contact_uid(query.get("c")),
        utms=utms,
    )


def clean_url(raw: object) -> str:
    """``raw`` when it is an absolute http(s) URL of at most 2,000 characters, else ''."""
    try:
        return _url(raw, required=False)
    except InvalidHit:
        return ""


def contact_uid(raw: object) -> str:
    """A contact uid in canonical form, or '' when ``raw`` is not a UUID."""
    try:
        return str(uuid.UUID(str(raw))) if raw else ""
    except ValueError:
        return ""


def utms_of(url: str) -> dict[str, str]:
    """The non-blank UTM parameters in ``url``'s query string, each cut to 100 characters."""
    query = dict(parse_qsl(urlsplit(url).query))
    return {key: query[key].strip()[:100] for key in UTM_KEYS if query.get(key, "").strip()}


def has_click_id(url: str) -> bool:
    """Tell whether ``url`` carries an ad network's click id (gclid, fbclid…)."""
    query = dict(parse_qsl(urlsplit(url).query))
    return any(query.get(name) for name in CLICK_IDS)


def with_utms(destination: str, utms: Mapping[str, str]) -> str:
    """Append (or replace) UTM parameters on ``destination``, keeping its other parameters."""
    parts = urlsplit(destination)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utms]
    query = urlencode([*kept, *utms.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@dataclass(frozen=True)
class Identity:
    """Who an event is about: a contact when known, else an anonymous (hashed or first-party) id."""

    anonymous_id: str
    session_id: str
    contact_id: int | None = None


def build_event(hit: Hit, identity: Identity, visitor: Visitor, at: datetime) -> dict[str, Any]:
    """Make the warehouse event for a hit; the channel comes from its UTMs, then its referrer.

    Bots are not decided here: the warehouse flags the event from its ``user_agent``.
    """
    own_host = host_of(hit.url)
    channel = "email" if hit.kind.startswith("email_") else None
    properties = dict(hit.properties)
    if hit.name:
        properties["name"] = hit.name
    if hit.target:
        properties["target"] = hit.target
    return {
        "event_id": str(uuid.uuid4()),
        "ts": at.isoformat(),
        "kind": hit.kind,
        "contact_id": identity.contact_id,
        "anonymous_id": identity.anonymous_id,
        "session_id": identity.session_id,
        "channel": channel
        or channel_for(hit.utms, hit.referrer, own_host, click_id=has_click_id(hit.url)),
        **{key: hit.utms.get(key) for key in UTM_KEYS},
        "url": hit.url or None,
        "referrer": hit.referrer or None,
        "value": None,
        "currency": None,
        "properties": properties,
        "user_agent": visitor.user_agent[:MAX_TEXT] or None,
    }


def _text(raw: object, limit: int) -> str:
    return raw.strip()[:limit] if isinstance(raw, str) else ""


def _url(raw: object, *, required: bool) -> str:
    if raw in (None, ""):
        if required:
            raise InvalidHit("url")
        return ""
    if not isinstance(raw, str) or len(raw) > MAX_URL:
        raise InvalidHit("url")
    try:
        parts = urlsplit(raw)
    except ValueError:
        raise InvalidHit("url") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InvalidHit("url")
    return raw


def _event_name(raw: object, *, required: bool) -> str:
    if raw in (None, "") and not required:
        return ""
    if not isinstance(raw, str) or not EVENT_NAME.match(raw.strip()):
        raise InvalidHit("name")
    return raw.strip()


def _visitor_id(raw: object) -> str:
    return raw if isinstance(raw, str) and VISITOR_ID.match(raw) else ""


def _properties(raw: object) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_PROPERTIES:
        raise InvalidHit("properties")
    cleaned: dict[str, Any] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not 0 < len(key) <= 50:
            raise InvalidHit("properties")
        if isinstance(value, str):
            cleaned[key] = value[:MAX_TEXT]
        elif value is None or isinstance(value, bool | int | float):
            cleaned[key] = value
        else:
            raise InvalidHit("properties")
    return cleaned
