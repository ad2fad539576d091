"""Text → terms: normalise, tokenize, drop stopwords, stem; the one place text becomes terms."""

from __future__ import annotations

import functools
import re
import sys
import threading
from collections.abc import Callable
from typing import NamedTuple

import Stemmer

from .characters import COMBINING_MARKS, LATIN_ACCENTS, normalize
from .languages import (
    CONFIGS,
    HAN,
    HANGUL,
    KANA,
    QUESTION_PATTERNS,
    UNDETERMINED,
    YESNO_PATTERN,
    LanguageConfig,
    language_config,
)
from .numbers import MAX_TERM_CHARS, NUMBER_RE, NUMBER_SEPARATOR, SEPARATOR_RE, Span, number_spans
from .stopwords import UNIVERSAL_STOPWORDS, word_list

MAX_QUESTION_CHARS = 2_000
# Bump when a change here gives some text other terms than before: a library whose stored terms were made by
# another version analyses its sentences again when it opens (2: Snowball 3 stemmers from PyStemmer; 3: Latin
# accents dropped before stemming; 4: English irregular forms analysed as their base form, "wrote" as "write").
ANALYSIS_VERSION = "4"


class Token(NamedTuple):
    """A word of a text, where it is, and the term it gives (None for a stopword or a dropped word). A named
    tuple: a question and its answers make a hundred of them, and a tuple is made five times faster than a
    frozen dataclass."""

    surface: str  # the word as written in the text
    start: int  # character offsets into the text given: text[start:end] == surface
    end: int
    term: str | None


_CJK = HAN + KANA + HANGUL
_LETTER_OR_DIGIT = f"[^\\W_{_CJK}]"
_WORD = f"{_LETTER_OR_DIGIT}+(?:[{COMBINING_MARKS}]+{_LETTER_OR_DIGIT}*)*"
_NUMBER_SEPARATOR = NUMBER_SEPARATOR
_CONNECTOR = f"(?:['‘’]|[-\u2010\u2011]|{_NUMBER_SEPARATOR})"
_LETTER = f"[^\\W\\d_{_CJK}]"
_ACRONYM = f"{_LETTER}(?:\\.{_LETTER})+(?!{_LETTER_OR_DIGIT})\\.?"
# One pass of one compiled pattern finds every word: a CJK character, a dotted acronym, or words joined
# by apostrophes, hyphens and number separators.
_TOKEN_RE = re.compile(f"(?=[^\\W_])[{_CJK}]|{_ACRONYM}|{_WORD}(?:{_CONNECTOR}{_WORD})*")
_CJK_RE = re.compile(f"[{_CJK}]")
_ACRONYM_RE = re.compile(_ACRONYM)
_HYPHENATED_PART_RE = re.compile("[^-\u2010\u2011]+")
_SEPARATOR_RE = SEPARATOR_RE
_NUMBER_RE = NUMBER_RE


def tokenize(text: str, language: str = "en") -> list[Token]:
    """Every word of the text with its offsets in the text as given, and its term or None."""
    code = _code(language)
    tokens = []
    for match in _TOKEN_RE.finditer(text):
        base = match.start()
        for start, end, term in _surface_spans(match.group(), code):
            tokens.append(Token(text[base + start : base + end], base + start, base + end, term))
    return tokens


def analyze(text: str, language: str = "en") -> list[str]:
    """The text's terms in order: the terms of tokenize(text, language), faster. Articles and questions go
    through the same rules, and a term is a lowercase run of letters and digits only, because the search
    engine splits on anything else:
    - "5,000", "5000" and "5 000" (no-break space) are "5000"; a decimal point is "p" ("1.5" → "1p5", and
      German "1,5" too); leading zeros go ("05" → "5"); "30%" is "30"; numbers are never stemmed;
    - "COVID-19" gives "covid", "19" and the joined "covid19" (joined when a part has a digit or at most two
      letters, as in "e-mail"); "Taliban's" is "taliban"; French "l'armée" is "armée";
    - "U.S." is "us", kept although "us" may be a stopword, as is any all-capital word ("US", "WHO");
    - each Han, kana or hangul character is a term of its own, so Chinese and Japanese match on characters;
    - words longer than 40 characters, emoji and punctuation give no term.
    """
    # Interned: a caller keeping the terms of many texts (rank-bm25 over a million passages) holds each term once,
    # not once per occurrence (3.6 GB instead of 1.4 GB), and compares them by identity.
    return list(map(sys.intern, joined_terms(text, language).split()))


