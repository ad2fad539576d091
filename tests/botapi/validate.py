"""Check what a bot sends the way Telegram does, raising the Bot API error Telegram would answer."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.botapi.html_check import HtmlError, parse_html
from tests.botapi.texts import auto_entities, checked_link, sort_entities, trim, utf16_len

MAX_TEXT = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH
MAX_CAPTION = 1024  # telegram.constants.MessageLimit.CAPTION_LENGTH
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# fmt: off
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game",
    "pay",
)
# fmt: on
_SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional response parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """The 400 answer Telegram gives for `reason`."""
    return ApiError(400, f"Bad Request: {reason}")


def forbidden(reason: str) -> ApiError:
    """The 403 answer Telegram gives for `reason`."""
    return ApiError(403, f"Forbidden: {reason}")


def as_json(value: Any, what: str) -> Any:
    """A parameter that arrives JSON-encoded in form data, or already decoded in a JSON body."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {what} JSON object") from None
    return value


def formatted_text(
    params: dict[str, Any],
    text_key: str = "text",
    entities_key: str = "entities",
    caption: bool = False,
    strict: bool = True,
) -> tuple[str, list[dict[str, Any]]]:
    """Text and entities of a message as Telegram stores them: parsed, trimmed, measured."""
    raw = params.get(text_key)
    raw = "" if raw is None else str(raw)
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html":
        try:
            text, entities = parse_html(raw, strict)
        except HtmlError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode:
        known = mode in ("markdown", "markdownv2")
        raise bad_request(f"the test server parses HTML only, not {mode}" if known else "unsupported parse_mode")
    else:
        text, entities = raw, list(as_json(params.get(entities_key) or [], "entities"))
    text, entities = trim(text, entities)
    limit, kind = (MAX_CAPTION, "message caption") if caption else (MAX_TEXT, "message")
    if not text and not caption:
        raise bad_request("message text is empty")
    if utf16_len(text) > limit:
        raise bad_request(f"{kind} is too long")
    return text, sort_entities(entities + auto_entities(text, entities))


def reply_markup(value: Any) -> dict[str, Any] | None:
    """The reply_markup parameter, checked; None when absent."""
    if value in (None, ""):
        return None
    markup = as_json(value, "reply keyboard markup")
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards, removals and force-replies carry nothing to check here
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    buttons = [button for row in rows for button in row]
    if len(buttons) > 100:
        raise bad_request("REPLY_MARKUP_TOO_LONG")
    for button in buttons:
        actions = [key for key in _BUTTON_ACTIONS if key in button]
        if not actions:
            raise bad_request("text buttons are unallowed in the inline keyboard")
        if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button and checked_link(str(button["url"])) is None:
            raise bad_request("BUTTON_URL_INVALID")
    return markup


def commands(value: Any) -> list[dict[str, str]]:
    """The commands of setMyCommands, checked like Telegram: names [a-z0-9_]{1,32}, descriptions 1-256."""
    items = as_json(value, "commands")
    if not isinstance(items, list):
        raise bad_request("can't parse commands JSON object")
    if len(items) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    checked = []
    for item in items:
        name, description = str(item.get("command", "")), str(item.get("description", ""))
        if not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        checked.append({"command": name, "description": description})
    return checked


def scope_key(value: Any, language_code: Any = None) -> str:
    """A canonical key for a BotCommandScope plus language, so equal scopes share their commands."""
    scope = as_json(value, "BotCommandScope") if value not in (None, "") else {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    fields = {"type": scope["type"], **{key: scope.get(key) for key in _SCOPES[scope["type"]]}}
    return json.dumps([fields, str(language_code or "")], sort_keys=True)


def inline_results(value: Any, strict: bool = True) -> list[dict[str, Any]]:
    """Results of answerInlineQuery: at most 50, unique ids of 1-64 bytes, message texts valid."""
    results = as_json(value, "inline query results")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        result_id = str(result.get("id", ""))
        if not 1 <= len(result_id.encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        content = result.get("input_message_content") or {}
        if "message_text" in content:
            formatted_text(content, "message_text", strict=strict)
        if result.get("type") == "article" and not result.get("title"):
            raise bad_request("RESULT_TITLE_EMPTY")
        reply_markup(result.get("reply_markup"))
    return results
