"""Fixtures shared by the test server's own tests: a fresh server, a user, a chat, raw Bot API calls."""

from __future__ import annotations

import httpx
import pytest

from tests.botapi import BotApiServer

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def server():
    with BotApiServer(token=TOKEN, bot_username="citebot_test_bot") as running:
        yield running


@pytest.fixture
def alice(server):
    return server.user(42, "Alice", "alice")


@pytest.fixture
def chat(server, alice):
    return server.private_chat(alice)


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=10.0) as client:
        yield client


@pytest.fixture
def api(server, http):
    """Bot API calls with a JSON body, as a bot makes them, on one keep-alive connection."""

    def call(method, http_timeout=10.0, **params):
        return http.post(f"{server.base_url}{server.token}/{method}", json=params, timeout=http_timeout)

    return call
