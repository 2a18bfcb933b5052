"""Bluesky: posts found by app.bsky.feed.searchPosts on the public AppView.

Settings: ``q`` (search words, Lucene syntax as Bluesky documents it) and, optionally,
``base_url`` (another AppView; default https://public.api.bsky.app). The state keeps ``since``,
the newest post time seen; each fetch asks for the latest posts since then and follows the
cursor for at most ``MAX_PAGES`` pages.

Replying needs the brand's ``handle`` and an app password (``app_password``, created in
Bluesky's settings) and, for an account hosted elsewhere, its ``pds_url`` (default
https://bsky.social). A reply reads the post again (``app.bsky.feed.getPosts``: its ``cid`` and
thread root), opens a session (``com.atproto.server.createSession``) and writes the reply
record (``com.atproto.repo.createRecord``). The app password is sent only to the PDS.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
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
    text_setting,
    url_setting,
)

DEFAULT_BASE = "https://public.api.bsky.app"
DEFAULT_PDS = "https://bsky.social"
MAX_POST = 300  # Bluesky counts graphemes; characters are a close, stricter bound
PAGE = 100
MAX_PAGES = 5


def clean_config(config: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {
        "q": text_setting(config, "q"),
        "base_url": url_setting(config, "base_url", required=False) or DEFAULT_BASE,
        "handle": text_setting(config, "handle", required=False).lstrip("@"),
        "app_password": text_setting(config, "app_password", required=False),
        "pds_url": url_setting(config, "pds_url", required=False) or DEFAULT_PDS,
    }
    if bool(cleaned["handle"]) != bool(cleaned["app_password"]):
        missing = "app_password" if cleaned["handle"] else "handle"
        raise ConfigError(missing, _("Replying needs both the handle and an app password."))
    return cleaned


def fetch(config: Mapping[str, Any], state: Mapping[str, Any]) -> Fetched:
    """Read posts newer than ``state['since']``, page by page, newest first."""
    url = f"{config.get('base_url') or DEFAULT_BASE}/xrpc/app.bsky.feed.searchPosts"
    since = str(state.get("since", ""))
    posts: list[dict[str, Any]] = []
    cursor = ""
    for _page in range(MAX_PAGES):
        params = {
            "q": config["q"],
            "limit": PAGE,
            "sort": "latest",
            "since": since,
            "cursor": cursor,
        }
        answer = http.request_json(http.with_query(url, params))
        page, cursor = _posts(answer)
        posts += page
        if not cursor or not page:
            break
    items = [_post(post) for post in posts]
    newest = max((item.published_at for item in items), default=None)
    return Fetched(items, {"since": newest.isoformat()} if newest else dict(state))


def _posts(answer: Any) -> tuple[list[dict[str, Any]], str]:
    if not isinstance(answer, dict) or not isinstance(answer.get("posts"), list):
        raise ConnectorError("searchPosts did not answer {posts: [...]}")
    cursor = answer.get("cursor")
    return [post for post in answer["posts"] if isinstance(post, dict)], str(cursor or "")


def _post(post: Mapping[str, Any]) -> RawMention:
    record = post.get("record") or {}
    author = post.get("author") or {}
    handle = str(author.get("handle", ""))
    uri = str(post.get("uri", ""))
    return RawMention(
        text=str(record.get("text", "")),
        published_at=parse_time(record.get("createdAt"), "record.createdAt"),
        url=web_address(handle, uri),
        external_id=uri[:300],
        author=handle[:200],
    )


def web_address(handle: str, uri: str) -> str:
    """The bsky.app page of a post: at://did/app.bsky.feed.post/<rkey> → /profile/h/post/rkey."""
    rkey = uri.rsplit("/", 1)[-1] if uri.startswith("at://") else ""
    return f"https://bsky.app/profile/{handle}/post/{rkey}" if handle and rkey else ""


def _strong_ref(config: Mapping[str, Any], uri: str) -> tuple[dict[str, str], dict[str, str]]:
    """The post's own reference and its thread root's, read from the AppView."""
    url = f"{config.get('base_url') or DEFAULT_BASE}/xrpc/app.bsky.feed.getPosts"
    answer = http.request_json(http.with_query(url, {"uris": uri}))
    posts = answer.get("posts") if isinstance(answer, dict) else None
    if not posts or not isinstance(posts[0], dict) or not posts[0].get("cid"):
        raise ConnectorError("the post to answer is gone")
    parent = {"uri": str(posts[0]["uri"]), "cid": str(posts[0]["cid"])}
    root = ((posts[0].get("record") or {}).get("reply") or {}).get("root")
    if isinstance(root, dict) and root.get("uri") and root.get("cid"):
        return parent, {"uri": str(root["uri"]), "cid": str(root["cid"])}
    return parent, parent


def _session(config: Mapping[str, Any]) -> tuple[str, str]:
    """Sign in with the app password; return the access token and the account's DID."""
    answer = http.request_json(
        f"{config.get('pds_url') or DEFAULT_PDS}/xrpc/com.atproto.server.createSession",
        payload={"identifier": config["handle"], "password": config["app_password"]},
    )
    if not isinstance(answer, dict) or not answer.get("accessJwt") or not answer.get("did"):
        raise ConnectorError("Bluesky did not open a session")
    return str(answer["accessJwt"]), str(answer["did"])


def reply(config: Mapping[str, Any], in_reply_to: str, text: str) -> PostedReply:
    """Post ``text`` as a reply to the post at URI ``in_reply_to`` from the brand's account."""
    if not config.get("handle") or not config.get("app_password"):
        raise ConnectorError("replying needs the source's handle and app password")
    if len(text) > MAX_POST:
        raise ConnectorError(f"a Bluesky post holds at most {MAX_POST} characters")
    parent, root = _strong_ref(config, in_reply_to)
    token, did = _session(config)
    record = {
        "$type": "app.bsky.feed.post",
        "text": text,
        "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "reply": {"root": root, "parent": parent},
    }
    answer = http.request_json(
        f"{config.get('pds_url') or DEFAULT_PDS}/xrpc/com.atproto.repo.createRecord",
        headers={"Authorization": f"Bearer {token}"},
        payload={"repo": did, "collection": "app.bsky.feed.post", "record": record},
    )
    if not isinstance(answer, dict) or not answer.get("uri"):
        raise ConnectorError("Bluesky did not return the posted reply")
    uri = str(answer["uri"])
    return PostedReply(uri, web_address(str(config["handle"]), uri))


CONNECTOR = Connector(
    kind=SourceKind.BLUESKY,
    channel=Channel.SOCIAL,
    clean_config=clean_config,
    fetch=fetch,
    reply=reply,
    can_reply=lambda config: bool(config.get("handle") and config.get("app_password")),
)
