"""Private chats through the real HTTP stack: questions, /start, /help, odd input and Telegram errors."""

from __future__ import annotations

import logging
import re

pytest_plugins = ["tests.bot_harness"]

LIGHTHOUSE = (
    "Harbour lighthouse restored",
    "lighthouse.md",
    "The harbour lighthouse was built in 1901 by the engineer Mara Quill. "
    "Its lamp turns twice a minute and can be seen 40 kilometres away. "
    "Volunteers repainted the tower white last spring.",
    "https://news.example/lighthouse",
    "2024-03-01",
)
FERRIES = (
    "Ferry timetable changes",
    "ferries.txt",
    "The winter ferry leaves the north pier at seven each morning. "
    "Tickets for the island ferry cost twelve euros. "
    "The summer timetable starts in June.",
    None,
    "2023-11-15",
)
ANSWER_TEXT = (
    "The harbour lighthouse was built in 1901 by the engineer Mara Quill.\n— Harbour lighthouse restored, 2024-03-01"
)
DONT_KNOW = "I couldn't find that in the articles I have."


async def start_with_articles(run_bot, make_library, **settings):
    bot = await run_bot(make_library(LIGHTHOUSE, FERRIES), **settings)
    user = bot.new_user("Lena")
    return bot, user, bot.private(user)


