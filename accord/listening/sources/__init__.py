"""Mention sources: one module per connector, each exposing ``CONNECTOR``, and this registry.

Adding a source kind means copying a sibling module, adding its ``SourceKind`` and listing its
``CONNECTOR`` here.
"""

from __future__ import annotations

from accord.listening.sources import bluesky, manual, mastodon, reviews, rss, webhook
from accord.listening.sources.base import (
    ConfigError,
    Connector,
    ConnectorError,
    Fetched,
    PostedReply,
    RawMention,
)

CONNECTORS: dict[str, Connector] = {
    connector.kind.value: connector
    for connector in (
        rss.CONNECTOR,
        mastodon.CONNECTOR,
        bluesky.CONNECTOR,
        reviews.CONNECTOR,
        webhook.CONNECTOR,
        manual.CONNECTOR,
    )
}


def connector_for(kind: str) -> Connector:
    """The connector of a source kind; KeyError for an unknown kind."""
    return CONNECTORS[kind]


__all__ = [
    "CONNECTORS",
    "ConfigError",
    "Connector",
    "ConnectorError",
    "Fetched",
    "PostedReply",
    "RawMention",
    "connector_for",
]
