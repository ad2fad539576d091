"""Parse Telegram's HTML formatting into plain text and entities, failing where Telegram fails.

The rules and error messages follow Telegram's own parser (tdlib's parse_html). With `strict=True`
(the default) three things Telegram quietly tolerates fail too, because in a bot they are bugs:
an `&` or `>` that is not escaped (Telegram's docs require it; a missing `html.escape` shows up
here before a user's `<` breaks a reply), a named entity without its `;`, and entities nested
where Telegram silently drops them (anything inside code or pre, a quote in a quote, a link in a link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.botapi.texts import checked_link, sort_entities, utf16_len

_KINDS = {"bold": "b strong", "italic": "i em", "underline": "u ins", "strikethrough": "s strike del",
          "spoiler": "tg-spoiler span"}  # fmt: skip
_SIMPLE = {tag: kind for kind, tags in _KINDS.items() for tag in tags.split()}
_TAGS = frozenset({*_SIMPLE, "a", "code", "pre", "blockquote", "tg-emoji"})
_SPECIAL = re.compile(r"[&<>]")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]*|#[0-9]*|[A-Za-z]*)(;?)")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\n\r\f\v"
_TOKEN = re.compile(r"[A-Za-z0-9.-]*")


class HtmlError(ValueError):
    """HTML Telegram refuses; the message is what follows "can't parse entities: "."""


@dataclass(slots=True)
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the plain text where the tag's content starts
    start: int  # index in the output pieces, to read a link's own text
    byte_pos: int
    expandable: bool = False


def parse_html(html: str, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and its entities (Bot API dicts, UTF-16 offsets) for Telegram-HTML `html`."""
    return _Parser(html, strict).run()


def _decode_entity(text: str, i: int, need_semicolon: bool) -> tuple[str | None, int]:
    """The character an HTML entity at text[i] stands for and where it ends; None if it is no entity."""
    match = _ENTITY.match(text, i)
    body, semicolon = match.group(1), match.group(2)
    if need_semicolon and not semicolon:
        return None, i
    if not body.startswith("#"):
        return (_NAMED[body], match.end()) if body in _NAMED else (None, i)
    digits = body[2:] if body.startswith("#x") else body[1:]
    if not digits or len(body) + 1 >= 10:  # Telegram reads at most 7 digits
        return None, i
    code = int(digits, 16 if body.startswith("#x") else 10)
    if code == 0 or code >= 0x10FFFF:
        return None, i
    if 0xD800 <= code <= 0xDFFF:
        raise HtmlError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        )
    return chr(code), match.end()


def _decode_attribute(raw: str) -> str:
    out, i = [], 0
    while (amp := raw.find("&", i)) != -1:
        decoded, end = _decode_entity(raw, amp, False)
        out += [raw[i:amp], decoded or "&"]
        i = end if decoded else amp + 1
    return "".join([*out, raw[i:]])


