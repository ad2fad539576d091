"""Buttons: More answers, Context, 👍 / 👎 under answers, checked against the chat they were pressed in."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import replies
from bot.handlers_ask import answer_buttons
from bot.handlers_common import EXPIRED, NO_PREVIEW, services
from bot.handlers_sources import turn_sources_page
from bot.state import AskedQuestion

logger = logging.getLogger(__name__)

NO_MORE = "That was the last answer I have."
CONTEXT_GONE = "That passage is no longer in the library."
THANKS = "Thanks for the feedback!"
ALREADY_VOTED = "You already rated this answer."


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route a button press; anything unknown, old or forged gets the short 'expired' notice."""
    query = update.callback_query
    kind, _, rest = (query.data or "").partition(":")
    if query.message is None:  # a button under an inline-mode message: those carry none of ours
        await query.answer(EXPIRED)
        return
    if kind == "src":
        await turn_sources_page(update, context, rest)
        return
    question_id, _, rest = rest.partition(":")
    asked = services(context).state.questions.find(question_id, query.message.chat.id)
    if asked is None or kind not in ("more", "ctx", "vote"):
        logger.info("expired or unknown button in chat %s", query.message.chat.id)
        await query.answer(EXPIRED)
    elif kind == "more":
        await more_answers(query, context, asked)
    elif kind == "ctx":
        await show_context(query, context, asked, rest)
    else:
        await vote(query, context, asked, rest)


async def more_answers(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, asked: AskedQuestion) -> None:
    """The next answer to the stored question, under the one the button belongs to."""
    library = services(context).library
    result = await asyncio.to_thread(
        library.query, asked.question, len(asked.shown) + 2, collections=asked.collections, previous=asked.previous
    )
    unseen = [answer for answer in result.answers if answer.sentence_id not in asked.shown]
    if not unseen:
        await query.answer(NO_MORE)
        return
    answer = unseen[0]
    asked.shown.append(answer.sentence_id)
    await query.answer()
    markup = answer_buttons(asked, answer, more=len(unseen) > 1)
    await _send(query, context, replies.render_answer(answer), markup)


async def show_context(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, asked: AskedQuestion, rest: str
) -> None:
    """The sentences around a quote that was shown in this chat."""
    sentence_id = _sentence_id(rest, asked)
    if sentence_id is None:
        await query.answer(EXPIRED)
        return
    answer = await asyncio.to_thread(services(context).library.context, sentence_id)
    if answer is None:
        await query.answer(CONTEXT_GONE)
        return
    await query.answer()
    await _send(query, context, replies.render_context(answer), None)


async def vote(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, asked: AskedQuestion, rest: str) -> None:
    """Store a 👍 or 👎 once per user per answer."""
    sentence_id_text, _, value = rest.partition(":")
    sentence_id = _sentence_id(sentence_id_text, asked)
    if sentence_id is None or value not in ("1", "-1"):
        await query.answer(EXPIRED)
        return
    key = (query.from_user.id, sentence_id)
    if key in asked.votes:
        await query.answer(ALREADY_VOTED)
        return
    asked.votes.add(key)  # before the await: a double tap must not count twice
    await asyncio.to_thread(
        services(context).library.record_feedback,
        asked.question,
        sentence_id,
        int(value),
        chat_id=asked.chat_id,
    )
    logger.info("feedback %s in chat %s", value, asked.chat_id)
    await query.answer(THANKS)


def _sentence_id(text: str, asked: AskedQuestion) -> int | None:
    """The sentence id from callback data, only if that sentence was shown for this question."""
    try:
        sentence_id = int(text)
    except ValueError:
        return None
    return sentence_id if sentence_id in asked.shown else None


async def _send(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    # send_message rather than message.reply_*: the message under the button may be too old to be
    # accessible, and then only its chat and id are known.
    await context.bot.send_message(
        query.message.chat.id,
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=markup,
        reply_parameters=ReplyParameters(query.message.message_id, allow_sending_without_reply=True),
    )
