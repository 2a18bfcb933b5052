"""The shape every mention source shares: what a connector returns and how it fails."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

from accord.listening.models import Channel, SourceKind

TAG = re.compile(r"<[^>]+>")
BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?>", re.IGNORECASE)
SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class RawMention:
    """One item as a connector read it, before matching, de-duplication and analysis.

    ``channel`` overrides the connector's channel (webhook and manual items name their own).
    """

    text: str
    published_at: datetime
    url: str = ""
    external_id: str = ""
    author: str = ""
    title: str = ""
    rating: float | None = None
    reach: int | None = None
    channel: str = ""


@dataclass(frozen=True)
class Fetched:
    """What one fetch read, and the connector state to keep for the next (cursor, newest id)."""

    items: list[RawMention]
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PostedReply:
    """A reply the network accepted: its id and address there."""

    external_id: str
    url: str


class ConnectorError(Exception):
    """A fetch or a reply failed (network, HTTP status, unexpected body); the message says why."""


class ConfigError(ValueError):
    """A source setting is wrong: ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


Fetch = Callable[[Mapping[str, Any], Mapping[str, Any]], Fetched]
Reply = Callable[[Mapping[str, Any], str, str], PostedReply]
CleanConfig = Callable[[Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Connector:
    """One kind of source: how to check its settings, fetch it (pull kinds) and reply on it.

    ``fetch`` is None for sources that receive items (review import, webhook, manual entry);
    ``reply`` is None where Accord cannot answer on the network.
    """

    kind: SourceKind
    channel: Channel
    clean_config: CleanConfig
    fetch: Fetch | None = None
    reply: Reply | None = None
    can_reply: Callable[[Mapping[str, Any]], bool] = lambda config: False


def plain_text(markup: str) -> str:
    """Turn an HTML fragment (a post, a feed summary) into text, keeping line breaks."""
    # A line break in the markup is a space; only break tags end a line.
    text = TAG.sub("", BREAK.sub("\n", " ".join(markup.splitlines())))
    lines = (SPACES.sub(" ", line).strip() for line in html.unescape(text).splitlines())
    return "\n".join(line for line in lines if line)


def parse_time(value: Any, field: str) -> datetime:
    """Read an ISO 8601 time (``Z`` allowed); a time without zone is taken as UTC."""
    if not isinstance(value, str) or not value:
        raise ConnectorError(f"{field} is missing or not a string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConnectorError(f"{field} {value[:40]!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def text_setting(config: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    """A string setting, stripped; raise ConfigError when required and blank."""
    value = config.get(name, "")
    if not isinstance(value, str):
        raise ConfigError(name, _("%(name)s must be text.") % {"name": name})
    value = value.strip()
    if required and not value:
        raise ConfigError(name, _("%(name)s is required.") % {"name": name})
    return value


def url_setting(config: Mapping[str, Any], name: str, *, required: bool = True) -> str:
    """An http(s) address setting without a trailing slash."""
    value = text_setting(config, name, required=required)
    if value and not re.match(r"^https?://[^\s/]+", value):
        message = _("%(name)s must be an http:// or https:// address.") % {"name": name}
        raise ConfigError(name, message)
    return value.rstrip("/")
