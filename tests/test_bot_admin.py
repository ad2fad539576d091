"""Admin work through the real HTTP stack: documents, /add URL, /remove, /sources, /stats, and refusals."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest_plugins = ["tests.bot_harness"]

TIDES = (
    "Tide tables",
    "tides.md",
    "The spring tide reached 4.2 metres at the harbour wall on Tuesday. Boats stayed in port.",
    None,
    "2024-02-02",
)
REPORT = b"# Storm report\n\nThe storm flooded the fish market on Friday night. Repairs will take a week.\n"
PAGE = (
    b"<html><head><title>Seal colony grows</title></head><body><article><h1>Seal colony grows</h1>"
    b"<p>Rangers counted 312 grey seals on the sandbank this winter, the most since counting began.</p>"
    b"<p>The colony has grown every year for a decade, and the rangers ask walkers to keep dogs on leads.</p>"
    b"</article></body></html>"
)


class Pages(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), PageRoutes)
        self.hits: list[str] = []
        self.slow_requested, self.release = threading.Event(), threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class PageRoutes(BaseHTTPRequestHandler):
    server: Pages

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        if self.path == "/slow":
            self.server.slow_requested.set()
            self.server.release.wait(10)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


@pytest.fixture
def pages() -> Iterator[Pages]:
    server = Pages()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


async def admin_chat(run_bot, make_library, **settings):
    bot = await run_bot(make_library(TIDES), **settings)
    return bot, bot.private(bot.admin)


async def test_an_admins_document_is_added_with_a_progress_message_edited_into_a_summary(run_bot, make_library):
    bot, chat = await admin_chat(run_bot, make_library)
    mark = bot.server.mark()
    bot.server.send_document(chat, bot.admin, "report.md", REPORT)
    (progress,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert progress.text == "Adding report.md…"
    (summary,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark)
    assert summary.params["message_id"] == progress.message["message_id"]
    assert summary.text == "Added report.md: 1 article, 2 sentences."
    reply = await bot.say(chat, bot.admin, "What did the storm flood?")
    assert reply.text == "The storm flooded the fish market on Friday night.\n— Storm report"


async def test_a_document_of_the_wrong_type_is_refused_with_the_types_that_work(run_bot, make_library):
    bot, chat = await admin_chat(run_bot, make_library)
    mark = bot.server.mark()
    bot.server.send_document(chat, bot.admin, "scan.pdf", b"%PDF-1.4")
    (reply,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert reply.text == "I can add .txt, .md, .html and .jsonl files; scan.pdf is not one."
    assert bot.server.sent(method="getFile", since=mark) == []


async def test_a_document_over_the_size_limit_is_refused_before_downloading(run_bot, make_library):
    bot, chat = await admin_chat(run_bot, make_library, max_document_mb=0.001)
    mark = bot.server.mark()
    bot.server.send_document(chat, bot.admin, "big.txt", b"Big\n\n" + b"word " * 2000)
    (reply,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert reply.text == "big.txt is 10 KB; the limit is 0.001 MB."
    assert bot.server.sent(method="getFile", since=mark) == []
    assert bot.library.stats().articles == 1


async def test_a_document_that_cannot_be_read_says_why(run_bot, make_library):
    bot, chat = await admin_chat(run_bot, make_library)
    mark = bot.server.mark()
    bot.server.send_document(chat, bot.admin, "notes.jsonl", b"{not json\n")
    (progress,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    (result,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark)
    assert progress.text == "Adding notes.jsonl…"
    assert result.text == "Couldn't add notes.jsonl: no valid lines (bad lines: 1)"


async def test_someone_else_cannot_add_remove_or_list_and_nothing_changes(run_bot, make_library):
    bot = await run_bot(make_library(TIDES))
    stranger = bot.new_user("Sam")
    chat = bot.private(stranger)
    refusal = "Sorry, only the bot's admins can do that."
    for command in ("/add https://example.com/", "/remove tides.md", "/sources", "/stats"):
        assert (await bot.say(chat, stranger, command)).text == refusal
    mark = bot.server.mark()
    bot.server.send_document(chat, stranger, "report.md", REPORT)
    (reply,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert reply.text == refusal
    assert bot.server.sent(method="getFile", since=mark) == []
    assert [s.source for s in bot.library.sources()] == ["tides.md"]


async def test_add_of_a_loopback_address_is_refused_before_connecting(run_bot, make_library, pages):
    bot, chat = await admin_chat(run_bot, make_library)
    mark = bot.server.mark()
    bot.server.send_text(chat, bot.admin, f"/add {pages.url('/seals')}")
    (progress,) = await bot.server.wait_sent_async(chat, 1, since=mark)
    assert progress.text == f"Fetching {pages.url('/seals')}…"
    (refused,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark)
    assert refused.text == (
        f"Couldn't add {pages.url('/seals')}: 127.0.0.1 is a private or reserved address (127.0.0.1); refused"
    )
    assert pages.hits == []
    assert bot.library.stats().articles == 1


async def test_add_fetches_a_page_and_its_text_answers_with_a_link(run_bot, make_library, pages):
    bot, chat = await admin_chat(run_bot, make_library, fetch_allow_private=True)
    mark = bot.server.mark()
    bot.server.send_text(chat, bot.admin, f"/add {pages.url('/seals')}")
    (summary,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark)
    assert summary.text.startswith(f"Added {pages.url('/seals')}: 1 article")
    reply = await bot.say(chat, bot.admin, "How many grey seals did the rangers count?")
    assert reply.text.startswith("Rangers counted 312 grey seals on the sandbank this winter")
    link = next(e for e in reply.message["entities"] if e["type"] == "text_link")
    assert link["url"] == pages.url("/seals")


async def test_adding_runs_in_the_background_while_questions_are_answered(run_bot, make_library, pages):
    bot, chat = await admin_chat(run_bot, make_library, fetch_allow_private=True)
    mark = bot.server.mark()
    bot.server.send_text(chat, bot.admin, f"/add {pages.url('/slow')}")
    await bot.server.wait_sent_async(chat, 1, since=mark)  # "Fetching …"
    assert await asyncio.to_thread(pages.slow_requested.wait, 10)
    reply = await bot.say(chat, bot.admin, "How high did the spring tide reach?")
    assert reply.text.startswith("The spring tide reached 4.2 metres at the harbour wall on Tuesday.")
    assert bot.server.sent(chat, "editMessageText", since=mark) == []  # still adding
    pages.release.set()
    (summary,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark)
    assert summary.text.startswith("Added ")


async def test_remove_drops_an_article_and_its_answers(run_bot, make_library):
    bot, chat = await admin_chat(run_bot, make_library)
    assert (await bot.say(chat, bot.admin, "/remove tides.md")).text == "Removed tides.md."
    after = await bot.say(chat, bot.admin, "How high did the spring tide reach?")
    assert after.text.startswith("I couldn't find that in the articles I have.")
    missing = await bot.say(chat, bot.admin, "/remove tides.md")
    assert missing.text == "There is no article tides.md here. /sources lists them."
    assert (await bot.say(chat, bot.admin, "/remove")).text.startswith("Send /remove and the source")


async def test_sources_are_listed_newest_first_in_pages_turned_with_arrows(run_bot, make_library):
    articles = [
        (f"Notice {n}", f"n{n:02}.txt", f"Notice number {n} was posted.", None, f"2024-01-{n:02}") for n in range(1, 13)
    ]
    bot = await run_bot(make_library(*articles))
    chat = bot.private(bot.admin)
    first = await bot.say(chat, bot.admin, "/sources")
    lines = first.text.splitlines()
    assert lines[0] == "Articles 1–10, newest first:"
    assert len([line for line in lines if line.startswith("    ")]) == 10
    arrows = {b["text"]: b["callback_data"] for row in first.message["reply_markup"]["inline_keyboard"] for b in row}
    assert list(arrows) == ["▶"]
    mark = bot.server.mark()
    bot.server.press_button(chat, bot.admin, first.message["message_id"], arrows["▶"])
    (page,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark)
    assert page.text.splitlines()[0] == "Articles 11–12, newest first:"
    assert [b["text"] for row in page.message["reply_markup"]["inline_keyboard"] for b in row] == ["◀"]


async def test_stats_show_the_size_and_span_of_the_library(run_bot, make_library):
    bot, chat = await admin_chat(run_bot, make_library)
    reply = await bot.say(chat, bot.admin, "/stats")
    assert reply.text.splitlines()[0] == "This chat searches the global library."
    assert reply.text.splitlines()[1].startswith("1 article, 1 passage, 2 sentences")
