"""Permissions through the real HTTP stack: who may change what, checked for every route in, buttons included."""

from __future__ import annotations

import asyncio

import pytest

pytest_plugins = ["tests.bot_harness"]

CANAL = (
    "Canal lock",
    "canal.md",
    "The canal lock at Millbrook lifts boats four metres. It was rebuilt in 1998 after a flood.",
    None,
    "2023-05-01",
)
KEEPERS = [
    ("Keeper retires", "keeper.md", "The island lighthouse keeper Anna Berg retired after thirty years.", None, None),
    ("Lighthouse history", "history.txt", "The first lighthouse keeper on the island was Jonas Berg.", None, None),
]
NOTICES = [
    (f"Notice {n}", f"n{n:02}.txt", f"Notice number {n} was posted.", None, f"2024-01-{n:02}") for n in range(1, 13)
]
GROUP_ONLY = "Sorry, only this group's admins can do that."
BOT_ADMINS_ONLY = "Sorry, only the bot's admins can do that."
EXPIRED = "This button has expired; ask again."


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries after a 5xx a few milliseconds apart: the test needs them to run out, not to wait."""
    monkeypatch.setattr("bot.pacing.RETRY_PAUSES", (0.01, 0.01, 0.01))


def buttons(call) -> dict[str, str]:
    """Button text -> callback data under the message a call sent."""
    rows = call.message.get("reply_markup", {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def forge(bot, chat, message_id: int, data: str) -> None:
    """A modified client: put arbitrary callback data under a message the bot sent in `chat`."""
    with bot.server.state.cond:
        message = bot.server.state.messages[chat.id][message_id]
        message["reply_markup"] = {"inline_keyboard": [[{"text": "forged", "callback_data": data}]]}


async def press(bot, chat, user, message_id: int, data: str) -> str | None:
    """Press a button and return the notice the bot answered the press with."""
    mark = bot.server.mark()
    query = bot.server.press_button(chat, user, message_id, data)
    (answer,) = await bot.server.wait_sent_async(None, 1, method="answerCallbackQuery", since=mark)
    assert answer.params["callback_query_id"] == query["id"]
    return answer.params.get("text")


def snapshot(bot, group=None) -> tuple:
    """Everything a refused command could have changed: articles everywhere, feedback, the group's scope."""
    scope = bot.app.bot_data["citebot"].state.scopes.scope(group.id) if group is not None else None
    return bot.library.stats(), bot.library.sources(limit=100), bot.library.feedback(), scope


async def test_a_group_admin_is_no_bot_admin_in_private(run_bot, make_library):
    bot = await run_bot(make_library(CANAL))
    group_admin = bot.new_user("Gus")
    bot.new_group(admins=(group_admin.id,))
    chat = bot.private(group_admin)
    before = snapshot(bot)
    for command in ("/add https://example.com/", "/remove canal.md", "/sources", "/stats"):
        assert (await bot.say(chat, group_admin, command)).text == BOT_ADMINS_ONLY
    assert snapshot(bot) == before


async def test_a_bot_admin_is_no_admin_of_a_group_that_did_not_make_them_one(run_bot, make_library):
    bot = await run_bot(make_library(CANAL))
    owner = bot.new_user("Olga")
    group = bot.new_group(admins=(owner.id,))
    bot.library.add_text("The towpath is closed until June.", title="Towpath", source="towpath.md",
                         collection=f"chat:{group.id}")  # fmt: skip
    before = snapshot(bot, group)
    for command in ("/add https://example.com/", "/remove towpath.md", "/scope own", "/sources", "/stats"):
        assert (await bot.say(group, bot.admin, command)).text == GROUP_ONLY
    mark = bot.server.mark()
    bot.server.send_document(group, bot.admin, "notes.txt", b"Notes\n\nThe lock keeper retires in May.")
    assert await bot.replies_after(mark, group, owner) == []
    assert bot.server.sent(method="getFile", since=mark) == []
    assert snapshot(bot, group) == before


async def test_an_admin_of_one_group_cannot_manage_another(run_bot, make_library):
    bot = await run_bot(make_library(CANAL))
    red_admin, blue_admin = bot.new_user("Rhea"), bot.new_user("Bram")
    red, blue = bot.new_group(admins=(red_admin.id,)), bot.new_group(admins=(blue_admin.id,))
    bot.library.add_text("Blue team meets on Thursdays.", title="Blue", source="blue.md", collection=f"chat:{blue.id}")
    before = snapshot(bot, blue)
    for command in ("/remove blue.md", "/scope own", "/sources"):
        assert (await bot.say(blue, red_admin, command)).text == GROUP_ONLY
    assert (await bot.say(red, red_admin, "/remove blue.md")).text.startswith("There is no article blue.md here.")
    assert snapshot(bot, blue) == before


