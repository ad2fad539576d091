"""python -m bot: logging, settings, the library, then the Telegram bot or the terminal chat."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from dotenv import load_dotenv

from index import CitebotError, Library

from .settings import Settings, SettingsError

logger = logging.getLogger("bot")


def configure_logging(level: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level, stream=sys.stderr)
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # trafilatura reports every page it finds poor at WARNING; that is the reader's business, not the log's.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)


def add_start_articles(library: Library, articles: str | None) -> None:
    """Add the configured articles folder; unchanged files cost only a hash check, so this runs every start."""
    if not articles:
        return
    if not Path(articles).exists():
        logger.warning("CITEBOT_ARTICLES=%s does not exist; starting with the library as it is", articles)
        return
    report = library.add_path(articles)
    for skipped in report.skipped:
        logger.warning("skipped %s: %s", skipped.name, skipped.reason)
    logger.info(
        "%s: %d added, %d unchanged, %d skipped",
        articles,
        len(report.added),
        len(report.unchanged),
        len(report.skipped),
    )


def main() -> int:
    load_dotenv()
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    try:
        library = Library.open(settings.library_path, workers=settings.ingest_processes)
    except CitebotError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 1
    with library:
        add_start_articles(library, settings.articles)
        if settings.telegram_bot_token:
            from .telegram_main import run_telegram

            run_telegram(settings, library)
        else:
            from .chat import run_chat

            print("No TELEGRAM_BOT_TOKEN in .env or the environment: starting the terminal chat.", file=sys.stderr)
            run_chat(library)
    return 0


if __name__ == "__main__":
    sys.exit(main())
