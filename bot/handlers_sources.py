"""Listing: /sources (paginated with ◀ ▶) and /stats, both showing what the current chat searches."""

from __future__ import annotations

import asyncio
import logging

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import replies
from bot.handlers_common import (
    EXPIRED,
    NO_PREVIEW,
    is_group,
    may_manage,
    refusal,
    reply_html,
    searched_collections,
    services,
)
from bot.settings import SCOPE_ALL
from index import GLOBAL_COLLECTION

logger = logging.getLogger(__name__)

PAGE = 10


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The first page of articles this chat searches, newest first."""
    chat, message = update.effective_chat, update.effective_message
    if not await may_manage(context, chat, update.effective_user):
        await reply_html(message, refusal(chat))
        return
    text, markup = await _page(context, chat, 0)
    await reply_html(message, text, markup=markup)


async def turn_sources_page(update: Update, context: ContextTypes.DEFAULT_TYPE, offset_text: str) -> None:
    """◀ or ▶ under a /sources page: edit the message into the page asked for."""
    query = update.callback_query
    chat = query.message.chat
    try:
        offset = int(offset_text)
    except ValueError:
        offset = -1
    if offset < 0:
        await query.answer(EXPIRED)
        return
    if not await may_manage(context, chat, query.from_user):
        await query.answer(refusal(chat))
        return
    text, markup = await _page(context, chat, offset)
    await query.answer()
    await context.bot.edit_message_text(
        text,
        chat_id=chat.id,
        message_id=query.message.message_id,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=markup,
    )


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """How many articles, passages and sentences this chat searches, and their dates."""
    chat, message = update.effective_chat, update.effective_message
    if not await may_manage(context, chat, update.effective_user):
        await reply_html(message, refusal(chat))
        return
    collections = await searched_collections(context, chat)
    stats = await asyncio.to_thread(services(context).library.stats, collections)
    await reply_html(message, replies.render_stats(stats, scope_label(context, chat, collections)))


def scope_label(context: ContextTypes.DEFAULT_TYPE, chat: Chat, collections: tuple[str, ...]) -> str:
    """Words for what a chat searches: 'the global library', 'this group's articles and …'."""
    if not is_group(chat):
        return "the global library"
    parts = ["this group's articles"]
    if len([c for c in collections if c != GLOBAL_COLLECTION]) > 1:
        parts.append("its channel's posts")
    if services(context).state.scopes.scope(chat.id) == SCOPE_ALL:
        parts.append("the global library")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


async def _page(context: ContextTypes.DEFAULT_TYPE, chat: Chat, offset: int) -> tuple[str, InlineKeyboardMarkup | None]:
    collections = await searched_collections(context, chat)
    library = services(context).library
    sources = await asyncio.to_thread(library.sources, collections, offset, PAGE + 1)
    buttons = []
    if offset > 0:
        buttons.append(InlineKeyboardButton("◀", callback_data=f"src:{max(0, offset - PAGE)}"))
    if len(sources) > PAGE:
        buttons.append(InlineKeyboardButton("▶", callback_data=f"src:{offset + PAGE}"))
    markup = InlineKeyboardMarkup([buttons]) if buttons else None
    return replies.render_sources_page(sources[:PAGE], offset), markup
