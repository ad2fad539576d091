"""Specs for the test server's updates: what users do, long polling, confirmation and planned faults."""

import threading

import httpx
import pytest

from tests.botapi import BotApiServer

TOKEN = "123456:TEST-TOKEN"


pytest_plugins = ["tests.botapi_fixtures"]


def poll(api, **params):
    response = api("getUpdates", **params)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def texts(updates):
    return [next(iter(v for k, v in u.items() if k != "update_id")).get("text") for u in updates]


# -- what users do


def test_injected_text_carries_mention_and_command_entities_in_utf16(server, api, chat, alice):
    message = server.send_text(chat, alice, "😀 /ask@citebot_test_bot who is @bob?")
    assert message["entities"] == [
        {"offset": 3, "length": 21, "type": "bot_command"},
        {"offset": 32, "length": 4, "type": "mention"},
    ]
    assert poll(api)[0]["message"] == message


def test_channel_posts_have_sender_chat_and_no_from(server, api):
    news = server.channel(-1002, "News", username="news")
    post = server.channel_post(news, "Fresh article")
    assert "from" not in post
    assert post["sender_chat"] == {"id": -1002, "type": "channel", "title": "News", "username": "news"}
    edited = server.edit_channel_post(news, post["message_id"], "Fresh article, fixed")
    updates = poll(api)
    assert [sorted(u) for u in updates] == [["channel_post", "update_id"], ["edited_channel_post", "update_id"]]
    assert updates[1]["edited_channel_post"] == edited and "edit_date" in edited


def test_user_edits_arrive_as_edited_message(server, api, chat, alice):
    original = server.send_text(chat, alice, "What is BM52?")
    server.edit_text(chat, original["message_id"], "What is BM25?")
    updates = poll(api)
    assert updates[1]["edited_message"]["message_id"] == original["message_id"]
    assert updates[1]["edited_message"]["text"] == "What is BM25?"


def test_messages_from_other_bots_are_delivered_marked_as_bots(server, api):
    other = server.user(99, "Other", "other_bot", is_bot=True)
    group = server.group(-1005, "Bots", admins=[server.bot_user.id])
    server.send_text(group, other, "beep")
    assert poll(api)[0]["message"]["from"]["is_bot"] is True


def test_stickers_and_photos_have_no_text(server, chat, alice):
    sticker = server.send_sticker(chat, alice)
    photo = server.send_photo(chat, alice)
    assert "text" not in sticker and sticker["sticker"]["emoji"] == "👍"
    assert "text" not in photo and photo["photo"][0]["width"] == 800


def test_privacy_mode_shows_the_bot_only_group_messages_meant_for_it(server, api, alice):
    group = server.group(-1006, "Readers")
    server.send_text(group, alice, "just chatting")
    server.send_text(group, alice, "/ask@other_bot x")
    server.send_text(group, alice, "/ask what is BM25?")
    server.send_text(group, alice, "@citebot_test_bot what is BM25?")
    answer = api("sendMessage", chat_id=group.id, text="BM25 is a ranking function.").json()["result"]
    server.send_text(group, alice, "thanks", reply_to=answer["message_id"])
    assert texts(poll(api)) == ["/ask what is BM25?", "@citebot_test_bot what is BM25?", "thanks"]
    assert server.stats()["dropped_updates"] == 2


def test_a_bot_that_is_group_admin_or_has_privacy_off_sees_every_message(server, api, alice):
    admin_group = server.group(-1007, "Admins", admins=[server.bot_user.id])
    server.send_text(admin_group, alice, "just chatting")
    assert texts(poll(api)) == ["just chatting"]
    with BotApiServer(privacy_mode=False) as open_server:
        open_server.user(1, "U")
        open_server.send_text(open_server.group(-1, "G"), 1, "just chatting")
        assert texts(open_server.pending_updates()) == ["just chatting"]


def test_a_user_writes_only_in_their_own_private_chat(server, chat):
    bob = server.user(43, "Bob")
    with pytest.raises(ValueError, match="cannot write in the private chat"):
        server.send_text(chat, bob, "hi")


# -- long polling and confirmation


def test_long_poll_returns_when_an_update_arrives(server, api, chat, alice):
    waiting = threading.Timer(0.3, server.send_text, args=(chat, alice, "late question"))
    waiting.start()
    updates = poll(api, timeout=30)
    waiting.join()
    assert texts(updates) == ["late question"]


def test_poll_without_updates_answers_an_empty_list(server, api):
    assert poll(api, timeout=0) == []
    assert server.polls == 1