async def test_private_question_gets_the_sentence_quoted_with_its_linked_source(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "Who built the harbour lighthouse?")
    assert reply.text == ANSWER_TEXT
    entities = reply.message["entities"]
    assert entities[0]["type"] == "blockquote"
    assert {"type": "text_link", "url": "https://news.example/lighthouse"}.items() <= entities[-1].items()
    assert any(e["type"] == "bold" for e in entities)
    assert reply.params["parse_mode"] == "HTML"
    assert reply.params["link_preview_options"]["is_disabled"] is True
    assert "reply_to_message" not in reply.message  # no quoting in a private chat
    buttons = [b["text"] for row in reply.message["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["More answers", "Context", "👍", "👎"]


async def test_the_bot_shows_typing_while_it_works(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    mark = bot.server.mark()
    await bot.say(chat, user, "How much does the island ferry cost?")
    actions = bot.server.sent(chat, "sendChatAction", since=mark)
    assert [a.params["action"] for a in actions] == ["typing"]
    assert actions[0].index < bot.server.sent(chat, "sendMessage", since=mark)[0].index


async def test_a_question_the_articles_cannot_answer_gets_an_honest_i_dont_know(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "What is the capital of Mongolia?")
    assert reply.text.startswith(DONT_KNOW)
    assert "reply_markup" not in reply.message


async def test_sources_that_state_different_numbers_are_both_shown(run_bot, make_library):
    bridges = [
        ("City paper", "city.md", "The new canal bridge is 120 metres long. It opened in spring.", None, "2024-01-01"),
        ("Town gazette", "town.md", "The new canal bridge is 150 metres long. Cyclists like it.", None, "2024-02-01"),
    ]
    bot = await run_bot(make_library(*bridges))
    user = bot.new_user("Dora")
    reply = await bot.say(bot.private(user), user, "How long is the new canal bridge?")
    lines = reply.text.split("\n\n")
    assert lines[0].splitlines()[0] == "The sources differ:"
    assert sorted([lines[0].splitlines()[1:], lines[1].splitlines()]) == [
        ["The new canal bridge is 120 metres long.", "— City paper, 2024-01-01"],
        ["The new canal bridge is 150 metres long.", "— Town gazette, 2024-02-01"],
    ]


async def test_start_greets_with_three_example_questions(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "/start")
    lines = reply.text.splitlines()
    assert lines[0].startswith("Hi! I answer questions from the articles I have")
    examples = [line for line in lines if line.startswith("• ")]
    assert 1 <= len(examples) <= 3
    assert lines[-1] == "/help explains how to ask."


async def test_help_says_how_many_articles_from_when_and_how_to_ask(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "/help")
    assert reply.text.splitlines()[0] == "I know 2 articles, published 2023-11-15 – 2024-03-01."
    for needed in ('"exact words"', "source:NAME", "after:2024-01-31", f"@{bot.username}"):
        assert needed in reply.text


async def test_ask_command_works_in_private_too(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    assert (await bot.say(chat, user, "/ask Who built the harbour lighthouse?")).text == ANSWER_TEXT


async def test_ask_without_a_question_says_how_to_ask(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "/ask")
    assert reply.text == "Ask me a question in words, for example: /ask who built the first lighthouse?"


async def test_unknown_command_gets_a_short_hint(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "/frobnicate now")
    assert reply.text == "I don't know that command. /help shows what I can do."


async def test_sticker_and_photo_without_caption_get_a_hint_but_a_caption_is_a_question(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    mark = bot.server.mark()
    bot.server.send_sticker(chat, user)
    bot.server.send_photo(chat, user)
    hints = await bot.server.wait_sent_async(chat, 2, since=mark)
    assert [h.text for h in hints] == ["I can only read text. Send me your question as a message."] * 2
    mark = bot.server.mark()
    bot.server.send_photo(chat, user, caption="Who built the harbour lighthouse?")
    assert (await bot.server.wait_sent_async(chat, 1, since=mark))[0].text == ANSWER_TEXT


async def test_an_edited_question_is_not_answered_again(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    mark = bot.server.mark()
    asked = bot.server.send_text(chat, user, "Who built the harbour lighthouse?")
    await bot.server.wait_sent_async(chat, 1, since=mark)
    bot.server.edit_text(chat, asked["message_id"], "How much does the island ferry cost?")
    replies = await bot.replies_after(mark, chat, user)
    assert [r.text for r in replies] == [ANSWER_TEXT]


async def test_a_4000_character_question_is_answered(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    question = "Who built the harbour lighthouse? " + "please " * 567
    assert len(question) >= 4000
    reply = await bot.say(chat, user, question)
    assert reply.text == ANSWER_TEXT


async def test_a_100000_character_question_is_read_in_part_and_says_so(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "Who built the harbour lighthouse? " + "x" * 100_000)
    assert reply.text.endswith("I read only the first 4,096 characters of your question.")


async def test_html_markdown_and_script_in_a_question_do_not_break_the_reply(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    reply = await bot.say(chat, user, "<script>alert(1)</script> <b>Who</b> built the *harbour* _lighthouse_ &amp;?")
    assert reply.text == ANSWER_TEXT


async def test_emoji_only_rtl_zero_width_and_null_bytes_each_get_a_reply(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    for question in ["🏝️🚢⛴️", "מי בנה את המגדלור؟ \u202eمن بنى المنارة", "light\u200bhouse\u200d?", "ferry\x00cost"]:
        reply = await bot.say(chat, user, question)
        assert reply.ok and reply.text


async def test_a_telegram_error_is_logged_with_context_without_the_token_and_the_bot_keeps_serving(
    run_bot, make_library, error_log, caplog
):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    bot.server.fail_next("sendMessage", count=4, status=500)  # the first try and its three retries
    with caplog.at_level(logging.DEBUG):
        bot.server.send_text(chat, user, "Who built the harbour lighthouse?")
        record = await error_log.wait_for()
        assert (await bot.say(chat, user, "Who built the harbour lighthouse?")).text == ANSWER_TEXT
    assert re.match(rf"update \d+ in chat {chat.id} failed: Traceback", record.getMessage())
    assert len(error_log.records) == 1
    secret = bot.token.split(":")[1]
    ours = [r for r in caplog.records if r.name.split(".")[0] in ("bot", "telegram")]
    assert ours and all(secret not in record.getMessage() for record in ours)


async def test_telegram_asking_to_retry_later_delays_the_reply_but_does_not_lose_it(run_bot, make_library):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    bot.server.fail_next("sendMessage", retry_after=1)
    reply = await bot.say(chat, user, "Who built the harbour lighthouse?")
    assert reply.text == ANSWER_TEXT
    (refused,) = [c for c in bot.server.sent(chat, "sendMessage", include_failed=True) if not c.ok]
    assert refused.error.startswith("Too Many Requests")


async def test_message_text_stays_out_of_the_logs_below_debug(run_bot, make_library, caplog):
    bot, user, chat = await start_with_articles(run_bot, make_library)
    with caplog.at_level(logging.INFO, logger="bot"):
        await bot.say(chat, user, "Who built the harbour lighthouse, asks Zebedee?")
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("bot")]
    assert f"question in chat {chat.id}" in ours
    assert not any("Zebedee" in message for message in ours)


async def test_command_menus_are_set_for_private_chats_groups_group_admins_and_bot_admins(run_bot, make_library):
    bot, _, _ = await start_with_articles(run_bot, make_library)
    names = lambda scope: [c["command"] for c in bot.server.commands(scope)]  # noqa: E731
    assert names("all_private_chats") == ["ask", "help", "start"]
    assert names("all_group_chats") == ["ask", "help"]
    assert names("all_chat_administrators") == ["ask", "help", "add", "remove", "sources", "stats", "scope"]
    admin_scope = {"type": "chat", "chat_id": bot.admin.id}
    assert names(admin_scope) == ["ask", "help", "start", "add", "remove", "sources", "stats"]


ENVOY = (
    "US envoy arrives",
    "envoy.md",
    "Zalmay Khalilzad is the US envoy for peace. "
    "Khalilzad arrived in Kabul on Tuesday to meet officials of the government.",
)
PRESIDENT = (
    "President returns",
    "president.md",
    "Ashraf Ghani is the president. Ghani arrived in Kabul on Monday.",
)


async def test_a_follow_up_question_saying_he_means_whom_the_last_answer_named(run_bot, make_library):
    bot = await run_bot(make_library(ENVOY, PRESIDENT))
    lena, omar = bot.new_user("Lena"), bot.new_user("Omar")
    first = await bot.say(bot.private(lena), lena, "Who is the US envoy?")
    assert first.text.startswith("Zalmay Khalilzad is the US envoy")
    follow_up = await bot.say(bot.private(lena), lena, "When did he arrive in Kabul?")
    assert follow_up.text.startswith("Khalilzad arrived in Kabul on Tuesday to meet officials of the government.")
    # Another person's chat has no such context: "he" is nobody in particular there.
    elsewhere = await bot.say(bot.private(omar), omar, "When did he arrive in Kabul?")
    assert elsewhere.text.startswith("Ghani arrived in Kabul on Monday")
