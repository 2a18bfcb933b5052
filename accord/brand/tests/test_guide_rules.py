"""A workspace style guide compiled into linter rules and per-channel checks."""

from __future__ import annotations

import pytest

from accord.brand.guide import lint_with_guide
from accord.brand.models import StyleGuide
from accord.brand.scoring import LintReport


def _guide(**values: object) -> StyleGuide:
    return StyleGuide(**values)


def _found(report: LintReport) -> list[tuple[str, str, str, str | None]]:
    return [(a.check, a.level, a.match, a.replacement) for a in report.alerts]


VOCABULARY = _guide(
    preferred={"luminaire": ["lampe"]},
    banned=["pas cher", "cheap"],
    avoid={"incroyable": "soufflé à la bouche"},
    inclusive=False,
)


def test_it_flags_banned_avoided_and_replaced_terms_with_their_levels_and_fixes() -> None:
    report = lint_with_guide(VOCABULARY, "social", "Une lampe incroyable et pas cher.", "fr", False)

    assert _found(report) == [
        ("Brand.Preferred", "warning", "lampe", "luminaire"),
        ("Brand.Avoid", "warning", "incroyable", "soufflé à la bouche"),
        ("Brand.Banned", "error", "pas cher", None),
    ]
    assert report.blocking is True


def test_banned_words_match_in_any_case() -> None:
    report = lint_with_guide(VOCABULARY, "social", "So CHEAP.", "en", False)

    assert _found(report) == [("Brand.Banned", "error", "CHEAP", None)]


def test_it_flags_the_brand_name_spelled_otherwise() -> None:
    guide = _guide(brand_name="Maison Lumière", inclusive=False)

    report = lint_with_guide(guide, "social", "Chez maison lumiere et Maison Lumière.", "fr", False)

    assert _found(report) == [("Brand.Name", "error", "maison lumiere", "Maison Lumière")]


@pytest.mark.parametrize(
    ("language", "text", "match", "replacement"),
    [
        ("en", "Ask the chairman.", "chairman", "chair"),
        ("fr", "Chers clients, bonjour.", "Chers clients", "Chère clientèle"),
    ],
)
def test_it_flags_non_inclusive_terms(
    language: str, text: str, match: str, replacement: str
) -> None:
    report = lint_with_guide(_guide(inclusive=True), "email", text, language, False)

    assert _found(report) == [("Brand.Inclusive", "warning", match, replacement)]


CHANNELS = _guide(
    inclusive=False,
    channels={"ad": {"max_length": 30, "max_hashtags": 1, "emoji": False, "links": False}},
)


def test_it_flags_text_past_the_channel_length() -> None:
    text = "Luminaires soufflés à la bouche, à Paris."

    report = lint_with_guide(CHANNELS, "ad", text, "fr", False)

    assert _found(report) == [("Brand.Length", "error", text[30:], None)]


def test_it_flags_hashtags_past_the_channel_maximum() -> None:
    report = lint_with_guide(CHANNELS, "ad", "Opaline #verre #design", "fr", False)

    assert _found(report) == [("Brand.Hashtags", "error", "#design", None)]


def test_it_flags_emoji_and_links_where_the_channel_forbids_them() -> None:
    report = lint_with_guide(CHANNELS, "ad", "Voir 😍 www.ex.fr", "fr", False)

    assert _found(report) == [
        ("Brand.Emoji", "error", "😍", None),
        ("Brand.Links", "error", "www.ex.fr", None),
    ]


def test_other_channels_keep_their_own_constraints() -> None:
    report = lint_with_guide(CHANNELS, "social", "Voir 😍 www.ex.fr #a #b", "fr", False)

    assert report.alerts == ()


@pytest.mark.parametrize(("language", "tag"), [("fr", "#sponsorisé"), ("en", "#ad")])
def test_sponsored_content_needs_its_disclosure_tag(language: str, tag: str) -> None:
    missing = lint_with_guide(_guide(inclusive=False), "social", "Opaline.", language, True)
    present = lint_with_guide(_guide(inclusive=False), "social", f"Opaline {tag}", language, True)

    assert _found(missing) == [("Brand.Sponsored", "error", "", None)]
    assert present.alerts == ()


def test_the_disclosure_tag_does_not_count_against_the_hashtag_maximum() -> None:
    report = lint_with_guide(CHANNELS, "ad", "Opaline #verre #sponsorisé", "fr", True)

    assert report.alerts == ()


def test_it_requires_the_channel_legal_notice() -> None:
    guide = _guide(inclusive=False, channels={"press": {"legal_notice": "ML SAS, Paris."}})

    missing = lint_with_guide(guide, "press", "Nouvelle collection.", "fr", False)
    present = lint_with_guide(guide, "press", "Nouvelle collection. ML SAS, Paris.", "fr", False)

    assert _found(missing) == [("Brand.LegalNotice", "error", "", None)]
    assert present.alerts == ()


HARD_EN = (
    "Notwithstanding considerable organisational complexity, the institutional "
    "communication apparatus systematically prioritises comprehensive, multidimensional "
    "stakeholder engagement methodologies, particularly regarding intergenerational "
    "sustainability considerations and interdisciplinary collaboration."
)


def test_it_flags_english_text_below_the_reading_ease_and_above_the_grade() -> None:
    guide = _guide(inclusive=False, readability={"en_min_ease": 50, "en_max_grade": 10})

    report = lint_with_guide(guide, "email", HARD_EN, "en", False)

    assert [(a.check, a.level) for a in report.alerts] == [
        ("Brand.Grade", "warning"),
        ("Brand.Readability", "warning"),
    ]


def test_it_flags_french_text_below_the_kandel_moles_target() -> None:
    text = (
        "Considérant l'extraordinaire complexité organisationnelle, l'administration "
        "institutionnelle privilégie systématiquement des méthodologies participatives "
        "pluridisciplinaires, particulièrement concernant l'intergénérationnalité "
        "environnementale et la responsabilisation collective."
    )
    guide = _guide(inclusive=False, readability={"fr_min_ease": 50})

    report = lint_with_guide(guide, "email", text, "fr", False)

    assert [(a.check, a.level) for a in report.alerts] == [("Brand.Readability", "warning")]


def test_short_texts_are_not_scored_for_readability() -> None:
    guide = _guide(inclusive=False, readability={"en_min_ease": 99})

    assert (
        lint_with_guide(guide, "social", "Notwithstanding institutional.", "en", False).alerts == ()
    )


def test_uploaded_vale_rules_run_with_the_guide() -> None:
    rule = {"extends": "existence", "message": "No '%s'.", "level": "error", "tokens": ["!"]}
    guide = _guide(inclusive=False, custom_rules={"Custom.Bang": {**rule, "nonword": True}})

    report = lint_with_guide(guide, "social", "Wow!", "en", False)

    assert _found(report) == [("Custom.Bang", "error", "!", None)]


def test_an_invalid_stored_vale_rule_is_skipped() -> None:
    guide = _guide(inclusive=False, custom_rules={"Custom.Broken": {"extends": "nope"}})

    assert lint_with_guide(guide, "social", "Wow!", "en", False).alerts == ()
