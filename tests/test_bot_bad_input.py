"""Bad input through the real HTTP stack: odd questions, hostile documents and URLs, and the library unharmed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest_plugins = ["tests.bot_harness"]

LIGHTHOUSE = (
    "Harbour lighthouse restored",
    "lighthouse.md",
    "The harbour lighthouse was built in 1901 by the engineer Mara Quill. "
    "Its lamp turns twice a minute and can be seen 40 kilometres away.",
    None,
    "2024-03-01",
)
QUESTION = "Who built the harbour lighthouse?"
ANSWER = (
    "The harbour lighthouse was built in 1901 by the engineer Mara Quill.\n— Harbour lighthouse restored, 2024-03-01"
)
DONT_KNOW = "I couldn't find that in the articles I have."
EMPTY = "Ask me a question in words, for example: /ask who built the first lighthouse?"
NOT_TEXT = "I can only read text. Send me your question as a message."
SQL = "'; DROP TABLE articles; --"


async def private_bot(run_bot, make_library, **settings):
    bot = await run_bot(make_library(LIGHTHOUSE), **settings)
    user = bot.new_user("Bo")
    return bot, user, bot.private(user)


# -- questions


@pytest.mark.parametrize(
    ("question", "reply"),
    [
        ("", NOT_TEXT),  # Telegram never sends it, a forged update might
        ("   \n\t  ", EMPTY),
        ("\u200b\u200c\u200d\ufeff", EMPTY),
        ("\x00\x00", EMPTY),
        ("\udc00\ud800\ud83d", EMPTY),  # lone surrogates, as \\ud800 escapes in Telegram's JSON
    ],
    ids=["empty", "whitespace", "zero-width-only", "null-bytes-only", "lone-surrogates-only"],
)
async def test_a_question_with_nothing_to_read_gets_a_hint(run_bot, make_library, question, reply):
    bot, user, chat = await private_bot(run_bot, make_library)
    assert (await bot.say(chat, user, question)).text == reply


@pytest.mark.parametrize(
    "question",
    [
        "🏝️🚢⛴️🌊",
        "what is the of and to a in?",
        SQL,
        "مَن بنى المنارة؟ מי בנה את המגדלור?",
        "\u202eWho painted the moon?\u202c",
        "*bold* _italic_ `code` [link](https://example.com) ~strike~ ||spoiler||",
    ],
    ids=["emoji-only", "stopwords-only", "sql", "rtl-arabic-hebrew", "rtl-override", "markdown"],
)
async def test_an_odd_question_gets_an_honest_i_dont_know(run_bot, make_library, question):
    bot, user, chat = await private_bot(run_bot, make_library)
    before = bot.library.stats()
    assert (await bot.say(chat, user, question)).text.startswith(DONT_KNOW)
    assert bot.library.stats() == before


@pytest.mark.parametrize(
    "question",
    [
        "Who built the harbour light\u200bhouse\u200d?",
        "Who built the\x00 harbour lighthouse?",
        "Who built the harbour lighthouse? \ud800",
        "\u202bWho built the harbour lighthouse?\u202c",
        "<b>Who</b> built the harbour <i>lighthouse</i>? &lt;script&gt;",
    ],
    ids=["zero-width-inside", "null-byte-inside", "lone-surrogate-after", "rtl-embedding", "html"],
)
async def test_a_real_question_wrapped_in_odd_characters_is_still_answered(run_bot, make_library, question):
    bot, user, chat = await private_bot(run_bot, make_library)
    assert (await bot.say(chat, user, question)).text == ANSWER


async def test_a_question_of_exactly_4096_characters_is_read_whole(run_bot, make_library):
    bot, user, chat = await private_bot(run_bot, make_library)
    question = (QUESTION + " " + "please " * 600)[:4096]
    assert len(question) == 4096
    assert (await bot.say(chat, user, question)).text == ANSWER


async def test_a_mention_next_to_lone_surrogates_in_a_group_is_answered(run_bot, make_library):
    bot = await run_bot(make_library(LIGHTHOUSE))
    user = bot.new_user("Gil")
    group = bot.new_group()
    reply = await bot.say(group, user, f"\ud83d @{bot.username} {QUESTION} \udc00")
    assert reply.text == ANSWER


async def test_a_filter_with_html_in_it_is_echoed_as_text(run_bot, make_library):
    bot, user, chat = await private_bot(run_bot, make_library)
    reply = await bot.say(chat, user, "after:1<2&3>0 who built the harbour lighthouse?")
    # Escaped, or Telegram would have refused the whole reply as bad HTML.
    assert "ignored after:1<2&3>0" in reply.text


async def test_remove_with_half_an_emoji_or_a_null_byte_in_the_name_removes_nothing(run_bot, make_library):
    bot = await run_bot(make_library(LIGHTHOUSE))
    chat = bot.private(bot.admin)
    for name in ("lighthouse\ud83d.md", "light\x00house.md"):
        reply = await bot.say(chat, bot.admin, f"/remove {name}")
        assert reply.text == "There is no article lighthouse.md here. /sources lists them."
    assert [s.source for s in bot.library.sources()] == ["lighthouse.md"]


async def test_sql_in_questions_filters_and_commands_leaves_the_library_intact(run_bot, make_library):
    bot = await run_bot(make_library(LIGHTHOUSE))
    chat = bot.private(bot.admin)
    before = (bot.library.stats(), bot.library.sources())
    for text in (SQL, f"source:{SQL} lighthouse", f"source:%' OR '1'='1 {QUESTION}", f"/remove {SQL}", f"/ask {SQL}"):
        assert (await bot.say(chat, bot.admin, text)).ok
    assert (bot.library.stats(), bot.library.sources()) == before
    assert (await bot.say(chat, bot.admin, QUESTION)).text == ANSWER


# -- documents


async def send_document(bot, chat, name: str, content: bytes) -> list[str]:
    """An admin sends a document; the texts of the bot's progress and outcome messages."""
    mark = bot.server.mark()
    bot.server.send_document(chat, bot.admin, name, content)
    first = (await bot.server.wait_sent_async(chat, 1, since=mark))[0]
    if not first.text.startswith("Adding "):
        return [first.text]
    (outcome,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark)
    return [first.text, outcome.text]


