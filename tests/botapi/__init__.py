"""A Telegram Bot API server for tests: BotApiServer, start_server and the records they hand back."""

from tests.botapi.html_check import HtmlError, parse_html
from tests.botapi.server import BotApiServer, start_server
from tests.botapi.state import ApiCall, ApiChat, ApiUser, Fault, Webhook
from tests.botapi.texts import utf16_len

__all__ = [
    "ApiCall",
    "ApiChat",
    "ApiUser",
    "BotApiServer",
    "Fault",
    "HtmlError",
    "Webhook",
    "parse_html",
    "start_server",
    "utf16_len",
]
