"""Bot test harness: the real Application polling a Bot API server on 127.0.0.1, with helpers to talk to it.

Use it from a test module with `pytest_plugins = ["tests.bot_harness"]`; the `run_bot` fixture starts the
bot on the test's event loop and stops it at the end, and `make_library` builds a library in tmp_path.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES, build_application
from bot.settings import Settings
from bot.telegram_main import webhook_options
from index import Library
from tests.botapi import ApiCall, ApiChat, ApiUser, BotApiServer

TOKEN = "987654321:AAF-test_token_for_citebot_0123456789"
BOT_USERNAME = "CiteTestBot"
_ids = itertools.count(1)


def fresh_id() -> int:
    """A number no other test in this run uses, for user and chat ids."""
    return next(_ids)


@dataclass
class RunningBot:
    """A started bot and the fake Telegram it talks to."""

    server: BotApiServer
    app: Application
    library: Library
    settings: Settings
    admin: ApiUser

    async def stop(self) -> None:
        """Stop polling and shut the application down, as a restart or deploy would."""
        await stop_app(self.app)

    @property
    def bot_id(self) -> int:
        return self.server.bot_user.id

    # Test modules read these here rather than importing this module: pytest must import it first,
    # as a plugin, to rewrite its asserts.
    username = BOT_USERNAME
    token = TOKEN

    @staticmethod
    def fresh_id() -> int:
        return fresh_id()

    def new_user(self, name: str = "User", *, user_id: int | None = None, is_bot: bool = False) -> ApiUser:
        user_id = user_id if user_id is not None else 10_000 + fresh_id()
        return self.server.user(user_id, name, username=f"{name.lower()}{user_id}", is_bot=is_bot)

    def private(self, user: ApiUser) -> ApiChat:
        return self.server.private_chat(user)

    def new_group(self, *, admins: tuple[int, ...] = (), linked_chat_id: int | None = None) -> ApiChat:
        chat_id = -1_001_000_000_000 - fresh_id()
        return self.server.group(chat_id, f"Group {chat_id}", admins=admins, linked_chat_id=linked_chat_id)

    async def say(self, chat: ApiChat, user: ApiUser, text: str, reply_to: int | None = None) -> ApiCall:
        """Send a message and wait for the bot's one reply in that chat."""
        return (await self.say_many(chat, user, text, 1, reply_to=reply_to))[0]

    async def say_many(
        self, chat: ApiChat, user: ApiUser, text: str, count: int, reply_to: int | None = None
    ) -> list[ApiCall]:
        mark = self.server.mark()
        self.server.send_text(chat, user, text, reply_to=reply_to)
        return await self.server.wait_sent_async(chat, count, since=mark)

    async def replies_after(self, mark: int, chat: ApiChat, probe_user: ApiUser) -> list[ApiCall]:
        """Messages the bot sent to `chat` since `mark`, once a probe sent afterwards is answered.

        Updates are handled in order of arrival, and ignoring one takes no waiting, so when the probe's
        answer has come, every earlier ignored message has been dealt with: no sleeping needed to see
        silence. Await the replies you do expect first: answering takes time and may finish after the probe.
        """
        probe_mark = self.server.mark()
        probe = f"@{BOT_USERNAME} probe" if chat.type != "private" else "probe"
        sent = self.server.send_text(chat, probe_user, probe)
        answer, count = None, 1
        while answer is None:  # in groups, the reply quoting the probe; an earlier stray reply may come first
            found = await self.server.wait_sent_async(chat, count, since=probe_mark)
            answer = next((c for c in found if chat.type == "private" or _replied_to(c) == sent["message_id"]), None)
            count += 1
        calls = self.server.sent(chat, "sendMessage", since=mark)
        return [call for call in calls if call.index != answer.index]


