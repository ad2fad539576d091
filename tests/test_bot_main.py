"""run_telegram in its own process: long polling from settings read from the environment, stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from index import Library

pytest_plugins = ["tests.bot_harness"]

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = """
import logging, os, sys
logging.basicConfig(level="INFO", stream=sys.stderr)
from bot.settings import Settings
from bot.telegram_main import run_telegram
from index import Library
settings = Settings.from_env(os.environ)
library = Library.open(settings.library_path)
run_telegram(settings, library)
library.close()
print("stopped cleanly")
"""


def test_run_telegram_polls_answers_and_stops_cleanly_on_sigterm(botapi, tmp_path):
    botapi.reset()
    library_path = tmp_path / "lib.sqlite3"
    library = Library.open(library_path)
    library.add_text("The night bus to the airport leaves every hour.", title="Night bus", source="bus.md")
    library.close()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": botapi.token,
        "TELEGRAM_API_BASE_URL": botapi.base_url,
        "CITEBOT_LIBRARY": str(library_path),
        "CITEBOT_ARTICLES": "",
        "RATE_LIMIT_PER_SECOND": "0",
        "RATE_LIMIT_GROUP_PER_MINUTE": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        botapi.wait_sent(None, 3, method="setMyCommands", timeout=30)
        user = botapi.user(77_001, "Bea")
        chat = botapi.private_chat(user)
        botapi.send_text(chat, user, "How often does the night bus to the airport leave?")
        (reply,) = botapi.wait_sent(chat, 1, timeout=30)
        assert reply.text == "The night bus to the airport leaves every hour.\n— Night bus"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert out.strip() == "stopped cleanly"
    assert botapi.token.split(":")[1] not in err  # httpx would log request URLs, token included
    assert "long polling" in err
