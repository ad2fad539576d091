"""A Telegram Bot API server on 127.0.0.1 for tests: the bot talks HTTP to it, tests drive it from Python."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any

from tests.botapi import faults, inject, record, transport
from tests.botapi.state import ApiCall, ApiChat, ApiUser, ChatRef, State, UserRef, Webhook
from tests.botapi.validate import scope_key
from tests.botapi.webhook import Deliverer


class BotApiServer:
    """A fake Telegram: Bot API over HTTP for the bot, a typed control API for the tests.

    ApplicationBuilder().token(server.token).base_url(server.base_url).base_file_url(server.base_file_url)
    points a PTB bot at it. Telegram objects (messages, updates, queries) are returned as the Bot API's
    JSON dicts; users, chats and recorded calls are frozen dataclasses. A bot that calls setWebhook gets
    its updates POSTed to that URL instead of through getUpdates (see tests.botapi.webhook).
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "citebot_test_bot",
        bot_name: str = "Citebot Test",
        host: str = "127.0.0.1",
        port: int = 0,
        privacy_mode: bool = True,
        strict_html: bool = True,
    ) -> None:
        self.token = token
        self.bot_user = ApiUser(int(token.split(":")[0]), bot_name, bot_username, is_bot=True)
        self.state = State(self.bot_user, privacy_mode, strict_html)
        self._address = (host, port)
        self._http: tuple[Any, Any] | None = None
        self._deliverer: Deliverer | None = None

    # -- lifecycle

    def start(self) -> BotApiServer:
        """Bind (port 0 picks a free one) and serve in a daemon thread."""
        if self._http is None:
            self._http = transport.serve(self, *self._address)
            self._deliverer = Deliverer(self)
            self._deliverer.start()
        return self

    def stop(self) -> None:
        """End long polls, close connections and free the port."""
        if self._http is not None:
            if self._deliverer is not None:
                self._deliverer.stop()
                self._deliverer = None
            with self.state.cond:
                self.state.closed = True
                self.state.cond.notify_all()
            transport.halt(*self._http)
            self._http = None

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:41234; the control API lives under /test/."""
        if self._http is None:
            raise RuntimeError("the server is not started")
        host, port = self._http[0].server_address[:2]
        return f"http://{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def reset(self) -> None:
        """Forget users, chats, messages, updates, calls and faults (between tests on a shared server)."""
        old = self.state
        self.state = State(self.bot_user, old.privacy_mode, old.strict_html)
        with old.cond:
            old.closed = True  # a poll waiting on the old state returns at once and polls the new one
            old.cond.notify_all()

    # -- users and chats

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        username: str | None = None,
        is_bot: bool = False,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> ApiUser:
        created = ApiUser(user_id, first_name, username, is_bot, last_name, language_code)
        with self.state.cond:
            self.state.users[user_id] = created
        return created

    def _add_chat(self, chat: ApiChat) -> ApiChat:
        with self.state.cond:
            self.state.chats[chat.id] = chat
        return chat

    def private_chat(self, user: UserRef) -> ApiChat:
        """The user's private chat with the bot (its id is the user's id)."""
        with self.state.cond:
            person = inject.resolve_user(self.state, user)
        return self._add_chat(ApiChat(person.id, "private", None, person.username, person.first_name, person.last_name))

    def group(
        self,
        chat_id: int,
        title: str,
        type: str = "supergroup",
        admins: tuple[int, ...] | list[int] = (),
        username: str | None = None,
        linked_chat_id: int | None = None,
    ) -> ApiChat:
        """A group or supergroup; put server.bot_user.id in `admins` to let the bot see every message."""
        if type not in ("group", "supergroup"):
            raise ValueError(f"a group's type is 'group' or 'supergroup', not {type!r}")
        return self._add_chat(ApiChat(chat_id, type, title, username, None, None, linked_chat_id, tuple(admins)))

    def channel(
        self,
        chat_id: int,
        title: str,
        username: str | None = None,
        linked_chat_id: int | None = None,
        admins: tuple[int, ...] | list[int] = (),
    ) -> ApiChat:
        """A channel; the bot is one of its admins, as it must be to see posts there."""
        members = (self.bot_user.id, *admins)
        return self._add_chat(ApiChat(chat_id, "channel", title, username, None, None, linked_chat_id, members))

    def block(self, user: UserRef) -> None:
        """The user blocks the bot: sending to their private chat answers 403 from now on."""
        with self.state.cond:
            self.state.blocked.add(inject.resolve_user(self.state, user).id)

    # -- what users do (each returns the Bot API object it created)

    def send_text(self, chat: ChatRef, user: UserRef, text: str, reply_to: int | None = None) -> dict[str, Any]:
        return inject.send_text(self.state, chat, user, text, reply_to)

    def send_document(
        self,
        chat: ChatRef,
        user: UserRef,
        filename: str,
        content: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        return inject.send_document(self.state, chat, user, filename, content, caption, mime_type)

    def send_photo(
        self, chat: ChatRef, user: UserRef, content: bytes = b"\xff\xd8\xff\xd9", caption: str | None = None
    ) -> dict[str, Any]:
        return inject.send_photo(self.state, chat, user, content, caption)

    def send_sticker(self, chat: ChatRef, user: UserRef, emoji: str = "👍") -> dict[str, Any]:
        return inject.send_sticker(self.state, chat, user, emoji)

    def edit_text(self, chat: ChatRef, message_id: int, new_text: str) -> dict[str, Any]:
        return inject.edit_text(self.state, chat, message_id, new_text)

    def channel_post(self, channel: ChatRef, text: str) -> dict[str, Any]:
        return inject.send_text(self.state, channel, None, text)

    def edit_channel_post(self, channel: ChatRef, message_id: int, new_text: str) -> dict[str, Any]:
        return inject.edit_text(self.state, channel, message_id, new_text)

    def press_button(self, chat: ChatRef, user: UserRef, message_id: int, data: str) -> dict[str, Any]:
        return inject.press_button(self.state, chat, user, message_id, data)

    def inline_query(self, user: UserRef, query: str, offset: str = "") -> dict[str, Any]:
        return inject.inline_query(self.state, user, query, offset)

    # -- what the bot did

    def mark(self) -> int:
        """A position in the call record: pass it as `since=` to look only at later calls."""
        with self.state.cond:
            return len(self.state.calls)

    def sent(
        self, chat_id: ChatRef | None = None, method: str | None = None, include_failed: bool = False, since: int = 0
    ) -> list[ApiCall]:
        """Calls the bot made (getUpdates aside), oldest first; only successful ones unless asked."""
        return record.select(self.state, chat_id, method, include_failed, since)

    def wait_sent(
        self, chat_id: ChatRef | None, count: int = 1, timeout: float = 10.0, method: str | None = "sendMessage",
        since: int = 0,
    ) -> list[ApiCall]:  # fmt: skip
        """Block until `count` successful matching calls exist (chat_id None: any chat); AssertionError
        listing the calls that did come otherwise. Returns the matching calls, oldest first."""
        return record.wait(self.state, chat_id, count, timeout, method, since)

    async def wait_sent_async(
        self, chat_id: ChatRef | None, count: int = 1, seconds: float = 10.0, method: str | None = "sendMessage",
        since: int = 0,
    ) -> list[ApiCall]:  # fmt: skip
        """wait_sent for async tests: the event loop (and a bot running on it) keeps going meanwhile."""
        return await asyncio.to_thread(record.wait, self.state, chat_id, count, seconds, method, since)

    def answers_to_callback(self, callback_query_id: str | None = None) -> list[ApiCall]:
        """answerCallbackQuery calls, refused ones included, for one query id or all."""
        calls = self.sent(method="answerCallbackQuery", include_failed=True)
        return [c for c in calls if callback_query_id in (None, str(c.params.get("callback_query_id")))]

    def inline_answers(self, query_id: str) -> list[dict[str, Any]] | None:
        """The results the bot answered inline query `query_id` with, or None if it has not answered."""
        for call in self.sent(method="answerInlineQuery"):
            if str(call.params.get("inline_query_id")) == query_id:
                return list(call.params.get("results") or [])
        return None

    def commands(self, scope: dict[str, Any] | str | None = None, language_code: str = "") -> list[dict[str, str]]:
        """The bot's commands for a scope: a BotCommandScope dict, its type name, or None for default."""
        scope_dict = {"type": scope} if isinstance(scope, str) else scope
        with self.state.cond:
            return list(self.state.commands.get(scope_key(scope_dict, language_code), []))

    def message(self, chat_id: ChatRef, message_id: int) -> dict[str, Any] | None:
        """A message as it is now (after edits), or None if it does not exist (any more)."""
        with self.state.cond:
            return self.state.message(record.chat_id_of(chat_id), message_id)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet (by a later getUpdates offset)."""
        with self.state.cond:
            return list(self.state.updates)

    @property
    def polls(self) -> int:
        """getUpdates calls so far, faulted ones included."""
        return self.state.polls

    def stats(self) -> dict[str, int]:
        """Counts for a benchmark or a failing test: polls, calls, unconfirmed and filtered-out updates."""
        state = self.state
        with state.cond:
            return {"polls": state.polls, "calls": len(state.calls), "pending_updates": len(state.updates),
                    "dropped_updates": state.dropped_updates}  # fmt: skip

    def webhook(self) -> Webhook | None:
        """The webhook the bot set (url and secret_token), or None while it polls."""
        with self.state.cond:
            return self.state.webhook

    # -- faults

    def fail_next(
        self, method: str, count: int = 1, status: int | None = None, retry_after: int | None = None,
        delay: float | None = None, drop: bool = False,
    ) -> None:  # fmt: skip
        """Answer the next `count` calls of `method` (getUpdates too) with a fault instead.

        status 500/502/503/504, or 429 with parameters.retry_after (`retry_after` alone implies 429,
        default 1 s): the call is refused and has no effect. delay: the call takes effect at once and its
        answer comes `delay` seconds late (what a client timeout meets). drop: the connection closes with
        no answer and the call has no effect.
        """
        faults.plan(self.state, method, count, status, retry_after, delay, drop)

    def pending_faults(self, method: str) -> int:
        """Faults planned for `method` that no call has met yet."""
        with self.state.cond:
            return len(self.state.faults.get(method.lower(), ()))

    def wait_faults(self, method: str, left: int = 0, timeout: float = 10.0) -> None:
        """Block until calls of `method` have met all but `left` of its planned faults; AssertionError if not."""
        state = self.state
        with state.cond:
            if not state.cond.wait_for(lambda: len(state.faults.get(method.lower(), ())) <= left, timeout):
                raise AssertionError(f"{method} met too few of its faults within {timeout}s")

    def cut_polls(self, timeout: float = 10.0) -> int:
        """Close the connection of every getUpdates waiting now, unanswered: the network failing mid-poll.

        Waits up to `timeout` seconds for a poll to be waiting; returns how many were cut.
        """
        if self._http is None:
            raise RuntimeError("the server is not started")
        return transport.cut_polls(self._http[0], timeout)


def start_server(**options: Any) -> BotApiServer:
    """Create and start a BotApiServer (options as for BotApiServer); call .stop() when done."""
    return BotApiServer(**options).start()
