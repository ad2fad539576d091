"""What users do, turned into updates: messages, documents, edits, channel posts, button presses, inline queries."""

from __future__ import annotations

import copy
import time
from typing import Any

from tests.botapi.state import ApiChat, ApiUser, ChatRef, State, UserRef
from tests.botapi.texts import auto_entities


def resolve_chat(state: State, chat: ChatRef) -> ApiChat:
    """The registered chat for an ApiChat or id; a test that names an unknown chat is a test bug."""
    chat_id = chat.id if isinstance(chat, ApiChat) else int(chat)
    if chat_id not in state.chats:
        raise LookupError(f"chat {chat_id} was never created: call private_chat(), group() or channel() first")
    return state.chats[chat_id]


def resolve_user(state: State, user: UserRef) -> ApiUser:
    """The registered user for an ApiUser or id."""
    user_id = user.id if isinstance(user, ApiUser) else int(user)
    if user_id not in state.users:
        raise LookupError(f"user {user_id} was never created: call user() first")
    return state.users[user_id]


def _text_content(text: str, key: str = "text") -> dict[str, Any]:
    content: dict[str, Any] = {key: text}
    entities = auto_entities(text)
    if entities:
        content["entities" if key == "text" else "caption_entities"] = entities
    return content


def _addressed_to_bot(state: State, message: dict[str, Any]) -> bool:
    """Privacy mode: a group message reaches the bot only when it is meant for it."""
    text = message.get("text", message.get("caption", ""))
    name = (state.bot.username or "").lower()
    for entity in message.get("entities", message.get("caption_entities", [])):
        units = text.encode("utf-16-le", "surrogatepass")
        word = units[2 * entity["offset"] : 2 * (entity["offset"] + entity["length"])]
        word = word.decode("utf-16-le", "surrogatepass").lower()
        if entity["type"] == "mention" and word == f"@{name}":
            return True
        if entity["type"] == "bot_command" and ("@" not in word or word.endswith(f"@{name}")):
            return True
    replied = message.get("reply_to_message")
    return replied is not None and (message["chat"]["id"], replied["message_id"]) in state.bot_messages


def post(state: State, chat: ChatRef, user: UserRef | None, content: dict[str, Any], reply_to: int | None) -> dict:
    """Store a message a user (or, for channels, the channel) sent and queue its update."""
    with state.cond:
        target = resolve_chat(state, chat)
        sender = resolve_user(state, user) if user is not None else None
        if target.type == "channel" and sender is not None:
            raise ValueError(f"chat {target.id} is a channel: use channel_post()")
        if target.type != "channel" and sender is None:
            raise ValueError(f"chat {target.id} is not a channel: a message needs a user")
        if target.type == "private" and sender is not None and sender.id != target.id:
            raise ValueError(f"user {sender.id} cannot write in the private chat of user {target.id}")
        message = state.add_message(target, sender, content, reply_to)
        filtered = target.type in ("group", "supergroup") and state.privacy_mode
        if filtered and state.bot.id not in target.admins and not _addressed_to_bot(state, message):
            state.dropped_updates += 1
            return message
        state.push_update("channel_post" if target.type == "channel" else "message", copy.deepcopy(message))
        return message


def send_text(state: State, chat: ChatRef, user: UserRef | None, text: str, reply_to: int | None = None) -> dict:
    return post(state, chat, user, _text_content(text), reply_to)


def send_document(
    state: State,
    chat: ChatRef,
    user: UserRef,
    filename: str,
    content: bytes,
    caption: str | None = None,
    mime_type: str | None = None,
) -> dict:
    with state.cond:
        stored = state.add_file(content, "documents", filename)
    document = {
        "file_name": filename,
        "mime_type": mime_type or "application/octet-stream",
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(content),
    }
    extra = _text_content(caption, "caption") if caption else {}
    return post(state, chat, user, {"document": document, **extra}, None)


def send_photo(state: State, chat: ChatRef, user: UserRef, content: bytes, caption: str | None = None) -> dict:
    with state.cond:
        stored = state.add_file(content, "photos", "photo.jpg")
    size = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(content),
        "width": 800,
        "height": 600,
    }
    extra = _text_content(caption, "caption") if caption else {}
    return post(state, chat, user, {"photo": [size], **extra}, None)


def send_sticker(state: State, chat: ChatRef, user: UserRef, emoji: str = "👍") -> dict:
    with state.cond:
        stored = state.add_file(b"RIFF\x00\x00\x00\x00WEBP", "stickers", "sticker.webp")
    sticker = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }
    return post(state, chat, user, {"sticker": sticker}, None)


def edit_text(state: State, chat: ChatRef, message_id: int, new_text: str) -> dict:
    """A user (or channel) edits a text message: queues edited_message or edited_channel_post."""
    with state.cond:
        target = resolve_chat(state, chat)
        old = state.message(target.id, message_id)
        if old is None or "text" not in old or (target.id, message_id) in state.bot_messages:
            raise LookupError(f"no text message {message_id} from a user in chat {target.id}")
        new = {k: v for k, v in old.items() if k not in ("text", "entities")}
        new.update(_text_content(new_text), edit_date=int(time.time()))
        state.messages[target.id][message_id] = new
        kind = "edited_channel_post" if target.type == "channel" else "edited_message"
        state.push_update(kind, copy.deepcopy(new))
        return copy.deepcopy(new)


def press_button(state: State, chat: ChatRef, user: UserRef, message_id: int, data: str) -> dict:
    """A user taps an inline button with callback_data `data` under a bot message."""
    with state.cond:
        target, presser = resolve_chat(state, chat), resolve_user(state, user)
        message = state.message(target.id, message_id)
        rows = (message or {}).get("reply_markup", {}).get("inline_keyboard", [])
        offered = [button.get("callback_data") for row in rows for button in row]
        if data not in offered:
            raise LookupError(f"message {message_id} in chat {target.id} has no button {data!r}; it has {offered}")
        query = {
            "id": state.new_id(""),
            "from": presser.to_api(),
            "message": copy.deepcopy(message),
            "chat_instance": str(-abs(target.id) * 7 - 1),
            "data": data,
        }
        state.queries[query["id"]] = False
        state.push_update("callback_query", query)
        return query


def inline_query(state: State, user: UserRef, query: str, offset: str = "", chat_type: str = "sender") -> dict:
    """A user types `@bot query` in some chat: queues an inline_query."""
    with state.cond:
        asking = resolve_user(state, user)
        update = {
            "id": state.new_id(""),
            "from": asking.to_api(),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        state.queries[update["id"]] = False
        state.push_update("inline_query", update)
        return update
