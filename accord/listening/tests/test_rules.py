"""Matching, URL keys, SimHash distance and spam rules, each on its own."""

from __future__ import annotations

import pytest

from accord.listening import dedup, spam
from accord.listening.matching import Matcher, match_text, normalize
from accord.listening.models import ListeningQuery


def _query(**fields: object) -> ListeningQuery:
    values: dict[str, object] = {"name": "Brand", "slug": "brand", "keywords": ["Maison Lumière"]}
    values.update(fields)
    return ListeningQuery(**values)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("J'aime MAISON LUMIERE", ""),
        ("Bravo #MaisonLumiere !", ""),
        ("maison-lumière, encore", ""),
        ("Les lumières de la maison", None),
        ("Nordlys vs Maison Lumière", ""),
        ("Nordlys sort une lampe", "Nordlys"),
        ("Maison Lumière en plein lumière du jour", None),
    ],
)
def test_keywords_match_whole_words_whatever_case_accents_and_hashtags(
    text: str, subject: str | None
) -> None:
    query = _query(
        exclusions=["lumière du jour"],
        competitors=[{"name": "Nordlys", "keywords": ["Nordlys"]}],
    )

    found = match_text([Matcher.of(query)], text, "fr")

    assert (found.subject if found else None) == subject


def test_a_query_with_languages_ignores_other_languages() -> None:
    matcher = Matcher.of(_query(languages=["en"]))

    assert match_text([matcher], "Maison Lumière est super", "fr") is None
    assert match_text([matcher], "Maison Lumière is great", "en") is not None


def test_normalize_keeps_words_only() -> None:
    assert normalize("L'Été, à Paris!") == " l ete a paris "


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.com/a/?utm_source=x&b=2&a=1#frag", "https://example.com/a?a=1&b=2"),
        ("http://example.com:443/a", "https://example.com/a"),
        ("https://example.com/a?fbclid=abc", "https://example.com/a"),
    ],
)
def test_the_same_page_gets_the_same_url_key(a: str, b: str) -> None:
    assert dedup.url_key(a) == dedup.url_key(b)


def test_a_non_web_address_has_no_url_key() -> None:
    assert (dedup.url_key(""), dedup.url_key("mailto:a@b.c")) == ("", "")


def test_simhash_is_close_for_a_copy_and_far_for_another_text() -> None:
    text = "La maison Lumière ouvre un atelier à Lyon et présente sa nouvelle collection"

    assert dedup.distance(dedup.simhash(text), dedup.simhash(text.upper() + " !")) == 0
    assert dedup.distance(dedup.simhash(text), dedup.simhash("Le salon du meuble rouvre")) > 3


def test_fingerprints_survive_the_signed_column() -> None:
    value = (1 << 64) - 5
    assert dedup.to_unsigned(dedup.to_signed(value)) == value
    assert dedup.to_signed(value) == -5


def test_the_near_index_finds_values_within_three_bits_only() -> None:
    index = dedup.NearIndex([(0b1011 << 40, "a"), (dedup.to_signed((1 << 64) - 1), "b")])

    assert index.nearest((0b1011 << 40) ^ 0b111) == "a"
    assert index.nearest((0b1011 << 40) ^ 0b1111) is None
    assert index.nearest(-1 ^ (1 << 63)) == "b"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Promo http://a.io http://b.io www.c.io https://d.io", "links:4"),
        ("Lampe " + " ".join(f"#tag{i}" for i in range(9)), "hashtags:9"),
        (" ".join(f"@user{i}" for i in range(7)) + " regardez", "handles:7"),
        ("Buy followers now, cheap!", "phrase:buy followers"),
        ("Gagnez de l'argent avec Maison Lumière", "phrase:gagnez de l argent"),
        ("Cliquez ICI pour gagner", "phrase:cliquez ici"),
        ("Ma lampe Maison Lumière est belle #design #lampe", ""),
    ],
)
def test_spam_rules_explain_their_verdict(text: str, reason: str) -> None:
    assert spam.check_text(text).reason == reason


def test_a_verdict_reads_as_words() -> None:
    assert spam.reason_label("links:4") == "Too many links (4)"
    assert spam.reason_label("marked") == "Marked as spam by a teammate"
