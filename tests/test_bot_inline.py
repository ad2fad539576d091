"""Inline mode through the real HTTP stack: "@bot question" lists answer cards from the global library."""

from __future__ import annotations

pytest_plugins = ["tests.bot_harness"]

ORCHARD = (
    "Orchard harvest",
    "orchard.md",
    "The valley orchard harvested 40 tonnes of cherries this summer. "
    "Pickers arrived from three villages. The cider press opens in October.",
    "https://news.example/orchard",
    "2023-08-20",
)
SECRET_GROUP_NOTE = ("Club notes", "club.txt", "The cherry club meets in the old orchard barn.", None, None, "chat:-42")


async def inline(bot, user, query: str) -> tuple[dict, list[dict]]:
    mark = bot.server.mark()
    sent = bot.server.inline_query(user, query)
    (call,) = await bot.server.wait_sent_async(None, 1, method="answerInlineQuery", since=mark)
    assert call.params["inline_query_id"] == sent["id"]
    return call.params, bot.server.inline_answers(sent["id"])


async def test_an_inline_question_lists_answer_cards_with_the_reply_html(run_bot, make_library):
    bot = await run_bot(make_library(ORCHARD))
    params, cards = await inline(bot, bot.new_user("Ivy"), "How many cherries did the valley orchard harvest?")
    card = cards[0]
    assert card["type"] == "article"
    assert card["title"] == "The valley orchard harvested 40 tonnes of cherries this summer."
    assert card["description"] == "Orchard harvest, 2023-08-20"
    content = card["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert content["link_preview_options"]["is_disabled"] is True
    assert content["message_text"] == (
        "<blockquote>The <b>valley</b> <b>orchard</b> <b>harvested</b> 40 tonnes of <b>cherries</b> this summer."
        '</blockquote>\n— <a href="https://news.example/orchard">Orchard harvest</a>, 2023-08-20'
    )
    assert params["cache_time"] <= 60
    assert params.get("is_personal", False) is False


async def test_an_empty_inline_query_gets_one_help_card(run_bot, make_library):
    bot = await run_bot(make_library(ORCHARD))
    _, cards = await inline(bot, bot.new_user("Ivy"), "")
    assert [card["id"] for card in cards] == ["help"]
    assert cards[0]["title"] == "Ask a question about the articles"
    assert f"@{bot.username}" in cards[0]["input_message_content"]["message_text"]


async def test_an_inline_question_with_no_answer_gets_an_honest_card(run_bot, make_library):
    bot = await run_bot(make_library(ORCHARD))
    _, cards = await inline(bot, bot.new_user("Ivy"), "What is the airspeed of a swallow?")
    assert [card["title"] for card in cards] == ["I couldn't find that in the articles I have."]


async def test_inline_mode_searches_only_the_global_library(run_bot, make_library):
    bot = await run_bot(make_library(ORCHARD, SECRET_GROUP_NOTE))
    _, cards = await inline(bot, bot.new_user("Ivy"), "Where does the cherry club meet?")
    assert all("barn" not in card["title"] for card in cards)


async def test_an_overlong_inline_query_is_cut_to_telegrams_256_characters(run_bot, make_library):
    bot = await run_bot(make_library(ORCHARD))
    query = "How many cherries did the valley orchard harvest? " + "<b>&" * 2000
    _, cards = await inline(bot, bot.new_user("Ivy"), query)
    assert cards[0]["title"] == "The valley orchard harvested 40 tonnes of cherries this summer."
