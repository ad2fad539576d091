"""Characters: the tables that say which characters are the same to a reader (quotes, dashes, accents) and which
join letters into one word (combining marks, zero-width glue)."""

from __future__ import annotations

import re
import unicodedata

_NORMALIZE_TABLE = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛ʼ‹›", "'"),
        **dict.fromkeys("“”„‟«»", '"'),
        **dict.fromkeys("‐‑‒–—―−⸺⸻﹘", "-"),
        **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad\x00"),
    }
)
_SURROGATES = re.compile("[\ud800-\udfff]")


def _latin_accents() -> dict[int, str]:
    """Latin letters with diacritics → the plain letter: "é" → "e", "ü" → "u"; "ß", "ø" and other scripts stay."""
    table = {}
    for code in range(0xC0, 0x250):
        decomposed = unicodedata.normalize("NFKD", chr(code))
        base = decomposed[:1]
        marks = decomposed[1:]
        if marks and base.isascii() and base.isalpha() and all(unicodedata.combining(m) for m in marks):
            table[code] = base
    return table


LATIN_ACCENTS = _latin_accents()


def normalize(text: str) -> str:
    """Unicode NFKC with straight quotes, '-' for every dash, and zero-width characters, NUL and lone
    surrogates removed. Offsets change ("…" becomes "...", removed characters shift the rest): to find a
    word in the original text, use tokenize(), whose offsets point into the text it was given."""
    return unicodedata.normalize("NFKC", _SURROGATES.sub("", text)).translate(_NORMALIZE_TABLE)


def _combining_marks() -> str:
    """Combining marks of the basic plane as a character class body, so "é" written as e + ◌́ stays one word."""
    ranges, start = [], None
    for code in range(0x10001):
        is_mark = code < 0x10000 and unicodedata.category(chr(code)).startswith("M")
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return "".join(ranges) + "\\u00ad\\u200b-\\u200d\\u2060\\ufeff"  # soft hyphen and zero-width glue too


COMBINING_MARKS = _combining_marks()
