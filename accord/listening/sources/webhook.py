"""A generic webhook: another tool POSTs mentions as JSON, signed with the source's secret.

Body: ``{"mentions": [{"text", "published_at", "url"?, "author"?, "title"?, "external_id"?,
"rating"?, "reach"?, "channel"?}, ...]}`` (at most ``MAX_ITEMS``). Every field is checked and
an error names its path (``$.mentions[2].published_at``); one bad item refuses the whole body,
so the sender can fix and resend it without creating half a batch.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from accord.listening.models import Channel, SourceKind
from accord.listening.sources.base import ConfigError, Connector, RawMention, text_setting

MAX_ITEMS = 500
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_TEXT = 20_000
FUTURE_TOLERANCE = timedelta(days=1)
LIMITS = {"url": 2048, "author": 200, "title": 500, "external_id": 300}
FIELDS = frozenset({"text", "published_at", "rating", "reach", "channel", *LIMITS})


class PayloadError(ValueError):
    """A webhook or API body refused: ``path`` says where, the message says why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def new_secret() -> str:
    """A fresh webhook secret (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def clean_config(config: Mapping[str, Any]) -> dict[str, Any]:
    channel = text_setting(config, "channel", required=False) or Channel.OTHER
    if channel not in Channel.values:
        choices = ", ".join(Channel.values)
        raise ConfigError(
            "channel", _("channel must be one of %(choices)s.") % {"choices": choices}
        )
    return {"channel": channel}


def parse_payload(body: bytes, *, now: datetime | None = None) -> list[RawMention]:
    """Decode and validate a webhook body; raise PayloadError at the first fault."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError("$", f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PayloadError("$", "the body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("mentions"), list):
        raise PayloadError("$.mentions", "expected an object with a list of mentions")
    extra = sorted(set(data) - {"mentions"})
    if extra:
        raise PayloadError(f"$.{extra[0]}", "unknown field")
    items = data["mentions"]
    if not items or len(items) > MAX_ITEMS:
        raise PayloadError("$.mentions", f"send 1 to {MAX_ITEMS} mentions")
    moment = now or datetime.now(UTC)
    return [parse_item(item, f"$.mentions[{i}]", moment) for i, item in enumerate(items)]


def parse_item(item: Any, path: str, now: datetime) -> RawMention:
    """Validate one mention object; ``path`` prefixes the field named in errors."""
    if not isinstance(item, dict):
        raise PayloadError(path, "expected an object")
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        raise PayloadError(f"{path}.{unknown[0]}", "unknown field")
    texts = {name: _text(item, name, limit, path) for name, limit in LIMITS.items()}
    return RawMention(
        text=_body(item.get("text"), f"{path}.text"),
        published_at=_time(item.get("published_at"), f"{path}.published_at", now),
        rating=_rating(item.get("rating"), f"{path}.rating"),
        reach=_reach(item.get("reach"), f"{path}.reach"),
        channel=_channel(item.get("channel"), f"{path}.channel"),
        **texts,
    )


def _text(item: Mapping[str, Any], name: str, limit: int, path: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PayloadError(f"{path}.{name}", "must be a string")
    if len(value) > limit:
        raise PayloadError(f"{path}.{name}", f"longer than {limit} characters")
    return value.strip()


def _body(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(path, "required, a non-empty string")
    if len(value) > MAX_TEXT:
        raise PayloadError(path, f"longer than {MAX_TEXT} characters")
    return value.strip()


def _time(value: Any, path: str, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise PayloadError(path, "required, an ISO 8601 time with a time zone")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(path, f"{value[:40]!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        raise PayloadError(path, "needs a time zone (Z or +01:00)")
    if moment > now + FUTURE_TOLERANCE:
        raise PayloadError(path, "is more than one day in the future")
    return moment


def _rating(value: Any, path: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
        raise PayloadError(path, "must be a number from 1 to 5")
    return float(value)


def _reach(value: Any, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PayloadError(path, "must be a whole number, 0 or more")
    return value


def _channel(value: Any, path: str) -> str:
    if value is None or value == "":
        return ""
    if value not in Channel.values:
        raise PayloadError(path, f"must be one of {', '.join(Channel.values)}")
    return str(value)


CONNECTOR = Connector(kind=SourceKind.WEBHOOK, channel=Channel.OTHER, clean_config=clean_config)
