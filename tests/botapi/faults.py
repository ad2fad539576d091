"""Planned faults: how tests ask for them, and what the bot gets instead of a normal answer."""

from __future__ import annotations

from collections import deque
from typing import Any

from tests.botapi.state import Fault, State

_STATUS_TEXT = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def plan(
    state: State,
    method: str,
    count: int,
    status: int | None,
    retry_after: int | None,
    delay: float | None,
    drop: bool,
) -> None:
    """Queue `count` faults for `method`; exactly one kind each (see BotApiServer.fail_next)."""
    if retry_after is not None and status is None:
        status = 429
    if sum((status is not None, delay is not None, drop)) != 1:
        raise ValueError("give exactly one of status (or retry_after), delay, drop")
    if status is not None and status not in _STATUS_TEXT:
        raise ValueError(f"status must be one of {sorted(_STATUS_TEXT)}")
    fault = Fault(status, (retry_after or 1) if status == 429 else None, delay, drop)
    with state.cond:
        state.faults.setdefault(method.lower(), deque()).extend([fault] * count)


def describe(fault: Fault) -> str:
    """The description Telegram gives for the fault's status, or "dropped" for a closed connection."""
    if fault.drop:
        return "dropped"
    if fault.status == 429:
        return f"Too Many Requests: retry after {fault.retry_after}"
    return _STATUS_TEXT.get(fault.status or 500, "Internal Server Error")


def refusal(fault: Fault) -> dict[str, Any]:
    """The JSON body answered for a fault with a status."""
    body: dict[str, Any] = {"ok": False, "error_code": fault.status, "description": describe(fault)}
    if fault.status == 429:
        body["parameters"] = {"retry_after": fault.retry_after}
    return body