async def test_only_a_groups_admins_turn_the_pages_of_its_sources(run_bot, make_library):
    bot = await run_bot(make_library(*NOTICES))
    admin, member = bot.new_user("Ada"), bot.new_user("Mo")
    group = bot.new_group(admins=(admin.id,))
    first = await bot.say(group, admin, "/sources")
    forward = buttons(first)["▶"]
    mark = bot.server.mark()
    assert await press(bot, group, member, first.message["message_id"], forward) == GROUP_ONLY
    assert bot.server.sent(group, "editMessageText", since=mark) == []
    assert bot.server.message(group, first.message["message_id"])["text"] == first.text
    assert await press(bot, group, admin, first.message["message_id"], forward) is None
    (page,) = await bot.server.wait_sent_async(group, 1, method="editMessageText", since=mark)
    assert page.text.startswith("Articles 11–12, newest first:")


async def test_a_sources_page_button_forged_into_a_strangers_chat_is_refused(run_bot, make_library):
    bot = await run_bot(make_library(*NOTICES))
    stranger = bot.new_user("Sly")
    chat = bot.private(stranger)
    reply = await bot.say(chat, stranger, "When was notice 3 posted?")
    mark = bot.server.mark()
    forge(bot, chat, reply.message["message_id"], "src:0")
    assert await press(bot, chat, stranger, reply.message["message_id"], "src:0") == BOT_ADMINS_ONLY
    assert bot.server.sent(chat, "editMessageText", since=mark) == []


async def test_each_group_member_votes_once_however_they_press(run_bot, make_library):
    bot = await run_bot(make_library(*KEEPERS))
    ann, ben = bot.new_user("Ann"), bot.new_user("Ben")
    group = bot.new_group()
    answer = await bot.say(group, ann, f"@{bot.username} who was the first lighthouse keeper on the island?")
    message_id, up, down = answer.message["message_id"], buttons(answer)["👍"], buttons(answer)["👎"]
    assert await press(bot, group, ann, message_id, up) == "Thanks for the feedback!"
    assert await press(bot, group, ben, message_id, down) == "Thanks for the feedback!"
    assert await press(bot, group, ann, message_id, down) == "You already rated this answer."
    assert await press(bot, group, ben, message_id, up) == "You already rated this answer."
    assert sorted(f.vote for f in bot.library.feedback()) == [-1, 1]


async def test_a_double_tap_on_a_vote_counts_once(run_bot, make_library):
    bot = await run_bot(make_library(*KEEPERS))
    user = bot.new_user("Tap")
    chat = bot.private(user)
    answer = await bot.say(chat, user, "Who was the first lighthouse keeper on the island?")
    mark = bot.server.mark()
    for _ in range(2):  # both presses are queued before the bot handles either
        bot.server.press_button(chat, user, answer.message["message_id"], buttons(answer)["👍"])
    notices = await bot.server.wait_sent_async(None, 2, method="answerCallbackQuery", since=mark)
    assert sorted(n.params.get("text") for n in notices) == [
        "Thanks for the feedback!",
        "You already rated this answer.",
    ]
    assert [f.vote for f in bot.library.feedback()] == [1]


async def test_buttons_forged_with_another_groups_question_or_an_unshown_answer_cannot_act(run_bot, make_library):
    bot = await run_bot(make_library(*KEEPERS))
    red_member, blue_member = bot.new_user("Rex"), bot.new_user("Bea")
    red, blue = bot.new_group(), bot.new_group()
    theirs = await bot.say(red, red_member, f"@{bot.username} who was the first lighthouse keeper on the island?")
    ours = await bot.say(blue, blue_member, f"@{bot.username} who was the first lighthouse keeper on the island?")
    ours_id = ours.message["message_id"]
    question_id = buttons(ours)["Context"].split(":")[1]
    unshown = bot.library.ask("Which lighthouse keeper retired?")[0].sentence_id
    assert int(buttons(ours)["👍"].split(":")[2]) != unshown
    mark = bot.server.mark()
    forged = [*buttons(theirs).values(), f"vote:{question_id}:{unshown}:1", f"ctx:{question_id}:{unshown}"]
    for data in forged:
        forge(bot, blue, ours_id, data)
        assert await press(bot, blue, blue_member, ours_id, data) == EXPIRED
    assert await bot.replies_after(mark, blue, blue_member) == []
    assert await bot.replies_after(mark, red, red_member) == []
    assert bot.library.feedback() == []


async def test_when_telegram_cannot_say_who_a_groups_admins_are_nobody_manages_it(run_bot, make_library, quick_retries):
    bot = await run_bot(make_library(CANAL))
    admin = bot.new_user("Ida")
    group = bot.new_group(admins=(admin.id,))
    bot.library.add_text("The lock opens at dawn.", title="Hours", source="hours.md", collection=f"chat:{group.id}")
    before = snapshot(bot, group)
    bot.server.fail_next("getChatAdministrators", count=4, status=500)
    assert (await bot.say(group, admin, "/remove hours.md")).text == GROUP_ONLY
    assert snapshot(bot, group) == before
    await asyncio.to_thread(bot.server.wait_faults, "getChatAdministrators")
    assert (await bot.say(group, admin, "/remove hours.md")).text == "Removed hours.md."
