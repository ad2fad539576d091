"""Bot state: recent questions behind buttons, flood counters, short-lived caches and group scopes."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.settings import SCOPE_ALL, SCOPE_OWN

# "When did he arrive?" is read as a follow-up of the same person's question in the same chat this recently.
FOLLOW_UP_SECONDS = 600.0


@dataclass(slots=True)
class AskedQuestion:
    """A question a reply's buttons point to; mutable because presses add to it."""

    id: str
    chat_id: int
    question: str
    collections: tuple[str, ...]
    previous: str | None = None  # the turn a follow-up was read with, so "More answers" reads it alike
    shown: list[int] = field(default_factory=list)  # sentence ids, in the order they were shown
    votes: set[tuple[int, int]] = field(default_factory=set)  # (user id, sentence id) already counted


class RecentQuestions:
    """The last few thousand questions; older buttons say they have expired rather than act."""

    def __init__(self, capacity: int = 5000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, AskedQuestion] = OrderedDict()

    def remember(
        self, chat_id: int, question: str, collections: tuple[str, ...], previous: str | None = None
    ) -> AskedQuestion:
        # Random ids, not counters: after a restart old buttons must not point at new questions.
        asked = AskedQuestion(secrets.token_urlsafe(6), chat_id, question, collections, previous)
        self._items[asked.id] = asked
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return asked

    def find(self, question_id: str, chat_id: int) -> AskedQuestion | None:
        """The question, only if it was asked in this chat: ids from elsewhere are treated as unknown."""
        asked = self._items.get(question_id)
        return asked if asked is not None and asked.chat_id == chat_id else None


class Flood(Enum):
    """What to do with one more question from a user in a group."""

    ANSWER = "answer"
    NOTICE = "notice"  # the first question over the limit: say so once
    SILENT = "silent"


class FloodGuard:
    """Counts each user's questions per chat over a sliding window."""

    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._asked: dict[tuple[int, int], deque[float]] = {}
        self._noticed: dict[tuple[int, int], float] = {}

    def check(self, chat_id: int, user_id: int) -> Flood:
        now, key = self.clock(), (chat_id, user_id)
        times = self._asked.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            return Flood.ANSWER
        if self._noticed.get(key, -self.window) > now - self.window:
            return Flood.SILENT
        self._noticed[key] = now
        return Flood.NOTICE


class TimedCache:
    """A dict whose entries are forgotten after `ttl` seconds (group admins, linked chats)."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._items: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable) -> tuple[bool, Any]:
        """(found, value): the value may itself be None, such as a group with no linked channel."""
        expires, value = self._items.get(key, (0.0, None))
        return (True, value) if expires > self.clock() else (False, None)

    def put(self, key: Hashable, value: Any) -> None:
        if len(self._items) > 10_000:
            self._items.clear()  # a crude bound: refilling costs one API call per chat
        self._items[key] = (self.clock() + self.ttl, value)


class GroupScopes:
    """Each group's /scope choice, kept in the bot's own small SQLite file across restarts."""

    def __init__(self, path: str, default: str) -> None:
        self.default = default
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS group_scope (chat_id INTEGER PRIMARY KEY, scope TEXT)")
            self._scopes = dict(self._db.execute("SELECT chat_id, scope FROM group_scope"))

    def scope(self, chat_id: int) -> str:
        return self._scopes.get(chat_id, self.default)

    def set_scope(self, chat_id: int, scope: str) -> None:
        """Blocking (a write to disk): call it from a worker thread."""
        if scope not in (SCOPE_OWN, SCOPE_ALL):
            raise ValueError(f"unknown scope {scope!r}")
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO group_scope VALUES (?, ?)", (chat_id, scope))
            self._scopes[chat_id] = scope

    def close(self) -> None:
        with self._lock:
            self._db.close()


@dataclass(frozen=True, slots=True)
class BotState:
    """Everything the handlers share besides settings and the library."""

    questions: RecentQuestions
    flood: FloodGuard
    scopes: GroupScopes
    admins: TimedCache  # group id -> frozenset of admin user ids
    links: TimedCache  # ('group', id) -> its channel id or None; ('channel', id) -> its group id or None
    typing: TimedCache  # chat id -> True while a "typing…" sent there still shows
    conversations: TimedCache  # (chat id, user id) -> their last question and its answer, for a follow-up

    @classmethod
    def open(cls, path: str, *, default_scope: str, flood_limit: int) -> BotState:
        return cls(
            questions=RecentQuestions(),
            flood=FloodGuard(flood_limit),
            scopes=GroupScopes(path, default_scope),
            admins=TimedCache(ttl=60.0),  # promotions take effect within a minute
            links=TimedCache(ttl=3600.0),
            typing=TimedCache(ttl=4.0),  # Telegram shows the action for 5 s, or until the bot's next message
            conversations=TimedCache(ttl=FOLLOW_UP_SECONDS),
        )
