"""Pacing: keep within Telegram's rate limits, and send a call again when Telegram surely did not act on it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import NetworkError, TelegramError
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

# Seconds to wait before each new attempt: Telegram's 5xx spells last seconds, and a reply a few
# seconds late is better than none.
RETRY_PAUSES = (0.5, 1.0, 2.0)
# Transport failures after which the request cannot have reached Telegram. A read timeout is not one:
# the message may have been sent, and sending it again would show the user the same reply twice.
# A server that disconnects without an answer is almost always a kept-alive connection it had already
# closed before reading the request.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.RemoteProtocolError)
# Lookups post nothing: Telegram's pace for a group is about messages, and a question that misses a cache
# (who the admins are, the linked channel) must not spend the group's allowance before its answer is sent.
_LOOKUPS = frozenset({"getChat", "getChatAdministrators", "getChatMember", "getChatMemberCount"})


def surely_not_delivered(error: TelegramError) -> bool:
    """True when Telegram refused the call with a server error or never got it: sending again is safe."""
    cause = error.__cause__
    if isinstance(cause, httpx.HTTPError):
        return isinstance(cause, _NOT_SENT)
    # PTB raises a bare NetworkError (not BadRequest, not TimedOut) for an answer with a 5xx status.
    return type(error) is NetworkError and (cause is None or isinstance(cause, TelegramError))


def group_pace(per_minute: float) -> tuple[float, float]:
    """(burst, seconds) for AIORateLimiter's group limiter so that no minute holds more than `per_minute`.

    The limiter is a leaky bucket: (20, 60 s) lets 20 out at once and then one every 3 s, 40 in a minute.
    Here a quarter of the minute's messages may go at once and the rest drain over the minute: (5, 20 s).
    """
    burst = max(1.0, per_minute // 4)
    return burst, 60.0 * burst / max(per_minute - burst, 1.0)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (Telegram's pace, waiting out retry_after) that also retries calls that surely failed."""

    def __init__(self, per_second: float, group_per_minute: float, max_retries: int) -> None:
        """0 turns a limit off, as in AIORateLimiter."""
        burst, seconds = group_pace(group_per_minute) if group_per_minute else (0.0, 60.0)
        super().__init__(
            overall_max_rate=per_second, group_max_rate=burst, group_time_period=seconds, max_retries=max_retries
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Run the call through the rate limiter; after a 5xx or a connection that never carried it, again."""
        # AIORateLimiter reads only chat_id from `data` to pick its limits; the request itself is in `args`.
        paced = {k: v for k, v in data.items() if k != "chat_id"} if endpoint in _LOOKUPS else data
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, paced, rate_limit_args)
            except NetworkError as error:
                if attempt == len(RETRY_PAUSES) or not surely_not_delivered(error):
                    raise
                pause = RETRY_PAUSES[attempt]
                attempt += 1
                logger.warning("%s failed (%s); sending it again in %g s", endpoint, error, pause)
                await asyncio.sleep(pause)
