"""The control API over HTTP, for a server in another process: POST /test/<operation> with JSON arguments.

The body holds the keyword arguments of the BotApiServer method of the same name, with chats and users
given by id and bytes as base64 under `content_base64`. POST /test/batch runs {"calls": [{"op", "args"}]}
in order, so a load generator can inject many messages in one request.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.botapi.server import BotApiServer

# fmt: off
OPERATIONS = frozenset({
    "user", "private_chat", "group", "channel", "block", "send_text", "send_document", "send_photo",
    "send_sticker", "edit_text", "channel_post", "edit_channel_post", "press_button", "inline_query",
    "sent", "wait_sent", "answers_to_callback", "inline_answers", "commands", "message",
    "pending_updates", "stats", "fail_next", "reset", "mark", "pending_faults", "wait_faults", "cut_polls",
    "webhook",
})
# fmt: on


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _run(api: BotApiServer, operation: str, args: dict[str, Any]) -> Any:
    if operation not in OPERATIONS:
        raise LookupError(f"unknown control operation {operation!r}; known: {', '.join(sorted(OPERATIONS))}")
    if "content_base64" in args:
        args = {**args, "content": base64.b64decode(args["content_base64"])}
        del args["content_base64"]
    return getattr(api, operation)(**args)


def run_control(api: BotApiServer, operation: str, body: bytes) -> tuple[int, dict[str, Any]]:
    """Status and JSON answer for one control request; test mistakes come back as 400 with their reason."""
    try:
        args = json.loads(body or b"{}")
        if operation == "batch":
            result = [_run(api, call["op"], call.get("args", {})) for call in args["calls"]]
        else:
            result = _run(api, operation, args)
    except (LookupError, ValueError, TypeError, AssertionError) as error:
        return 400, {"ok": False, "description": f"{type(error).__name__}: {error}"}
    return 200, {"ok": True, "result": _plain(result)}
