"""Bot API dispatch, plus the methods about the bot itself, updates, chats and files."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import islice
from typing import Any

from tests.botapi import messages, webhook
from tests.botapi.messages import Params
from tests.botapi.state import ApiChat, State
from tests.botapi.validate import ApiError, as_json, bad_request, commands, scope_key

CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
# fmt: off
_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)
# fmt: on
_NO_GIFTS = dict.fromkeys(
    ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False
)


def get_me(state: State, params: Params) -> Params:
    return {
        **state.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def get_updates(state: State, params: Params) -> list[Params]:
    offset = int(params.get("offset") or 0)
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0.0)
    with state.cond:
        state.polls += 1
        webhook.refuse_polling(state)
        state.poller += 1
        me = state.poller
        state.cond.notify_all()  # an older poll still waiting now ends with a conflict
        if params.get("allowed_updates") is not None:
            kinds = as_json(params["allowed_updates"], "allowed updates")
            state.allowed_updates = frozenset(kinds) if kinds else None
        queue = state.updates
        # Confirmed updates are forgotten for good; a negative offset keeps only the last -offset.
        while queue and offset > 0 and queue[0]["update_id"] < offset:
            queue.popleft()
        while offset < 0 and len(queue) > -offset:
            queue.popleft()
        while not queue and not state.closed and (remaining := deadline - time.monotonic()) > 0:
            state.cond.wait(remaining)
            if state.poller != me:
                raise ApiError(409, CONFLICT)
            webhook.refuse_polling(state)
        return list(islice(queue, limit))


def _scope(state: State, params: Params) -> str:
    scope = as_json(params.get("scope") or {"type": "default"}, "BotCommandScope")
    if isinstance(scope, dict) and "chat_id" in scope:
        state.chat(scope["chat_id"])
    return scope_key(scope, params.get("language_code"))


def set_my_commands(state: State, params: Params) -> bool:
    with state.cond:
        state.commands[_scope(state, params)] = commands(params.get("commands"))
        return True


def delete_my_commands(state: State, params: Params) -> bool:
    with state.cond:
        state.commands.pop(_scope(state, params), None)
        return True


def get_my_commands(state: State, params: Params) -> list[Params]:
    with state.cond:
        return list(state.commands.get(_scope(state, params), []))


def _member(state: State, chat: ApiChat, user_id: Any) -> Params:
    uid = int(user_id)
    user = state.bot if uid == state.bot.id else state.users.get(uid)
    if user is None:
        raise bad_request("user not found")
    if uid in chat.admins and chat.type != "private":
        rights = dict.fromkeys(_ADMIN_RIGHTS, True)
        channel = chat.type == "channel"
        extra = {"can_post_messages": True, "can_edit_messages": True} if channel else {"can_pin_messages": True}
        return {
            "status": "administrator",
            "user": user.to_api(),
            "can_be_edited": False,
            "is_anonymous": False,
            "can_promote_members": False,
            **rights,
            **extra,
        }
    present = chat.type == "private" or uid == state.bot.id or uid in state.members.get(chat.id, ())
    return {"status": "member" if present else "left", "user": user.to_api()}


def get_chat(state: State, params: Params) -> Params:
    with state.cond:
        chat = state.chat(params.get("chat_id"))
        info = {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": dict(_NO_GIFTS)}
        if chat.linked_chat_id is not None:
            info["linked_chat_id"] = chat.linked_chat_id
        return info


def get_chat_administrators(state: State, params: Params) -> list[Params]:
    with state.cond:
        chat = state.chat(params.get("chat_id"))
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [_member(state, chat, admin) for admin in chat.admins]


def get_chat_member(state: State, params: Params) -> Params:
    with state.cond:
        return _member(state, state.chat(params.get("chat_id")), params.get("user_id"))


def get_file(state: State, params: Params) -> Params:
    with state.cond:
        stored = state.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > 20 * 1024 * 1024:
            raise bad_request("file is too big")  # the cloud Bot API serves files up to 20 MB
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }


def _setter(key: str) -> Callable[[State, Params], bool]:
    def set_text(state: State, params: Params) -> bool:
        with state.cond:
            state.texts[f"{key}:{params.get('language_code') or ''}"] = str(params.get(key) or "")
            return True

    return set_text


def _getter(key: str) -> Callable[[State, Params], Params]:
    def get_text(state: State, params: Params) -> Params:
        with state.cond:
            return {key: state.texts.get(f"{key}:{params.get('language_code') or ''}", "")}

    return get_text


def _accept(state: State, params: Params) -> bool:
    return True


METHODS: dict[str, Callable[[State, Params], Any]] = {
    name.lower(): handler
    for name, handler in {
        "getMe": get_me,
        "getUpdates": get_updates,
        "setWebhook": webhook.set_webhook,
        "deleteWebhook": webhook.delete_webhook,
        "getWebhookInfo": webhook.get_webhook_info,
        "setMyCommands": set_my_commands,
        "deleteMyCommands": delete_my_commands,
        "getMyCommands": get_my_commands,
        "getChat": get_chat,
        "getChatAdministrators": get_chat_administrators,
        "getChatMember": get_chat_member,
        "getFile": get_file,
        "setMyDescription": _setter("description"),
        "getMyDescription": _getter("description"),
        "setMyShortDescription": _setter("short_description"),
        "getMyShortDescription": _getter("short_description"),
        "setMyName": _setter("name"),
        "getMyName": _getter("name"),
        "close": _accept,
        "logOut": _accept,
        "sendMessage": messages.send_message,
        "editMessageText": messages.edit_message_text,
        "editMessageReplyMarkup": messages.edit_message_reply_markup,
        "deleteMessage": messages.delete_message,
        "answerCallbackQuery": messages.answer_callback_query,
        "answerInlineQuery": messages.answer_inline_query,
        "sendChatAction": messages.send_chat_action,
    }.items()
}


def call(state: State, method: str, params: Params) -> Any:
    """Run one Bot API method (names are case-insensitive, as Telegram's) and record it.

    Raises ApiError with Telegram's answer when the call is refused. getUpdates is counted in
    `state.polls` rather than recorded: a polling bot makes thousands of them.
    """
    handler = METHODS.get(method.lower())
    try:
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        result = handler(state, params)
    except ApiError as error:
        if handler is not get_updates:
            with state.cond:
                state.record(method, params, None, error.description, params.get("chat_id"))
        raise
    if handler is not get_updates:
        with state.cond:
            message = result if isinstance(result, dict) and "chat" in result else None
            state.record(method, params, result, None, message["chat"]["id"] if message else params.get("chat_id"))
    return result
