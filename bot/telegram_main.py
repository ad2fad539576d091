"""Running: serve Telegram by long polling, or by webhook when WEBHOOK_URL is set, until SIGINT or SIGTERM."""

from __future__ import annotations

import logging
import secrets
import signal
from typing import Any
from urllib.parse import urlsplit

from bot.app import ALLOWED_UPDATES, build_application
from bot.redact import hide_in_logs
from bot.settings import Settings
from index import Library

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run_telegram(settings: Settings, library: Library) -> None:
    """Block serving updates; returns after a stop signal once handlers in flight have finished."""
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application(settings, library)
    if not settings.webhook_url:
        logger.info("long polling %s as bot %s", settings.telegram_api_base_url, settings.token_hint)
        application.run_polling(allowed_updates=ALLOWED_UPDATES, stop_signals=STOP_SIGNALS, close_loop=False)
        return
    logger.info("webhook on %s:%s for bot %s", settings.webhook_listen, settings.webhook_port, settings.token_hint)
    application.run_webhook(**webhook_options(settings), stop_signals=STOP_SIGNALS, close_loop=False)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Where and how to serve WEBHOOK_URL: keyword arguments for run_webhook and Updater.start_webhook."""
    # Without a configured secret, a fresh one per start still proves each call comes from Telegram.
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    hide_in_logs(secret)  # PTB logs setWebhook's parameters, the secret among them, at DEBUG
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url or "").path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
    }
