"""Mastodon: a public hashtag timeline, or a full-text search with an access token; replies.

Settings: ``instance`` (https://mastodon.social), ``hashtag`` (without #) and, optionally,
``access_token`` (an application token of the brand's account, scopes read and write:statuses)
with ``search`` (words to search; instances only search statuses for signed-in accounts).
The state keeps ``since_id``, the newest status seen, so each fetch asks only for newer ones.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from accord.listening.models import Channel, SourceKind
from accord.listening.sources import http
from accord.listening.sources.base import (
    ConfigError,
    Connector,
    ConnectorError,
    Fetched,
    PostedReply,
    RawMention,
    parse_time,
    plain_text,
    text_setting,
    url_setting,
)

PAGE = 40  # the largest page the timeline and search endpoints serve


def clean_config(config: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {
        "instance": url_setting(config, "instance"),
        "hashtag": text_setting(config, "hashtag", required=False).lstrip("#"),
        "access_token": text_setting(config, "access_token", required=False),
        "search": text_setting(config, "search", required=False),
    }
    if not cleaned["hashtag"] and not cleaned["search"]:
        raise ConfigError("hashtag", _("Give a hashtag, or search words with an access token."))
    if cleaned["search"] and not cleaned["access_token"]:
        raise ConfigError("access_token", _("Searching statuses needs an access token."))
    return cleaned


def _auth(config: Mapping[str, Any]) -> dict[str, str]:
    token = config.get("access_token", "")
    return {"Authorization": f"Bearer {token}"} if token else {}


def fetch(config: Mapping[str, Any], state: Mapping[str, Any]) -> Fetched:
    """Read statuses newer than ``state['since_id']`` from the hashtag timeline and the search."""
    since = str(state.get("since_id", ""))
    statuses: list[Any] = []
    if config.get("hashtag"):
        tag = urllib.parse.quote(config["hashtag"], safe="")
        url = f"{config['instance']}/api/v1/timelines/tag/{tag}"
        statuses += _list(
            http.request_json(http.with_query(url, _page(since)), headers=_auth(config))
        )
    if config.get("search") and config.get("access_token"):
        params = {"type": "statuses", "q": config["search"], "resolve": "false", **_page(since)}
        url = http.with_query(f"{config['instance']}/api/v2/search", params)
        found = http.request_json(url, headers=_auth(config))
        statuses += _list(found.get("statuses") if isinstance(found, dict) else None)
    # A boost carries the boosted status: read that one (the same address twice is one mention).
    originals = [status.get("reblog") or status for status in statuses]
    items = [item for item in map(_status, originals) if item.text]
    newest = max((int(s["id"]) for s in statuses if str(s.get("id", "")).isdigit()), default=0)
    return Fetched(
        items, {"since_id": str(max(newest, int(since or 0)))} if newest else dict(state)
    )


def _page(since: str) -> dict[str, Any]:
    return {"limit": PAGE, "since_id": since}


def _list(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConnectorError("the instance did not answer a list of statuses")
    return value


def _status(status: Mapping[str, Any]) -> RawMention:
    account = status.get("account") or {}
    return RawMention(
        text=plain_text(str(status.get("content", ""))),
        published_at=parse_time(status.get("created_at"), "created_at"),
        url=str(status.get("url") or status.get("uri") or ""),
        external_id=str(status.get("id", "")),
        author=str(account.get("acct", ""))[:200],
        reach=_count(account.get("followers_count")),
    )


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and value >= 0 else None


def reply(config: Mapping[str, Any], in_reply_to: str, text: str) -> PostedReply:
    """Post ``text`` as a public reply to status ``in_reply_to`` with the source's token."""
    if not config.get("access_token"):
        raise ConnectorError("replying needs the source's access token")
    answer = http.request_json(
        f"{config['instance']}/api/v1/statuses",
        headers=_auth(config),
        payload={"status": text, "in_reply_to_id": in_reply_to},
    )
    if not isinstance(answer, dict) or "id" not in answer:
        raise ConnectorError("the instance did not return the posted status")
    return PostedReply(str(answer["id"]), str(answer.get("url") or ""))


CONNECTOR = Connector(
    kind=SourceKind.MASTODON,
    channel=Channel.SOCIAL,
    clean_config=clean_config,
    fetch=fetch,
    reply=reply,
    can_reply=lambda config: bool(config.get("access_token")),
)
