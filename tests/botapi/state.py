"""The fake Telegram's memory: users, chats, messages, files, the update queue and the call record."""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from tests.botapi.validate import bad_request

# Telegram sends these three only when asked for them in allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True, slots=True)
class ApiUser:
    """A Telegram user or bot as tests create it."""

    id: int
    first_name: str
    username: str | None = None
    is_bot: bool = False
    last_name: str | None = None
    language_code: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The Bot API User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key) is not None:
                user[key] = getattr(self, key)
        return user


@dataclass(frozen=True, slots=True)
class ApiChat:
    """A private chat, group, supergroup or channel as tests create it."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    linked_chat_id: int | None = None
    admins: tuple[int, ...] = ()

    def to_api(self) -> dict[str, Any]:
        """The Bot API Chat object, as it appears inside messages."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key) is not None:
                chat[key] = getattr(self, key)
        return chat


ChatRef = ApiChat | int  # where the control API takes a chat: the ApiChat or its id
UserRef = ApiUser | int


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API call the bot made (getUpdates aside), with what it was answered."""

    index: int  # position in the server's record, for `since=`
    method: str  # as the bot spelled it, e.g. "sendMessage"
    params: dict[str, Any]
    time: float  # time.time() when it was answered
    ok: bool
    result: Any  # the `result` of the answer, or None when it failed
    error: str | None  # the `description` of the answer when it failed
    chat_id: int | None  # the chat it addressed, resolved from chat_id or the message it touched

    @property
    def message(self) -> dict[str, Any] | None:
        """The Message the call created or changed, if it answered with one."""
        return self.result if isinstance(self.result, dict) and "message_id" in self.result else None

    @property
    def text(self) -> str | None:
        """The text (or caption) as Telegram stored it: tags parsed away; else the raw text parameter."""
        if self.message is not None:
            return self.message.get("text", self.message.get("caption"))
        return self.params.get("text")


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do instead of a normal answer: an error status, a late answer, or no answer at all."""

    status: int | None = None
    retry_after: int | None = None
    delay: float | None = None
    drop: bool = False


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where setWebhook asked updates to be POSTed, and the secret header that proves they come from us."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


@dataclass(slots=True)
class State:
    """Everything the fake Telegram knows. Hold `cond` while reading or changing any of it."""

    bot: ApiUser
    privacy_mode: bool = True  # in groups where the bot is no admin, it sees only what is meant for it
    strict_html: bool = True  # see html_check: fail on what Telegram tolerates but a bot should not send
    cond: threading.Condition = field(default_factory=lambda: threading.Condition(threading.RLock()))
    users: dict[int, ApiUser] = field(default_factory=dict)
    chats: dict[int, ApiChat] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)  # private chats whose user blocked the bot
    members: dict[int, set[int]] = field(default_factory=dict)  # who has spoken in each chat
    messages: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    last_ids: dict[int, int] = field(default_factory=dict)  # ids are never reused, even after a delete
    bot_messages: set[tuple[int, int]] = field(default_factory=set)
    files: dict[str, StoredFile] = field(default_factory=dict)
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    allowed_updates: frozenset[str] | None = None  # None: every type but OPT_IN_UPDATES
    dropped_updates: int = 0
    polls: int = 0
    poller: int = 0  # bumped by each getUpdates, so an older waiting one knows it was replaced
    calls: list[ApiCall] = field(default_factory=list)
    faults: dict[str, deque[Fault]] = field(default_factory=dict)
    queries: dict[str, bool] = field(default_factory=dict)  # callback and inline query ids -> answered
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # descriptions and names set by the bot
    webhook: Webhook | None = None  # while set, updates are POSTed there and getUpdates is refused
    webhook_error: tuple[int, str] | None = None  # (date, message) of the last failed delivery
    webhook_deliveries: int = 0
    closed: bool = False
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_id(self, prefix: str) -> str:
        """A fresh opaque id, shaped like Telegram's (a prefix and random characters)."""
        return f"{prefix}{next(self._ids)}{secrets.token_hex(4)}"

    def chat(self, chat_id: Any) -> ApiChat:
        """The chat a chat_id parameter names (an id or "@username"), or Telegram's 'chat not found'."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == chat_id[1:].lower():
                    return chat
        else:
            try:
                return self.chats[int(chat_id)]
            except (KeyError, TypeError, ValueError):
                pass
        raise bad_request("chat not found")

    def message(self, chat_id: int, message_id: Any) -> dict[str, Any] | None:
        """The current version of a message, or None if it never existed or was deleted."""
        try:
            return self.messages.get(chat_id, {}).get(int(message_id))
        except (TypeError, ValueError):
            return None

    def add_message(
        self,
        chat: ApiChat,
        sender: ApiUser | None,
        content: dict[str, Any],
        reply_to: int | None = None,
        by_bot: bool = False,
    ) -> dict[str, Any]:
        """Store a new message in `chat` with the next id there; channel posts carry sender_chat, not from."""
        message_id = self.last_ids.get(chat.id, 0) + 1
        message: dict[str, Any] = {"message_id": message_id}
        if chat.type == "channel" or sender is None:
            message["sender_chat"] = chat.to_api()
        else:
            message["from"] = sender.to_api()
            self.members.setdefault(chat.id, set()).add(sender.id)
        message.update(chat=chat.to_api(), date=int(time.time()))
        if reply_to is not None:
            replied = self.message(chat.id, reply_to)
            if replied is None:
                raise bad_request("message to be replied not found")
            # Telegram nests one level only: the quoted message has no reply_to_message of its own.
            message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        message.update(content)
        self.last_ids[chat.id] = message_id
        self.messages.setdefault(chat.id, {})[message_id] = message
        if by_bot:
            self.bot_messages.add((chat.id, message_id))
        return copy.deepcopy(message)

    def add_file(self, content: bytes, folder: str, name: str) -> StoredFile:
        """Keep uploaded or injected bytes so getFile and the file route can serve them."""
        file_id = self.new_id("BQACAgIAAxkBAAI")
        # Like Telegram's "documents/file_12.txt": the sender's file name (maybe "../../x.txt") stays out.
        suffix = PurePosixPath(name.replace("\\", "/")).suffix
        suffix = suffix if suffix[1:].isalnum() else ""
        stored = StoredFile(file_id, self.new_id("AgAD"), f"{folder}/file_{len(self.files)}{suffix}", content)
        self.files[file_id] = stored
        return stored

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update for getUpdates unless allowed_updates filters its kind out."""
        allowed = self.allowed_updates
        if (kind in OPT_IN_UPDATES) if allowed is None else (kind not in allowed):
            self.dropped_updates += 1
            return None
        update = {"update_id": next(self.update_ids), kind: payload}
        self.updates.append(update)
        self.cond.notify_all()
        return update

    def record(self, method: str, params: dict[str, Any], result: Any, error: str | None, chat_id: Any) -> None:
        """Add one answered call to the record and wake whoever waits for it."""
        chat = int(chat_id) if isinstance(chat_id, int | str) and str(chat_id).lstrip("-").isdigit() else None
        ok = error is None
        self.calls.append(ApiCall(len(self.calls), method, params, time.time(), ok, result, error, chat))
        self.cond.notify_all()

    def take_fault(self, method: str) -> Fault | None:
        """The next planned fault for `method` (lower-cased), consuming it."""
        planned = self.faults.get(method)
        if not planned:
            return None
        self.cond.notify_all()  # for wait_faults
        return planned.popleft()
