"""Secrets: the token never shows in any log line, reply or error, and .env stays out of git."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.__main__ import configure_logging

pytest_plugins = ["tests.bot_harness"]

ROOT = Path(__file__).resolve().parents[1]
LOUD_LOGGERS = ("httpx", "httpcore", "telegram", "bot", "tests")
PIER = (
    "Pier repairs",
    "pier.md",
    "The storm in March tore eleven planks from the old pier. Carpenters replaced them within a week.",
    None,
    "2024-04-02",
)
QUESTION = "How many planks did the storm tear from the old pier?"
ANSWER = "The storm in March tore eleven planks from the old pier.\n— Pier repairs, 2024-04-02"


@contextmanager
def logging_at(level: str) -> Iterator[None]:
    """Logging as `python -m bot` sets it up for LOG_LEVEL, then every library logger turned up to `level`
    too, as an operator chasing a bug might: what gets through here is everything that can."""
    names = ("", "trafilatura", *LOUD_LOGGERS)
    saved = {name: logging.getLogger(name).level for name in names}
    configure_logging(level)
    for name in ("", *LOUD_LOGGERS):
        logging.getLogger(name).setLevel(level)
    try:
        yield
    finally:
        for name, previous in saved.items():
            logging.getLogger(name).setLevel(previous)


def everything_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every captured record as a handler would write it, tracebacks included."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return [formatter.format(record) for record in caplog.records]


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries after a 5xx a few milliseconds apart: these tests need them to run out, not to wait."""
    monkeypatch.setattr("bot.pacing.RETRY_PAUSES", (0.01, 0.01, 0.01))


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_the_token_never_reaches_a_log_line_through_answers_errors_and_flood_control(
    run_bot, make_library, caplog, error_log, quick_retries, level
):
    with logging_at(level):
        bot = await run_bot(make_library(PIER))
        secret = bot.token.partition(":")[2]
        user = bot.new_user("Quinn")
        chat = bot.private(user)
        assert (await bot.say(chat, user, QUESTION)).text == ANSWER
        bot.server.fail_next("sendMessage", count=4, status=500)  # every try fails: the error handler logs it
        bot.server.send_text(chat, user, QUESTION)
        await error_log.wait_for(f"in chat {chat.id} failed")
        bot.server.fail_next("sendMessage", retry_after=1)
        assert (await bot.say(chat, user, QUESTION)).text == ANSWER
        await bot.stop()
    lines = everything_logged(caplog)
    assert any(line.startswith("httpx ") and "HTTP Request: POST" in line for line in lines)  # URLs were logged
    assert any("NetworkError: Internal Server Error" in line for line in lines)
    # PTB logs the Bot API URL, token and all, as the bot is built: at DEBUG that line is there, cleaned.
    assert any("Set Bot API URL" in line for line in lines) is (level == "DEBUG")
    assert [line for line in lines if secret in line] == []


async def test_logs_carry_chat_ids_but_message_text_only_at_debug(run_bot, make_library, caplog):
    for level, text_shown in (("INFO", False), ("DEBUG", True)):
        caplog.clear()
        with logging_at(level):
            bot = await run_bot(make_library(PIER, name=f"{level}.sqlite3"))
            user = bot.new_user("Quinn")
            chat = bot.private(user)
            await bot.say(chat, user, "Did Quentin see the old pier?")
            await bot.stop()
        lines = everything_logged(caplog)
        assert f"bot.handlers_ask INFO question in chat {chat.id}" in lines
        assert any("Quentin" in line for line in lines) is text_shown, level


async def test_stats_and_error_replies_never_show_the_token(run_bot, make_library, quick_retries):
    bot = await run_bot(make_library(PIER), max_document_mb=0.001)
    secret = bot.token.partition(":")[2]
    chat = bot.private(bot.admin)
    mark = bot.server.mark()
    for command in ("/stats", "/help", "/sources", "/add http://127.0.0.1:1/", "/add notaurl", "/remove nothing.md"):
        await bot.say(chat, bot.admin, command)
    bot.server.send_document(chat, bot.admin, "big.txt", b"Big\n\n" + b"word " * 500)
    bot.server.send_document(chat, bot.admin, "scan.pdf", b"%PDF-1.4")
    bot.server.fail_next("getFile", count=4, status=500)
    bot.server.send_document(chat, bot.admin, "note.txt", b"Note\n\nThe pier reopens in May.")
    await bot.server.wait_sent_async(chat, 3, method="editMessageText", since=mark)
    replies = [call.text for call in bot.server.sent(chat, since=mark) if call.text]
    assert any(r.startswith("This chat searches the global library.") for r in replies)
    assert "Couldn't download note.txt from Telegram; please send it again." in replies
    assert [r for r in replies if secret in r] == []


def test_the_env_file_is_ignored_by_git_and_the_example_is_not():
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run([git, "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    example = subprocess.run([git, "check-ignore", "-q", ".env.example"], cwd=ROOT, check=False)
    assert (ignored.returncode, example.returncode) == (0, 1)
