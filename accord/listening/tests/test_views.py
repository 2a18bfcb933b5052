"""Listening pages: who may see and do what, the filters, triage, reply, export, management."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.accounts.models import AuditEntry, User, Workspace
from accord.accounts.roles import Role
from accord.listening.models import ListeningQuery, Mention, MentionReply, Source, SourceKind
from accord.listening.recording import record_mentions
from accord.listening.tests.conftest import LoopbackServer, make_source, raw
from accord.listening.tests.test_connectors import status

ClientFor = Callable[[User], Client]
Member = Callable[[Role], User]
EN = {"Accept-Language": "en"}


@pytest.fixture
def source(workspace: Workspace) -> Source:
    return make_source(
        workspace,
        SourceKind.MASTODON,
        name="Mastodon #maisonlumiere",
        config={
            "instance": "http://127.0.0.1:9",
            "hashtag": "maisonlumiere",
            "access_token": "tok",
        },
    )


@pytest.fixture
def mentions(
    workspace: Workspace, brand_query: ListeningQuery, source: Source
) -> dict[str, Mention]:
    now = timezone.now()
    items = [
        raw(
            "Maison Lumière, une merveille absolue, je recommande",
            url="https://m.example/good",
            external_id="101",
            author="ana",
            published_at=now - timedelta(hours=3),
        ),
        raw(
            "Maison Lumière : lampe cassée, service horrible et nul",
            url="https://m.example/bad",
            external_id="102",
            author="bob",
            published_at=now - timedelta(hours=2),
        ),
        raw(
            "Maison Lumière buy followers now",
            url="https://m.example/spam",
            external_id="103",
            author="spammer",
            published_at=now - timedelta(hours=1),
        ),
    ]
    record_mentions(workspace, source, items, now=now)
    return {m.url.rsplit("/", 1)[1]: m for m in Mention.objects.all()}


def _user(role: Role, owner: User, member: Member) -> User:
    return owner if role == Role.OWNER else member(role)


def _url(name: str, *args: object) -> str:
    return reverse(f"listening:{name}", args=["brand", *args])


@pytest.mark.parametrize("name", ["mentions", "reputation", "export"])
@pytest.mark.parametrize("role", list(Role))
def test_every_member_sees_mentions_and_reputation(
    mentions: dict[str, Mention],
    owner: User,
    member: Member,
    client_for: ClientFor,
    role: Role,
    name: str,
) -> None:
    response = client_for(_user(role, owner, member)).get(_url(name))

    assert response.status_code == 200


@pytest.mark.parametrize("name", ["mentions", "reputation", "queries", "sources"])
def test_an_outsider_gets_404(
    workspace: Workspace, outsider: User, client_for: ClientFor, name: str
) -> None:
    assert client_for(outsider).get(_url(name)).status_code == 404


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.OWNER, 200),
        (Role.COMMUNICATION, 200),
        (Role.CRISIS_LEAD, 200),
        (Role.MARKETING, 403),
        (Role.BRAND_REVIEWER, 403),
        (Role.VIEWER, 403),
    ],
)
def test_managing_queries_and_sources_needs_listening_manage(
    owner: User, member: Member, client_for: ClientFor, role: Role, code: int
) -> None:
    client = client_for(_user(role, owner, member))

    assert [client.get(_url(n)).status_code for n in ("queries", "sources", "query_new")] == [
        code
    ] * 3


def _shown(response: object) -> list[str]:
    return [row["mention"].url for row in response.context["rows"]]  # type: ignore[attr-defined]


def test_the_page_hides_spam_and_filters_by_sentiment(
    mentions: dict[str, Mention], owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)

    everything = client.get(_url("mentions"))
    negative = client.get(_url("mentions"), {"sentiment": "negative"})
    spam = client.get(_url("mentions"), {"spam": "only"}, headers=EN)

    assert _shown(everything) == ["https://m.example/bad", "https://m.example/good"]
    assert _shown(negative) == ["https://m.example/bad"]
    assert _shown(spam) == ["https://m.example/spam"]
    assert "Known spam phrase (buy followers)" in spam.content.decode()


def test_the_page_filters_by_source_language_channel_and_words(
    mentions: dict[str, Mention], owner: User, client_for: ClientFor, source: Source
) -> None:
    client = client_for(owner)

    assert _shown(client.get(_url("mentions"), {"source": str(source.pk), "q": "merveille"})) == [
        "https://m.example/good"
    ]
    assert _shown(client.get(_url("mentions"), {"channel": "press"})) == []
    assert _shown(client.get(_url("mentions"), {"lang": "en"})) == []


def test_the_period_filter_leaves_out_older_mentions(
    workspace: Workspace,
    brand_query: ListeningQuery,
    source: Source,
    owner: User,
    client_for: ClientFor,
) -> None:
    old = timezone.now() - timedelta(days=40)
    record_mentions(
        workspace,
        source,
        [
            raw(
                "Maison Lumière il y a longtemps déjà, très jolie",
                url="https://m.example/old",
                published_at=old,
            )
        ],
    )
    client = client_for(owner)

    assert _shown(client.get(_url("mentions"))) == []
    assert _shown(client.get(_url("mentions"), {"period": "90d"})) == ["https://m.example/old"]


def test_a_marketer_tags_and_untags_a_mention(
    mentions: dict[str, Mention], member: Member, client_for: ClientFor
) -> None:
    client = client_for(member(Role.MARKETING))
    bad = mentions["bad"]

    client.post(_url("tag", bad.pk), {"tag": " urgent "})
    client.post(_url("tag", bad.pk), {"tag": "sav"})
    client.post(_url("tag", bad.pk), {"tag": "urgent", "remove": "1"})

    bad.refresh_from_db()
    assert bad.tags == ["sav"]
    assert AuditEntry.objects.filter(action="listening.mention.tagged").count() == 3


@pytest.mark.parametrize("name", ["tag", "assign", "spam", "reply"])
def test_a_viewer_cannot_triage_and_nothing_changes(
    mentions: dict[str, Mention], member: Member, client_for: ClientFor, name: str
) -> None:
    viewer = member(Role.VIEWER)
    bad = mentions["bad"]

    response = client_for(viewer).post(
        _url(name, bad.pk), {"tag": "x", "user": viewer.pk, "is_spam": "1", "text": "hi"}
    )

    bad.refresh_from_db()
    assert response.status_code == 403
    assert (bad.tags, bad.assigned_to, bad.is_spam) == ([], None, False)
    assert not MentionReply.objects.exists()


def test_a_mention_is_assigned_to_a_teammate_only(
    mentions: dict[str, Mention], owner: User, member: Member, outsider: User, client_for: ClientFor
) -> None:
    hugo = member(Role.MARKETING)
    client = client_for(owner)
    bad = mentions["bad"]

    client.post(_url("assign", bad.pk), {"user": hugo.pk})
    client.post(_url("assign", mentions["good"].pk), {"user": outsider.pk})

    bad.refresh_from_db()
    mentions["good"].refresh_from_db()
    assert bad.assigned_to == hugo
    assert mentions["good"].assigned_to is None
    assert _shown(client.get(_url("mentions"), {"q": "bob"})) == ["https://m.example/bad"]


def test_marking_spam_and_back(
    mentions: dict[str, Mention], owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    good, spam = mentions["good"], mentions["spam"]

    client.post(_url("spam", good.pk), {"is_spam": "1"})
    client.post(_url("spam", spam.pk), {"is_spam": "0"})

    good.refresh_from_db()
    spam.refresh_from_db()
    assert (good.is_spam, good.spam_reason) == (True, "marked")
    assert (spam.is_spam, spam.spam_reason) == (False, "")


def test_another_workspaces_mention_is_404(
    mentions: dict[str, Mention], outsider: User, client_for: ClientFor
) -> None:
    response = client_for(outsider).post(
        reverse("listening:tag", args=["other", mentions["bad"].pk]), {"tag": "x"}
    )

    assert response.status_code == 404
    mentions["bad"].refresh_from_db()
    assert mentions["bad"].tags == []


def test_a_reply_is_posted_on_mastodon_in_reply_to_the_status(
    mentions: dict[str, Mention],
    owner: User,
    client_for: ClientFor,
    source: Source,
    server: LoopbackServer,
) -> None:
    server.json("POST", "/api/v1/statuses", status("9001", "Merci"))
    source.config = {**source.config, "instance": server.url}
    source.save(update_fields=["config"])

    response = client_for(owner).post(
        _url("reply", mentions["bad"].pk),
        {"text": "Désolés, écrivez-nous en privé."},
        follow=True,
        headers=EN,
    )

    reply = MentionReply.objects.get()
    assert json.loads(server.requests[0].body) == {
        "status": "Désolés, écrivez-nous en privé.",
        "in_reply_to_id": "102",
    }
    assert server.requests[0].headers["Authorization"] == "Bearer tok"
    assert (reply.mention, reply.external_id, reply.author) == (mentions["bad"], "9001", owner)
    assert "Reply posted." in response.content.decode()


def test_a_refused_reply_says_why_and_keeps_nothing(
    mentions: dict[str, Mention],
    owner: User,
    client_for: ClientFor,
    source: Source,
    server: LoopbackServer,
) -> None:
    server.json(
        "POST", "/api/v1/statuses", {"error": "Validation failed: Text character limit"}, status=422
    )
    source.config = {**source.config, "instance": server.url}
    source.save(update_fields=["config"])

    response = client_for(owner).post(
        _url("reply", mentions["bad"].pk), {"text": "Bonjour"}, follow=True, headers=EN
    )

    assert "The network refused the reply: HTTP 422" in response.content.decode()
    assert not MentionReply.objects.exists()


def test_the_export_holds_the_filtered_list(
    mentions: dict[str, Mention], owner: User, client_for: ClientFor
) -> None:
    response = client_for(owner).get(_url("export"), {"sentiment": "negative"})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:5] == ["published_at", "source", "channel", "query", "subject"]
    assert [(r[1], r[2], r[3], r[6], r[9], r[12]) for r in rows[1:]] == [
        (
            "Mastodon #maisonlumiere",
            "social",
            "maison-lumiere",
            "negative",
            "bob",
            "https://m.example/bad",
        )
    ]


def test_a_query_is_created_from_the_form(
    owner: User, client_for: ClientFor, workspace: Workspace
) -> None:
    response = client_for(owner).post(
        _url("query_new"),
        {
            "name": "Maison Lumière",
            "keywords": "Maison Lumière, #maisonlumiere",
            "exclusions": "lumière du jour",
            "languages": ["fr", "en"],
            "competitors": "Lampes Dupont: Dupont lamps, Lampes Dupont\nNordlys: Nordlys",
            "is_active": "on",
        },
    )

    query = ListeningQuery.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert (query.slug, query.keywords, query.languages) == (
        "maison-lumiere",
        ["Maison Lumière", "#maisonlumiere"],
        ["fr", "en"],
    )
    assert query.competitors == [
        {"name": "Lampes Dupont", "keywords": ["Dupont lamps", "Lampes Dupont"]},
        {"name": "Nordlys", "keywords": ["Nordlys"]},
    ]


def test_a_competitor_without_keywords_is_refused_with_its_line(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    response = client_for(owner).post(
        _url("query_new"), {"name": "B", "keywords": "b", "competitors": "Nordlys:"}, headers=EN
    )

    assert response.status_code == 200
    assert "Competitor 1 needs a name and at least one keyword." in response.content.decode()
    assert not ListeningQuery.objects.exists()


def test_an_rss_source_with_a_bad_address_names_the_field(
    workspace: Workspace, owner: User, client_for: ClientFor
) -> None:
    response = client_for(owner).post(
        _url("source_new") + "?kind=rss",
        {"name": "Presse", "url": "ftp://x", "fetch_every_minutes": 15},
        headers=EN,
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "url": ["url must be an http:// or https:// address."]
    }
    assert not Source.objects.exists()


def test_a_webhook_source_gets_a_secret(
    owner: User, client_for: ClientFor, workspace: Workspace
) -> None:
    client_for(owner).post(
        _url("source_new") + "?kind=webhook",
        {"name": "Zapier", "channel": "social", "fetch_every_minutes": 15},
    )

    source = Source.objects.get(workspace=workspace)
    assert (source.kind, source.config, len(source.secret)) == (
        "webhook",
        {"channel": "social"},
        43,
    )


def test_reviews_are_imported_from_an_upload(
    workspace: Workspace, brand_query: ListeningQuery, owner: User, client_for: ClientFor
) -> None:
    source = make_source(workspace, SourceKind.REVIEWS, config={"platform": "google"})
    upload = SimpleUploadedFile(
        "reviews.csv",
        b"Reviewer,Rating,Comment,Date\nAna,5,Superbe,2026-05-02\nBob,x,Bof,2026-05-03\n",
    )

    response = client_for(owner).post(
        _url("source_action", source.pk, "import"), {"file": upload}, follow=True, headers=EN
    )

    assert "row 3, rating: &#x27;x&#x27; is not a rating from 1 to 5" in response.content.decode()
    assert not Mention.objects.exists()


def test_a_member_adds_a_mention_by_hand(
    workspace: Workspace, brand_query: ListeningQuery, member: Member, client_for: ClientFor
) -> None:
    client = client_for(member(Role.MARKETING))

    client.post(
        _url("mention_new"),
        {
            "text": "Article sur Maison Lumière dans Elle Déco",
            "published_at": "2026-11-20T10:00",
            "channel": "press",
            "rating": "",
        },
    )

    mention = Mention.objects.get()
    assert (mention.source_kind, mention.channel, mention.query) == ("manual", "press", brand_query)


def test_the_reputation_page_shows_the_index_and_share_of_voice(
    mentions: dict[str, Mention], owner: User, client_for: ClientFor
) -> None:
    response = client_for(owner).get(_url("reputation"), headers=EN)

    index = response.context["index"]
    assert [c.key for c in index.components] == ["social"]
    assert index.value == 50.0
    assert [(e.name, e.mentions) for e in response.context["voice"].entries] == [
        ("Brand", 2),
        ("Lampes Dupont", 0),
        ("Nordlys", 0),
    ]
    assert "plotly.min.js" in response.content.decode()


def test_the_tag_filter_finds_accented_tags(
    mentions: dict[str, Mention], owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    client.post(_url("tag", mentions["bad"].pk), {"tag": "réclamation"})

    response = client.get(_url("mentions"), {"tag": "réclamation"})

    assert _shown(response) == ["https://m.example/bad"]


def test_the_page_reads_a_fixed_number_of_queries(
    workspace: Workspace,
    brand_query: ListeningQuery,
    source: Source,
    owner: User,
    client_for: ClientFor,
    django_assert_max_num_queries: Any,
) -> None:
    now = timezone.now()
    words = ["lampe", "abat-jour", "verre", "atelier", "boutique", "livraison", "lumière"]
    items = [
        raw(
            f"Maison Lumière {words[i % 7]} numéro {i} {words[(i * 3) % 7]} {i * 13} avis",
            url=f"https://m.example/n{i}",
            external_id=str(1000 + i),
            published_at=now - timedelta(minutes=i),
        )
        for i in range(60)
    ]
    record_mentions(workspace, source, items, now=now)
    client = client_for(owner)

    with django_assert_max_num_queries(16):
        response = client.get(_url("mentions"))

    assert len(response.context["rows"]) == 50


def test_the_about_filter_separates_the_brand_from_a_competitor(
    workspace: Workspace,
    brand_query: ListeningQuery,
    source: Source,
    owner: User,
    client_for: ClientFor,
) -> None:
    now = timezone.now()
    items = [
        raw(
            "Nordlys sort une nouvelle lampe en verre", url="https://m.example/n", published_at=now
        ),
        raw("Maison Lumière sort une nouvelle lampe", url="https://m.example/b", published_at=now),
    ]
    record_mentions(workspace, source, items, now=now)
    client = client_for(owner)

    assert _shown(client.get(_url("mentions"), {"about": "Nordlys"})) == ["https://m.example/n"]
    assert _shown(client.get(_url("mentions"), {"about": "-"})) == ["https://m.example/b"]
    assert len(_shown(client.get(_url("mentions")))) == 2


def test_a_reply_is_posted_on_bluesky_from_the_page(
    workspace: Workspace,
    brand_query: ListeningQuery,
    owner: User,
    client_for: ClientFor,
    server: LoopbackServer,
) -> None:
    from accord.listening.tests.test_connectors import _bluesky_reply_server

    _bluesky_reply_server(server, None)
    config = {"q": "x", "base_url": server.url, "pds_url": server.url}
    sky = make_source(
        workspace,
        SourceKind.BLUESKY,
        config={**config, "handle": "ml.bsky.social", "app_password": "pw"},
    )
    uri = "at://did:plc:abc123/app.bsky.feed.post/3kparent"
    record_mentions(
        workspace,
        sky,
        [
            raw(
                "Maison Lumière, des nouvelles ?",
                url="https://bsky.app/x",
                external_id=uri,
                published_at=timezone.now(),
            )
        ],
    )
    mention = Mention.objects.get()
    page = client_for(owner).get(_url("mentions"))

    client_for(owner).post(_url("reply", mention.pk), {"text": "Bientôt !"})

    assert page.context["rows"][0]["can_reply"] is True
    assert MentionReply.objects.values_list("external_id", "text").get() == (
        "at://did:plc:ml/app.bsky.feed.post/3kreply",
        "Bientôt !",
    )
