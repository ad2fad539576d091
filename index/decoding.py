"""Reading articles, step one: bytes to text, refusing binary and wrongly encoded files clearly."""

from __future__ import annotations

import codecs
import re

from index.errors import ArticleError

BINARY = "binary content, not text"
NOT_UTF8 = "not UTF-8 text: save it as UTF-8 and add it again"

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls and DEL, except tab, line feed, form feed and carriage return, which text files use.
_CONTROLS = dict.fromkeys([*range(0, 9), 11, *range(14, 32), 127])
_MAX_CONTROL_SHARE = 0.01
# cp1252 is trusted only for mostly-ASCII text (English, French, German...): Cyrillic or CJK bytes
# read as cp1252 are all accented letters, which would index as gibberish.
_MAX_NON_ASCII_SHARE = 0.2
# A lead byte and a continuation byte: the file is UTF-8 with damage, not cp1252.
_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def decode_text(name: str, data: bytes) -> str:
    """Text of a file: a BOM's encoding, else UTF-8, else plausible cp1252; newlines as '\\n'."""
    text = _decode_declared(name, data)
    if text is None:
        text = _decode_cp1252(name, data)
        refuse_controls(name, text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_html(name: str, data: bytes) -> str | bytes:
    """HTML as text when a BOM or UTF-8 says how; otherwise the bytes, for the page's own charset."""
    text = _decode_declared(name, data)
    # A page may declare windows-1251 or Shift_JIS in a <meta charset>: trafilatura reads it from the bytes.
    return data if text is None else text


def _decode_declared(name: str, data: bytes) -> str | None:
    """Text by its BOM, else as UTF-8; None when it is neither. Binary data is refused either way."""
    text = _decode_bom(name, data)
    if text is None:
        refuse_nul(name, data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    refuse_controls(name, text)
    return text


def refuse_nul(name: str, data: bytes) -> None:
    """Raise for NUL bytes: text never has them, and compressed or executable files do."""
    if b"\x00" in data:
        raise ArticleError(name, BINARY)


def refuse_controls(name: str, text: str) -> None:
    """Raise when control characters are more than a trace: binary bytes that happened to decode."""
    controls = len(text) - len(text.translate(_CONTROLS))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise ArticleError(name, BINARY)


def _decode_bom(name: str, data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError:
                raise ArticleError(name, f"broken {encoding.upper()} text") from None
    return None


def _decode_cp1252(name: str, data: bytes) -> str:
    if _UTF8_PAIR.search(data):
        raise ArticleError(name, NOT_UTF8)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # five byte values have no cp1252 character
        raise ArticleError(name, NOT_UTF8) from None
    letters = len(text) - text.count(" ") - text.count("\n")
    if len(_NON_ASCII.findall(text)) > _MAX_NON_ASCII_SHARE * max(letters, 1):
        raise ArticleError(name, NOT_UTF8)
    return text
