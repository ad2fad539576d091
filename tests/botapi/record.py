"""Reading the call record: pick calls out, wait for them, and explain a wait that timed out."""

from __future__ import annotations

from collections.abc import Callable

from tests.botapi.state import ApiCall, ApiChat, ChatRef, State


def chat_id_of(chat: ChatRef) -> int:
    """The id of an ApiChat, or the id itself."""
    return chat.id if isinstance(chat, ApiChat) else int(chat)


def _matcher(chat: ChatRef | None, method: str | None, include_failed: bool) -> Callable[[ApiCall], bool]:
    chat_id = None if chat is None else chat_id_of(chat)
    wanted = method.lower() if method else None

    def match(call: ApiCall) -> bool:
        return (
            (include_failed or call.ok)
            and (wanted is None or call.method.lower() == wanted)
            and (chat_id is None or call.chat_id == chat_id)
        )

    return match


def select(state: State, chat: ChatRef | None, method: str | None, include_failed: bool, since: int) -> list[ApiCall]:
    """Recorded calls from position `since` on that match, oldest first."""
    match = _matcher(chat, method, include_failed)
    with state.cond:
        return [call for call in state.calls[since:] if match(call)]


def wait(
    state: State, chat: ChatRef | None, count: int, timeout: float, method: str | None, since: int
) -> list[ApiCall]:
    """Block until `count` successful matching calls exist; AssertionError saying what came otherwise."""
    match, found, seen = _matcher(chat, method, False), [], since

    def enough() -> bool:
        nonlocal seen  # look at each call once: the benchmark waits for thousands of them
        found.extend(call for call in state.calls[seen:] if match(call))
        seen = max(seen, len(state.calls))
        return len(found) >= count

    with state.cond:
        if not state.cond.wait_for(enough, timeout):
            raise AssertionError(_report(state, chat, method, count, timeout, len(found), since))
        return list(found)


def _report(
    state: State, chat: ChatRef | None, method: str | None, count: int, timeout: float, got: int, since: int
) -> str:
    target = "any chat" if chat is None else f"chat {chat_id_of(chat)}"
    lines = [
        f"expected {count} {method or 'call'}(s) to {target} within {timeout}s, got {got}.",
        f"getUpdates polls: {state.polls}; unconfirmed updates: {len(state.updates)}. Last calls since #{since}:",
    ]
    for call in state.calls[since:][-20:]:
        outcome = "ok" if call.ok else f"FAILED {call.error}"
        text = (call.text or "")[:120]
        lines.append(f"  #{call.index} {call.method} chat={call.chat_id} {outcome} text={text!r}")
    return "\n".join(lines)
