"""RSS and Atom press feeds, read with feedparser: every entry is a candidate mention.

Settings: ``url`` (the feed's address). Entries are matched against the listening queries
afterwards; an entry already stored (same normalised link) is skipped, so no cursor is kept.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from accord.listening.models import Channel, SourceKind
from accord.listening.sources import http
from accord.listening.sources.base import (
    Connector,
    ConnectorError,
    Fetched,
    RawMention,
    plain_text,
    url_setting,
)


def clean_config(config: Mapping[str, Any]) -> dict[str, Any]:
    return {"url": url_setting(config, "url")}


def fetch(config: Mapping[str, Any], state: Mapping[str, Any]) -> Fetched:
    """Download and parse the feed; an undated entry takes the fetch time."""
    body = http.request_bytes(
        config["url"], headers={"Accept": "application/rss+xml, application/atom+xml, */*"}
    )
    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        raise ConnectorError(f"not an RSS or Atom feed: {feed.get('bozo_exception', '')}")
    now = datetime.now(UTC)
    return Fetched([_entry(entry, now) for entry in feed.entries if _has_text(entry)])


def _has_text(entry: Any) -> bool:
    return bool(entry.get("title") or entry.get("summary"))


def _entry(entry: Any, now: datetime) -> RawMention:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    published = datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else now
    return RawMention(
        text=plain_text(entry.get("summary", "")) or plain_text(entry.get("title", "")),
        title=plain_text(entry.get("title", ""))[:500],
        url=entry.get("link", ""),
        external_id=str(entry.get("id", ""))[:300],
        author=str(entry.get("author", ""))[:200],
        published_at=min(published, now),
    )


CONNECTOR = Connector(
    kind=SourceKind.RSS, channel=Channel.PRESS, clean_config=clean_config, fetch=fetch
)
