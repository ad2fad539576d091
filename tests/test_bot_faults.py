"""Faults through the real HTTP stack: Telegram failing, timing out, throttling or hanging up, and nothing lost."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.pacing import group_pace, surely_not_delivered
from index import Library
from tests.botapi import BotApiServer

pytest_plugins = ["tests.bot_harness"]

# Short enough that a timeout costs a second, long enough that a busy test machine never meets one by chance.
HTTP_TIMEOUT = 1.0
POLL_SECONDS = 1  # getUpdates waits this long for updates, then its answer may take HTTP_TIMEOUT more
GET_UPDATES_TIMEOUT = POLL_SECONDS + HTTP_TIMEOUT

HARBOURS = [
    (f"{town} harbour", f"{town.lower()}.md", f"The {town} harbour has {berths} berths for fishing boats.", None, None)
    for town, berths in [("Arlow", 14), ("Bexby", 27), ("Corran", 9), ("Dunlin", 33), ("Eskmouth", 18)]
]
QUESTIONS = {
    f"How many berths does the {town.split()[0]} harbour have?": sentence for town, _, sentence, *_ in HARBOURS
}
QUESTION, ANSWER = next(iter(QUESTIONS.items()))


@pytest.fixture
async def quick_bot(
    botapi: BotApiServer, tmp_path: Path, make_library: Callable[..., Library]
) -> AsyncIterator[Callable[..., Any]]:
    """Like run_bot, with every Bot API call given HTTP_TIMEOUT seconds, so a timeout is met in seconds."""
    # Imported here: pytest imports the harness first, as the plugin named above, to rewrite its asserts.
    from tests.bot_harness import launch, make_settings, stop_app

    botapi.reset()
    started = []

    async def start(library: Library, **overrides: Any) -> Any:
        settings = make_settings(botapi, tmp_path / "lib.sqlite3", **overrides)
        bot = await launch(botapi, settings, library, http_timeout=HTTP_TIMEOUT)
        started.append(bot.app)
        return bot

    yield start
    for app in started:
        await stop_app(app)


async def asker(quick_bot, make_library):
    bot = await quick_bot(make_library(*HARBOURS))
    user = bot.new_user("Fen")
    return bot, user, bot.private(user)


async def faults_met(server: BotApiServer, method: str, left: int = 0) -> None:
    """Wait until calls of `method` have met all but `left` of the faults planned for it."""
    await asyncio.to_thread(server.wait_faults, method, left)


def answer_of(call) -> str:
    return call.text.splitlines()[0]


async def test_server_errors_on_get_updates_delay_a_question_but_do_not_lose_it(quick_bot, make_library):
    bot, user, chat = await asker(quick_bot, make_library)
    bot.server.fail_next("getUpdates", status=502)
    await faults_met(bot.server, "getUpdates")  # polling has failed: the bot waits, then polls again
    reply = await bot.say(chat, user, QUESTION)
    assert answer_of(reply) == ANSWER
    assert await bot.replies_after(bot.server.mark(), chat, user) == []


async def test_a_get_updates_answer_that_comes_too_late_is_asked_for_again_and_nothing_is_lost(quick_bot, make_library):
    bot, user, chat = await asker(quick_bot, make_library)
    # A 503 first: the bot then waits a second before polling again, long enough to queue the question
    # so that the late answer is the one that carries it.
    bot.server.fail_next("getUpdates", status=503)
    bot.server.fail_next("getUpdates", delay=GET_UPDATES_TIMEOUT + 0.5)
    await faults_met(bot.server, "getUpdates", left=1)
    mark = bot.server.mark()
    bot.server.send_text(chat, user, QUESTION)
    (reply,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert answer_of(reply) == ANSWER
    assert bot.server.pending_faults("getUpdates") == 0
    assert len(await bot.replies_after(mark, chat, user)) == 1


async def test_flood_control_on_get_updates_is_waited_out(quick_bot, make_library):
    bot, user, chat = await asker(quick_bot, make_library)
    bot.server.fail_next("getUpdates", retry_after=1)
    await faults_met(bot.server, "getUpdates")
    reply = await bot.say(chat, user, QUESTION)
    assert answer_of(reply) == ANSWER


async def test_a_connection_cut_in_the_middle_of_a_long_poll_loses_no_question(quick_bot, make_library):
    bot, user, chat = await asker(quick_bot, make_library)
    assert await asyncio.to_thread(bot.server.cut_polls) >= 1
    mark = bot.server.mark()
    bot.server.send_text(chat, user, QUESTION)  # the cut poll's thread sees it, but cannot answer any more
    (reply,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert answer_of(reply) == ANSWER
    assert len(await bot.replies_after(mark, chat, user)) == 1


async def test_server_errors_on_send_message_are_retried_and_the_answer_arrives_once(quick_bot, make_library):
    bot, user, chat = await asker(quick_bot, make_library)
    bot.server.fail_next("sendMessage", status=500)
    bot.server.fail_next("sendMessage", status=502)
    mark = bot.server.mark()
    reply = await bot.say(chat, user, QUESTION)
    assert answer_of(reply) == ANSWER
    attempts = bot.server.sent(chat, "sendMessage", include_failed=True, since=mark)
    assert [(a.ok, a.error) for a in attempts] == [
        (False, "Internal Server Error"),
        (False, "Bad Gateway"),
        (True, None),
    ]


async def test_a_send_whose_connection_dropped_unanswered_is_sent_again(quick_bot, make_library):
    bot, user, chat = await asker(quick_bot, make_library)
    bot.server.fail_next("sendMessage", drop=True)
    mark = bot.server.mark()
    reply = await bot.say(chat, user, QUESTION)
    assert answer_of(reply) == ANSWER
    attempts = bot.server.sent(chat, "sendMessage", include_failed=True, since=mark)
    assert [(a.ok, a.error) for a in attempts] == [(False, "dropped"), (True, None)]


async def test_a_send_whose_answer_times_out_is_logged_and_never_sent_twice(quick_bot, make_library, error_log):
    bot, user, chat = await asker(quick_bot, make_library)
    bot.server.fail_next("sendMessage", delay=HTTP_TIMEOUT + 1.0)  # Telegram sent it; the bot never hears so
    mark = bot.server.mark()
    bot.server.send_text(chat, user, QUESTION)
    record = await error_log.wait_for(f"in chat {chat.id} failed")
    assert "TimedOut" in record.getMessage()
    replies = await bot.replies_after(mark, chat, user)
    assert [answer_of(r) for r in replies] == [ANSWER]


async def test_many_users_through_mixed_faults_each_get_every_answer_exactly_once(quick_bot, make_library):
    bot = await quick_bot(make_library(*HARBOURS))
    people = [bot.new_user(f"Storm{n}") for n in range(8)]
    chats = [bot.private(person) for person in people]
    questions = list(QUESTIONS)
    server, mark = bot.server, bot.server.mark()
    expected: dict[int, Counter] = {chat.id: Counter() for chat in chats}
    waves = [
        [("getUpdates", {"status": 502}), ("sendMessage", {"status": 500, "count": 2})],
        [("getUpdates", {"drop": True}), ("sendMessage", {"drop": True, "count": 2})],
        [("sendMessage", {"retry_after": 1})],
        [("sendMessage", {"status": 503})],
    ]
    for wave, faults in enumerate(waves):
        for method, fault in faults:
            server.fail_next(method, **fault)
        for n, (person, chat) in enumerate(zip(people, chats, strict=True)):
            question = questions[(n + wave) % len(questions)]
            server.send_text(chat, person, question)
            expected[chat.id][QUESTIONS[question]] += 1
        await server.wait_sent_async(None, len(people) * (wave + 1), seconds=30, since=mark)
    # A probe's answer last: a duplicate still on its way to the first chat would show up before it.
    first = await bot.replies_after(mark, chats[0], people[0])
    for chat in chats:
        calls = first if chat is chats[0] else server.sent(chat, "sendMessage", since=mark)
        assert Counter(answer_of(call) for call in calls) == expected[chat.id]
    assert server.pending_faults("getUpdates") == server.pending_faults("sendMessage") == 0


def test_the_group_pace_lets_no_minute_hold_more_messages_than_the_limit():
    for per_minute in range(2, 121):
        burst, seconds = group_pace(per_minute)
        # A leaky bucket sends its burst at once, then drains burst/seconds a second: that much in any minute.
        assert burst >= 1 and burst + 60 * burst / seconds <= per_minute


def test_only_calls_telegram_cannot_have_acted_on_are_sent_again():
    def raised(error: Exception, cause: Exception | None) -> Exception:
        error.__cause__ = cause
        return error

    request = httpx.Request("POST", "http://127.0.0.1/")
    again = [
        raised(NetworkError("Internal Server Error"), None),
        raised(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused", request=request)),
        raised(TimedOut("Pool timeout"), httpx.PoolTimeout("full", request=request)),
        raised(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("gone", request=request)),
    ]
    never = [
        raised(TimedOut(), httpx.ReadTimeout("late", request=request)),
        raised(NetworkError("httpx.ReadError: reset"), httpx.ReadError("reset", request=request)),
        raised(BadRequest("Message is too long"), None),
    ]
    assert [surely_not_delivered(e) for e in again] == [True] * 4
    assert [surely_not_delivered(e) for e in never] == [False] * 3
