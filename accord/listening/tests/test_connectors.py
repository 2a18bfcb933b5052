"""Each connector against a real HTTP server on loopback answering like the documented API."""

from __future__ import annotations

import json
import time
import urllib.parse
from datetime import UTC, datetime
from typing import Any

import pytest

from accord.accounts.models import Workspace
from accord.listening.actions import fetch_source
from accord.listening.models import ListeningQuery, Mention, Source, SourceKind
from accord.listening.sources import ConnectorError, bluesky, http, mastodon, rss
from accord.listening.tests.conftest import NOW, LoopbackServer, make_source

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Le Journal du Design</title><link>https://jdd.example</link>
<item><title>Maison Lumi\xc3\xa8re ouvre un atelier \xc3\xa0 Lyon</title>
<link>https://jdd.example/2026/06/atelier?utm_source=rss</link>
<guid>https://jdd.example/?p=41</guid><pubDate>Mon, 15 Jun 2026 08:30:00 +0200</pubDate>
<description>&lt;p&gt;La marque de luminaires &lt;b&gt;Maison Lumi\xc3\xa8re&lt;/b&gt;
 s'installe.&lt;/p&gt;</description>
<author>redaction@jdd.example (Claire Dubois)</author></item>
<item><title>Le salon du meuble rouvre</title><link>https://jdd.example/2026/06/salon</link>
<pubDate>Mon, 15 Jun 2026 07:00:00 +0000</pubDate>
<description>Rien sur les lampes.</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Design Weekly</title><id>urn:dw</id>
<updated>2026-06-14T10:00:00Z</updated>
<entry><title>Why Maison Lumiere lamps sell out</title><id>urn:dw:1</id>
<link href="https://dw.example/maison-lumiere"/><updated>2026-06-14T10:00:00Z</updated>
<summary>The French studio's glass lamps are a hit.</summary><author><name>Sam Lee</name></author>
</entry></feed>"""


def status(status_id: str, text: str, acct: str = "alice@example.social") -> dict[str, Any]:
    """A Mastodon Status entity as documented (docs.joinmastodon.org/entities/Status)."""
    return {
        "id": status_id,
        "created_at": "2026-06-15T09:48:33.901Z",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "fr",
        "uri": f"https://example.social/users/alice/statuses/{status_id}",
        "url": f"https://example.social/@alice/{status_id}",
        "replies_count": 1,
        "reblogs_count": 2,
        "favourites_count": 3,
        "content": f"<p>{text}</p>",
        "reblog": None,
        "account": {
            "id": "1",
            "username": "alice",
            "acct": acct,
            "display_name": "Alice",
            "followers_count": 321,
            "url": "https://example.social/@alice",
        },
        "media_attachments": [],
        "mentions": [],
        "tags": [{"name": "maisonlumiere", "url": "https://example.social/tags/maisonlumiere"}],
        "emojis": [],
    }


def post(rkey: str, text: str, created: str = "2026-06-15T10:00:00.000Z") -> dict[str, Any]:
    """A PostView as app.bsky.feed.searchPosts documents it."""
    return {
        "uri": f"at://did:plc:abc123/app.bsky.feed.post/{rkey}",
        "cid": f"bafyrei{rkey}",
        "author": {"did": "did:plc:abc123", "handle": "lea.bsky.social", "displayName": "Léa"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": created,
            "langs": ["fr"],
        },
        "replyCount": 0,
        "repostCount": 1,
        "likeCount": 4,
        "indexedAt": created,
    }


def _query(handler: Any) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(handler.path).query)


# RSS / Atom -------------------------------------------------------------------------------


def test_an_rss_feed_gives_its_matching_items(
    workspace: Workspace, brand_query: ListeningQuery, server: LoopbackServer
) -> None:
    server.raw("GET", "/feed.xml", RSS, "application/rss+xml")
    source = make_source(workspace, config={"url": f"{server.url}/feed.xml"})

    outcome = fetch_source(source, now=NOW)

    mention = Mention.objects.get()
    assert outcome.error == ""
    assert outcome.result is not None
    assert (outcome.result.received, outcome.result.stored, outcome.result.unmatched) == (2, 1, 1)
    assert mention.title == "Maison Lumière ouvre un atelier à Lyon"
    assert mention.text == "La marque de luminaires Maison Lumière s'installe."
    assert mention.published_at == datetime(2026, 6, 15, 6, 30, tzinfo=UTC)
    assert (mention.channel, mention.source_kind) == ("press", "rss")
    source.refresh_from_db()
    assert (source.last_fetched_at, source.last_error) == (NOW, "")


def test_fetching_the_feed_again_stores_nothing_new(
    workspace: Workspace, brand_query: ListeningQuery, server: LoopbackServer
) -> None:
    server.raw("GET", "/feed.xml", RSS, "application/rss+xml")
    source = make_source(workspace, config={"url": f"{server.url}/feed.xml"})
    fetch_source(source, now=NOW)

    again = fetch_source(source, now=NOW)

    # The item that named no query was never stored: it is matched again, and dropped again.
    assert again.result is not None
    assert (again.result.known, again.result.unmatched, again.result.stored) == (1, 1, 0)
    assert Mention.objects.count() == 1


def test_an_atom_feed_is_read_too(server: LoopbackServer) -> None:
    server.raw("GET", "/atom", ATOM, "application/atom+xml")

    fetched = rss.fetch({"url": f"{server.url}/atom"}, {})

    [item] = fetched.items
    assert (item.title, item.url, item.author) == (
        "Why Maison Lumiere lamps sell out",
        "https://dw.example/maison-lumiere",
        "Sam Lee",
    )
    assert item.published_at == datetime(2026, 6, 14, 10, tzinfo=UTC)


def test_a_page_that_is_not_a_feed_is_an_error_kept_on_the_source(
    workspace: Workspace, server: LoopbackServer
) -> None:
    server.raw("GET", "/feed.xml", b"<html><body>Oops</body>", "text/html")
    source = make_source(workspace, config={"url": f"{server.url}/feed.xml"})

    outcome = fetch_source(source, now=NOW)

    source.refresh_from_db()
    assert outcome.result is None
    assert source.last_error.startswith("not an RSS or Atom feed")
    assert source.last_fetched_at == NOW


def test_an_http_error_names_the_status_and_the_host(server: LoopbackServer) -> None:
    server.raw("GET", "/feed.xml", b"maintenance", "text/plain", status=503)

    with pytest.raises(ConnectorError, match=r"^HTTP 503 from 127\.0\.0\.1:\d+: maintenance$"):
        rss.fetch({"url": f"{server.url}/feed.xml"}, {})


def test_a_response_over_the_size_cap_is_refused(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "MAX_BYTES", 100)
    server.raw("GET", "/feed.xml", RSS, "application/rss+xml")

    with pytest.raises(ConnectorError, match="sent more than 100 bytes"):
        rss.fetch({"url": f"{server.url}/feed.xml"}, {})


def test_a_server_too_slow_times_out(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "TIMEOUT_SECONDS", 0.2)

    def slow(handler: Any) -> tuple[int, str, bytes]:
        time.sleep(0.6)
        return 200, "application/rss+xml", RSS

    server.routes[("GET", "/slow")] = slow

    with pytest.raises(ConnectorError, match="did not answer within 0.2 s"):
        rss.fetch({"url": f"{server.url}/slow"}, {})


def test_only_web_addresses_are_opened() -> None:
    with pytest.raises(ConnectorError, match="refusing to open file address"):
        http.request_bytes("file:///etc/passwd")


# Mastodon ---------------------------------------------------------------------------------


def test_mastodon_reads_the_hashtag_timeline_then_only_newer_statuses(
    workspace: Workspace, brand_query: ListeningQuery, server: LoopbackServer
) -> None:
    timeline = [
        status("110000000000000002", "Ma lampe <b>Maison Lumière</b> est superbe #maisonlumiere"),
        status("110000000000000001", "Bonjour à tous", acct="bob"),
    ]
    server.json("GET", "/api/v1/timelines/tag/maisonlumiere", timeline)
    source = make_source(
        workspace,
        SourceKind.MASTODON,
        config={"instance": server.url, "hashtag": "maisonlumiere"},
    )

    first = fetch_source(source, now=NOW)
    fetch_source(source, now=NOW)

    mention = Mention.objects.get()
    assert first.result is not None
    assert (first.result.stored, first.result.unmatched) == (1, 1)
    assert mention.text == "Ma lampe Maison Lumière est superbe #maisonlumiere"
    assert (mention.author, mention.reach, mention.external_id) == (
        "alice@example.social",
        321,
        "110000000000000002",
    )
    assert mention.url == "https://example.social/@alice/110000000000000002"
    assert mention.channel == "social"
    assert [_query(r) for r in server.requests] == [
        {"limit": ["40"]},
        {"limit": ["40"], "since_id": ["110000000000000002"]},
    ]


def test_a_boost_is_read_as_the_boosted_status(server: LoopbackServer) -> None:
    boost = {**status("8", ""), "reblog": status("5", "Maison Lumière, le retour")}
    server.json("GET", "/api/v1/timelines/tag/x", [boost])

    fetched = mastodon.fetch({"instance": server.url, "hashtag": "x"}, {})

    assert [(i.external_id, i.text) for i in fetched.items] == [("5", "Maison Lumière, le retour")]
    assert fetched.state == {"since_id": "8"}


def test_mastodon_search_sends_the_access_token(server: LoopbackServer) -> None:
    server.json(
        "GET",
        "/api/v2/search",
        {"accounts": [], "statuses": [status("7", "Maison Lumière")], "hashtags": []},
    )
    config = mastodon.clean_config(
        {"instance": server.url, "access_token": "tok-123", "search": "Maison Lumière"}
    )

    fetched = mastodon.fetch(config, {})

    [request] = server.requests
    assert request.headers["Authorization"] == "Bearer tok-123"
    assert _query(request) == {
        "type": ["statuses"],
        "q": ["Maison Lumière"],
        "resolve": ["false"],
        "limit": ["40"],
    }
    assert [item.external_id for item in fetched.items] == ["7"]
    assert fetched.state == {"since_id": "7"}


def test_mastodon_reply_posts_a_status_in_reply_to_the_mention(server: LoopbackServer) -> None:
    server.json("POST", "/api/v1/statuses", status("9001", "Merci !"))

    posted = mastodon.reply({"instance": server.url, "access_token": "tok"}, "110", "Merci !")

    [request] = server.requests
    assert json.loads(request.body) == {"status": "Merci !", "in_reply_to_id": "110"}
    assert request.headers["Authorization"] == "Bearer tok"
    assert (posted.external_id, posted.url) == ("9001", "https://example.social/@alice/9001")


def test_a_mastodon_answer_that_is_not_a_list_is_an_error(server: LoopbackServer) -> None:
    server.json("GET", "/api/v1/timelines/tag/x", {"error": "Record not found"})

    with pytest.raises(ConnectorError, match="did not answer a list of statuses"):
        mastodon.fetch({"instance": server.url, "hashtag": "x"}, {})


def test_mastodon_search_without_a_token_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="Searching statuses needs an access token"):
        mastodon.clean_config({"instance": "https://m.example", "search": "lumière"})


# Bluesky ----------------------------------------------------------------------------------


def test_bluesky_follows_the_cursor_and_remembers_the_newest_post(server: LoopbackServer) -> None:
    pages = {
        "": {
            "posts": [post("3k1", "Maison Lumière ❤️", "2026-06-15T10:00:00.000Z")],
            "cursor": "25",
        },
        "25": {"posts": [post("3k0", "Maison Lumière encore", "2026-06-14T10:00:00.000Z")]},
    }

    def search(handler: Any) -> tuple[int, str, bytes]:
        cursor = _query(handler).get("cursor", [""])[0]
        return 200, "application/json", json.dumps(pages[cursor]).encode()

    server.routes[("GET", "/xrpc/app.bsky.feed.searchPosts")] = search
    config = bluesky.clean_config({"q": "Maison Lumière", "base_url": server.url})

    fetched = bluesky.fetch(config, {})

    assert [(i.text, i.url, i.author) for i in fetched.items] == [
        (
            "Maison Lumière ❤️",
            "https://bsky.app/profile/lea.bsky.social/post/3k1",
            "lea.bsky.social",
        ),
        (
            "Maison Lumière encore",
            "https://bsky.app/profile/lea.bsky.social/post/3k0",
            "lea.bsky.social",
        ),
    ]
    assert fetched.items[0].external_id == "at://did:plc:abc123/app.bsky.feed.post/3k1"
    assert fetched.state == {"since": "2026-06-15T10:00:00+00:00"}
    assert [_query(r) for r in server.requests] == [
        {"q": ["Maison Lumière"], "limit": ["100"], "sort": ["latest"]},
        {"q": ["Maison Lumière"], "limit": ["100"], "sort": ["latest"], "cursor": ["25"]},
    ]


def test_bluesky_asks_only_for_posts_since_the_last_fetch(server: LoopbackServer) -> None:
    server.json("GET", "/xrpc/app.bsky.feed.searchPosts", {"posts": []})

    fetched = bluesky.fetch(
        {"q": "lumière", "base_url": server.url}, {"since": "2026-06-15T10:00:00+00:00"}
    )

    assert _query(server.requests[0])["since"] == ["2026-06-15T10:00:00+00:00"]
    assert fetched.state == {"since": "2026-06-15T10:00:00+00:00"}


def test_a_bluesky_answer_without_posts_is_an_error(server: LoopbackServer) -> None:
    server.json("GET", "/xrpc/app.bsky.feed.searchPosts", {"error": "InvalidRequest"}, status=200)

    with pytest.raises(ConnectorError, match=r"searchPosts did not answer \{posts: \[\.\.\.\]\}"):
        bluesky.fetch({"q": "x", "base_url": server.url}, {})


def test_a_bluesky_source_stores_social_mentions(
    workspace: Workspace, brand_query: ListeningQuery, server: LoopbackServer
) -> None:
    server.json(
        "GET", "/xrpc/app.bsky.feed.searchPosts", {"posts": [post("3k9", "J'adore Maison Lumière")]}
    )
    source: Source = make_source(
        workspace, SourceKind.BLUESKY, config={"q": "lumière", "base_url": server.url}
    )

    fetch_source(source, now=NOW)

    assert Mention.objects.values_list("source_kind", "channel", "author").get() == (
        "bluesky",
        "social",
        "lea.bsky.social",
    )


def _bluesky_reply_server(server: LoopbackServer, reply_to: dict[str, Any] | None) -> None:
    answered = post("3kparent", "Maison Lumière ?")
    if reply_to is not None:
        answered["record"]["reply"] = reply_to
    server.json("GET", "/xrpc/app.bsky.feed.getPosts", {"posts": [answered]})
    server.json(
        "POST",
        "/xrpc/com.atproto.server.createSession",
        {"accessJwt": "jwt-1", "refreshJwt": "r", "handle": "ml.bsky.social", "did": "did:plc:ml"},
    )
    server.json(
        "POST",
        "/xrpc/com.atproto.repo.createRecord",
        {"uri": "at://did:plc:ml/app.bsky.feed.post/3kreply", "cid": "bafyreply"},
    )


def _reply_config(server: LoopbackServer) -> dict[str, Any]:
    return bluesky.clean_config(
        {
            "q": "x",
            "base_url": server.url,
            "pds_url": server.url,
            "handle": "@ml.bsky.social",
            "app_password": "abcd-efgh",
        }
    )


def test_bluesky_reply_signs_in_and_writes_a_reply_record(server: LoopbackServer) -> None:
    _bluesky_reply_server(server, None)
    parent_uri = "at://did:plc:abc123/app.bsky.feed.post/3kparent"

    posted = bluesky.reply(_reply_config(server), parent_uri, "Merci Léa !")

    get_posts, session, create = server.requests
    assert _query(get_posts) == {"uris": [parent_uri]}
    assert json.loads(session.body) == {"identifier": "ml.bsky.social", "password": "abcd-efgh"}
    assert create.headers["Authorization"] == "Bearer jwt-1"
    body = json.loads(create.body)
    ref = {"uri": parent_uri, "cid": "bafyrei3kparent"}
    assert (body["repo"], body["collection"]) == ("did:plc:ml", "app.bsky.feed.post")
    assert body["record"]["text"] == "Merci Léa !"
    assert body["record"]["reply"] == {"root": ref, "parent": ref}
    assert body["record"]["createdAt"].endswith("Z")
    assert (posted.external_id, posted.url) == (
        "at://did:plc:ml/app.bsky.feed.post/3kreply",
        "https://bsky.app/profile/ml.bsky.social/post/3kreply",
    )


def test_a_bluesky_reply_in_a_thread_keeps_the_thread_root(server: LoopbackServer) -> None:
    root = {"uri": "at://did:plc:zz/app.bsky.feed.post/3kroot", "cid": "bafyroot"}
    _bluesky_reply_server(server, {"root": root, "parent": root})

    bluesky.reply(_reply_config(server), "at://did:plc:abc123/app.bsky.feed.post/3kparent", "Oui")

    record = json.loads(server.requests[2].body)["record"]
    assert record["reply"]["root"] == root
    assert record["reply"]["parent"]["uri"] == "at://did:plc:abc123/app.bsky.feed.post/3kparent"


def test_a_bluesky_reply_over_300_characters_is_refused_before_any_request(
    server: LoopbackServer,
) -> None:
    with pytest.raises(ConnectorError, match="at most 300 characters"):
        bluesky.reply(_reply_config(server), "at://x/app.bsky.feed.post/1", "a" * 301)

    assert server.requests == []


def test_a_bluesky_handle_without_app_password_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="Replying needs both the handle and an app password"):
        bluesky.clean_config({"q": "x", "handle": "ml.bsky.social"})
