"""Webhook mode: setWebhook, deleteWebhook, getWebhookInfo, and POSTing queued updates to the bot's URL.

While a webhook is set, getUpdates answers 409 as Telegram does, and a delivery thread POSTs each
update, oldest first and one at a time, with the X-Telegram-Bot-Api-Secret-Token header. An update
leaves the queue only when the bot answers 2xx; otherwise the failure shows in getWebhookInfo and the
same update is tried again shortly. Unlike Telegram, http:// URLs and any port are accepted, so a bot
on 127.0.0.1 can be reached without a certificate.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tests.botapi.messages import Params, truthy
from tests.botapi.state import State, Webhook
from tests.botapi.validate import ApiError, as_json, bad_request

if TYPE_CHECKING:
    from tests.botapi.server import BotApiServer

WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_RETRY_PAUSE = 0.2  # Telegram backs off for longer; tests want the retry quickly
_POST_TIMEOUT = 10.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an http_proxy from the env


def refuse_polling(state: State) -> None:
    """Raise the 409 Telegram answers getUpdates with while a webhook is set."""
    if state.webhook is not None:
        raise ApiError(409, WEBHOOK_ACTIVE)


def set_webhook(state: State, params: Params) -> bool:
    url = str(params.get("url") or "")
    if not url:
        return delete_webhook(state, params)  # Telegram: setWebhook with an empty url removes it
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: invalid webhook URL specified")
    secret = params.get("secret_token")
    if secret is not None and not _SECRET.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    with state.cond:
        if params.get("allowed_updates") is not None:
            kinds = as_json(params["allowed_updates"], "allowed updates")
            state.allowed_updates = frozenset(kinds) if kinds else None
        if truthy(params.get("drop_pending_updates")):
            state.updates.clear()
        connections = int(params.get("max_connections") or 40)
        state.webhook = Webhook(url, str(secret) if secret is not None else None, connections)
        state.webhook_error = None
        state.cond.notify_all()  # a long poll waiting now ends with the conflict, the deliverer wakes
        return True


def delete_webhook(state: State, params: Params) -> bool:
    with state.cond:
        state.webhook = None
        if truthy(params.get("drop_pending_updates")):
            state.updates.clear()
        return True


def get_webhook_info(state: State, params: Params) -> Params:
    with state.cond:
        info: Params = {"url": "", "has_custom_certificate": False, "pending_update_count": len(state.updates)}
        hook = state.webhook
        if hook is not None:
            info.update(url=hook.url, max_connections=hook.max_connections)
            if state.allowed_updates is not None:
                info["allowed_updates"] = sorted(state.allowed_updates)
        if hook is not None and state.webhook_error is not None:
            info["last_error_date"], info["last_error_message"] = state.webhook_error
        return info


class Deliverer:
    """The thread that POSTs updates to the webhook of whichever State the server has now."""

    def __init__(self, api: BotApiServer) -> None:
        self.api = api
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name="botapi-webhook", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        state = self.api.state
        with state.cond:
            state.cond.notify_all()
        self.thread.join(timeout=_POST_TIMEOUT + 1)

    def run(self) -> None:
        while not self.stopped.is_set():
            state = self.api.state  # reset() swaps in a new State and closes the old one
            with state.cond:
                ready = state.cond.wait_for(lambda s=state: self._due(s), timeout=0.5)
                if not ready or self.stopped.is_set() or state.closed:
                    continue
                hook, update = state.webhook, dict(state.updates[0])
            error = post(hook, update)
            with state.cond:
                if error is None:
                    if state.updates and state.updates[0]["update_id"] == update["update_id"]:
                        state.updates.popleft()
                    state.webhook_deliveries += 1
                    continue
                state.webhook_error = (int(time.time()), error)
            self.stopped.wait(_RETRY_PAUSE)

    def _due(self, state: State) -> bool:
        return self.stopped.is_set() or state.closed or (state.webhook is not None and bool(state.updates))


def post(hook: Webhook, update: dict[str, Any]) -> str | None:
    """POST one update as Telegram does; None when the bot took it (2xx), else what went wrong."""
    headers = {"Content-Type": "application/json"}
    if hook.secret_token is not None:
        headers[SECRET_HEADER] = hook.secret_token
    # ASCII JSON: a lone surrogate in a message travels as a \\ud800 escape, as Telegram sends it.
    body = json.dumps(update, separators=(",", ":")).encode()
    request = urllib.request.Request(hook.url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=_POST_TIMEOUT) as response:
            response.read()
            return None
    except urllib.error.HTTPError as error:
        return f"Wrong response from the webhook: {error.code} {error.reason}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"Connection failed: {reason}"
