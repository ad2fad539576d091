"""Redaction: the bot token and the webhook secret never reach a log record, whatever the logger or level."""

from __future__ import annotations

import logging
import threading

HIDDEN = "<hidden>"

# Module state on purpose: log records are made process-wide, so what they hide has to be too.
_lock = threading.Lock()
_secrets: tuple[str, ...] = ()
_installed = False


def hide_in_logs(*secrets: str | None) -> None:
    """From now on every log record made in this process shows these strings as <hidden>.

    A record factory rather than a handler filter: PTB logs the Bot API URL (token included) at DEBUG,
    httpx logs request URLs at INFO, and a filter on one handler would not protect another (a log file,
    pytest's caplog) added later.
    """
    global _secrets, _installed
    with _lock:
        _secrets = tuple(sorted({*_secrets, *(s for s in secrets if s)}, key=len, reverse=True))
        if _installed:
            return
        _installed = True
        make_record = logging.getLogRecordFactory()

        def redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            _redact(record, _secrets)
            return record

        logging.setLogRecordFactory(redacting_factory)


def scrub(text: str, secrets: tuple[str, ...] | None = None) -> str:
    """`text` with every hidden string replaced."""
    for secret in _secrets if secrets is None else secrets:
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return text


def _redact(record: logging.LogRecord, secrets: tuple[str, ...]) -> None:
    if not secrets:
        return
    try:
        message = record.getMessage()
    except (TypeError, ValueError, KeyError):
        return  # a malformed record: the handler reports it, and it cannot have formatted a secret in
    cleaned = scrub(message, secrets)
    if cleaned != message:
        record.msg, record.args = cleaned, ()
    if record.exc_info and not record.exc_text:
        # Formatted now so the traceback can be cleaned; formatters reuse exc_text when it is set.
        trace = logging.Formatter().formatException(record.exc_info)
        cleaned = scrub(trace, secrets)
        if cleaned != trace:
            record.exc_text = cleaned
