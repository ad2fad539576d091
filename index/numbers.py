"""Numbers → terms: "5,000" and "5000" are one term, decimals keep their fraction ("1.5" → "1p5")."""

from __future__ import annotations

import re
import unicodedata

from .languages import LanguageConfig

MAX_TERM_CHARS = 40
NUMBER_SEPARATOR = r"(?<=\d)(?:[.,]|[\u00a0\u202f\u2009](?=\d{3}(?!\d)))(?=\d)"
SEPARATOR_RE = re.compile(NUMBER_SEPARATOR)
NUMBER_RE = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009]\d+)*")

Span = tuple[int, int, str | None]


def _fold_digits(text: str) -> str:
    return unicodedata.normalize("NFKC", text)  # full-width "５" is "5", as everywhere else in analysis


def number_spans(part: str, offset: int, config: LanguageConfig) -> list[Span]:
    groups, separators, start = [], [], 0
    for match in SEPARATOR_RE.finditer(part):
        groups.append((start, match.start()))
        separators.append(match.group())
        start = match.end()
    groups.append((start, len(part)))
    digits = [_fold_digits(part[s:e]) for s, e in groups]
    term = _number_term(digits, separators, config.thousands)
    if term is not None:
        return [(offset, offset + len(part), term if len(term) <= MAX_TERM_CHARS else None)]
    return [(offset + s, offset + e, integer(d)) for (s, e), d in zip(groups, digits, strict=True)]


def _number_term(digits: list[str], separators: list[str], thousands: str) -> str | None:
    """One term for a number written with separators, or None when they separate several numbers."""
    if not separators:
        return integer(digits[0])
    if _grouped(digits, separators) and (separators[0] in thousands or len(separators) > 1):
        return integer("".join(digits))
    last, before = separators[-1], separators[:-1]
    if last in ".," and (not before or (last not in before and _grouped(digits[:-1], before))):
        fraction = digits[-1].rstrip("0")
        whole = integer("".join(digits[:-1]))
        return f"{whole}p{fraction}" if fraction else whole
    return None


def _grouped(digits: list[str], separators: list[str]) -> bool:
    """Thousands grouping: one kind of separator, 1-3 digits, then groups of exactly 3."""
    return len(set(separators)) == 1 and 1 <= len(digits[0]) <= 3 and all(len(d) == 3 for d in digits[1:])


def integer(digits: str) -> str | None:
    number = digits.lstrip("0") or "0"
    return number if len(number) <= MAX_TERM_CHARS else None
