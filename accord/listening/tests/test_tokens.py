"""Tokenisation: normalisation, markers, hashtags and negation scope."""

from __future__ import annotations

from accord.listening.tokens import tokenize


def test_it_folds_case_accents_and_elongations() -> None:
    assert tokenize("TRÈS Déçuuuuu, Œuvre").tokens == ["tres", "decuu", "oeuvre"]


def test_it_replaces_links_and_handles_by_markers() -> None:
    assert tokenize("@marie voir https://exemple.fr/a?b=1").tokens == ["<user>", "voir", "<url>"]


def test_it_splits_a_hashtag_into_the_tag_and_its_word() -> None:
    stream = tokenize("#Cinéma")

    assert (stream.tokens, stream.words) == (["#cinema", "cinema"], [False, True])


def test_it_keeps_emoji_and_emoticons_without_variation_selectors() -> None:
    assert tokenize("top ❤️ :) 👍🏽").tokens == ["top", "❤", ":)", "👍"]


def test_it_negates_french_words_until_the_clause_ends() -> None:
    stream = tokenize("Je n'aime pas ce film, mais les acteurs sont bons")

    negated = [token for token, flag in zip(stream.tokens, stream.negated, strict=True) if flag]
    assert negated == ["aime", "pas", "ce", "film"]


def test_it_negates_english_words_after_a_contraction() -> None:
    stream = tokenize("I don't like it! Great ending")

    negated = [token for token, flag in zip(stream.tokens, stream.negated, strict=True) if flag]
    assert negated == ["like", "it"]


def test_it_keeps_exclamation_and_question_marks_as_tokens() -> None:
    assert tokenize("Vraiment ?!! Super!!! ...").tokens == ["vraiment", "!?", "super", "!", "…"]