class LogWatch(logging.Handler):
    """Collects log records of the bot and lets a test await one: the sign that work with no reply is done."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []
        self.changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.changed.set()

    async def wait_for(self, words: str = "", seconds: float = 10.0) -> logging.LogRecord:
        """The first record whose message contains `words` (logged before or after this call)."""
        async with asyncio.timeout(seconds):
            while True:
                found = [r for r in self.records if words in r.getMessage()]
                if found:
                    return found[0]
                self.changed.clear()
                await self.changed.wait()


def _watch(name: str, level: int) -> Iterator[LogWatch]:
    handler, logger = LogWatch(level), logging.getLogger(name)
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(min(level, logger.getEffectiveLevel()))
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)


@pytest.fixture
def error_log() -> Iterator[LogWatch]:
    """ERROR records of the central error handler (bot.app) during the test."""
    yield from _watch("bot.app", logging.ERROR)


@pytest.fixture
def bot_log() -> Iterator[LogWatch]:
    """INFO records of every bot module during the test."""
    yield from _watch("bot", logging.INFO)


def _replied_to(call: ApiCall) -> int | None:
    return (call.message or {}).get("reply_to_message", {}).get("message_id")


def make_settings(server: BotApiServer, library_path: Path, **overrides: Any) -> Settings:
    """Settings for a bot talking to `server`; rate limits off so tests run at full speed."""
    base = Settings(
        telegram_bot_token=server.token,
        telegram_api_base_url=server.base_url,
        telegram_api_file_url=server.base_file_url,
        library_path=str(library_path),
        articles=None,
        admin_user_ids=frozenset({500_000 + fresh_id()}),
        rate_limit_per_second=0,
        rate_limit_group_per_minute=0,
        flood_limit=1000,
    )
    return dataclasses.replace(base, **overrides)


@pytest.fixture(scope="session")
def botapi() -> Iterator[BotApiServer]:
    """One fake Telegram for the session; privacy mode off so the bot itself must ignore chatter."""
    server = BotApiServer(token=TOKEN, bot_username=BOT_USERNAME, privacy_mode=False).start()
    yield server
    server.stop()


@pytest.fixture
def make_library(tmp_path: Path) -> Iterator[Callable[..., Library]]:
    """Build a library file in tmp_path from (title, source, text[, url, published, collection]) tuples."""
    opened: list[Library] = []

    def make(*articles: tuple, name: str = "lib.sqlite3") -> Library:
        library = Library.open(tmp_path / name)
        opened.append(library)
        for title, source, text, *rest in articles:
            url, published, collection = [*rest, None, None, None][:3]
            options = {"collection": collection} if collection else {}
            library.add_text(text, title=title, source=source, url=url, published=published, **options)
        return library

    yield make
    for library in opened:
        library.close()


@pytest.fixture
async def run_bot(
    botapi: BotApiServer, tmp_path: Path, make_library: Callable[..., Library]
) -> AsyncIterator[Callable[..., Any]]:
    """Start the real Application against `botapi` for this test: `bot = await run_bot(library, **settings)`.

    It depends on make_library so that libraries are closed only after every bot has stopped.
    """
    botapi.reset()
    running: list[Application] = []

    async def start(library: Library, **overrides: Any) -> RunningBot:
        bot = await launch(botapi, make_settings(botapi, tmp_path / "lib.sqlite3", **overrides), library)
        running.append(bot.app)
        return bot

    yield start
    for app in running:
        await stop_app(app)


async def launch(
    server: BotApiServer, settings: Settings, library: Library, *, http_timeout: float | None = None
) -> RunningBot:
    """Start the real Application in the order run_polling and run_webhook use: initialize, post_init, then
    long polling (or the webhook server when settings.webhook_url is set), then start."""
    admin_id = min(settings.admin_user_ids)
    admin = server.user(admin_id, "Ada", username=f"ada{admin_id}")
    server.private_chat(admin)  # before post_init, which sets the admin's own command menu
    app = build_application(settings, library, http_timeout=http_timeout)
    await app.initialize()
    await app.post_init(app)
    if settings.webhook_url:
        await app.updater.start_webhook(**webhook_options(settings))
    else:
        await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    await app.start()
    return RunningBot(server, app, library, settings, admin)


async def stop_app(app: Application) -> None:
    """The order run_polling uses on a stop signal; a second call does nothing."""
    if not app.running:
        return
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await app.post_shutdown(app)
