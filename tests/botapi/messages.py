"""Bot API methods that send, change or answer messages and queries."""

from __future__ import annotations

import copy
import time
from typing import Any

from tests.botapi.state import ApiChat, State
from tests.botapi.validate import as_json, bad_request, forbidden, formatted_text, inline_results, reply_markup

Params = dict[str, Any]
# fmt: off
_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
# fmt: on
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_OLD_QUERY = "query is too old and response timeout expired or query ID is invalid"


def truthy(value: Any) -> bool:
    """A boolean parameter, whether it came as JSON true or as form text "true"."""
    return value is True or str(value).lower() in ("true", "1")


def _message_text(state: State, params: Params, key: str = "text", caption: bool = False) -> Params:
    entities_key = "caption_entities" if caption else "entities"
    text, entities = formatted_text(params, key, entities_key, caption, state.strict_html)
    for entity in entities:
        if entity["type"] == "text_mention":
            user = state.users.get(entity["user"]["id"])
            entity["user"] = user.to_api() if user else {**entity["user"], "is_bot": False, "first_name": "?"}
    content: Params = {key: text} if text else {}
    if entities:
        content[entities_key] = entities
    return content


def _inline_markup(params: Params) -> Params:
    markup = reply_markup(params.get("reply_markup"))
    # Only inline keyboards belong to a message; reply keyboards live in the user's client.
    return {"reply_markup": markup} if markup and "inline_keyboard" in markup else {}


def _reply_to(state: State, chat: ApiChat, params: Params) -> int | None:
    reply = as_json(params.get("reply_parameters") or {}, "reply parameters")
    message_id = reply.get("message_id", params.get("reply_to_message_id"))
    if message_id is None:
        return None
    lenient = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply"))
    if state.message(chat.id, message_id) is None:
        if truthy(lenient):
            return None
        raise bad_request("message to be replied not found")
    return int(message_id)


def _target_chat(state: State, params: Params) -> ApiChat:
    chat = state.chat(params.get("chat_id"))
    if chat.id in state.blocked:
        raise forbidden("bot was blocked by the user")
    return chat


def send_message(state: State, params: Params) -> Params:
    with state.cond:
        chat = _target_chat(state, params)
        content = {**_message_text(state, params), **_inline_markup(params)}
        reply_to = _reply_to(state, chat, params)
        return state.add_message(chat, state.bot, content, reply_to, by_bot=True)


def _own_message(state: State, params: Params, action: str) -> tuple[ApiChat, Params]:
    chat = state.chat(params.get("chat_id"))
    message = state.message(chat.id, params.get("message_id"))
    if message is None:
        raise bad_request(f"message to {action} not found")
    if (chat.id, message["message_id"]) not in state.bot_messages:
        raise bad_request("message can't be edited")
    return chat, message


def _save_edit(state: State, chat: ApiChat, old: Params, new: Params) -> Params:
    if new == old:
        raise bad_request(_NOT_MODIFIED)
    new["edit_date"] = int(time.time())
    state.messages[chat.id][new["message_id"]] = new
    return copy.deepcopy(new)


def edit_message_text(state: State, params: Params) -> Params | bool:
    with state.cond:
        if params.get("inline_message_id"):
            _message_text(state, params)  # checked like any text, though no stored message changes
            _inline_markup(params)
            return True
        chat, old = _own_message(state, params, "edit")
        if "text" not in old:
            raise bad_request("there is no text in the message to edit")
        new = {k: v for k, v in old.items() if k not in ("text", "entities", "reply_markup", "edit_date")}
        new.update(_message_text(state, params), **_inline_markup(params))
        return _save_edit(state, chat, {k: v for k, v in old.items() if k != "edit_date"}, new)


def edit_message_reply_markup(state: State, params: Params) -> Params | bool:
    with state.cond:
        if params.get("inline_message_id"):
            _inline_markup(params)
            return True
        chat, old = _own_message(state, params, "edit")
        new = {k: v for k, v in old.items() if k not in ("reply_markup", "edit_date")}
        new.update(_inline_markup(params))
        return _save_edit(state, chat, {k: v for k, v in old.items() if k != "edit_date"}, new)


def delete_message(state: State, params: Params) -> bool:
    with state.cond:
        chat = state.chat(params.get("chat_id"))
        message = state.message(chat.id, params.get("message_id"))
        if message is None:
            raise bad_request("message to delete not found")
        mine = (chat.id, message["message_id"]) in state.bot_messages
        if not mine and chat.type != "private" and state.bot.id not in chat.admins:
            raise bad_request("message can't be deleted")
        del state.messages[chat.id][message["message_id"]]
        state.bot_messages.discard((chat.id, message["message_id"]))
        return True


def _answer_query(state: State, query_id: Any) -> None:
    if state.queries.get(str(query_id)) is not False:
        raise bad_request(_OLD_QUERY)  # unknown, or answered already: Telegram takes one answer
    state.queries[str(query_id)] = True


def answer_callback_query(state: State, params: Params) -> bool:
    with state.cond:
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        _answer_query(state, params.get("callback_query_id"))
        return True


def answer_inline_query(state: State, params: Params) -> bool:
    with state.cond:
        inline_results(params.get("results"), state.strict_html)
        _answer_query(state, params.get("inline_query_id"))
        return True


def send_chat_action(state: State, params: Params) -> bool:
    with state.cond:
        _target_chat(state, params)
        if params.get("action") not in _ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True
