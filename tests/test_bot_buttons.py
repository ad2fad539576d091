"""Buttons under answers through the real HTTP stack: More, Context, 👍 / 👎, expired and forged presses."""

from __future__ import annotations

pytest_plugins = ["tests.bot_harness"]

KEEPERS = [
    (
        "Keeper retires",
        "keeper.md",
        "The island lighthouse keeper Anna Berg retired after thirty years. "
        "She climbed the tower stairs every night. Her son now runs the island café.",
        "https://news.example/keeper",
        "2020-09-01",
    ),
    (
        "Lighthouse history",
        "history.txt",
        "The first lighthouse keeper on the island was Jonas Berg. He kept the lamp burning with whale oil.",
        None,
        "2019-02-11",
    ),
]
QUESTION = "Who was the lighthouse keeper on the island?"
FIRST = "The first lighthouse keeper on the island was Jonas Berg.\n— Lighthouse history, 2019-02-11"
SECOND = "The island lighthouse keeper Anna Berg retired after thirty years.\n— Keeper retires, 2020-09-01"
EXPIRED = "This button has expired; ask again."


def buttons(call) -> dict[str, str]:
    """Button text -> callback data under the message a call sent."""
    rows = call.message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


async def press(bot, chat, user, message_id: int, data: str, messages: int = 0) -> tuple[str | None, list]:
    """Press a button; (the notice the bot answered the press with, the `messages` it sent for it).

    With messages=0 a probe question checks afterwards that the press sent nothing.
    """
    mark = bot.server.mark()
    query = bot.server.press_button(chat, user, message_id, data)
    (answer,) = await bot.server.wait_sent_async(None, 1, method="answerCallbackQuery", since=mark)
    assert answer.params["callback_query_id"] == query["id"]
    if messages:
        return answer.params.get("text"), await bot.server.wait_sent_async(chat, messages, since=mark)
    return answer.params.get("text"), await bot.replies_after(mark, chat, user)


async def asked(run_bot, make_library):
    bot = await run_bot(make_library(*KEEPERS))
    user = bot.new_user("Kai")
    chat = bot.private(user)
    return bot, user, chat, await bot.say(chat, user, QUESTION)


async def test_more_answers_sends_the_next_answer_under_the_first(run_bot, make_library):
    bot, user, chat, first = await asked(run_bot, make_library)
    assert first.text == FIRST
    notice, sent = await press(bot, chat, user, first.message["message_id"], buttons(first)["More answers"], 1)
    assert notice is None
    (second,) = sent
    assert second.text == SECOND
    assert second.message["reply_to_message"]["message_id"] == first.message["message_id"]
    assert list(buttons(second)) == ["More answers", "Context", "👍", "👎"]
    assert buttons(second)["Context"] != buttons(first)["Context"]


async def test_context_shows_the_sentences_around_the_quote(run_bot, make_library):
    bot, user, chat, first = await asked(run_bot, make_library)
    notice, (context,) = await press(bot, chat, user, first.message["message_id"], buttons(first)["Context"], 1)
    assert notice is None
    assert context.text == (
        "The first lighthouse keeper on the island was Jonas Berg. He kept the lamp burning with whale oil.\n"
        "— Lighthouse history, 2019-02-11"
    )
    assert [e["type"] for e in context.message["entities"]] == ["expandable_blockquote", "bold"]


async def test_a_vote_is_stored_once_per_user_and_answer(run_bot, make_library):
    bot, user, chat, first = await asked(run_bot, make_library)
    message_id, up = first.message["message_id"], buttons(first)["👍"]
    assert (await press(bot, chat, user, message_id, up))[0] == "Thanks for the feedback!"
    assert (await press(bot, chat, user, message_id, up))[0] == "You already rated this answer."
    assert (await press(bot, chat, user, message_id, buttons(first)["👎"]))[0] == "You already rated this answer."
    (feedback,) = bot.library.feedback()
    assert (feedback.question, feedback.vote, feedback.chat_id) == (QUESTION, 1, chat.id)
    assert feedback.sentence == first.text.splitlines()[0]


async def test_a_thumbs_down_is_stored_as_minus_one(run_bot, make_library):
    bot, user, chat, first = await asked(run_bot, make_library)
    notice, _ = await press(bot, chat, user, first.message["message_id"], buttons(first)["👎"])
    assert notice == "Thanks for the feedback!"
    assert [f.vote for f in bot.library.feedback()] == [-1]


async def test_a_button_from_before_a_restart_has_expired(run_bot, make_library):
    bot, user, chat, first = await asked(run_bot, make_library)
    await bot.stop()
    restarted = await run_bot(bot.library)
    for label in ("More answers", "Context", "👍"):
        notice, sent = await press(restarted, chat, user, first.message["message_id"], buttons(first)[label])
        assert (notice, sent) == (EXPIRED, [])
    assert bot.library.feedback() == []


def forge(bot, chat, message_id: int, data: str) -> None:
    """A modified client: put arbitrary callback data under a message the bot sent in `chat`."""
    with bot.server.state.cond:
        message = bot.server.state.messages[chat.id][message_id]
        message["reply_markup"] = {"inline_keyboard": [[{"text": "forged", "callback_data": data}]]}


async def test_a_button_carrying_another_chats_question_cannot_act(run_bot, make_library):
    bot, _, _, first = await asked(run_bot, make_library)
    intruder = bot.new_user("Ivo")
    other_chat = bot.private(intruder)
    theirs = await bot.say(other_chat, intruder, QUESTION)
    for label in ("More answers", "Context", "👍"):
        forge(bot, other_chat, theirs.message["message_id"], buttons(first)[label])
        notice, sent = await press(bot, other_chat, intruder, theirs.message["message_id"], buttons(first)[label])
        assert (notice, sent) == (EXPIRED, [])
    assert bot.library.feedback() == []


async def test_unknown_or_malformed_callback_data_gets_the_expired_notice(run_bot, make_library):
    bot, user, chat, first = await asked(run_bot, make_library)
    question_id = buttons(first)["Context"].split(":")[1]
    forged = ("zzz", "ctx:", f"ctx:{question_id}:x", f"ctx:{question_id}:999999", f"vote:{question_id}:1:7")
    for data in forged:
        forge(bot, chat, first.message["message_id"], data)
        assert await press(bot, chat, user, first.message["message_id"], data) == (EXPIRED, [])


async def test_context_of_an_article_removed_since_says_it_is_gone(run_bot, make_library):
    bot, user, chat, first = await asked(run_bot, make_library)
    for source in ("keeper.md", "history.txt"):
        bot.library.remove(source)
    notice, sent = await press(bot, chat, user, first.message["message_id"], buttons(first)["Context"])
    assert (notice, sent) == ("That passage is no longer in the library.", [])