ZIP_BOMB = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 64 + b"PK\x05\x06" + b"\x00" * 18


@pytest.mark.parametrize(
    ("name", "content", "outcome"),
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary content, not text"),
        ("bomb.txt", ZIP_BOMB, "binary content, not text"),
        ("russian.txt", "Маяк построили в 1901 году.".encode("cp1251"), "not UTF-8 text: save it as UTF-8"),
        ("empty.md", b"   \n", "empty file"),
        ("<b>bold</b>.txt", b"\x00\x01\x02 not text", "binary content, not text"),
    ],
    ids=["binary", "zip-bytes-named-txt", "wrong-encoding", "blank", "html-name"],
)
async def test_a_document_that_is_not_text_is_refused_with_the_reason(run_bot, make_library, name, content, outcome):
    bot = await run_bot(make_library(LIGHTHOUSE))
    chat = bot.private(bot.admin)
    before = bot.library.stats()
    progress, result = await send_document(bot, chat, name, content)
    assert progress == f"Adding {name}…"
    assert result.startswith(f"Couldn't add {name}: ") and outcome in result
    assert bot.library.stats() == before


async def test_a_jsonl_line_with_half_an_emoji_gets_an_outcome(run_bot, make_library):
    bot = await run_bot(make_library(LIGHTHOUSE))
    chat = bot.private(bot.admin)
    line = b'{"title": "Odd", "text": "Half an emoji \\ud83d here. The ferry leaves at nine."}\n'
    mark = bot.server.mark()
    bot.server.send_document(chat, bot.admin, "posts.jsonl", line)
    (outcome,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark, seconds=3)
    assert outcome.text.startswith(("Added posts.jsonl", "Couldn't add posts.jsonl: "))


async def test_a_huge_document_is_refused_before_it_is_downloaded(run_bot, make_library):
    bot = await run_bot(make_library(LIGHTHOUSE))
    chat = bot.private(bot.admin)
    mark = bot.server.mark()
    (reply,) = await send_document(bot, chat, "archive-dump.txt", b"x" * (11 * 1024 * 1024))
    assert reply == "archive-dump.txt is 11.0 MB; the limit is 10 MB."
    assert bot.server.sent(method="getFile", since=mark) == []


