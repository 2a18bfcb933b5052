"""Top terms: words of the window much more frequent than in the baseline, stop words out."""

from __future__ import annotations

from accord.crisis.explanations import top_terms, words


def test_words_drop_links_handles_and_short_words() -> None:
    text = "RT @lumio Les batteries brûlent! https://x.example/a #rappel ok"
    assert words(text) == {"les", "batteries", "brûlent"}


def test_top_terms_rank_distinctive_words_and_drop_french_and_english_stop_words() -> None:
    window = [
        "la batterie surchauffe et brûle, c'est dangereux",
        "the battery is overheating, dangerous",
        "ma batterie surchauffe encore",
        "battery overheating again, very dangerous",
    ]
    baseline = ["la livraison est en retard", "the delivery is late", "dangerous roads today"] * 5

    found = top_terms(window, baseline)

    # "dangerous" is as usual in the baseline; "encore", "again", "very" are stop words.
    assert [t["term"] for t in found] == ["batterie", "battery", "overheating", "surchauffe"]
    assert found[0] == {"term": "batterie", "mentions": 2, "baseline": 0}


def test_top_terms_leave_out_excluded_words_and_words_seen_once() -> None:
    window = ["Lumio lamp broken", "Lumio lamp broken", "Lumio unique"]

    found = top_terms(window, ["Lumio is fine"], exclude=frozenset({"lumio"}))

    assert [t["term"] for t in found] == ["broken", "lamp"]
