"""HTTP in and out: route Bot API, file and control requests, decode their parameters, play planned faults."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.botapi import faults, methods
from tests.botapi.control import run_control
from tests.botapi.state import State
from tests.botapi.validate import ApiError

if TYPE_CHECKING:
    from tests.botapi.server import BotApiServer

logger = logging.getLogger(__name__)

# Form fields that are text even when they look like JSON ("123", "true"); the rest arrive JSON-encoded.
# fmt: off
_TEXT_FIELDS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "inline_query_id", "inline_message_id", "url",
    "description", "short_description", "name", "language_code", "action", "file_id", "next_offset",
    "switch_pm_text", "switch_pm_parameter", "title", "emoji", "business_connection_id",
    "message_effect_id",
})
# fmt: on


def _form_value(name: str, value: str) -> Any:
    if name in _TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # a plain string such as "@channelname"


def decode_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Parameters from the query string and a JSON, urlencoded or multipart body, as Telegram reads them."""
    form = parse_qsl(query, keep_blank_values=True)
    typed: dict[str, Any] = {}
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json" and body:
        try:
            typed = json.loads(body)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON object") from None
        if not isinstance(typed, dict):
            raise ApiError(400, "Bad Request: can't parse JSON object")
    elif kind == "application/x-www-form-urlencoded":
        form += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    elif kind == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        for part in BytesParser(policy=policy.HTTP).parsebytes(head + body).iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            if part.get_filename() is None:
                form.append((name, payload.decode("utf-8", "replace")))
            else:  # uploads are described, not kept: no method here stores uploaded files
                typed[name] = {"file_name": part.get_filename(), "file_size": len(payload)}
    return {**{name: _form_value(name, value) for name, value in form}, **typed}


def encode_json(body: Any) -> bytes:
    """UTF-8 JSON as Telegram sends it; a lone surrogate (no UTF-8 form) goes out as a \\ud800 escape."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: PTB's httpx pool reuses connections
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, 40 ms stalls
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):  # the client went away; nothing left to flush
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry the bot token: keep them out of logs unless asked for.
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self.route()

    def do_POST(self) -> None:
        self.route()

    def route(self) -> None:
        with self.server.lock:
            self.server.busy.add(self.connection)
        try:
            self.dispatch()
        finally:
            with self.server.lock:
                self.server.busy.discard(self.connection)
            if self.server.closing:
                self.close_connection = True

    def dispatch(self) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        api = self.server.api
        if url.path.startswith("/bot"):
            self.bot_api(api, url.path[len("/bot") :], url.query, body)
        elif url.path.startswith("/file/bot"):
            self.file(api, unquote(url.path[len("/file/bot") :]))
        elif url.path.startswith("/test/"):
            self.answer(*run_control(api, url.path[len("/test/") :], body))
        else:
            self.answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    def bot_api(self, api: BotApiServer, rest: str, query: str, body: bytes) -> None:
        token, _, method = rest.partition("/")
        if token != api.token:
            self.answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        state: State = api.state
        try:
            params = decode_params(self.headers.get("Content-Type", ""), body, query)
        except ApiError as error:
            self.answer(error.status, error.to_json())
            return
        with state.cond:
            fault = state.take_fault(method.lower())
            if fault is not None and (fault.drop or fault.status):
                self.note_fault(state, method, params, faults.describe(fault))
        if fault is not None and fault.drop:
            self.close_connection = True  # the client sees the connection close with no answer
            return
        if fault is not None and fault.status:
            self.answer(fault.status, faults.refusal(fault))
            return
        polling = method.lower() == "getupdates"
        if fault is not None and polling:
            params["timeout"] = 0  # the late answer stands for a slow network, not a long poll
        if polling:
            with self.server.lock:
                self.server.polling.add(self.connection)
        try:
            status, answer = 200, {"ok": True, "result": methods.call(state, method, params)}
        except ApiError as error:
            status, answer = error.status, error.to_json()
        finally:
            with self.server.lock:
                self.server.polling.discard(self.connection)
        if fault is not None and fault.delay:
            self.server.stopping.wait(fault.delay)  # the call took effect; only its answer is late
        self.answer(status, answer)

    def note_fault(self, state: State, method: str, params: dict[str, Any], what: str) -> None:
        if method.lower() == "getupdates":
            state.polls += 1
        else:
            state.record(method, params, None, what, params.get("chat_id"))

    def file(self, api: BotApiServer, rest: str) -> None:
        token, _, path = rest.partition("/")
        with api.state.cond:
            stored = next((f for f in api.state.files.values() if f.file_path == path), None)
        if token != api.token or stored is None:
            self.answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.send_bytes(200, stored.content, "application/octet-stream")

    def answer(self, status: int, body: Any) -> None:
        self.send_bytes(status, encode_json(body), "application/json")

    def send_bytes(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client gave up waiting (a timeout in a fault test)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256  # the load benchmark opens many connections at once

    def __init__(self, address: tuple[str, int], api: BotApiServer) -> None:
        self.api = api
        self.lock = threading.Lock()
        self.connections: set[socket.socket] = set()
        self.busy: set[socket.socket] = set()  # connections whose request is being answered
        self.polling: set[socket.socket] = set()  # connections waiting in a getUpdates long poll
        self.closing = False
        self.stopping = threading.Event()  # cuts short the late answers of delay faults
        super().__init__(address, _Handler)

    def close_connections(self, grace: float = 1.0) -> None:
        """Let answers in flight finish (briefly), then wake every handler blocked on a keep-alive read."""
        self.closing = True
        self.stopping.set()
        deadline = time.monotonic() + grace
        while self.busy and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.lock:
            open_now = list(self.connections)
        for connection in open_now:
            with contextlib.suppress(OSError):  # closed by its client meanwhile
                connection.shutdown(socket.SHUT_RDWR)


def cut_polls(httpd: _HttpServer, timeout: float) -> int:
    """Close every connection waiting in a long poll, unanswered, once there is one; how many there were."""
    deadline = time.monotonic() + timeout
    while True:
        with httpd.lock:
            waiting = list(httpd.polling)
        if waiting or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    for connection in waiting:
        with contextlib.suppress(OSError):  # it ended meanwhile
            connection.shutdown(socket.SHUT_RDWR)
    return len(waiting)


def serve(api: BotApiServer, host: str, port: int) -> tuple[_HttpServer, threading.Thread]:
    """Bind and serve in a daemon thread; the caller stops it with `halt`."""
    httpd = _HttpServer((host, port), api)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.name = f"botapi-{httpd.server_address[1]}"
    thread.start()
    return httpd, thread


def halt(httpd: _HttpServer, thread: threading.Thread) -> None:
    """Stop accepting, close open connections and release the port."""
    httpd.shutdown()
    httpd.close_connections()
    httpd.server_close()
    thread.join(timeout=5)
