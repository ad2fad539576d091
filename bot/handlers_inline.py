"""Inline mode: "@bot question" in any chat lists answers from the global library as cards."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.ext import ContextTypes

from bot import replies
from bot.handlers_common import NO_PREVIEW, services
from index import GLOBAL_COLLECTION

logger = logging.getLogger(__name__)

CACHE_SECONDS = 10  # short: the library changes whenever an admin adds articles
RESULTS = 5


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer cards for an inline question; an empty query gets one card explaining how to ask."""
    query = update.inline_query
    # Telegram sends at most 256 characters; a server that sends more must not cost us a long search.
    question = replies.clean(query.query[: InlineQueryLimit.MAX_QUERY_LENGTH]).strip()
    if not question:
        await query.answer([_help_card(context.bot.username)], cache_time=CACHE_SECONDS, is_personal=False)
        return
    logger.info("inline question from user %s", query.from_user.id)
    library = services(context).library
    result = await asyncio.to_thread(library.query, question, RESULTS, collections=(GLOBAL_COLLECTION,))
    if result.answers:
        cards = [
            InlineQueryResultArticle(
                id=str(answer.sentence_id),
                title=replies.inline_title(answer),
                description=replies.inline_description(answer),
                input_message_content=_content(replies.render_answer(answer)),
            )
            for answer in result.answers
        ]
    else:
        cards = [
            InlineQueryResultArticle(
                id="dont-know",
                title=replies.DONT_KNOW,
                description="Try other words, or /help in a private chat with me.",
                input_message_content=_content(replies.render_result(result)),
            )
        ]
    await query.answer(cards, cache_time=CACHE_SECONDS, is_personal=False)


def _help_card(bot_username: str) -> InlineQueryResultArticle:
    handle = replies.escape(bot_username)
    return InlineQueryResultArticle(
        id="help",
        title="Ask a question about the articles",
        description=f"Type a question after @{bot_username}; I quote the sentence that answers it.",
        input_message_content=_content(
            f"Type <code>@{handle} your question</code> in any chat and I list answers from my articles, "
            "each quoted with its source."
        ),
    )


def _content(text: str) -> InputTextMessageContent:
    return InputTextMessageContent(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
