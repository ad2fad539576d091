"""Read a question's precise parts: "quoted phrases", source:NAME, after:DATE and before:DATE."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from .analysis import MAX_QUESTION_CHARS  # longer pastes are cut: the work per question stays bounded

FILTER = re.compile(r'(?<![\w/])(?P<key>[A-Za-z]{2,12}):(?P<value>"[^"]*"|[^\s"]+)')
PHRASE = re.compile(r'"([^"]+)"')
MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|</?[A-Za-z][^<>]{0,60}>", re.IGNORECASE | re.DOTALL)
KNOWN_FILTERS = ("source", "after", "before")
NOT_FILTERS = {"http", "https", "ftp", "mailto", "tel"}


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    text: str  # the question without its filters
    phrases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    after: str | None = None  # ISO date, inclusive
    before: str | None = None  # ISO date, inclusive
    hints: tuple[str, ...] = ()


def parse_question(
    question: str,
    *,
    sources: tuple[str, ...] = (),
    after: str | None = None,
    before: str | None = None,
) -> ParsedQuestion:
    """Split the filters out of a question; keyword arguments (the Python API) add to those in the text.
    Filters that cannot be used become hints and the rest of the question still counts."""
    # Markup pasted around a question (tags, a script, entities) is not what is being asked.
    text = html.unescape(MARKUP.sub(" ", question[:MAX_QUESTION_CHARS]))
    hints: list[str] = []
    found_sources = list(sources)
    dates = {"after": after, "before": before}
    for name, value in dates.items():
        if value is not None and _iso_date(value) is None:
            hints.append(f"{name}= must be a date like 2024-05-31; ignored {value!r}")
            dates[name] = None

    def take_filter(match: re.Match[str]) -> str:
        key, value = match.group("key").lower(), match.group("value").strip('"')
        if key in NOT_FILTERS:
            return match.group(0)
        if key == "source":
            if value:
                found_sources.append(value)
            return " "
        if key in dates:
            date = _iso_date(value)
            if date is None:
                hints.append(f"{key}: needs a date like {key}:2024-05-31; ignored {key}:{value}")
            else:
                dates[key] = date
            return " "
        hints.append(f"unknown filter {key}:, the filters are source:NAME, after:YYYY-MM-DD and before:YYYY-MM-DD")
        return match.group("value").strip('"')

    text = FILTER.sub(take_filter, text)
    phrases = tuple(p.strip() for p in PHRASE.findall(text) if p.strip())
    if text.count('"') % 2:
        hints.append("a quote was not closed, so the question was read without it")
        text = text.replace('"', " ")
    return ParsedQuestion(
        text=" ".join(text.split()),
        phrases=phrases,
        sources=tuple(found_sources),
        after=dates["after"],
        before=dates["before"],
        hints=tuple(hints),
    )


def _iso_date(value: str) -> str | None:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def day_number(iso_date: str | None) -> int:
    """A date as YYYYMMDD, the form the search index filters on; 0 when unknown."""
    return int(iso_date.replace("-", "")) if iso_date else 0
