"""Fetch: download one web page for /add URL, refusing anything that is not a public HTML page."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


class FetchError(Exception):
    """A page that cannot be added; the message is meant for the person who asked."""


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched HTML page and the address it was finally found at."""

    url: str
    html: str


async def fetch_page(
    url: str,
    *,
    time_limit: float,
    max_bytes: int,
    allow_private: bool = False,
    max_redirects: int = MAX_REDIRECTS,
) -> Page:
    """Download an HTML page, following at most `max_redirects` redirects, all within `time_limit` seconds."""
    try:
        async with asyncio.timeout(time_limit), httpx.AsyncClient(timeout=time_limit, trust_env=False) as client:
            for _ in range(max_redirects + 1):
                response = await _request(client, url, allow_private)
                try:
                    if not response.is_redirect:
                        return await _read_page(url, response, max_bytes)
                    url = _next_url(url, response.headers.get("location", ""))
                finally:
                    await response.aclose()
    except TimeoutError:
        raise FetchError(f"the page did not answer within {time_limit:g} seconds") from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise FetchError(f"could not download the page ({type(error).__name__})") from None
    raise FetchError(f"the page redirects more than {max_redirects} times")


async def check_address(url: str, *, allow_private: bool = False) -> tuple[str, str]:
    """(host, ip) for an http(s) URL whose host resolves only to public addresses; FetchError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("only http:// and https:// addresses can be added")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError):
        raise FetchError(f"could not find the host {parts.hostname}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not allow_private:
        refused = [a for a in addresses if not _is_public(a)]
        if refused:
            raise FetchError(f"{parts.hostname} is a private or reserved address ({refused[0]}); refused")
    return parts.hostname, str(addresses[0])


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    blocked = (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )
    return address.is_global and not blocked


async def _request(client: httpx.AsyncClient, url: str, allow_private: bool) -> httpx.Response:
    host, ip = await check_address(url, allow_private=allow_private)
    # Connect to the address just checked, not to a second DNS answer: that closes the
    # rebinding gap where a name resolves to a public address once and to 127.0.0.1 next.
    pinned = httpx.URL(url).copy_with(host=ip)
    host_header = urlsplit(url).netloc.rsplit("@", 1)[-1]
    request = client.build_request(
        "GET",
        pinned,
        headers={"Host": host_header, "Accept": "text/html,application/xhtml+xml"},
        extensions={"sni_hostname": host},
    )
    return await client.send(request, stream=True, follow_redirects=False)


def _next_url(url: str, location: str) -> str:
    if not location:
        raise FetchError("the page redirects without saying where")
    return urljoin(url, location)


async def _read_page(url: str, response: httpx.Response, max_bytes: int) -> Page:
    if response.status_code != 200:
        raise FetchError(f"the server answered {response.status_code} {response.reason_phrase}")
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type not in _HTML_TYPES:
        raise FetchError(f"not an HTML page (it is {content_type or 'of no stated type'})")
    limit_mb = f"{max_bytes / 1_000_000:g} MB"
    if int(response.headers.get("content-length") or 0) > max_bytes:
        raise FetchError(f"the page is larger than {limit_mb}")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"the page is larger than {limit_mb}")
    return Page(url=url, html=_decode(bytes(body), response.charset_encoding))


def _decode(body: bytes, declared: str | None) -> str:
    meta = _META_CHARSET.search(body[:4096])
    for encoding in (declared, meta.group(1).decode("ascii") if meta else None, "utf-8"):
        if encoding:
            try:
                return body.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return body.decode("utf-8", errors="replace")
