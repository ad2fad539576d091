"""The terminal chat: questions from standard input, answers from the library, until end of input."""

from __future__ import annotations

import sys
from typing import TextIO

from index import CitebotError, Library

from .terminal import format_result

GREETING = (
    "citebot terminal chat over {articles} article(s). Ask a question; end with Ctrl-D.\n"
    "(Set TELEGRAM_BOT_TOKEN in .env to run the Telegram bot instead.)"
)


def run_chat(library: Library, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, k: int = 1) -> None:
    """Answer each line of input; a prompt is shown only when a person is typing."""
    interactive = stdin.isatty()
    stats = library.stats()
    if stats.articles == 0:
        print("The library is empty: add articles with `citebot add PATH`.", file=stdout)
    print(GREETING.format(articles=stats.articles), file=stdout)
    previous = None  # the last question and its answer: "When did he arrive?" may refer back to them
    while True:
        if interactive:
            print("\nyou> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        try:
            result = library.query(question, k, previous=previous)
            reply = format_result(result)
            previous = result.turn(question)
        except CitebotError as error:
            reply = f"Sorry, I can't answer that: {error}"
        print(("" if interactive else f"\n? {question}\n") + reply, file=stdout, flush=True)
    if interactive:
        print(file=stdout)
