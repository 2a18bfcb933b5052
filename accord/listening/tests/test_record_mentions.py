"""record_mentions: matching, known items, near-duplicates, spam, sentiment and the warehouse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.accounts.models import Workspace
from accord.listening.models import ListeningQuery, Mention, Source, SourceKind
from accord.listening.recording import record_mentions
from accord.listening.tests.conftest import NOW, make_source, raw
from accord.warehouse.models import InboxEvent

ARTICLE = (
    "La maison Lumière ouvre un atelier à Lyon et présente sa nouvelle collection de lampes "
    "en verre soufflé, fabriquées en France par des artisans."
)


def test_it_stores_a_brand_mention_with_its_analysis(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    result = record_mentions(
        workspace,
        rss_source,
        [raw(ARTICLE, url="https://news.example/a", author="Le Monde")],
        now=NOW,
    )

    mention = Mention.objects.get()
    assert (result.stored, result.known, result.unmatched, result.warehouse) == (1, 0, 0, 1)
    assert (mention.query, mention.subject, mention.channel) == (brand_query, "", "press")
    assert (mention.lang, mention.source_kind, mention.collected_at) == ("fr", "rss", NOW)
    assert mention.url_key
    assert len(mention.url_key) == 64
    assert not mention.is_spam
    assert mention.duplicate_of is None


def test_a_competitor_match_sets_the_subject_and_an_unmatched_item_is_dropped(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    items = [
        raw("Les Lampes Dupont baissent leurs prix cet hiver.", url="https://a.example/1"),
        raw("Rien à voir avec une marque de luminaires.", url="https://a.example/2"),
        raw("Lumière du jour et Maison Lumière : un faux ami.", url="https://a.example/3"),
    ]

    result = record_mentions(workspace, rss_source, items, now=NOW)

    assert (result.stored, result.unmatched) == (1, 2)
    assert Mention.objects.get().subject == "Lampes Dupont"


def test_the_same_url_with_other_tracking_tags_is_known(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    record_mentions(
        workspace, rss_source, [raw(ARTICLE, url="https://www.news.example/a/")], now=NOW
    )

    again = record_mentions(
        workspace,
        rss_source,
        [raw(ARTICLE, url="https://news.example/a?utm_source=x#top")],
        now=NOW,
    )

    assert (again.received, again.known, again.stored) == (1, 1, 0)
    assert Mention.objects.count() == 1


def test_a_near_copy_is_stored_as_a_duplicate_of_the_first(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    first = raw(ARTICLE, url="https://a.example/1", author="AFP")
    copy = raw(
        ARTICLE + " ",
        url="https://b.example/2",
        author="Ouest",
        published_at=NOW + timedelta(hours=2),
    )

    result = record_mentions(workspace, rss_source, [copy, first], now=NOW + timedelta(hours=3))

    original = Mention.objects.get(url="https://a.example/1")
    duplicate = Mention.objects.get(url="https://b.example/2")
    assert (result.stored, result.duplicates, result.spam) == (2, 1, 0)
    assert duplicate.duplicate_of == original
    assert original.duplicate_of is None


def test_a_near_copy_of_a_stored_mention_points_at_it(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    record_mentions(workspace, rss_source, [raw(ARTICLE, url="https://a.example/1")], now=NOW)

    record_mentions(
        workspace, rss_source, [raw(ARTICLE + " Par AFP", url="https://c.example/3")], now=NOW
    )

    copy = Mention.objects.get(url="https://c.example/3")
    assert copy.duplicate_of == Mention.objects.get(url="https://a.example/1")


def test_a_text_repeated_by_its_author_is_spam(
    workspace: Workspace, brand_query: ListeningQuery
) -> None:
    source = make_source(
        workspace, SourceKind.MASTODON, config={"instance": "https://m.example", "hashtag": "x"}
    )
    text = "J'adore ma lampe Maison Lumière, la plus belle lampe de tout mon salon"
    items = [
        raw(text, url="https://m.example/1", author="bob"),
        raw(
            text + " !",
            url="https://m.example/2",
            author="bob",
            published_at=NOW + timedelta(minutes=5),
        ),
    ]

    result = record_mentions(workspace, source, items, now=NOW + timedelta(hours=1))

    repeated = Mention.objects.get(url="https://m.example/2")
    assert (result.duplicates, result.spam) == (1, 1)
    assert (repeated.is_spam, repeated.spam_reason) == (True, "repeated:bob")


def test_link_stuffing_is_spam(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    text = "Maison Lumière promo http://a.io http://b.io http://c.io http://d.io"

    record_mentions(workspace, rss_source, [raw(text, url="https://s.example/1")], now=NOW)

    assert Mention.objects.values_list("is_spam", "spam_reason").get() == (True, "links:4")


def test_a_review_takes_its_sentiment_from_its_rating_and_falls_back_to_the_query(
    workspace: Workspace, brand_query: ListeningQuery
) -> None:
    source = make_source(workspace, SourceKind.REVIEWS, config={"platform": "google"})

    record_mentions(
        workspace,
        source,
        [raw("Service lent.", rating=2.0, author="Ana"), raw("Parfait", rating=5.0, author="Léo")],
        now=NOW,
    )

    rows = Mention.objects.order_by("rating").values_list(
        "query__slug", "channel", "sentiment", "score"
    )
    assert list(rows) == [
        ("maison-lumiere", "review", "negative", -0.5),
        ("maison-lumiere", "review", "positive", 1.0),
    ]


def test_importing_the_same_reviews_twice_stores_them_once(
    workspace: Workspace, brand_query: ListeningQuery
) -> None:
    source = make_source(workspace, SourceKind.REVIEWS, config={"platform": "google"})
    items = [raw("Très belles lampes", rating=5.0, author="Ana")]
    record_mentions(workspace, source, items, now=NOW)

    again = record_mentions(workspace, source, items, now=NOW)

    assert (again.known, again.stored, Mention.objects.count()) == (1, 0, 1)


def test_every_mention_lands_in_the_warehouse_as_a_custom_event(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    record_mentions(workspace, rss_source, [raw(ARTICLE, url="https://a.example/1")], now=NOW)

    mention = Mention.objects.get()
    event = InboxEvent.objects.get(workspace=workspace)
    assert (event.event_id, event.kind, event.ts, event.channel, event.url) == (
        mention.uid,
        "custom",
        NOW,
        "press",
        "https://a.example/1",
    )
    assert event.properties == {
        "name": "mention",
        "query": "maison-lumiere",
        "subject": "",
        "source_kind": "rss",
        "lang": "fr",
        "sentiment": mention.sentiment,
        "score": mention.score,
        "rating": None,
        "spam": False,
        "duplicate": False,
    }


def test_a_mention_older_than_the_warehouse_keeps_is_stored_but_not_sent(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source
) -> None:
    old = raw(ARTICLE, url="https://a.example/old", published_at=NOW - timedelta(days=500))

    result = record_mentions(workspace, rss_source, [old], now=NOW)

    assert (result.stored, result.warehouse, result.too_old) == (1, 0, 1)
    assert not InboxEvent.objects.exists()


@pytest.mark.parametrize(("size", "most"), [(10, 15), (200, 30)])
def test_a_batch_takes_a_few_queries_not_one_per_item(
    workspace: Workspace, brand_query: ListeningQuery, rss_source: Source, size: int, most: int
) -> None:
    items = [
        raw(
            f"Maison Lumière article numéro {i} sur les lampes {i * 7} et le design",
            url=f"https://n.example/{i}",
        )
        for i in range(size)
    ]

    with CaptureQueriesContext(connection) as queries:
        result = record_mentions(workspace, rss_source, items, now=NOW)

    assert result.stored == size
    # SQLite's bulk inserts go by 40 rows or so: 200 items cost a few more statements.
    assert len(queries) <= most
