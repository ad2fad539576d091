"""Channels: each post of a channel the bot administers becomes an article in that channel's collection."""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, Message, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import replies
from bot.handlers_common import chat_collection, services

logger = logging.getLogger(__name__)

MAX_TITLE = 100


def post_link(chat_id: int, username: str | None, message_id: int) -> str:
    """The t.me link of a channel post; private channels use /c/ and the id without its -100 prefix."""
    if username:
        return f"https://t.me/{username}/{message_id}"
    internal = str(-chat_id)[3:] if str(chat_id).startswith("-100") else str(abs(chat_id))
    return f"https://t.me/c/{internal}/{message_id}"


def post_title(text: str) -> str:
    """A post's first non-empty line, at most 100 characters."""
    first = next((line for line in text.splitlines() if line.strip()), text)
    return replies.shorten(first, MAX_TITLE)


async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Add a new or edited channel post (text or caption); an edit replaces the article with the same link."""
    message: Message = update.effective_message
    chat = message.chat
    allowed = services(context).settings.allowed_channel_ids
    if allowed and chat.id not in allowed:
        logger.info("post in channel %s ignored: not in ALLOWED_CHANNEL_IDS", chat.id)
        return
    text = replies.clean(message.text or message.caption or "").strip()
    if not text:
        return  # a photo or sticker without words has nothing to quote
    link = post_link(chat.id, chat.username, message.message_id)
    title, _, body = text.partition("\n")
    library = services(context).library
    report = await asyncio.to_thread(
        library.add_text,
        # The first line is the post's headline: a paragraph of its own, not the start of the first sentence.
        f"{title}\n\n{body}" if body.strip() else text,
        title=post_title(text),
        source=link,
        url=link,
        published=message.date.date().isoformat(),
        collection=chat_collection(chat.id),
    )
    logger.info("channel %s post %s stored: %d added", chat.id, message.message_id, len(report.added))
    await learn_link(context, chat)


async def learn_link(context: ContextTypes.DEFAULT_TYPE, channel: Chat) -> None:
    """Remember which discussion group belongs to a channel, so its questions search the channel's posts."""
    links = services(context).state.links
    known, _ = links.get(("channel", channel.id))
    if known:
        return
    try:
        group_id = (await context.bot.get_chat(channel.id)).linked_chat_id
    except TelegramError as error:
        logger.warning("could not look up the discussion group of channel %s: %s", channel.id, error)
        return
    links.put(("channel", channel.id), group_id)
    if group_id is not None:
        links.put(("group", group_id), channel.id)


async def my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log where the bot was added or removed; when it becomes a channel admin, learn the channel's group."""
    change = update.my_chat_member
    chat, status = change.chat, change.new_chat_member.status
    logger.info("bot is now %s in %s %s", status, chat.type, chat.id)
    if chat.type == ChatType.CHANNEL and status == ChatMemberStatus.ADMINISTRATOR:
        await learn_link(context, chat)