def joined_terms(text: str, language: str = "en") -> str:
    """The terms of analyze(text, language) joined by spaces, as the store keeps them."""
    code = _code(language)
    known = _known_pieces(code)
    pieces = text.split(" ")
    try:  # every piece seen before: dict lookups in C, the common case
        return " ".join(filter(None, map(known.__getitem__, pieces)))
    except KeyError:  # some piece is new
        known = _known_pieces(code, adding=True)
        found = zip(pieces, map(known.get, pieces), strict=True)
        return " ".join(filter(None, [_piece_terms(p, code, known) if t is None else t for p, t in found]))


def words_of_terms(text: str, wanted: set[str] | frozenset[str], language: str = "en") -> tuple[str, ...]:
    """The words of the text, as written, whose terms are wanted: each once, in order (the words an answer shows
    as matching the question). The words of tokenize(text, language), found at the cost of analyze() for the
    pieces between spaces that hold none of them: a sentence's tokens cost ten times its terms."""
    code = _code(language)
    known = _known_pieces(code)
    found: list[str] = []
    for piece in text.split(" "):
        terms = known.get(piece)
        if terms is None:
            known = _known_pieces(code, adding=True)
            terms = _piece_terms(piece, code, known)
        if terms and not wanted.isdisjoint(terms.split(" ")):
            found += [token.surface for token in tokenize(piece, language) if token.term in wanted]
    return tuple(dict.fromkeys(found))


def stopwords(language: str) -> frozenset[str]:
    """The stopwords of a language as terms; a tiny universal set for an unsupported language."""
    return _stopwords(_code(language))


def question_type(text: str) -> str | None:
    """What a question asks for: "count", "what_is", "when", "who", "where", "why", "yesno", or None."""
    folded = normalize(text[:MAX_QUESTION_CHARS]).casefold()
    found = [(m.start(), kind) for kind, pattern in _QUESTION_RES if (m := pattern.search(folded))]
    if found:
        return min(found, key=lambda hit: hit[0])[1]
    return "yesno" if _YESNO_RE.search(folded) else None


_QUESTION_RES = tuple((kind, re.compile(pattern)) for kind, pattern in QUESTION_PATTERNS)
_YESNO_RE = re.compile(YESNO_PATTERN)


def _code(language: str) -> str:
    return language if language in CONFIGS else UNDETERMINED


@functools.cache
def _stopwords(code: str) -> frozenset[str]:
    words = word_list("stopwords", code) if code in CONFIGS else UNIVERSAL_STOPWORDS
    return frozenset(_fold(word).replace("'", "") for word in words)


@functools.cache
def _base_forms(code: str) -> dict[str, str]:
    """Irregular forms and the form the stemmer gets instead ("wrote", "written" → "write")."""
    words = word_list("irregular", code)  # "form base" pairs
    return dict(zip(words[::2], words[1::2], strict=True))


_STEMMERS = threading.local()  # a PyStemmer object must not be used by two threads at once


def _stemmer(name: str) -> Callable[[str], str]:
    stemmers = _STEMMERS.__dict__
    stem = stemmers.get(name)
    if stem is None:
        stem = stemmers[name] = Stemmer.Stemmer(name).stemWord
    return stem


def _fold(text: str) -> str:
    if text.isascii() and "\x00" not in text:
        return text.lower()  # what normalize() and casefold() make of it, faster
    return normalize(text).casefold().replace("ё", "е")  # Russian writes ё as е as often as not


# Words repeat (Zipf): remembering the terms of each piece of text between spaces ("said.", "Kabul's") is what
# makes millions of tokens a second possible. No match of _TOKEN_RE holds a space or looks past one, so a text's
# terms are its pieces' terms in order; and a match is a piece of its own, with the same terms. Emptied when full
# (about 33 MB): a worker's half of a million synthetic English passages has about 170,000 pieces.
MAX_CACHED_PIECES = 1 << 18
_PIECE_TERMS: dict[str, dict[str, str]] = {}  # language code → piece → its terms joined by spaces


