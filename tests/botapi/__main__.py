"""python -m tests.botapi: run the test Bot API server in its own process (for the load benchmark)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from tests.botapi.server import BotApiServer


def main(argv: list[str] | None = None) -> None:
    """Serve until SIGINT or SIGTERM; the first stdout line is the base URL a bot should use."""
    parser = argparse.ArgumentParser(prog="python -m tests.botapi", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--token", default="123456:TEST-TOKEN")
    parser.add_argument("--bot-username", default="citebot_test_bot")
    parser.add_argument("--no-privacy", action="store_true", help="deliver every group message to the bot")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    server = BotApiServer(args.token, args.bot_username, port=args.port, privacy_mode=not args.no_privacy)
    with server:
        # The file URL and control URL follow from the base URL: .../bot -> .../file/bot and .../test/.
        print(server.base_url, flush=True)
        stopped.wait()


if __name__ == "__main__":
    main()