async def test_an_archive_is_never_downloaded_or_opened(run_bot, make_library):
    bot = await run_bot(make_library(LIGHTHOUSE))
    chat = bot.private(bot.admin)
    mark = bot.server.mark()
    for name in ("bomb.zip", "articles.tar.gz", "book.epub"):
        (reply,) = await send_document(bot, chat, name, ZIP_BOMB)
        assert reply == f"I can add .txt, .md, .html and .jsonl files; {name} is not one."
    assert bot.server.sent(method="getFile", since=mark) == []


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("/etc/cron.d/evil.md", "evil.md"),
        ("..\\..\\windows\\win.ini.txt", "win.ini.txt"),
        ("C:\\Users\\Public\\notes.txt", "notes.txt"),
        ("....//....//x.txt", "x.txt"),
    ],
)
async def test_a_document_named_with_path_tricks_is_stored_under_its_base_name(run_bot, make_library, name, stored):
    bot = await run_bot(make_library(LIGHTHOUSE))
    chat = bot.private(bot.admin)
    _, result = await send_document(bot, chat, name, b"Ferry news\n\nThe ferry sails at nine on Sundays.")
    assert result.startswith("Added ") and "1 article" in result
    sources = [s.source for s in bot.library.sources()]
    assert sorted(sources) == sorted(["lighthouse.md", stored])
    assert all(".." not in s and not s.startswith(("/", "\\")) and ":" not in s for s in sources)


# -- /add URL


class Hostile(ThreadingHTTPServer):
    """Pages that never end: redirects in a circle, and a body that streams until the reader stops."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), HostileRoutes)
        self.streamed = 0
        self.stream_ended = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class HostileRoutes(BaseHTTPRequestHandler):
    server: Hostile
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/circle"):
            self.send_response(302)
            self.send_header("Location", f"/circle{len(self.path)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/declared-huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(5 * 1024**3))
            self.end_headers()
            self.close_connection = True
        elif self.path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.stream()

    def stream(self) -> None:
        chunk = b"<p>" + b"gigabytes of words " * 3000 + b"</p>"
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        try:
            while self.server.streamed < 1024**3:  # a gigabyte at most, should the reader never stop
                self.wfile.write(framed)
                self.server.streamed += len(chunk)
        except OSError:
            pass  # the reader hung up: what the test waits for
        finally:
            self.close_connection = True
            self.server.stream_ended.set()


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def add_url(bot, url: str) -> str:
    """An admin sends /add URL; the text the progress message ends as."""
    chat = bot.private(bot.admin)
    mark = bot.server.mark()
    bot.server.send_text(chat, bot.admin, f"/add {url}")
    (outcome,) = await bot.server.wait_sent_async(chat, 1, method="editMessageText", since=mark, seconds=20)
    return outcome.text


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/intranet",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/",
        "http://[::ffff:10.1.1.1]/",
    ],
)
async def test_add_refuses_private_and_link_local_addresses_before_connecting(run_bot, make_library, url):
    bot = await run_bot(make_library(LIGHTHOUSE))
    before = bot.library.stats()
    outcome = await add_url(bot, url)
    assert outcome.startswith(f"Couldn't add {url}: ") and "is a private or reserved address" in outcome
    assert bot.library.stats() == before


async def test_add_refuses_addresses_that_are_not_web_pages(run_bot, make_library):
    bot = await run_bot(make_library(LIGHTHOUSE))
    before = bot.library.stats()
    for url in ("file:///etc/passwd", "javascript:alert(1)", "ftp://example.com/a.html"):
        assert await add_url(bot, url) == f"Couldn't add {url}: only http:// and https:// addresses can be added"
    assert bot.library.stats() == before


async def test_add_gives_up_on_a_page_that_redirects_forever(run_bot, make_library, hostile):
    bot = await run_bot(make_library(LIGHTHOUSE), fetch_allow_private=True)
    before = bot.library.stats()
    url = hostile.url("/circle")
    assert await add_url(bot, url) == f"Couldn't add {url}: the page redirects more than 5 times"
    assert bot.library.stats() == before


async def test_add_stops_reading_a_page_that_streams_gigabytes_at_the_size_limit(run_bot, make_library, hostile):
    bot = await run_bot(make_library(LIGHTHOUSE), fetch_allow_private=True, fetch_max_mb=1.0)
    before = bot.library.stats()
    url = hostile.url("/endless")
    assert await add_url(bot, url) == f"Couldn't add {url}: the page is larger than 1 MB"
    assert hostile.stream_ended.wait(10)  # the bot hung up rather than reading on
    assert hostile.streamed < 1024**3
    declared = hostile.url("/declared-huge")
    assert await add_url(bot, declared) == f"Couldn't add {declared}: the page is larger than 1 MB"
    assert bot.library.stats() == before