def test_offset_confirms_updates_and_nothing_is_lost(server, api, chat, alice):
    for text in ("one", "two", "three"):
        server.send_text(chat, alice, text)
    first = poll(api, limit=2)
    assert texts(first) == ["one", "two"]
    assert texts(poll(api)) == ["one", "two", "three"]  # not confirmed yet: delivered again
    rest = poll(api, offset=first[-1]["update_id"] + 1)
    assert texts(rest) == ["three"]
    assert poll(api, offset=rest[-1]["update_id"] + 1) == []
    assert server.pending_updates() == []


def test_negative_offset_keeps_only_the_latest_updates(server, api, chat, alice):
    for text in ("one", "two", "three"):
        server.send_text(chat, alice, text)
    assert texts(poll(api, offset=-1)) == ["three"]
    assert texts(poll(api)) == ["three"]


def test_allowed_updates_filters_later_updates(server, api, chat, alice):
    poll(api, allowed_updates=["callback_query"])
    server.send_text(chat, alice, "ignored")
    assert poll(api) == []
    poll(api, allowed_updates=[])
    server.send_text(chat, alice, "seen")
    assert texts(poll(api)) == ["seen"]


def test_a_second_poller_ends_the_first_with_a_conflict(server, api):
    outcome = {}
    first = threading.Thread(target=lambda: outcome.update(first=api("getUpdates", http_timeout=60, timeout=30)))
    first.start()
    while server.polls < 1:
        threading.Event().wait(0.01)
    assert poll(api, timeout=0) == []
    first.join()
    assert (outcome["first"].status_code, outcome["first"].json()["description"]) == (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    )


def test_stopping_the_server_ends_a_waiting_long_poll(server, api):
    outcome = {}
    waiting = threading.Thread(target=lambda: outcome.update(answer=api("getUpdates", http_timeout=60, timeout=30)))
    waiting.start()
    while server.polls < 1:
        threading.Event().wait(0.01)
    server.stop()
    waiting.join()
    assert outcome["answer"].json() == {"ok": True, "result": []}


# -- planned faults


@pytest.mark.parametrize(("status", "description"), [(500, "Internal Server Error"), (502, "Bad Gateway")])
def test_server_errors_refuse_the_next_calls_then_recover(server, api, chat, status, description):
    server.fail_next("sendMessage", count=2, status=status)
    for _ in range(2):
        response = api("sendMessage", chat_id=chat.id, text="x")
        assert (response.status_code, response.json()) == (
            status,
            {"ok": False, "error_code": status, "description": description},
        )
    assert api("sendMessage", chat_id=chat.id, text="x").status_code == 200
    assert [c.ok for c in server.sent(chat, include_failed=True)] == [False, False, True]


def test_flood_control_answers_429_with_retry_after(server, api, chat):
    server.fail_next("sendMessage", retry_after=7)
    response = api("sendMessage", chat_id=chat.id, text="x")
    assert (response.status_code, response.json()) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )


def test_a_delayed_answer_times_out_the_client_but_the_message_was_sent(server, api, chat):
    server.fail_next("sendMessage", delay=1.0)
    with pytest.raises(httpx.ReadTimeout):
        api("sendMessage", http_timeout=0.2, chat_id=chat.id, text="sent anyway")
    assert [c.text for c in server.sent(chat)] == ["sent anyway"]


def test_a_dropped_connection_gets_no_answer_and_has_no_effect(server, api, chat):
    server.fail_next("sendMessage", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        api("sendMessage", chat_id=chat.id, text="lost")
    assert server.sent(chat) == []
    assert [c.error for c in server.sent(chat, include_failed=True)] == ["dropped"]


def test_faults_on_get_updates_lose_no_update(server, api, chat, alice):
    server.send_text(chat, alice, "kept")
    server.fail_next("getUpdates", status=500)
    server.fail_next("getUpdates", drop=True)
    server.fail_next("getUpdates", delay=0.5)
    assert api("getUpdates").status_code == 500
    with pytest.raises(httpx.RemoteProtocolError):
        api("getUpdates")
    with pytest.raises(httpx.ReadTimeout):
        api("getUpdates", http_timeout=0.1)
    assert texts(poll(api)) == ["kept"]
    assert server.polls == 4


def test_a_fault_needs_exactly_one_kind(server):
    with pytest.raises(ValueError, match="exactly one"):
        server.fail_next("sendMessage", status=500, drop=True)
    with pytest.raises(ValueError, match="status must be one of"):
        server.fail_next("sendMessage", status=404)
