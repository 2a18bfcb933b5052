"""Spam rules: each one is simple enough to explain in one line on the mentions page.

A verdict is stored as a code (``spam_reason``), optionally followed by ``:`` and a detail
(the phrase found, how many links). ``reason_label`` turns it into words for people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.listening.matching import normalize

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
HASHTAG = re.compile(r"(?<!\w)#\w+")
HANDLE = re.compile(r"(?<![\w@])@\w[\w.-]*")
MAX_LINKS = 3
MAX_HASHTAGS = 8
MAX_HANDLES = 6
# Phrases that, in our review of spam in French and English feeds, come almost only from spam.
PHRASES = (
    "buy followers",
    "free followers",
    "get followers",
    "click here",
    "click the link in bio",
    "earn money fast",
    "make money from home",
    "work from home and earn",
    "crypto giveaway",
    "bitcoin giveaway",
    "double your bitcoin",
    "dm me for promo",
    "limited offer click",
    "100 free",
    "acheter des followers",
    "achetez des followers",
    "followers gratuits",
    "abonnes gratuits",
    "cliquez ici",
    "cliquez sur le lien",
    "gagnez de l argent",
    "argent facile",
    "travail a domicile",
    "gagner de l argent rapidement",
    "code promo exclusif",
)
NORMAL_PHRASES = tuple(normalize(phrase) for phrase in PHRASES)

LABELS: dict[str, Promise] = {
    "links": _("Too many links"),
    "hashtags": _("Hashtag stuffing"),
    "handles": _("Too many accounts tagged"),
    "phrase": _("Known spam phrase"),
    "repeated": _("Same text posted again by the same author"),
    "marked": _("Marked as spam by a teammate"),
}


@dataclass(frozen=True)
class Verdict:
    """``reason`` is "" for a clean text."""

    reason: str

    @property
    def is_spam(self) -> bool:
        return bool(self.reason)


def check_text(text: str) -> Verdict:
    """Apply the text rules (links, hashtags, tagged accounts, known phrases) in that order."""
    counts = (
        ("links", len(LINK.findall(text)), MAX_LINKS),
        ("hashtags", len(HASHTAG.findall(text)), MAX_HASHTAGS),
        ("handles", len(HANDLE.findall(text)), MAX_HANDLES),
    )
    for code, count, limit in counts:
        if count > limit:
            return Verdict(f"{code}:{count}")
    normalized = normalize(text)
    for phrase, normal in zip(PHRASES, NORMAL_PHRASES, strict=True):
        if normal in normalized:
            return Verdict(f"phrase:{phrase}")
    return Verdict("")


def repeated(author: str) -> Verdict:
    """The verdict for a near-copy of a text the same author already posted."""
    return Verdict(f"repeated:{author}"[:200])


def reason_label(reason: str) -> str:
    """``links:5`` → "Too many links (5)"; an unknown code is shown as stored."""
    code, _sep, detail = reason.partition(":")
    label = LABELS.get(code)
    if label is None:
        return reason
    return f"{label} ({detail})" if detail else str(label)
