"""Turn a workspace's ``StyleGuide`` into linter rules plus per-channel checks.

Vocabulary, brand name and inclusive writing become Vale rule definitions (the dicts a Vale
YAML file would hold) built by ``build_rule``, so one engine runs them; length, hashtags,
emoji, links, required mentions and readability targets are checks on the whole text that
produce the same ``Alert`` objects.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from accord.brand.alerts import Alert, Level
from accord.brand.engine import RuleSet, lint_text
from accord.brand.models import StyleGuide
from accord.brand.readability import (
    flesch_kincaid_grade,
    flesch_reading_ease,
    kandel_moles,
    measure,
)
from accord.brand.rules import RuleError, Unsupported, build_rule
from accord.brand.rules.base import Rule
from accord.brand.scoring import LintReport
from accord.brand.text.syllables import Language as TextLanguage
from accord.brand.text.tokens import words

__all__ = ["INCLUSIVE", "SPONSORED_TAGS", "compile_rules", "custom_rule", "lint_with_guide"]

SPONSORED_TAGS = {"fr": "#sponsorisé", "en": "#ad"}
INCLUSIVE: dict[str, dict[str, str]] = {
    "en": {
        "chairman": "chair",
        "chairmen": "chairs",
        "mankind": "humankind",
        "manpower": "workforce",
        "salesman": "salesperson",
        "you guys": "everyone",
    },
    "fr": {
        "les hommes": "les humains",
        "droits de l'homme": "droits humains",
        "chers clients": "chère clientèle",
        "mademoiselle": "madame",
        "homme d'affaires": "dirigeant ou dirigeante",
    },
}
READABILITY_MIN_WORDS = 20
_META = re.compile(r"([.^$*+?()\[\]{}|\\])")
_HASHTAG = re.compile(r"(?<![\w#])#\w+")
_LINK = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_EMOJI = re.compile("[\U0001f1e6-\U0001f1ff\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55]")


def _escape(term: str) -> str:
    """Escape regex syntax in a plain term (Go's RE2 rejects escaped spaces)."""
    return _META.sub(r"\\\1", term.strip())


def _substitution(message: str, level: Level, swap: Mapping[str, str]) -> dict[str, Any]:
    return {
        "extends": "substitution",
        "message": message,
        "level": level,
        "ignorecase": True,
        "capitalize": True,
        "action": {"name": "replace"},
        "swap": dict(swap),
    }


def _definitions(guide: StyleGuide, language: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (rule name, Vale definition) for every rule the guide asks for."""
    preferred = {
        _escape(old): new for new, olds in guide.preferred.items() for old in olds if old.strip()
    }
    if preferred:
        yield "Brand.Preferred", _substitution(_("Prefer '%s' to '%s'."), "warning", preferred)
    avoid = {_escape(word): hint for word, hint in guide.avoid.items() if word.strip()}
    if avoid:
        yield (
            "Brand.Avoid",
            _substitution(_("Say something precise ('%s') rather than '%s'."), "warning", avoid),
        )
    banned = [_escape(word) for word in guide.banned if word.strip()]
    if banned:
        message = _("'%s' is banned from our copy.")
        yield (
            "Brand.Banned",
            {
                "extends": "existence",
                "message": message,
                "level": "error",
                "ignorecase": True,
                "tokens": banned,
            },
        )
    if guide.brand_name.strip():
        yield (
            "Brand.Name",
            _substitution(
                _("Write the brand name '%s', not '%s'."),
                "error",
                {_name_pattern(guide.brand_name): guide.brand_name},
            ),
        )
    if guide.inclusive and INCLUSIVE.get(language):
        swap = {_escape(old): new for old, new in INCLUSIVE[language].items()}
        yield (
            "Brand.Inclusive",
            _substitution(_("Inclusive writing: prefer '%s' to '%s'."), "warning", swap),
        )


def _name_pattern(name: str) -> str:
    """Match the brand name in any case, with or without accents, spaces or hyphens."""
    folded = {"e": "[eéèêë]", "a": "[aàâä]", "i": "[iîï]", "o": "[oôö]", "u": "[uùûü]", "c": "[cç]"}
    plain = _strip_accents(name.strip().lower())
    parts = [folded.get(char, _escape(char)) if char != " " else "[ -]?" for char in plain]
    return "".join(parts)


def _strip_accents(text: str) -> str:

    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def custom_rule(name: str, data: object) -> Rule | Unsupported:
    """Build one uploaded Vale rule; raise RuleError when it is not a valid definition."""
    if not isinstance(data, Mapping):
        raise RuleError(f"{name}: a rule must be a YAML map")
    try:
        return build_rule(name, data)
    except RuleError as error:
        raise RuleError(f"{name}: {error}") from error


def _custom(guide: StyleGuide) -> Iterator[Rule | Unsupported]:
    """Yield the guide's uploaded Vale rules, skipping any that no longer build."""
    for name, data in (guide.custom_rules or {}).items():
        try:
            yield custom_rule(name, data)
        except RuleError:
            continue


def compile_rules(guide: StyleGuide, language: str) -> RuleSet:
    """Build the guide's linter rules (generated and uploaded) for ``language`` texts."""
    built: list[Rule | Unsupported] = [
        build_rule(name, data) for name, data in _definitions(guide, language)
    ]
    built.extend(_custom(guide))
    return RuleSet.of(built)


def _alert(text: str, check: str, level: Level, message: str, start: int, end: int) -> Alert:
    """Make an alert at ``text[start:end]`` with its 1-based line and column."""
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return Alert(check, level, message, line, column, start, end, text[start:end])


def _channel_alerts(text: str, rules: Mapping[str, Any], language: str) -> Iterator[Alert]:
    """Check length, hashtags, emoji and links against one channel's constraints."""
    max_length = int(rules.get("max_length") or 0)
    if max_length and len(text) > max_length:
        message = _("Too long for this channel: %(length)d characters, at most %(max)d.") % {
            "length": len(text),
            "max": max_length,
        }
        yield _alert(text, "Brand.Length", "error", message, max_length, len(text))
    tags = [m for m in _HASHTAG.finditer(text) if m.group() != SPONSORED_TAGS.get(language)]
    max_tags = rules.get("max_hashtags")
    if max_tags is not None and len(tags) > int(max_tags):
        message = _("Too many hashtags: at most %(max)d on this channel.") % {"max": int(max_tags)}
        for match in tags[int(max_tags) :]:
            yield _alert(text, "Brand.Hashtags", "error", message, *match.span())
    if rules.get("emoji") is False:
        for match in _EMOJI.finditer(text):
            yield _alert(
                text, "Brand.Emoji", "error", _("No emoji on this channel."), *match.span()
            )
    if rules.get("links") is False:
        for match in _LINK.finditer(text):
            yield _alert(
                text, "Brand.Links", "error", _("No links on this channel."), *match.span()
            )


def _mention_alerts(
    text: str, rules: Mapping[str, Any], language: str, sponsored: bool
) -> Iterator[Alert]:
    """Check the channel's legal notice and, for sponsored content, the disclosure tag."""
    notice = str(rules.get("legal_notice") or "").strip()
    if notice and notice.casefold() not in text.casefold():
        message = _("The legal notice is missing: '%(notice)s'.") % {"notice": notice}
        yield _alert(text, "Brand.LegalNotice", "error", message, 0, 0)
    tag = SPONSORED_TAGS.get(language, "#ad")
    if sponsored and tag.casefold() not in text.casefold():
        message = _("Sponsored content must say so: add '%(tag)s'.") % {"tag": tag}
        yield _alert(text, "Brand.Sponsored", "error", message, 0, 0)


def _readability_alerts(
    text: str, targets: Mapping[str, Any], language: TextLanguage
) -> Iterator[Alert]:
    """Compare the text's reading ease (and English grade) with the guide's targets."""
    if len(words(text)) < READABILITY_MIN_WORDS:
        return
    measures = measure(text, language)
    ease = kandel_moles(measures) if language == "fr" else flesch_reading_ease(measures)
    minimum = targets.get(f"{language}_min_ease")
    if minimum is not None and ease < float(minimum):
        message = _("Hard to read: reading ease %(ease).0f, the target is at least %(min)s.") % {
            "ease": ease,
            "min": minimum,
        }
        yield _alert(text, "Brand.Readability", "warning", message, 0, 0)
    grade = flesch_kincaid_grade(measures)
    maximum = targets.get("en_max_grade")
    if language == "en" and maximum is not None and grade > float(maximum):
        message = _("Hard to read: grade %(grade).1f, the target is at most %(max)s.") % {
            "grade": grade,
            "max": maximum,
        }
        yield _alert(text, "Brand.Grade", "warning", message, 0, 0)


def lint_with_guide(
    guide: StyleGuide, channel: str, text: str, language: str, sponsored: bool
) -> LintReport:
    """Lint ``text`` for ``channel`` with every rule and check of ``guide``."""
    lang: TextLanguage = "en" if language == "en" else "fr"
    alerts = lint_text(text, compile_rules(guide, lang), language=lang)
    rules = guide.channels.get(channel) or {}
    alerts.extend(_channel_alerts(text, rules, lang))
    alerts.extend(_mention_alerts(text, rules, lang, sponsored))
    alerts.extend(_readability_alerts(text, guide.readability or {}, lang))
    alerts.sort(key=lambda alert: (alert.start, alert.end, alert.check))
    return LintReport(tuple(alerts), len(words(text)))
