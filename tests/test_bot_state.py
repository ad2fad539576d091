"""bot.state: flood counting, button lookups bound to their chat, short-lived caches, persistent scopes."""

from __future__ import annotations

import pytest

from bot.settings import SCOPE_ALL, SCOPE_OWN
from bot.state import Flood, FloodGuard, GroupScopes, RecentQuestions, TimedCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_over_the_flood_limit_gets_one_notice_then_silence_until_the_minute_passes():
    clock = Clock()
    guard = FloodGuard(limit=3, window=60, clock=clock)
    verdicts = [guard.check(-1, 7) for _ in range(6)]
    assert verdicts == [Flood.ANSWER] * 3 + [Flood.NOTICE] + [Flood.SILENT] * 2
    clock.now += 61
    assert guard.check(-1, 7) is Flood.ANSWER


def test_flood_is_counted_per_user_and_per_chat():
    guard = FloodGuard(limit=1, clock=Clock())
    assert [guard.check(-1, 7), guard.check(-1, 8), guard.check(-2, 7)] == [Flood.ANSWER] * 3
    assert guard.check(-1, 7) is Flood.NOTICE


def test_a_question_id_is_found_only_in_the_chat_it_was_asked_in():
    questions = RecentQuestions()
    asked = questions.remember(-100, "how tall?", ("global",))
    assert questions.find(asked.id, -100) is asked
    assert questions.find(asked.id, -200) is None
    assert questions.find("made-up", -100) is None


def test_question_ids_fit_in_callback_data_and_old_questions_are_forgotten():
    questions = RecentQuestions(capacity=2)
    first = questions.remember(1, "a", ())
    second, third = questions.remember(1, "b", ()), questions.remember(1, "c", ())
    assert len(f"vote:{first.id}:{10**18}:-1".encode()) <= 64
    assert questions.find(first.id, 1) is None
    assert questions.find(second.id, 1) is second and questions.find(third.id, 1) is third


def test_timed_cache_forgets_after_its_ttl_and_can_hold_none():
    clock = Clock()
    cache = TimedCache(ttl=10, clock=clock)
    cache.put("group", None)
    assert cache.get("group") == (True, None)
    clock.now += 11
    assert cache.get("group") == (False, None)


def test_group_scopes_persist_in_the_bots_own_file(tmp_path):
    path = str(tmp_path / "library.bot.sqlite3")
    scopes = GroupScopes(path, default=SCOPE_ALL)
    assert scopes.scope(-5) == SCOPE_ALL
    scopes.set_scope(-5, SCOPE_OWN)
    scopes.close()
    reopened = GroupScopes(path, default=SCOPE_ALL)
    assert (reopened.scope(-5), reopened.scope(-6)) == (SCOPE_OWN, SCOPE_ALL)
    with pytest.raises(ValueError):
        reopened.set_scope(-5, "everything")
    reopened.close()
