"""Text as the Bot API measures it: UTF-16 lengths, automatic entities, trimming, usable links."""

from __future__ import annotations

import re
from typing import Any

# Telegram trims these from both ends of a message before it counts or stores it.
_TRIMMED = " \t\r\n\v\f"
_NAME_RUN = re.compile(r"[A-Za-z0-9_]*")
# Entities Telegram detects by itself must not cut through the ones the sender set.
_SOLID_TYPES = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})
_LINK_SCHEMES = ("http", "https", "tg", "ton", "tonsite")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of every offset in the Bot API."""
    # surrogatepass: a lone surrogate (half an emoji, cut by a client) is one code unit, not an error.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _run_end(text: str, start: int) -> int:
    match = _NAME_RUN.match(text, start)
    return match.end() if match else start


def _mention_spans(text: str) -> list[tuple[int, int]]:
    """@username spans: 2-32 ASCII name characters, not glued to a word on either side."""
    spans = []
    at = text.find("@")
    while at != -1:
        if at == 0 or not _is_word(text[at - 1]):
            end = _run_end(text, at + 1)
            if 2 <= end - at - 1 <= 32 and (end == len(text) or not _is_word(text[end])):
                spans.append((at, end))
        at = text.find("@", at + 1)
    return spans


def _command_spans(text: str) -> list[tuple[int, int]]:
    """/command and /command@botname spans, as Telegram marks them as bot_command."""
    spans = []
    fences = "/<>"
    slash = text.find("/")
    while slash != -1:
        before = text[slash - 1] if slash else " "
        if not (_is_word(before) or before in fences):
            end = _run_end(text, slash + 1)
            ok = 1 <= end - slash - 1 <= 64
            if ok and end < len(text) and text[end] == "@":
                name_end = _run_end(text, end + 1)
                ok = 3 <= name_end - end - 1 <= 32
                end = name_end
            after = text[end] if end < len(text) else " "
            if ok and not (_is_word(after) or after in fences):
                spans.append((slash, end))
        slash = text.find("/", slash + 1)
    return spans


def auto_entities(text: str, existing: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The `mention` and `bot_command` entities Telegram adds to `text`, with UTF-16 offsets.

    Spans that overlap a code, pre or link entity from `existing` are skipped, as Telegram does.
    """
    solid = [(e["offset"], e["offset"] + e["length"]) for e in existing or () if e["type"] in _SOLID_TYPES]
    found = []
    for kind, spans in (("mention", _mention_spans(text)), ("bot_command", _command_spans(text))):
        for start, end in spans:
            offset = utf16_len(text[:start])
            length = utf16_len(text[start:end])
            if any(offset < stop and begin < offset + length for begin, stop in solid):
                continue
            found.append({"offset": offset, "length": length, "type": kind})
    return sort_entities(found)


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities in Telegram's order: by offset, the longer (outer) one first."""
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading and trailing whitespace as Telegram does, moving and clipping entities to match."""
    stripped = text.strip(_TRIMMED)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_TRIMMED))])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def checked_link(url: str) -> str | None:
    """The URL Telegram would keep for a link, or None where it silently drops the link."""
    url = url.strip()
    if not url or any(c in url for c in _TRIMMED):
        return None
    scheme, sep, _ = url.partition(":")
    if not sep or not scheme.isalpha():
        return "http://" + url
    return url if scheme.lower() in _LINK_SCHEMES else None
