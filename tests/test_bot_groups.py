"""Groups through the real HTTP stack: answer only when addressed, per-group collections, scope, flood."""

from __future__ import annotations

pytest_plugins = ["tests.bot_harness"]

MILL = (
    "Old mill reopens",
    "mill.md",
    "The old mill on the river was built in 1820 by the miller Tomas Brandt. "
    "Its wheel turns eleven times a minute. Visitors can buy flour on Saturdays.",
    "https://news.example/mill",
    "2022-06-10",
)
ANSWER_TEXT = "The old mill on the river was built in 1820 by the miller Tomas Brandt.\n— Old mill reopens, 2022-06-10"
QUESTION = "Who built the old mill on the river?"


async def group_with_bot(run_bot, make_library, **settings):
    bot = await run_bot(make_library(MILL), **settings)
    asker, other = bot.new_user("Ines"), bot.new_user("Olaf")
    return bot, asker, other, bot.new_group()


async def test_group_message_without_mention_gets_no_reply(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    mark = bot.server.mark()
    bot.server.send_text(group, asker, QUESTION)
    assert await bot.replies_after(mark, group, asker) == []


async def test_group_question_with_a_mention_is_answered_as_a_reply_to_the_asker(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    mark = bot.server.mark()
    asked = bot.server.send_text(group, asker, f"Hey @{bot.username.lower()}, {QUESTION}")
    reply = (await bot.server.wait_sent_async(group, 1, since=mark))[0]
    assert reply.text == ANSWER_TEXT
    assert reply.message["reply_to_message"]["message_id"] == asked["message_id"]


async def test_a_reply_to_the_bots_own_message_is_a_question(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    first = await bot.say(group, asker, f"@{bot.username} how fast does the wheel turn?")
    reply = await bot.say(group, asker, QUESTION, reply_to=first.message["message_id"])
    assert reply.text == ANSWER_TEXT


async def test_a_reply_to_another_users_message_gets_no_reply(run_bot, make_library):
    bot, asker, other, group = await group_with_bot(run_bot, make_library)
    mark = bot.server.mark()
    said = bot.server.send_text(group, other, "I love that mill")
    bot.server.send_text(group, asker, QUESTION, reply_to=said["message_id"])
    assert await bot.replies_after(mark, group, asker) == []


async def test_ask_with_the_bots_name_is_answered_and_with_another_bots_name_is_not(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    assert (await bot.say(group, asker, f"/ask@{bot.username} {QUESTION}")).text == ANSWER_TEXT
    mark = bot.server.mark()
    bot.server.send_text(group, asker, f"/ask@SomeOtherBot {QUESTION}")
    bot.server.send_text(group, asker, "/weather@SomeOtherBot")
    bot.server.send_text(group, asker, "/weather")
    assert await bot.replies_after(mark, group, asker) == []


async def test_an_unknown_command_addressed_to_the_bot_gets_a_hint(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    reply = await bot.say(group, asker, f"/weather@{bot.username}")
    assert reply.text == "I don't know that command. /help shows what I can do."


async def test_a_message_from_another_bot_gets_no_reply_even_when_it_mentions_us(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    robot = bot.new_user("Robo", is_bot=True)
    mark = bot.server.mark()
    bot.server.send_text(group, robot, f"@{bot.username} {QUESTION}")
    bot.server.send_text(group, robot, f"/ask@{bot.username} {QUESTION}")
    bot.server.send_text(group, robot, f"/help@{bot.username}")
    bot.server.send_text(group, robot, f"/sources@{bot.username}")
    robot_chat = bot.private(robot)
    bot.server.send_text(robot_chat, robot, QUESTION)
    assert await bot.replies_after(mark, group, asker) == []
    assert bot.server.sent(robot_chat, since=mark) == []


async def test_a_bare_mention_asks_for_a_question(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    reply = await bot.say(group, asker, f"@{bot.username}")
    assert reply.text == "Ask me a question in words, for example: /ask who built the first lighthouse?"


async def test_a_user_flooding_a_group_gets_one_notice_then_silence(run_bot, make_library):
    bot, asker, other, group = await group_with_bot(run_bot, make_library, flood_limit=3)
    mark = bot.server.mark()
    for _ in range(6):
        bot.server.send_text(group, asker, f"@{bot.username} {QUESTION}")
    await bot.server.wait_sent_async(group, 4, since=mark)
    replies = await bot.replies_after(mark, group, other)  # and nothing more
    notice = "You're asking faster than I can keep up. Please wait a minute before the next question."
    assert sorted(r.text for r in replies) == sorted([ANSWER_TEXT] * 3 + [notice])


async def test_two_groups_with_their_own_articles_never_see_each_others(run_bot, make_library):
    bot = await run_bot(make_library(MILL))
    red_admin, blue_admin = bot.new_user("Rita"), bot.new_user("Bruno")
    red, blue = bot.new_group(admins=(red_admin.id,)), bot.new_group(admins=(blue_admin.id,))
    secret = "The red team password for the boathouse is periwinkle seventeen."
    bot.server.send_document(red, red_admin, "red.txt", f"Red notes\n\n{secret}".encode())
    summary = await bot.server.wait_sent_async(red, 1, method="editMessageText")
    assert summary[0].text.startswith("Added red.txt: 1 article")
    question = f"@{bot.username} what is the password for the boathouse?"
    red_reply = await bot.say(red, red_admin, question)
    blue_reply = await bot.say(blue, blue_admin, question)
    assert red_reply.text.startswith(secret)
    assert "periwinkle" not in blue_reply.text
    assert blue_reply.text.startswith("I couldn't find that in the articles I have.")
    private = await bot.say(bot.private(blue_admin), blue_admin, "what is the password for the boathouse?")
    assert "periwinkle" not in private.text


async def test_a_group_admin_narrows_the_scope_to_the_groups_own_articles(run_bot, make_library):
    bot = await run_bot(make_library(MILL))
    admin, member = bot.new_user("Greta"), bot.new_user("Max")
    group = bot.new_group(admins=(admin.id,))
    assert (await bot.say(group, member, f"@{bot.username} {QUESTION}")).text == ANSWER_TEXT
    refused = await bot.say(group, member, "/scope own")
    assert refused.text == "Sorry, only this group's admins can do that."
    done = await bot.say(group, admin, "/scope own")
    assert done.text == "This group now searches only this group's own articles."
    after = await bot.say(group, member, f"@{bot.username} {QUESTION}")
    assert after.text.startswith("I couldn't find that in the articles I have.")
    shown = await bot.say(group, member, "/scope")
    assert shown.text.startswith("This group searches only this group's own articles.")


async def test_scope_in_a_private_chat_explains_it_is_a_group_setting(run_bot, make_library):
    bot = await run_bot(make_library(MILL))
    reply = await bot.say(bot.private(bot.admin), bot.admin, "/scope own")
    assert reply.text == "/scope is a group setting: private chats search the global library."


async def test_a_non_admin_group_member_cannot_add_remove_or_list(run_bot, make_library):
    bot, asker, _, group = await group_with_bot(run_bot, make_library)
    for command in ("/add https://example.com/", "/remove mill.md", "/sources", "/stats"):
        assert (await bot.say(group, asker, command)).text == "Sorry, only this group's admins can do that."
    mark = bot.server.mark()
    bot.server.send_document(group, asker, "notes.txt", b"Notes\n\nThe mill pond froze in 1963.")
    assert await bot.replies_after(mark, group, asker) == []
    assert bot.library.stats().articles == 1
    assert bot.server.sent(method="getFile", since=mark) == []


async def test_a_group_admins_document_goes_to_the_groups_own_articles_and_is_removed_there(run_bot, make_library):
    bot = await run_bot(make_library(MILL))
    admin = bot.new_user("Gil")
    group = bot.new_group(admins=(admin.id,))
    mark = bot.server.mark()
    bot.server.send_document(group, admin, "pond.txt", b"Pond notes\n\nThe mill pond froze solid in 1963.")
    (summary,) = await bot.server.wait_sent_async(group, 1, method="editMessageText", since=mark)
    assert summary.text == "Added pond.txt: 1 article, 1 sentence."
    assert sorted(s.collection for s in bot.library.sources()) == [f"chat:{group.id}", "global"]
    removed = await bot.say(group, admin, "/remove pond.txt")
    assert removed.text == "Removed pond.txt."
    assert [s.collection for s in bot.library.sources()] == ["global"]
