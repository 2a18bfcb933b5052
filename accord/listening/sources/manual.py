"""Manual entry: a member types (or an API client posts) one mention seen elsewhere.

Settings: ``channel``, the default channel of entries that name none. An entry is validated
like one webhook item (same fields, same errors).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from accord.listening.models import Channel, SourceKind
from accord.listening.sources.base import Connector, RawMention
from accord.listening.sources.webhook import clean_config, parse_item


def parse_entry(data: Mapping[str, Any], *, now: datetime | None = None) -> RawMention:
    """Validate one entry; raise PayloadError naming the field (``$.text``)."""
    return parse_item(dict(data), "$", now or datetime.now(UTC))


CONNECTOR = Connector(kind=SourceKind.MANUAL, channel=Channel.OTHER, clean_config=clean_config)
