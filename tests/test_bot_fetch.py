"""bot.fetch: /add URL downloads public HTML pages only, within time, size and redirect limits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.fetch import FetchError, check_address, fetch_page

PAGE = "<html><head><title>Lighthouse</title></head><body><p>The lamp turns twice a minute.</p></body></html>"


class PageServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Routes)
        self.hits: list[str] = []
        self.release = threading.Event()  # ends the /slow page when the test is done with it

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Routes(BaseHTTPRequestHandler):
    server: PageServer

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        if self.path == "/page":
            self.send(200, "text/html; charset=utf-8", PAGE.encode())
        elif self.path == "/latin1":
            self.send(200, "text/html", '<meta charset="latin-1"><p>Café au lait.</p>'.encode("latin-1"))
        elif self.path == "/moved":
            self.redirect("/page")
        elif self.path.startswith("/loop"):
            self.redirect(f"/loop{len(self.path)}")
        elif self.path == "/pdf":
            self.send(200, "application/pdf", b"%PDF-1.4")
        elif self.path == "/big":
            self.send(200, "text/html", b"<p>" + b"x" * 50_000 + b"</p>")
        elif self.path == "/big-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no length: the size shows only while reading
            self.wfile.write(b"<p>" + b"y" * 50_000)
            self.close_connection = True
        elif self.path == "/slow":
            self.server.release.wait(5)
            self.send(200, "text/html", b"<p>late</p>")
        elif self.path == "/private-redirect":
            self.redirect("http://10.1.2.3/secret")
        else:
            self.send(404, "text/html", b"<p>no</p>")

    def send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture(scope="module")
def pages() -> Iterator[PageServer]:
    server = PageServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


async def fetch(url: str, **options):
    options = {"time_limit": 3.0, "max_bytes": 10_000, "allow_private": True, **options}
    return await fetch_page(url, **options)


async def test_a_loopback_address_is_refused_before_connecting(pages):
    before = len(pages.hits)
    with pytest.raises(FetchError, match="private or reserved address"):
        await fetch_page(pages.base + "/page", time_limit=3.0, max_bytes=10_000)
    assert len(pages.hits) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/",
        "http://10.0.0.8/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
    ],
)
async def test_private_link_local_and_reserved_addresses_are_refused(url):
    with pytest.raises(FetchError, match="private or reserved"):
        await check_address(url)


@pytest.mark.parametrize("url", ["ftp://example.com/file", "file:///etc/passwd", "javascript:alert(1)", "nonsense"])
async def test_only_http_and_https_addresses_are_fetched(url):
    with pytest.raises(FetchError, match="only http:// and https://"):
        await check_address(url)


async def test_an_html_page_is_fetched_with_its_text(pages):
    page = await fetch(pages.base + "/page")
    assert page.html == PAGE
    assert page.url == pages.base + "/page"


async def test_a_redirect_is_followed_and_the_final_address_kept(pages):
    page = await fetch(pages.base + "/moved")
    assert (page.url, page.html) == (pages.base + "/page", PAGE)


async def test_endless_redirects_stop_after_the_limit(pages):
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        await fetch(pages.base + "/loop")


async def test_a_redirect_to_a_private_address_is_refused_without_private_fetching(pages):
    with pytest.raises(FetchError, match="private or reserved"):
        await fetch_page(pages.base + "/private-redirect", time_limit=3.0, max_bytes=10_000, allow_private=False)


async def test_a_page_that_is_not_html_is_refused(pages):
    with pytest.raises(FetchError, match=r"not an HTML page \(it is application/pdf\)"):
        await fetch(pages.base + "/pdf")


async def test_a_page_over_the_size_limit_is_refused_by_its_length_or_while_reading(pages):
    with pytest.raises(FetchError, match=r"larger than 0\.01 MB"):
        await fetch(pages.base + "/big")
    with pytest.raises(FetchError, match=r"larger than 0\.01 MB"):
        await fetch(pages.base + "/big-chunked")


async def test_a_page_that_does_not_answer_in_time_is_given_up(pages):
    with pytest.raises(FetchError, match=r"did not answer within 0\.3 seconds"):
        await fetch(pages.base + "/slow", time_limit=0.3)


async def test_an_error_status_is_reported(pages):
    with pytest.raises(FetchError, match="answered 404"):
        await fetch(pages.base + "/missing")


async def test_the_charset_a_page_declares_in_a_meta_tag_is_used(pages):
    assert "Café au lait." in (await fetch(pages.base + "/latin1")).html
