"""Webhook mode through the real HTTP stack: Telegram POSTs updates to the bot, which checks the secret header."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import socket
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from index import Library
from tests.botapi import BotApiServer

pytest_plugins = ["tests.bot_harness"]

SECRET = "webhook-secret_for-tests-42"
BEACON = (
    "Beacon relit",
    "beacon.md",
    "The hilltop beacon was relit on Saturday after forty years in the dark. Its fire can be seen from three counties.",
    None,
    "2024-05-04",
)
QUESTION = "When was the hilltop beacon relit?"
ANSWER = "The hilltop beacon was relit on Saturday after forty years in the dark.\n— Beacon relit, 2024-05-04"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def webhook_bot(
    botapi: BotApiServer, tmp_path: Path, make_library: Callable[..., Library]
) -> AsyncIterator[Callable[..., Any]]:
    """Start the bot as telegram_main does when WEBHOOK_URL is set: `bot = await webhook_bot(library)`."""
    # Imported here: pytest imports the harness first, as the plugin named above, to rewrite its asserts.
    from tests.bot_harness import launch, make_settings, stop_app

    botapi.reset()
    started = []
    port = free_port()

    async def start(library: Library, **overrides: Any) -> Any:
        settings = make_settings(
            botapi,
            tmp_path / "lib.sqlite3",
            webhook_url=f"http://127.0.0.1:{port}/telegram/updates",
            webhook_secret=SECRET,
            webhook_listen="127.0.0.1",
            webhook_port=port,
        )
        settings = dataclasses.replace(settings, **overrides)
        bot = await launch(botapi, settings, library)
        started.append(bot.app)
        return bot

    yield start
    for app in started:
        await stop_app(app)


async def post_update(url: str, update: dict[str, Any], secret: str | None) -> httpx.Response:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with httpx.AsyncClient(trust_env=False) as client:
        return await client.post(
            url, content=json.dumps(update), headers={"Content-Type": "application/json", **headers}
        )


async def test_a_question_telegram_posts_to_the_webhook_is_answered(webhook_bot, make_library):
    bot = await webhook_bot(make_library(BEACON))
    hook = bot.server.webhook()
    assert (hook.url, hook.secret_token) == (bot.settings.webhook_url, SECRET)
    user = bot.new_user("Wren")
    reply = await bot.say(bot.private(user), user, QUESTION)
    assert reply.text == ANSWER
    assert bot.server.pending_updates() == []  # delivered and taken: nothing waits for a poll


async def test_a_post_with_a_wrong_or_missing_secret_is_refused_and_not_handled(webhook_bot, make_library):
    bot = await webhook_bot(make_library(BEACON))
    user = bot.new_user("Ivy")
    chat = bot.private(user)
    mark = bot.server.mark()
    forged = {
        "update_id": 900_000,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": chat.id, "type": "private", "first_name": user.first_name},
            "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
            "text": QUESTION,
        },
    }
    for secret in ("not-the-secret", None):
        response = await post_update(bot.settings.webhook_url, forged, secret)
        assert response.status_code == 403
    assert await bot.replies_after(mark, chat, user) == []
    mark = bot.server.mark()
    assert (await post_update(bot.settings.webhook_url, forged, SECRET)).status_code == 200  # the secret is all
    (reply,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert reply.text == ANSWER


async def test_get_updates_is_refused_with_a_conflict_while_a_webhook_is_set(webhook_bot, make_library):
    bot = await webhook_bot(make_library(BEACON))
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(f"{bot.server.base_url}{bot.token}/getUpdates")
    assert response.status_code == 409
    assert response.json()["description"].startswith("Conflict: can't use getUpdates method while webhook is active")


async def test_questions_sent_while_the_webhook_is_down_are_delivered_once_it_is_back(webhook_bot, make_library):
    library = make_library(BEACON)
    bot = await webhook_bot(library)
    await bot.stop()
    user = bot.new_user("Orla")
    chat = bot.private(user)
    mark = bot.server.mark()
    bot.server.send_text(chat, user, QUESTION)
    info = await asyncio.to_thread(failed_delivery, bot)
    assert info["last_error_message"].startswith("Connection failed")
    assert info["pending_update_count"] == 1
    await webhook_bot(library)
    (reply,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert reply.text == ANSWER
    assert len(await bot.replies_after(mark, chat, user)) == 1


def failed_delivery(bot, seconds: float = 10.0) -> dict[str, Any]:
    """getWebhookInfo once it reports a failed delivery."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        info = httpx.post(f"{bot.server.base_url}{bot.token}/getWebhookInfo", trust_env=False).json()["result"]
        if "last_error_message" in info:
            return info
        time.sleep(0.05)
    raise AssertionError(f"no failed delivery within {seconds}s")


@pytest.mark.parametrize("configured", [SECRET, None], ids=["WEBHOOK_SECRET", "random-secret"])
async def test_the_webhook_secret_and_the_token_stay_out_of_debug_logs(webhook_bot, make_library, caplog, configured):
    names = ("", "httpx", "httpcore", "telegram", "tornado")
    saved = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        bot = await webhook_bot(make_library(BEACON), webhook_secret=configured)
        user = bot.new_user("Lark")
        assert (await bot.say(bot.private(user), user, QUESTION)).text == ANSWER
        await bot.stop()
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
    secret = bot.server.webhook().secret_token
    assert secret and (secret == configured or configured is None)
    lines = [logging.Formatter("%(name)s %(message)s").format(record) for record in caplog.records]
    assert any("setWebhook" in line for line in lines)  # PTB logged its parameters, the secret among them
    leaks = [line for line in lines if secret in line or bot.token.partition(":")[2] in line]
    assert leaks == []
