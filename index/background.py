"""Word frequencies of the language at large (wordfreq, offline data in the package): how a library too small
to have statistics of its own (ten sentences, one article) tells rare words from common ones."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

from .analysis import Token
from .languages import SUPPORTED

# The language at large counts as this many passages beside the library's own when a question word's IDF is
# worked out: it decides in a library of ten passages and hardly counts in one of a million. Chosen on the
# public SQuAD and WikiQA sets (bench/quality.py), where libraries have 10 to 200 passages.
BACKGROUND_PASSAGES = 100
PASSAGE_WORDS = 300  # a word of frequency f is in about 1 - e^(-f * 300) of passages of 300 words
# wordfreq's "small" lists hold the words of frequency 10⁻⁶ and up (29,000 in English, 3 MB in memory); its
# "large" ones go down to 10⁻⁸ and take 90 MB for English alone. Below 10⁻⁶ a word is in under 0.03% of
# passages: as good as unknown here, and the public sets score the same with either.
WORDLIST = "small"


def passage_shares(tokens: Iterable[Token], language: str) -> dict[str, float]:
    """For each term of the tokens, the share of ordinary passages in the language that hold one of its
    words; empty for a language wordfreq does not know."""
    if language not in _languages():
        return {}
    shares: dict[str, float] = {}
    for token in tokens:
        if token.term:
            # wordfreq rates "1932" as common as any year; asked of a library, a number is a precise match.
            frequency = 0.0 if token.term.isdigit() else _frequency(token.surface.lower(), language)
            share = 1.0 - math.exp(-frequency * PASSAGE_WORDS)
            shares[token.term] = max(shares.get(token.term, 0.0), share)
    return shares


def warm(languages: Iterable[str]) -> None:
    """Load the tables of these languages now (a tenth of a second each), not during the first question."""
    for language in languages:
        if language in _languages():
            _frequency("the", language)


@functools.cache
def _languages() -> frozenset[str]:
    import wordfreq  # imported on first use, like its tables

    # Only languages with our own analysis: wordfreq's Chinese and Japanese need word segmenters we do not use.
    return frozenset(wordfreq.available_languages()) & frozenset(SUPPORTED)


@functools.lru_cache(maxsize=1 << 15)
def _frequency(word: str, language: str) -> float:
    import wordfreq

    return wordfreq.word_frequency(word, language, wordlist=WORDLIST)
