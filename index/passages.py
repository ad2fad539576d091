"""Article text → passages (paragraphs, or groups of lines) → sentences."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re

from .languages import SUPPORTED
from .punkt import SentenceSplitter
from .stopwords import word_list

__all__ = ["MAX_PASSAGE_CHARS", "SentenceSplitter", "split_passages", "split_sentences"]

MAX_PASSAGE_CHARS = 1_500
LINES_PER_PASSAGE = 3  # one sentence per line: three lines make a passage long enough for BM25 to weigh

_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\f": "\n\n", "\v": "\n"})
_BLANK_LINES_RE = re.compile(r"\n[^\S\n]*\n\s*")
# No-break and thin spaces are kept: they hold "5 000" together as one number.
_SPACES_RE = re.compile(r"[^\S\u00a0\u202f\u2009]+")
_LINE_END_RE = re.compile(r"[.!?…。！？:;][\"'”’»)\]]*$")
# Starts only where a run of end marks starts, so a run of a million periods is read once, not a million times.
_SENTENCE_END_RE = re.compile(r"(?<![.!?…。！？])[.!?…。！？]++[\"'”’»)\]]*+(?= \S)")
_OPENING = "\"'“‘«(["


def split_passages(text: str) -> list[str]:
    """Passages of an article: paragraphs separated by blank lines; a block written one sentence per line is
    grouped three lines at a time; anything longer than 1,500 characters is cut between sentences. Runs of
    whitespace become one space; empty passages are dropped."""
    passages: list[str] = []
    for block in _BLANK_LINES_RE.split(text.replace("\r\n", "\n").translate(_LINE_BREAKS)):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) > 1 and _one_sentence_per_line(lines):
            groups = math.ceil(len(lines) / LINES_PER_PASSAGE)
            size, extra = divmod(len(lines), groups)  # balanced: 11 lines are 3+3+3+2, not 3+3+3+1+1
            bounds = [i * size + min(i, extra) for i in range(groups + 1)]
            units = [" ".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]
        else:
            units = [" ".join(lines)] if lines else []
        for unit in units:
            passages.extend(_cut(_single_spaced(unit)))
    return [p for p in passages if p]


def split_sentences(text: str, language: str = "en") -> list[str]:
    """The sentences of a text with an untrained splitter for the language, each an exact substring."""
    return _default_splitter(language if language in SUPPORTED else "und").split(text)


@functools.cache
def _default_splitter(language: str) -> SentenceSplitter:
    return SentenceSplitter(language)


def _single_spaced(text: str) -> str:
    """The text stripped, each run of whitespace a single space, no-break and thin spaces kept."""
    if "\u00a0" in text or "\u202f" in text or "\u2009" in text:
        return _SPACES_RE.sub(" ", text).strip()
    # Without them, str.split() splits at exactly what _SPACES_RE matches, several times faster than sub().
    return " ".join(text.split())


def _one_sentence_per_line(lines: list[str]) -> bool:
    """Most lines end a sentence: not prose wrapped at a fixed width, whose lines end mid-sentence."""
    ended = sum(1 for line in lines[:-1] if _LINE_END_RE.search(line))
    return ended * 5 >= (len(lines) - 1) * 3


def _cut(passage: str) -> list[str]:
    """A passage cut into pieces of at most MAX_PASSAGE_CHARS, between sentences where it can be, at a space
    where it cannot, and anywhere in a run with no space at all; the pieces come out about equal."""
    if len(passage) <= MAX_PASSAGE_CHARS:
        return [passage]
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(passage) if _ends_sentence(passage, m.start(), m.end())]
    target = len(passage) / math.ceil(len(passage) / MAX_PASSAGE_CHARS)
    pieces, start = [], 0
    while len(passage) - start > MAX_PASSAGE_CHARS:
        limit = start + MAX_PASSAGE_CHARS
        first = bisect.bisect_left(ends, start + 1)
        last = bisect.bisect_right(ends, limit)
        if first < last:
            past_target = bisect.bisect_left(ends, start + target, first, last)
            cut = ends[past_target] if past_target < last else ends[last - 1]
        else:
            space = passage.rfind(" ", start + 1, limit + 1)
            cut = space if space > start else limit
        pieces.append(passage[start:cut].strip())
        start = cut
        while start < len(passage) and passage[start] == " ":
            start += 1
    pieces.append(passage[start:].strip())
    return pieces


@functools.cache
def _abbreviations() -> frozenset[str]:
    return frozenset(a for code in SUPPORTED for a in word_list("abbreviations", code))


def _ends_sentence(passage: str, start: int, end: int) -> bool:
    """The punctuation at passage[start:end] ends a sentence: no abbreviation or initial before it, and no
    lowercase word after it."""
    if passage[end + 1 : end + 2].islower():
        return False
    if passage[start] != ".":
        return True
    word = passage[passage.rfind(" ", 0, start) + 1 : start].lstrip(_OPENING).lower()
    return len(word) > 1 and word not in _abbreviations()
