"""Tell French from English prose by counting frequent function words."""

from __future__ import annotations

from collections.abc import Iterable

from accord.brand.text.syllables import Language
from accord.brand.text.tokens import words

__all__ = ["detect_language", "language_of_words"]

_FRENCH = frozenset(
    """le la les l' un une des du de d' et est sont en au aux dans pour par sur avec qui que
    qu' ne pas plus nous vous ils elles il elle ce cette ces son sa ses leur leurs notre nos
    votre vos c' s' n' j' à où mais ou donc car très tout tous être avoir fait comme""".split()
)
_ENGLISH = frozenset(
    """the a an and is are was were be been of to in for on with at by from that this these
    those it its we you they he she our your their not but or so as if than then which who
    what will can has have had do does more most very all""".split()
)


_FRENCH = _FRENCH | {word.replace("'", "’") for word in _FRENCH}


def language_of_words(found: Iterable[str], default: Language = "en") -> Language:
    """Return "fr" or "en" for words as ``accord.brand.text.words`` splits them."""
    lowered = list(map(str.lower, found))
    french = sum(map(_FRENCH.__contains__, lowered))
    english = sum(map(_ENGLISH.__contains__, lowered))
    if french == english:
        return default
    return "fr" if french > english else "en"


def detect_language(text: str, default: Language = "en") -> Language:
    """Return "fr" or "en", whichever has more function words in ``text``; ``default`` on a tie."""
    return language_of_words(words(text), default)
