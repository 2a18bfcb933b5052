"""Held-out splits: deterministic, and never mixed into training (on tiny corpora made here)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from accord.listening import corpora


@pytest.fixture
def data(tmp_path: Path) -> Path:
    def lines(name: str, values: list[str]) -> None:
        (tmp_path / name).write_text("\n".join(values) + "\n", encoding="utf-8")

    with (tmp_path / "allocine_fr_train.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([f"critique numéro {i}", i % 2] for i in range(50))
    for lang in ("fr", "en"):
        lines(f"umsab_{lang}_train_text.txt", ["a", "b", "shared"])
        lines(f"umsab_{lang}_train_labels.txt", ["0", "1", "2"])
        lines(f"umsab_{lang}_val_text.txt", ["c", "d"])
        lines(f"umsab_{lang}_val_labels.txt", ["2", "0"])
    lines("tweeteval_en_val_text.txt", ["a", "c", "d", "e"])
    lines("tweeteval_en_val_labels.txt", ["0", "2", "0", "1"])
    for kind in corpora.VADER_KINDS:
        lines(f"vader_en_{kind}_groundtruth.tsv", ["1\t2.5\tgreat", "2\t0.1\tok", "3\t-3\td"])
    return tmp_path


def test_it_holds_out_the_reviews_whose_text_hash_is_divisible_by_five(data: Path) -> None:
    split = corpora.allocine(data)

    assert len(split.train) + len(split.test) == 50
    assert [ex.text for ex in split.test] == [
        f"critique numéro {i}" for i in range(50) if corpora.held_out_review(f"critique numéro {i}")
    ]
    assert {ex.label for ex in split.train} == {0, 2}


def test_it_keeps_only_tweeteval_tweets_that_umsab_does_not_train_on(data: Path) -> None:
    assert [ex.text for ex in corpora.tweeteval(data).test] == ["c", "d", "e"]


def test_it_maps_vader_ratings_to_three_labels(data: Path) -> None:
    assert [ex.label for ex in corpora.vader(data, "tweets").train] == [2, 1, 0]


def test_it_drops_training_texts_that_are_held_out_elsewhere(data: Path) -> None:
    loaded = corpora.load_all(data)

    assert [ex.text for ex in loaded["vader_tweets"].train] == ["great", "ok"]
    assert [ex.text for ex in loaded["umsab_en"].test] == ["c", "d"]
