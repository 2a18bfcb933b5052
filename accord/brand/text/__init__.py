"""Language tools for French and English prose: words, sentences, syllables, language."""

from accord.brand.text.language import detect_language
from accord.brand.text.sentences import split_sentences
from accord.brand.text.syllables import count_syllables
from accord.brand.text.tokens import Token, tokenize, words

__all__ = ["Token", "count_syllables", "detect_language", "split_sentences", "tokenize", "words"]