def _known_pieces(code: str, adding: bool = False) -> dict[str, str]:
    """The language's remembered pieces; all forgotten first when more are about to be added to a full memory (a
    huge library must not grow it without limit)."""
    if adding and sum(map(len, _PIECE_TERMS.values())) >= MAX_CACHED_PIECES:
        _PIECE_TERMS.clear()
    return _PIECE_TERMS.get(code) or _PIECE_TERMS.setdefault(code, {})


def _piece_terms(piece: str, code: str, known: dict[str, str]) -> str:
    terms = known.get(piece)
    if terms is None:
        # Most pieces are plain words, which need no pattern to tell that they are one word.
        words = [piece] if piece.isascii() and piece.isalpha() else _TOKEN_RE.findall(piece)
        if words == [piece]:
            terms = " ".join(term for _, _, term in _spans(piece, code) if term)
        else:  # the words of a new piece are remembered too: "Kabul." is new, "Kabul" seldom is
            terms = " ".join(filter(None, [_piece_terms(word, code, known) for word in words]))
        if len(piece) <= MAX_TERM_CHARS:  # a longer one is seldom seen twice (a Chinese sentence is one piece)
            known[piece] = terms
    return terms


@functools.lru_cache(maxsize=1 << 14)
def _surface_spans(surface: str, code: str) -> tuple[Span, ...]:
    return _spans(surface, code)


def _spans(surface: str, code: str) -> tuple[Span, ...]:
    """The (start, end, term) of each word in one match of _TOKEN_RE, offsets relative to the match."""
    config = language_config(code)
    if surface.isascii() and surface.isalpha():  # most words: no acronym dots, hyphens or digits to look for
        return ((0, len(surface), _word_term(surface, code, config)),)
    return _any_spans(surface, code, config)


def _any_spans(surface: str, code: str, config: LanguageConfig) -> tuple[Span, ...]:
    if len(surface) == 1 and _CJK_RE.match(surface):
        return ((0, 1, _fold(surface)),)
    if _ACRONYM_RE.fullmatch(surface):
        return ((0, len(surface), _word_term(surface.replace(".", ""), code, config)),)
    parts = [(m.start(), m.end()) for m in _HYPHENATED_PART_RE.finditer(surface)]
    spans: list[Span] = []
    for start, end in parts:
        spans.extend(_part_spans(surface[start:end], start, code, config))
    if len(parts) > 1:
        texts = [surface[start:end] for start, end in parts]
        joinable = any(len(t) <= 2 or any(map(str.isdigit, t)) for t in texts)
        if joinable and not texts[0][0].isdigit() and not _SEPARATOR_RE.search(surface):
            # Written joined as often as not: "COVID19", "email".
            spans.append((0, len(surface), _word_term("".join(texts), code, config)))
    return tuple(spans)


def _part_spans(part: str, offset: int, code: str, config: LanguageConfig) -> list[Span]:
    if _NUMBER_RE.fullmatch(part):
        return number_spans(part, offset, config)
    if not _SEPARATOR_RE.search(part):
        return [(offset, offset + len(part), _word_term(part, code, config))]
    spans: list[Span] = []  # "1.5kg": a number glued to a word
    start = 0
    for piece in [*(m.start() for m in _SEPARATOR_RE.finditer(part)), len(part)]:
        spans.extend(_part_spans(part[start:piece], offset + start, code, config))
        start = piece + 1
    return spans


def _word_term(raw: str, code: str, config: LanguageConfig) -> str | None:
    word = _fold(raw)
    if "'" in word:
        if config.possessive and word.endswith("'s"):
            word = word[:-2]
        head, _, tail = word.partition("'")
        if head in config.elisions and tail:
            word = tail
        word = word.replace("'", "")
    if not word.isalnum():
        word = "".join(c for c in word if c.isalnum())  # marks and glue the search engine would split on
    if not word or len(word) > MAX_TERM_CHARS:
        return None
    if word.isdigit():
        return word.lstrip("0") or "0"
    if not word.isalpha() and any(map(str.isdigit, word)):
        return word
    is_acronym = len(raw) > 1 and raw.isupper()
    if not is_acronym:
        word = _base_forms(code).get(word, word)
        if word in _stopwords(code):
            return None
    if not word.isascii():
        # "Hervé" and "Herve", "libérés" and "liberes" are both written (people type without accents): accents
        # go before stemming, so the stemmer sees both spellings alike.
        word = word.translate(LATIN_ACCENTS)
    return _stemmer(config.snowball)(word) if config.snowball else word
