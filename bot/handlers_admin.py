"""Managing: documents and /add URL add articles, /remove drops one, /scope sets what a group searches."""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import replies
from bot.fetch import FetchError, fetch_page
from bot.handlers_common import (
    edit_html,
    is_group,
    may_manage,
    own_collection,
    refusal,
    reply_html,
    services,
)
from bot.settings import SCOPE_ALL, SCOPE_OWN
from index import ArticleError

logger = logging.getLogger(__name__)

DOCUMENT_TYPES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
ADD_USAGE = "Send /add and a web address, e.g. <code>/add https://example.com/news/story.html</code>"
REMOVE_USAGE = "Send /remove and the source as /sources shows it, e.g. <code>/remove report.md</code>"
SCOPE_USAGE = (
    "Send <code>/scope own</code> (this group's articles only) or <code>/scope all</code> (also the global library)."
)
SCOPE_WORDS = {
    SCOPE_OWN: "only this group's own articles",
    SCOPE_ALL: "this group's own articles and the global library",
}
MEGABYTE = 1024 * 1024


async def document_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin's .txt/.md/.html/.jsonl document becomes articles; the size is checked before downloading."""
    message, chat = update.effective_message, update.effective_chat
    document = message.document
    if not await may_manage(context, chat, update.effective_user):
        if chat.type == ChatType.PRIVATE:
            await reply_html(message, refusal(chat))
        return  # in groups, members share files all day: only admins' files are for the bot
    name = document.file_name or "document"
    if PurePath(name).suffix.lower() not in DOCUMENT_TYPES:
        if chat.type == ChatType.PRIVATE:  # a group admin's PDF is for the members, not for the bot
            await reply_html(
                message, f"I can add .txt, .md, .html and .jsonl files; {replies.escape(name)} is not one."
            )
        return
    limit = services(context).settings.max_document_mb
    if document.file_size is not None and document.file_size > limit * MEGABYTE:
        size = _size(document.file_size)
        await reply_html(message, f"{replies.escape(name)} is {size}; the limit is {limit:g} MB.")
        return
    progress = await reply_html(message, f"Adding {replies.escape(name)}…")
    try:
        data = await (await document.get_file()).download_as_bytearray()
    except TelegramError as error:
        logger.warning("downloading a document in chat %s failed: %s", chat.id, error)
        await edit_html(progress, f"Couldn't download {replies.escape(name)} from Telegram; please send it again.")
        return
    if len(data) > limit * MEGABYTE:
        await edit_html(progress, f"{replies.escape(name)} is larger than {limit:g} MB; not added.")
        return
    library = services(context).library
    try:
        report = await asyncio.to_thread(library.add_bytes, name, bytes(data), collection=own_collection(chat))
    except ArticleError as error:
        await edit_html(
            progress, f"Couldn't add {replies.escape(name)}: {replies.escape(replies.shorten(error.reason, 500))}"
        )
        return
    logger.info("document added in chat %s: %d articles", chat.id, len(report.added))
    await edit_html(progress, replies.render_add_report(name, report))


async def add_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add URL: fetch a public web page and add its main text."""
    message, chat = update.effective_message, update.effective_chat
    if not await may_manage(context, chat, update.effective_user):
        await reply_html(message, refusal(chat))
        return
    if len(context.args or ()) != 1:
        await reply_html(message, ADD_USAGE)
        return
    url = context.args[0]
    settings = services(context).settings
    progress = await reply_html(message, f"Fetching {replies.escape(replies.shorten(url, 200))}…")
    try:
        page = await fetch_page(
            url,
            time_limit=settings.fetch_timeout_seconds,
            max_bytes=int(settings.fetch_max_mb * 1_000_000),
            allow_private=settings.fetch_allow_private,
        )
        library = services(context).library
        report = await asyncio.to_thread(library.add_html, page.html, url=page.url, collection=own_collection(chat))
    except (FetchError, ArticleError) as error:
        reason = error.reason if isinstance(error, ArticleError) else str(error)
        logger.info("/add refused in chat %s: %s", chat.id, reason)
        await edit_html(progress, f"Couldn't add {replies.escape(replies.shorten(url, 200))}: {replies.escape(reason)}")
        return
    await edit_html(progress, replies.render_add_report(page.url, report))


async def remove_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove SOURCE: drop one article from this chat's collection."""
    message, chat = update.effective_message, update.effective_chat
    if not await may_manage(context, chat, update.effective_user):
        await reply_html(message, refusal(chat))
        return
    parts = (message.text or "").split(maxsplit=1)
    source = parts[1].strip() if len(parts) > 1 else ""
    if not source:
        await reply_html(message, REMOVE_USAGE)
        return
    # No stored source holds control characters or half an emoji (the store cannot even look them up).
    removed = replies.clean(source) == source and await asyncio.to_thread(
        services(context).library.remove, source, collection=own_collection(chat)
    )
    shown = replies.escape(replies.shorten(source, 300))
    if removed:
        logger.info("article removed in chat %s", chat.id)
        await reply_html(message, f"Removed {shown}.")
    else:
        await reply_html(message, f"There is no article {shown} here. /sources lists them.")


async def scope_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/scope own|all: what a group searches; only that group's admins may change it."""
    message, chat = update.effective_message, update.effective_chat
    if not is_group(chat):
        await reply_html(message, "/scope is a group setting: private chats search the global library.")
        return
    scopes = services(context).state.scopes
    choice = {"own": SCOPE_OWN, "all": SCOPE_ALL, "own+global": SCOPE_ALL}.get(" ".join(context.args or ()).lower())
    if choice is None:
        await reply_html(message, f"This group searches {SCOPE_WORDS[scopes.scope(chat.id)]}.\n{SCOPE_USAGE}")
        return
    if not await may_manage(context, chat, update.effective_user):
        await reply_html(message, refusal(chat))
        return
    await asyncio.to_thread(scopes.set_scope, chat.id, choice)
    logger.info("scope of chat %s set to %s", chat.id, choice)
    await reply_html(message, f"This group now searches {SCOPE_WORDS[choice]}.")


def _size(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB" if size >= MEGABYTE / 10 else f"{size / 1024:.0f} KB"
