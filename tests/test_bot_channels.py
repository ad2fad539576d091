"""Channels through the real HTTP stack: posts become articles answered in the linked discussion group."""

from __future__ import annotations

pytest_plugins = ["tests.bot_harness"]

POST = "Bridge works begin\nThe new footbridge over the canal will open on 3 May after eight months of work."
QUESTION = "when will the new footbridge open?"


def channel_and_group(bot, *, username: str | None = "canalnews"):
    channel_id, group_id = -1_002_000_000_000 - bot.fresh_id(), -1_003_000_000_000 - bot.fresh_id()
    channel = bot.server.channel(channel_id, "Canal News", username=username, linked_chat_id=group_id)
    group = bot.server.group(group_id, "Canal News chat", linked_chat_id=channel_id)
    return channel, group


async def post_and_wait(bot, bot_log, channel, text: str) -> dict:
    """Post in the channel and wait until the bot has stored it: a post gets no reply to wait on."""
    post = bot.server.channel_post(channel, text)
    await bot_log.wait_for(f"channel {channel.id} post {post['message_id']} stored")
    return post


async def test_a_channel_post_answers_questions_in_its_discussion_group_with_its_link(run_bot, make_library, bot_log):
    bot = await run_bot(make_library())
    channel, group = channel_and_group(bot)
    post = await post_and_wait(bot, bot_log, channel, POST)
    reply = await bot.say(group, bot.new_user("Nora"), f"@{bot.username} {QUESTION}")
    date = bot.library.sources([f"chat:{channel.id}"])[0].published
    assert reply.text == (
        "The new footbridge over the canal will open on 3 May after eight months of work.\n"
        f"— Bridge works begin, {date}"
    )
    link = next(e for e in reply.message["entities"] if e["type"] == "text_link")
    assert link["url"] == f"https://t.me/canalnews/{post['message_id']}"


async def test_a_private_channels_post_is_cited_with_a_t_me_c_link(run_bot, make_library, bot_log):
    bot = await run_bot(make_library())
    channel, _ = channel_and_group(bot, username=None)
    post = await post_and_wait(bot, bot_log, channel, POST)
    (source,) = bot.library.sources([f"chat:{channel.id}"])
    internal = str(-channel.id)[3:]
    assert source.url == source.source == f"https://t.me/c/{internal}/{post['message_id']}"
    assert source.title == "Bridge works begin"


async def test_an_edited_channel_post_replaces_its_article(run_bot, make_library, bot_log):
    bot = await run_bot(make_library())
    channel, group = channel_and_group(bot)
    post = await post_and_wait(bot, bot_log, channel, POST)
    edited = "Bridge works begin\nThe new footbridge over the canal will open on 9 June after a delay."
    bot_log.records.clear()
    bot.server.edit_channel_post(channel, post["message_id"], edited)
    await bot_log.wait_for(f"channel {channel.id} post {post['message_id']} stored")
    reply = await bot.say(group, bot.new_user("Pia"), f"@{bot.username} {QUESTION}")
    assert reply.text.startswith("The new footbridge over the canal will open on 9 June after a delay.")
    assert len(bot.library.sources([f"chat:{channel.id}"])) == 1


async def test_channel_posts_stay_out_of_the_global_library(run_bot, make_library, bot_log):
    bot = await run_bot(make_library())
    channel, _ = channel_and_group(bot)
    await post_and_wait(bot, bot_log, channel, POST)
    user = bot.new_user("Ola")
    reply = await bot.say(bot.private(user), user, "When will the new footbridge open?")
    assert reply.text.startswith("I couldn't find that in the articles I have.")


async def test_a_channel_outside_allowed_channel_ids_feeds_nothing(run_bot, make_library, bot_log):
    bot = await run_bot(make_library(), allowed_channel_ids=frozenset({-1}))
    channel, group = channel_and_group(bot)
    bot.server.channel_post(channel, POST)
    reply = await bot.say(group, bot.new_user("Ugo"), f"@{bot.username} {QUESTION}")
    assert reply.text.startswith("I couldn't find that in the articles I have.")
    assert bot.library.stats().articles == 0


async def test_a_channel_post_without_text_is_ignored_and_the_next_one_stored(run_bot, make_library, bot_log):
    bot = await run_bot(make_library())
    channel, _ = channel_and_group(bot)
    bot.server.channel_post(channel, "   ")
    await post_and_wait(bot, bot_log, channel, POST)
    assert [s.title for s in bot.library.sources([f"chat:{channel.id}"])] == ["Bridge works begin"]


async def test_being_made_a_channel_admin_looks_up_the_channels_discussion_group(run_bot, make_library, bot_log):
    bot = await run_bot(make_library())
    channel, group = channel_and_group(bot)
    owner = bot.new_user("Owen")
    member = {"user": {"id": bot.bot_id, "is_bot": True, "first_name": "Citebot Test"}}
    change = {
        "chat": {"id": channel.id, "type": "channel", "title": channel.title},
        "from": {"id": owner.id, "is_bot": False, "first_name": "Owen"},
        "date": 1_700_000_000,
        "old_chat_member": {**member, "status": "left"},
        "new_chat_member": {**member, "status": "administrator", "can_be_edited": False, "is_anonymous": False,
                            "can_manage_chat": True, "can_delete_messages": True, "can_manage_video_chats": False,
                            "can_restrict_members": False, "can_promote_members": False, "can_change_info": False,
                            "can_invite_users": False, "can_post_stories": False, "can_edit_stories": False,
                            "can_delete_stories": False, "can_post_messages": True},
    }  # fmt: skip
    mark = bot.server.mark()
    with bot.server.state.cond:  # the fake Telegram has no verb for this update: queue it as Telegram would
        bot.server.state.push_update("my_chat_member", change)
    (lookup,) = await bot.server.wait_sent_async(channel, 1, method="getChat", since=mark)
    assert await bot_log.wait_for(f"bot is now administrator in channel {channel.id}")
    assert lookup.result["linked_chat_id"] == group.id
