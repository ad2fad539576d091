"""Reading articles, step two: turn decoded text (.txt, .md, .jsonl) into Articles."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath

from index.models import Article, Skipped

MAX_TITLE_CHARS = 200
MAX_TXT_TITLE_CHARS = 120
JSONL_TITLE_CHARS = 80

_SPACES = re.compile(r"\s+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# Tried in order after ISO 8601; day-first and month-first slashes are ambiguous, so neither is here.
_DATE_FORMATS = ("%Y/%m/%d", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y")


def clean_title(title: str) -> str:
    """Strip and collapse whitespace; cut to MAX_TITLE_CHARS with an ellipsis."""
    title = _SPACES.sub(" ", title).strip()
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return title


def title_from_name(name: str) -> str:
    """A readable title from a file name: the stem, with '_' and '-' as spaces."""
    stem = PurePosixPath(name).stem if "." in name else name
    return clean_title(stem.replace("_", " ").replace("-", " ")) or clean_title(name)


def normalise_date(value: object) -> str | None:
    """YYYY-MM-DD from an ISO date or datetime, a few common written forms or a Unix time; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if not isinstance(value, str) or not (text := _SPACES.sub(" ", value).strip()):
        return None
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        pass
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    try:  # RFC 2822, as in RSS feeds and e-mail: "Thu, 14 Mar 2024 08:30:00 +0100"
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def parse_text(text: str, name: str) -> Article:
    """A plain text file: a short first line followed by a blank line is the title."""
    lines = text.split("\n")
    first = lines[0].strip()
    rest = "\n".join(lines[1:]).strip("\n")
    is_title = (
        len(lines) > 2
        and 0 < len(first) <= MAX_TXT_TITLE_CHARS
        and not first.endswith(".")
        and not lines[1].strip()
        and rest.strip()
    )
    if is_title:
        return Article(title=clean_title(first), source=name, text=rest)
    return Article(title=title_from_name(name), source=name, text=text.strip("\n"))


def parse_markdown(text: str, name: str) -> Article:
    """Markdown: front matter (title, url, published), else the first '# ' heading, else the file name."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    meta, body = _split_front_matter(text)
    title = clean_title(meta.get("title", ""))
    lines = body.split("\n")
    heading_at, heading = _first_heading(lines)
    # The heading leaves the body when it is the title, so it never comes back as a quoted answer.
    if heading_at is not None and (not title or heading.casefold() == title.casefold()):
        title = title or heading
        del lines[heading_at]
    url = meta.get("url") or None
    published = normalise_date(meta.get("published") or meta.get("date"))
    return Article(
        title=title or title_from_name(name),
        source=name,
        text="\n".join(lines).strip("\n"),
        url=url,
        published=published,
    )


def parse_jsonl(text: str, name: str) -> tuple[list[Article], list[Skipped]]:
    """One article a line; each bad line comes back as Skipped("<name>#<line>", reason)."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name}#{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            skipped.append(Skipped(where, "bad line: not valid JSON"))
            continue
        try:
            articles.append(_jsonl_article(record, where))
        except ValueError as error:
            skipped.append(Skipped(where, f"bad line: {error}"))
    return articles, skipped


def _jsonl_article(record: object, where: str) -> Article:
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("no 'text'")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    url = _string(record.get("url"))
    title = clean_title(_string(record.get("title")) or "") or _shorten(text.strip().split("\n")[0])
    return Article(
        title=title,
        source=_string(record.get("source")) or url or where,
        text=text,
        url=url,
        published=normalise_date(record.get("published")),
    )


def _string(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _shorten(line: str) -> str:
    line = clean_title(line)
    if len(line) <= JSONL_TITLE_CHARS:
        return line
    return line[:JSONL_TITLE_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:  # no closing line: it was a horizontal rule, not front matter
        return {}, text
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        key, colon, value = line.partition(":")
        if colon and key.strip() and not key.startswith((" ", "\t", "-", "#")):
            meta[key.strip().casefold()] = _unquote(value.strip())
    return meta, "\n".join(lines[end + 1 :])


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _first_heading(lines: list[str]) -> tuple[int | None, str]:
    in_code = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            in_code = not in_code  # '# ' lines inside code blocks are shell comments, not headings
        elif not in_code and line.startswith("# "):
            # CommonMark allows a closing run of '#': "# Title #"
            return number, clean_title(re.sub(r"\s+#+\s*$", "", line[2:]))
    return None, ""
