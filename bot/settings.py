"""Settings: read the bot's configuration once from the environment into a typed, frozen value."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SCOPE_OWN = "own"
SCOPE_ALL = "own+global"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]{20,}")
_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as a webhook secret_token
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """One or more settings are wrong; the message names every bad key."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        lines = "\n".join(f"  {key}: {why}" for key, why in self.problems.items())
        super().__init__(f"bad settings ({', '.join(self.problems)}):\n{lines}")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment; the token never shows in repr or str."""

    telegram_bot_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str = DEFAULT_API_BASE_URL
    telegram_api_file_url: str = "https://api.telegram.org/file/bot"
    library_path: str = "data/library.sqlite3"
    articles: str | None = "sample"
    admin_user_ids: frozenset[int] = frozenset()
    allowed_channel_ids: frozenset[int] = frozenset()  # empty: any channel that made the bot an admin
    group_scope_default: str = SCOPE_ALL
    max_document_mb: float = 10.0
    fetch_timeout_seconds: float = 15.0
    fetch_max_mb: float = 5.0
    fetch_allow_private: bool = False
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    log_level: str = "INFO"
    flood_limit: int = 10
    rate_limit_per_second: float = 30.0
    rate_limit_group_per_minute: float = 20.0
    concurrent_updates: int = 64
    ingest_workers: int = 0  # 0: one per core

    @property
    def token_hint(self) -> str:
        """The bot id part of the token, safe to log: '123456:…'."""
        if not self.telegram_bot_token:
            return "(no token)"
        return self.telegram_bot_token.split(":", 1)[0] + ":…"

    @property
    def bot_state_path(self) -> str:
        """The bot's own small SQLite file (group scopes), next to the library."""
        if self.library_path == ":memory:":
            return ":memory:"
        return str(Path(self.library_path).with_suffix(".bot.sqlite3"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read every key, collecting all problems before raising one SettingsError."""
        reader = _Reader(environ)
        token = reader.get("TELEGRAM_BOT_TOKEN", None, _token)
        base_url = reader.get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL, _http_url).rstrip("/")
        settings = cls(
            telegram_bot_token=token,
            telegram_api_base_url=base_url,
            telegram_api_file_url=reader.get("TELEGRAM_API_FILE_URL", _file_url_for(base_url), _http_url),
            library_path=reader.get("CITEBOT_LIBRARY", "data/library.sqlite3", _non_empty),
            articles=environ.get("CITEBOT_ARTICLES", "sample").strip() or None,
            admin_user_ids=reader.get("ADMIN_USER_IDS", frozenset(), _id_set),
            allowed_channel_ids=reader.get("ALLOWED_CHANNEL_IDS", frozenset(), _id_set),
            group_scope_default=reader.get("GROUP_SCOPE_DEFAULT", SCOPE_ALL, _scope),
            max_document_mb=reader.get("MAX_DOCUMENT_MB", 10.0, _positive_float),
            fetch_timeout_seconds=reader.get("FETCH_TIMEOUT_SECONDS", 15.0, _positive_float),
            fetch_max_mb=reader.get("FETCH_MAX_MB", 5.0, _positive_float),
            fetch_allow_private=reader.get("FETCH_ALLOW_PRIVATE", False, _boolean),
            webhook_url=reader.get("WEBHOOK_URL", None, _http_url),
            webhook_secret=reader.get("WEBHOOK_SECRET", None, _secret),
            webhook_listen=reader.get("WEBHOOK_LISTEN", "127.0.0.1", _non_empty),
            webhook_port=reader.get("WEBHOOK_PORT", 8443, _port),
            log_level=reader.get("LOG_LEVEL", "INFO", _log_level),
            flood_limit=reader.get("FLOOD_LIMIT", 10, _positive_int),
            rate_limit_per_second=reader.get("RATE_LIMIT_PER_SECOND", 30.0, _non_negative_float),
            rate_limit_group_per_minute=reader.get("RATE_LIMIT_GROUP_PER_MINUTE", 20.0, _non_negative_float),
            concurrent_updates=reader.get("CONCURRENT_UPDATES", 64, _positive_int),
            ingest_workers=reader.get("INGEST_WORKERS", 0, _non_negative_int),
        )
        if reader.problems:
            raise SettingsError(reader.problems)
        return settings

    @property
    def ingest_processes(self) -> int:
        return ingest_processes(self.ingest_workers)

    @property
    def log_level_number(self) -> int:
        """LOG_LEVEL as the logging module's number."""
        return logging.getLevelName(self.log_level)


def ingest_processes(workers: int) -> int:
    """INGEST_WORKERS as a number of processes: 0 (or less) means one per core."""
    return workers if workers > 0 else os.cpu_count() or 1


class _Reader:
    """Parses keys one by one and remembers what was wrong instead of stopping at the first."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self.environ = environ
        self.problems: dict[str, str] = {}

    def get(self, key: str, default: Any, parse: Callable[[str], Any]) -> Any:
        raw = self.environ.get(key, "").strip()
        if not raw:
            return default
        try:
            return parse(raw)
        except ValueError as error:
            self.problems[key] = str(error)
            return default


def _file_url_for(base_url: str) -> str:
    # The Bot API serves files under /file/bot<token> next to /bot<token>, self-hosted servers too.
    head, sep, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else base_url + "/file/bot"


def _token(raw: str) -> str:
    if not _TOKEN_SHAPE.fullmatch(raw):
        # Never echo the value: a nearly right token is still a secret.
        raise ValueError("does not look like a bot token (digits, a colon, then 20+ letters from @BotFather)")
    return raw


def _http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"expected an http:// or https:// URL, got {raw!r}")
    return raw


def _non_empty(raw: str) -> str:
    return raw


def _id_set(raw: str) -> frozenset[int]:
    ids, bad = set(), []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        try:
            ids.add(int(part))
        except ValueError:
            bad.append(part)
    if bad:
        raise ValueError(f"expected comma-separated whole numbers, not {', '.join(map(repr, bad))}")
    return frozenset(ids)


def _scope(raw: str) -> str:
    value = {"all": SCOPE_ALL, "own+global": SCOPE_ALL, "own": SCOPE_OWN}.get(raw.lower())
    if value is None:
        raise ValueError(f"expected 'own+global' or 'own', got {raw!r}")
    return value


def _number(raw: str, kind: type) -> Any:
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"expected a {'whole ' if kind is int else ''}number, got {raw!r}") from None


def _positive_float(raw: str) -> float:
    value = _number(raw, float)
    if not value > 0 or value == float("inf"):
        raise ValueError(f"expected a number above 0, got {raw!r}")
    return value


def _non_negative_float(raw: str) -> float:
    value = _number(raw, float)
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"expected a number, 0 or more (0 turns the limit off), got {raw!r}")
    return value


def _positive_int(raw: str) -> int:
    value = _number(raw, int)
    if value < 1:
        raise ValueError(f"expected a whole number of at least 1, got {raw!r}")
    return value


def _non_negative_int(raw: str) -> int:
    value = _number(raw, int)
    if value < 0:
        raise ValueError(f"expected a whole number, 0 or more, got {raw!r}")
    return value


def _port(raw: str) -> int:
    value = _number(raw, int)
    if not 1 <= value <= 65535:
        raise ValueError(f"expected a port from 1 to 65535, got {raw!r}")
    return value


def _boolean(raw: str) -> bool:
    value = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(raw.lower())
    if value is None:
        raise ValueError(f"expected true or false, got {raw!r}")
    return value


def _secret(raw: str) -> str:
    if not _SECRET_SHAPE.fullmatch(raw):
        raise ValueError("expected 1 to 256 characters from A-Z, a-z, 0-9, _ and -")
    return raw


def _log_level(raw: str) -> str:
    if raw.upper() not in _LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(_LOG_LEVELS)}, got {raw!r}")
    return raw.upper()
