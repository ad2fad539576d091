"""Specs for the test Bot API server: it must speak the Bot API as Telegram does, or bot tests prove nothing."""

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

import tests.botapi

TOKEN = "123456:TEST-TOKEN"
ROOT = Path(__file__).resolve().parents[1]


pytest_plugins = ["tests.botapi_fixtures"]


def result(response):
    assert response.status_code == 200, response.text
    return response.json()["result"]


def refusal(response):
    return response.status_code, response.json()["description"]


def keyboard(data):
    return {"inline_keyboard": [[{"text": "More", "callback_data": data}]]}


# -- the front door


def test_get_me_describes_the_bot_as_telegram_does(server, api):
    assert result(api("getMe")) == {
        "id": 123456,
        "is_bot": True,
        "first_name": "Citebot Test",
        "username": "citebot_test_bot",
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def test_wrong_token_is_unauthorized(server):
    response = httpx.post(f"{server.base_url}999:WRONG/getMe")
    assert (response.status_code, response.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )


def test_unknown_method_is_not_found(server, api):
    response = api("sendTelepathy")
    assert (response.status_code, response.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )


def test_method_names_are_case_insensitive(server, api):
    assert result(api("GETME"))["username"] == "citebot_test_bot"


def test_form_data_with_json_encoded_fields_is_read_like_json(server, chat):
    form = {"chat_id": str(chat.id), "text": "123", "reply_markup": json.dumps(keyboard("d"))}
    sent = result(httpx.post(f"{server.base_url}{TOKEN}/sendMessage", data=form))
    assert (sent["text"], sent["reply_markup"]) == ("123", keyboard("d"))


def test_multipart_form_data_is_read(server, chat):
    response = httpx.post(
        f"{server.base_url}{TOKEN}/sendMessage",
        data={"chat_id": str(chat.id), "text": "with a file part"},
        files={"thumbnail": ("t.bin", b"\x00\xff\r\n", "application/octet-stream")},
    )
    assert result(response)["text"] == "with a file part"
    assert server.sent(chat)[0].params["thumbnail"] == {"file_name": "t.bin", "file_size": 4}


# -- messages the bot sends


def test_send_message_returns_a_full_message_dated_in_seconds(server, api, chat):
    sent = result(api("sendMessage", chat_id=chat.id, text="<b>Hi</b> &amp; bye", parse_mode="HTML"))
    assert 1_600_000_000 < sent["date"] < 10_000_000_000
    del sent["date"]
    assert sent == {
        "message_id": 1,
        "from": {"id": 123456, "is_bot": True, "first_name": "Citebot Test", "username": "citebot_test_bot"},
        "chat": {"id": 42, "type": "private", "username": "alice", "first_name": "Alice"},
        "text": "Hi & bye",
        "entities": [{"offset": 0, "length": 2, "type": "bold"}],
    }


def test_message_ids_increase_within_each_chat(server, api, chat, alice):
    group = server.group(-1001, "Readers")
    ids = [result(api("sendMessage", chat_id=c.id, text="x"))["message_id"] for c in (chat, chat, group)]
    assert ids == [1, 2, 1]
    assert server.send_text(chat, alice, "and mine")["message_id"] == 3


def test_sending_to_a_chat_never_seen_is_chat_not_found(server, api):
    assert refusal(api("sendMessage", chat_id=777, text="hi")) == (400, "Bad Request: chat not found")


def test_4096_utf16_units_pass_and_4097_fail_an_emoji_counting_two(server, api, chat):
    assert result(api("sendMessage", chat_id=chat.id, text="a" * 4094 + "😀"))
    too_long = api("sendMessage", chat_id=chat.id, text="a" * 4095 + "😀")
    assert refusal(too_long) == (400, "Bad Request: message is too long")


def test_length_is_measured_after_tags_are_parsed(server, api, chat):
    markup = "<b>" + "a" * 4096 + "</b>"
    assert result(api("sendMessage", chat_id=chat.id, text=markup, parse_mode="HTML"))


def test_empty_or_blank_text_is_refused(server, api, chat):
    for text in ("", " \n "):
        assert refusal(api("sendMessage", chat_id=chat.id, text=text)) == (
            400,
            "Bad Request: message text is empty",
        )


def test_bad_html_is_a_bad_request_naming_the_problem(server, api, chat):
    response = api("sendMessage", chat_id=chat.id, text="Answer: <script>", parse_mode="HTML")
    assert refusal(response) == (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "script" at byte offset 8',
    )
    assert server.sent(chat) == []
    assert server.sent(chat, include_failed=True)[0].error.startswith("Bad Request: can't parse entities")


def test_callback_data_longer_than_64_bytes_is_refused(server, api, chat):
    response = api("sendMessage", chat_id=chat.id, text="x", reply_markup=keyboard("é" * 33))
    assert refusal(response) == (400, "Bad Request: BUTTON_DATA_INVALID")


def test_reply_to_a_missing_message_is_refused_unless_allowed(server, api, chat):
    missing = {"message_id": 99}
    assert refusal(api("sendMessage", chat_id=chat.id, text="x", reply_parameters=missing)) == (
        400,
        "Bad Request: message to be replied not found",
    )
    lenient = {**missing, "allow_sending_without_reply": True}
    assert "reply_to_message" not in result(api("sendMessage", chat_id=chat.id, text="x", reply_parameters=lenient))


def test_a_reply_carries_the_whole_replied_message_one_level_deep(server, api, chat, alice):
    question = server.send_text(chat, alice, "What is BM25?")
    answer = result(api("sendMessage", chat_id=chat.id, text="A ranking function.", reply_parameters={"message_id": 1}))
    assert answer["reply_to_message"] == question
    follow_up = server.send_text(chat, alice, "Thanks", reply_to=answer["message_id"])
    assert "reply_to_message" not in follow_up["reply_to_message"]


def test_edit_message_text_changes_the_message_and_refuses_no_change(server, api, chat):
    sent = result(api("sendMessage", chat_id=chat.id, text="draft", reply_markup=keyboard("d")))
    edited = result(api("editMessageText", chat_id=chat.id, message_id=sent["message_id"], text="final"))
    assert (edited["text"], "reply_markup" in edited, "edit_date" in edited) == ("final", False, True)
    assert server.message(chat, sent["message_id"])["text"] == "final"
    again = api("editMessageText", chat_id=chat.id, message_id=sent["message_id"], text="final")
    assert refusal(again)[1].startswith("Bad Request: message is not modified: ")


def test_only_the_bots_own_existing_messages_can_be_edited(server, api, chat, alice):
    mine = server.send_text(chat, alice, "user text")
    assert refusal(api("editMessageText", chat_id=chat.id, message_id=mine["message_id"], text="x")) == (
        400,
        "Bad Request: message can't be edited",
    )
    assert refusal(api("editMessageText", chat_id=chat.id, message_id=50, text="x")) == (
        400,
        "Bad Request: message to edit not found",
    )


def test_edit_reply_markup_replaces_the_keyboard(server, api, chat):
    sent = result(api("sendMessage", chat_id=chat.id, text="q", reply_markup=keyboard("a")))
    markup = {"chat_id": chat.id, "message_id": sent["message_id"], "reply_markup": keyboard("b")}
    assert result(api("editMessageReplyMarkup", **markup))["reply_markup"] == keyboard("b")
    assert refusal(api("editMessageReplyMarkup", **markup))[1].startswith("Bad Request: message is not")


def test_deleted_messages_are_gone(server, api, chat):
    sent = result(api("sendMessage", chat_id=chat.id, text="oops"))
    assert result(api("deleteMessage", chat_id=chat.id, message_id=sent["message_id"])) is True
    assert server.message(chat, sent["message_id"]) is None
    assert refusal(api("deleteMessage", chat_id=chat.id, message_id=sent["message_id"])) == (
        400,
        "Bad Request: message to delete not found",
    )


def test_a_user_who_blocked_the_bot_cannot_be_written_to(server, api, chat, alice):
    server.block(alice)
    assert refusal(api("sendMessage", chat_id=chat.id, text="hi")) == (
        403,
        "Forbidden: bot was blocked by the user",
    )


def test_chat_action_must_be_a_known_action(server, api, chat):
    assert result(api("sendChatAction", chat_id=chat.id, action="typing")) is True
    assert refusal(api("sendChatAction", chat_id=chat.id, action="dancing")) == (
        400,
        "Bad Request: wrong parameter action in request",
    )


# -- queries, commands and chats


def test_button_press_brings_a_callback_query_that_is_answered_once(server, api, chat, alice):
    sent = result(api("sendMessage", chat_id=chat.id, text="Answer", reply_markup=keyboard("more:7")))
    query = server.press_button(chat, alice, sent["message_id"], "more:7")
    assert (query["data"], query["message"], query["from"]["id"]) == ("more:7", sent, 42)
    assert query["chat_instance"]
    assert refusal(api("answerCallbackQuery", callback_query_id=query["id"], text="é" * 201)) == (
        400,
        "Bad Request: MESSAGE_TOO_LONG",
    )
    assert result(api("answerCallbackQuery", callback_query_id=query["id"], text="Done")) is True
    too_old = "Bad Request: query is too old and response timeout expired or query ID is invalid"
    assert refusal(api("answerCallbackQuery", callback_query_id=query["id"])) == (400, too_old)
    assert refusal(api("answerCallbackQuery", callback_query_id="nope")) == (400, too_old)
    assert [c.ok for c in server.answers_to_callback(query["id"])] == [False, True, False]


def test_pressing_a_button_the_message_does_not_have_is_a_test_mistake(server, api, chat, alice):
    sent = result(api("sendMessage", chat_id=chat.id, text="Answer", reply_markup=keyboard("a")))
    with pytest.raises(LookupError, match="has no button 'b'"):
        server.press_button(chat, alice, sent["message_id"], "b")


def article(result_id, text="<b>Answer</b>"):
    content = {"message_text": text, "parse_mode": "HTML"}
    return {"type": "article", "id": result_id, "title": "T", "input_message_content": content}


def test_inline_answers_are_checked_like_messages_and_recorded(server, api, alice):
    query = server.inline_query(alice, "bm25")
    assert query["query"] == "bm25" and query["from"]["id"] == 42
    checks = {
        "Bad Request: RESULTS_TOO_MUCH": [article(str(i)) for i in range(51)],
        "Bad Request: RESULT_ID_DUPLICATE": [article("1"), article("1")],
        "Bad Request: RESULT_ID_INVALID": [article("x" * 65)],
        'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0': [article("1", "<p>")],
    }
    for description, results in checks.items():
        response = api("answerInlineQuery", inline_query_id=query["id"], results=results)
        assert refusal(response) == (400, description)
    assert server.inline_answers(query["id"]) is None
    assert result(api("answerInlineQuery", inline_query_id=query["id"], results=[article("1")])) is True
    assert server.inline_answers(query["id"]) == [article("1")]
    late = api("answerInlineQuery", inline_query_id=query["id"], results=[])
    assert refusal(late)[1].startswith("Bad Request: query is too old")


def test_commands_are_validated_and_stored_per_scope(server, api, chat):
    commands = [{"command": "ask", "description": "Ask a question"}]
    assert result(api("setMyCommands", commands=commands)) is True
    private = {"type": "all_private_chats"}
    assert result(api("setMyCommands", commands=commands * 2, scope=private)) is True
    assert server.commands() == commands
    assert server.commands("all_private_chats") == commands * 2
    assert result(api("getMyCommands", scope=private)) == commands * 2
    assert result(api("deleteMyCommands", scope=private)) is True
    assert server.commands("all_private_chats") == []
    for bad, description in (("Ask", "BOT_COMMAND_INVALID"), ("a" * 33, "BOT_COMMAND_INVALID")):
        response = api("setMyCommands", commands=[{"command": bad, "description": "d"}])
        assert refusal(response) == (400, f"Bad Request: {description}")
    response = api("setMyCommands", commands=[{"command": "ask", "description": "d" * 257}])
    assert refusal(response) == (400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    assert refusal(api("setMyCommands", commands=commands, scope={"type": "chat", "chat_id": 5})) == (
        400,
        "Bad Request: chat not found",
    )


def test_get_chat_shows_a_channels_linked_discussion_group(server, api):
    server.channel(-1002, "News", username="news", linked_chat_id=-1003)
    info = result(api("getChat", chat_id="@news"))
    assert (info["id"], info["type"], info["title"], info["linked_chat_id"]) == (-1002, "channel", "News", -1003)


def test_chat_members_and_administrators(server, api, alice):
    bob = server.user(43, "Bob")
    group = server.group(-1004, "Readers", admins=[alice.id])
    server.send_text(group, bob, "/ask hello")
    admins = result(api("getChatAdministrators", chat_id=group.id))
    assert [(a["status"], a["user"]["id"]) for a in admins] == [("administrator", 42)]
    assert result(api("getChatMember", chat_id=group.id, user_id=43))["status"] == "member"
    assert result(api("getChatMember", chat_id=group.id, user_id=123456))["status"] == "member"
    private = api("getChatAdministrators", chat_id=server.private_chat(bob).id)
    assert refusal(private) == (400, "Bad Request: there are no administrators in the private chat")


def test_a_document_a_user_sent_can_be_downloaded_through_get_file(server, api, chat, alice):
    content = b"%PDF-1.4\r\n\x00\xff binary"
    message = server.send_document(chat, alice, "paper.pdf", content, caption="read /this", mime_type="application/pdf")
    document = message["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == (
        "paper.pdf",
        "application/pdf",
        len(content),
    )
    assert message["caption_entities"] == [{"offset": 5, "length": 5, "type": "bot_command"}]
    path = result(api("getFile", file_id=document["file_id"]))["file_path"]
    assert httpx.get(f"{server.base_file_url}{TOKEN}/{path}").content == content
    assert refusal(api("getFile", file_id="nope")) == (400, "Bad Request: invalid file_id")


def test_accepted_housekeeping_methods_answer_true(server, api):
    for method in ("deleteWebhook", "setMyDescription", "setMyShortDescription", "close", "logOut"):
        assert result(api(method, description="d", short_description="s")) is True
    assert result(api("getMyDescription")) == {"description": "d"}
    assert result(api("getWebhookInfo")) == {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": 0,
    }


# -- driving it from outside


def test_control_api_over_http_drives_the_same_server(server, api):
    control = f"{server.url}/test"
    assert httpx.post(f"{control}/user", json={"user_id": 7, "first_name": "Eve"}).json()["ok"]
    assert httpx.post(f"{control}/private_chat", json={"user": 7}).json()["result"]["type"] == "private"
    batch = {"calls": [{"op": "send_text", "args": {"chat": 7, "user": 7, "text": f"q{i}"}} for i in range(3)]}
    assert [m["text"] for m in httpx.post(f"{control}/batch", json=batch).json()["result"]] == ["q0", "q1", "q2"]
    result(api("sendMessage", chat_id=7, text="a0"))
    sent = httpx.post(f"{control}/wait_sent", json={"chat_id": 7, "count": 1}).json()["result"]
    assert [(c["method"], c["text"] if "text" in c else c["result"]["text"]) for c in sent] == [("sendMessage", "a0")]
    mistake = httpx.post(f"{control}/send_text", json={"chat": 8, "user": 7, "text": "x"})
    assert (mistake.status_code, mistake.json()["description"]) == (
        400,
        "LookupError: chat 8 was never created: call private_chat(), group() or channel() first",
    )
    assert httpx.post(f"{control}/stats").json()["result"]["pending_updates"] == 3


def test_runs_as_a_subprocess_printing_its_base_url_first():
    command = [sys.executable, "-m", "tests.botapi", "--port", "0", "--token", "77:SUB"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/bot")
        assert httpx.post(f"{base_url}77:SUB/getMe").json()["result"]["id"] == 77
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
    assert process.returncode == 0


def test_exports_are_sorted_and_all_resolve():
    assert tests.botapi.__all__ == sorted(tests.botapi.__all__)
    assert all(hasattr(tests.botapi, name) for name in tests.botapi.__all__)


# -- the real PTB stack against it


async def test_a_real_ptb_bot_gets_me_sends_and_polls(server, chat, alice):
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        me = await bot.get_me()
        assert (me.username, me.is_bot, me.supports_inline_queries) == ("citebot_test_bot", True, True)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
        sent = await bot.send_message(chat.id, "<i>Hello</i> &lt;3", parse_mode="HTML", reply_markup=markup)
        assert (sent.text, sent.entities[0].type, sent.reply_markup) == ("Hello <3", "italic", markup)
        server.send_text(chat, alice, "/start", reply_to=sent.message_id)
        updates = await bot.get_updates(timeout=5)
        message = updates[0].message
        assert (message.text, message.from_user.first_name, message.reply_to_message.text) == (
            "/start",
            "Alice",
            "Hello <3",
        )
        with pytest.raises(BadRequest, match='unsupported start tag "p"'):
            await bot.send_message(chat.id, "<p>no</p>", parse_mode="HTML")


async def test_ptb_application_answers_every_user_through_the_server(server):
    async def echo(update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    users = [server.user(100 + i, f"U{i}") for i in range(5)]
    chats = [server.private_chat(u) for u in users]
    app = ApplicationBuilder().token(TOKEN).base_url(server.base_url).base_file_url(server.base_file_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=5)
        for user, private in zip(users, chats, strict=True):
            server.send_text(private, user, f"hi from {user.first_name}")
        replies = await server.wait_sent_async(None, count=5)
        await app.updater.stop()
        await app.stop()
    assert sorted((c.chat_id, c.text) for c in replies) == [(100 + i, f"echo: hi from U{i}") for i in range(5)]
    assert server.pending_updates() == []


async def test_ptb_sees_faults_as_the_errors_telegram_would_cause(server, chat, monkeypatch):
    # Without it PTB 22 warns when it builds RetryAfter, and warnings are errors here.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    async with Bot(TOKEN, base_url=server.base_url, base_file_url=server.base_file_url) as bot:
        server.fail_next("sendMessage", retry_after=3)
        with pytest.raises(RetryAfter, match=re.escape("Flood control exceeded. Retry in 0:00:03")):
            await bot.send_message(chat.id, "x")
        server.fail_next("sendMessage", status=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(chat.id, "x")
        server.fail_next("sendMessage", drop=True)
        with pytest.raises(NetworkError):
            await bot.send_message(chat.id, "x")
        server.fail_next("sendMessage", delay=1.0)
        with pytest.raises(TimedOut):
            await bot.send_message(chat.id, "late", read_timeout=0.2)
        assert (await bot.send_message(chat.id, "fine")).text == "fine"
    assert [c.text for c in server.sent(chat)] == ["late", "fine"]


def test_wait_sent_timeout_says_what_did_arrive(server, api, chat):
    result(api("sendMessage", chat_id=chat.id, text="only one"))
    api("sendMessage", chat_id=chat.id, text="<b>broken", parse_mode="HTML")
    with pytest.raises(AssertionError) as timeout:
        server.wait_sent(chat, count=2, timeout=0.2)
    report = str(timeout.value)
    assert "expected 2 sendMessage(s) to chat" in report and "got 1" in report
    assert "text='only one'" in report and "FAILED Bad Request: can't parse entities" in report


def test_reset_forgets_users_chats_and_calls(server, api, chat):
    result(api("sendMessage", chat_id=chat.id, text="x"))
    server.reset()
    assert server.sent() == []
    assert refusal(api("sendMessage", chat_id=chat.id, text="x")) == (400, "Bad Request: chat not found")


def test_another_thread_can_inject_while_the_bot_polls(server, api, chat, alice):
    injector = threading.Thread(target=server.send_text, args=(chat, alice, "from a thread"))
    injector.start()
    updates = result(api("getUpdates", timeout=5))
    injector.join()
    assert [u["message"]["text"] for u in updates] == ["from a thread"]