class _Parser:
    def __init__(self, html: str, strict: bool) -> None:
        self.html, self.size, self.strict = html, len(html), strict
        self.pieces: list[str] = []
        self.offset = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def fail(self, message: str) -> None:
        raise HtmlError(message)

    def byte(self, index: int) -> int:
        return len(self.html[:index].encode("utf-8", "surrogatepass"))

    def emit(self, text: str) -> None:
        self.pieces.append(text)
        self.offset += utf16_len(text)

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        html, i = self.html, 0
        while i < self.size:
            match = _SPECIAL.search(html, i)
            stop = match.start() if match else self.size
            if stop > i:
                self.emit(html[i:stop])
                i = stop
            if match is None:
                break
            char = html[i]
            if char == "&":
                decoded, end = _decode_entity(html, i, self.strict)
                if decoded is None and self.strict:
                    self.fail(f'Unescaped "&" at byte offset {self.byte(i)}: write "&amp;"')
                self.emit(decoded or "&")
                i = end if decoded else i + 1
            elif char == ">":
                if self.strict:
                    self.fail(f'Unescaped ">" at byte offset {self.byte(i)}: write "&gt;"')
                self.emit(">")
                i += 1
            elif html.startswith("</", i):
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            self.fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)  # only pre carries a language
        return "".join(self.pieces), sort_entities(self.entities)

    def skip_spaces(self, j: int) -> int:
        while j < self.size and self.html[j] in _SPACES:
            j += 1
        return j

    def start_tag(self, begin: int) -> int:
        html, j = self.html, begin + 1
        while j < self.size and html[j] not in _SPACES and html[j] != ">":
            j += 1
        if j >= self.size:
            self.fail(f"Unclosed start tag at byte offset {self.byte(begin)}")
        tag = html[begin + 1 : j].lower()
        if tag not in _TAGS:
            self.fail(f'Unsupported start tag "{tag}" at byte offset {self.byte(begin)}')
        opened = _Open(tag, "", self.offset, len(self.pieces), self.byte(begin))
        while True:
            j = self.skip_spaces(j)
            if j >= self.size:
                self.fail(f'Unclosed start tag "{tag}" at byte offset {opened.byte_pos}')
            if html[j] == ">":
                break
            j = self.attribute(opened, j)
        if tag == "span" and opened.argument != "spoiler":
            self.fail(f'Tag "span" must have class "tg-spoiler" at byte offset {opened.byte_pos}')
        if self.strict:
            self.check_nesting(opened)
        self.stack.append(opened)
        return j + 1

    def attribute(self, opened: _Open, j: int) -> int:
        html, tag, name_start = self.html, opened.tag, j
        while j < self.size and html[j] not in _SPACES and html[j] not in "=>":
            j += 1
        name = html[name_start:j]
        if not name:
            self.fail(f'Empty attribute name in the tag "{tag}" at byte offset {opened.byte_pos}')
        j = self.skip_spaces(j)
        if j >= self.size or html[j] != "=":
            if tag == "blockquote" and name == "expandable":
                opened.expandable = True
                return j
            self.fail(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {opened.byte_pos}"
            )
        j = self.skip_spaces(j + 1)
        if j >= self.size:
            self.fail(f'Unclosed start tag "{tag}" at byte offset {opened.byte_pos}')
        if html[j] in "\"'":
            close = html.find(html[j], j + 1)
            end = close if close != -1 else self.size
            value = _decode_attribute(html[j + 1 : end])
            j = end + 1 if close != -1 else end
        else:
            token_end = _TOKEN.match(html, j).end()
            value = html[j:token_end].lower()
            if token_end < self.size and html[token_end] not in _SPACES and html[token_end] != ">":
                self.fail(f"Unexpected end of name token at byte offset {self.byte(j)}")
            j = token_end
        if j >= self.size:
            self.fail(f"Unclosed start tag at byte offset {opened.byte_pos}")
        if (tag, name) in (("a", "href"), ("tg-emoji", "emoji-id")):
            opened.argument = value
        elif (tag, name) == ("code", "class") and value.startswith("language-"):
            opened.argument = value[len("language-") :]
        elif (tag, name) == ("span", "class") and value.startswith("tg-"):
            opened.argument = value[len("tg-") :]
        return j

    def check_nesting(self, opened: _Open) -> None:
        for parent in self.stack:
            code_in_pre = (
                parent.tag == "pre"
                and opened.tag == "code"
                and parent is self.stack[-1]
                and parent.offset == self.offset
            )
            clash = (
                (parent.tag in ("code", "pre") and not code_in_pre)
                or (parent.tag == opened.tag == "blockquote")
                or (parent.tag == opened.tag == "a")
            )
            if clash:
                self.fail(f'Tag "{opened.tag}" can\'t be nested in "{parent.tag}" at byte offset {opened.byte_pos}')

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            self.fail(f"Unexpected end tag at byte offset {self.byte(begin)}")
        html, j = self.html, begin + 2
        while j < self.size and html[j] not in _SPACES and html[j] != ">":
            j += 1
        name = html[begin + 2 : j].lower()
        j = self.skip_spaces(j)
        if j >= self.size or html[j] != ">":
            self.fail(f"Unclosed end tag at byte offset {self.byte(begin)}")
        top = self.stack[-1]
        if name and name != top.tag:
            self.fail(
                f'Unmatched end tag at byte offset {self.byte(begin)}, expected "</{top.tag}>", found "</{name}>"'
            )
        self.stack.pop()
        self.close(top)
        return j + 1

    def close(self, top: _Open) -> None:
        length = self.offset - top.offset
        if length <= 0:
            return
        entity: dict[str, Any] = {"offset": top.offset, "length": length}
        if top.tag in _SIMPLE:
            entity["type"] = _SIMPLE[top.tag]
        elif top.tag == "tg-emoji":
            if not top.argument.isdigit() or int(top.argument) == 0:
                self.fail("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=top.argument)
        elif top.tag == "a":
            url = top.argument or "".join(self.pieces[top.start :])
            user = re.fullmatch(r"tg://user\?id=(\d+)", url)
            if user:
                entity.update(type="text_mention", user={"id": int(user.group(1))})
            elif (checked := checked_link(url)) is not None:
                entity.update(type="text_link", url=checked)
            else:
                return  # Telegram drops links it cannot use and keeps their text
        elif top.tag == "code":
            entity.update(type="code", language=top.argument)
        elif top.tag == "pre":
            inner = self.entities[-1] if self.entities else {}
            holds_code = inner.get("type") == "code" and inner["offset"] >= top.offset
            if holds_code and inner["length"] == length:  # <pre><code class="language-x">: one entity
                self.entities.pop()
                entity.update({"language": inner["language"]} if inner["language"] else {})
            elif holds_code and self.strict:
                self.fail(f'Tag "code" must hold all of "pre" at byte offset {top.byte_pos}')
            entity["type"] = "pre"
        else:
            entity["type"] = "expandable_blockquote" if top.expandable else "blockquote"
        self.entities.append(entity)
