"""Read the labelled sentiment corpora and split them the same way for training and bench.

Only ``scripts/train_sentiment.py`` and ``bench/sentiment.py`` call this module; the product
never reads a corpus. Splits are deterministic and documented here:

- ``allocine_fr`` (French film reviews, binary): a review is held out when the SHA-256 of its
  text is divisible by 5 (420 of 2,000), so the split does not depend on file order.
- ``umsab_fr`` / ``umsab_en`` (tweets, 3 classes): the files' own train / val split; val is held
  out.
- ``tweeteval_en`` (tweets, 3 classes): the TweetEval validation tweets that are not in the UMSAB
  English train file (570 of 2,000, the 324 UMSAB val tweets among them). It has no train part:
  UMSAB English is drawn from the same tweets.
- ``vader_en_tweets`` (English tweets rated −4..4 by people): training only; a mean rating of
  0.5 or more is positive, −0.5 or less negative, neutral in between.
- ``vader_en_{movieReviewSnippets,amazonReviewSnippets,nytEditorialSnippets}`` (English
  snippets rated the same way): training only, as low-weight extra examples of the English
  social expert (see ``training``).

Any training text that also appears in a held-out split is dropped from training.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2
VADER_NEUTRAL_BAND = 0.5
VADER_KINDS = ("tweets", "movieReviewSnippets", "amazonReviewSnippets", "nytEditorialSnippets")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text: 0 negative, 1 neutral, 2 positive."""

    text: str
    label: int


@dataclass(frozen=True, slots=True)
class Corpus:
    """A named corpus in one language; ``binary`` corpora have no neutral label."""

    name: str
    lang: str
    binary: bool
    train: tuple[Example, ...]
    test: tuple[Example, ...]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def _pairs(data: Path, stem: str) -> list[Example]:
    texts, labels = _lines(data / f"{stem}_text.txt"), _lines(data / f"{stem}_labels.txt")
    return [Example(text, int(label)) for text, label in zip(texts, labels, strict=True)]


def held_out_review(text: str) -> bool:
    """Say whether an Allociné review belongs to the held-out split."""
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % 5 == 0


def allocine(data: Path) -> Corpus:
    """Return the French film reviews, split by text hash."""
    with (data / "allocine_fr_train.csv").open(encoding="utf-8", newline="") as handle:
        rows = [Example(row["text"], 2 * int(row["label"])) for row in csv.DictReader(handle)]
    train = tuple(row for row in rows if not held_out_review(row.text))
    test = tuple(row for row in rows if held_out_review(row.text))
    return Corpus("allocine_fr", "fr", True, train, test)


def umsab(data: Path, lang: str) -> Corpus:
    """Return the UMSAB tweets of one language with their train / val split."""
    train, test = _pairs(data, f"umsab_{lang}_train"), _pairs(data, f"umsab_{lang}_val")
    return Corpus(f"umsab_{lang}", lang, False, tuple(train), tuple(test))


def tweeteval(data: Path) -> Corpus:
    """Return the TweetEval validation tweets that UMSAB English does not train on."""
    seen = {example.text for example in _pairs(data, "umsab_en_train")}
    test = tuple(ex for ex in _pairs(data, "tweeteval_en_val") if ex.text not in seen)
    return Corpus("tweeteval_en", "en", False, (), test)


def vader(data: Path, kind: str) -> Corpus:
    """Return one VADER ground-truth file (``tweets``, ``movieReviewSnippets``…) as training."""
    examples = []
    for line in _lines(data / f"vader_en_{kind}_groundtruth.tsv"):
        _, rating, text = line.split("\t", 2)
        score = float(rating)
        label = (
            POSITIVE
            if score >= VADER_NEUTRAL_BAND
            else NEGATIVE
            if score <= -VADER_NEUTRAL_BAND
            else NEUTRAL
        )
        examples.append(Example(text, label))
    return Corpus(f"vader_{kind}", "en", False, tuple(examples), ())


def load_all(data: Path) -> dict[str, Corpus]:
    """Return every corpus by name, training parts cleaned of held-out texts."""
    corpora = [
        allocine(data),
        umsab(data, "fr"),
        umsab(data, "en"),
        tweeteval(data),
        *(vader(data, kind) for kind in VADER_KINDS),
    ]
    held_out = {example.text for corpus in corpora for example in corpus.test}
    return {corpus.name: _without(corpus, held_out) for corpus in corpora}


def _without(corpus: Corpus, texts: Iterable[str]) -> Corpus:
    banned = set(texts)
    train = tuple(example for example in corpus.train if example.text not in banned)
    return Corpus(corpus.name, corpus.lang, corpus.binary, train, corpus.test)
