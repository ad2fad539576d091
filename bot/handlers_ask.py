"""Asking: /start, /help, /ask, questions in private chats and addressed questions in groups."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatType, MessageLimit
from telegram.ext import ContextTypes

from bot import replies
from bot.handlers_common import is_group, reply_html, searched_collections, services, show_typing
from bot.state import AskedQuestion, Flood
from index import Answer, Result

logger = logging.getLogger(__name__)

# Telegram messages stop at 4,096 characters; anything longer (a forwarded API call) is cut there.
MAX_QUESTION = MessageLimit.MAX_TEXT_LENGTH
FLOOD_NOTICE = "You're asking faster than I can keep up. Please wait a minute before the next question."
EMPTY_QUESTION = "Ask me a question in words, for example: /ask who built the first lighthouse?"
NOT_TEXT = "I can only read text. Send me your question as a message."
UNKNOWN_COMMAND = "I don't know that command. /help shows what I can do."


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet, with three questions the library can answer."""
    examples = await asyncio.to_thread(services(context).library.example_questions, 3)
    await reply_html(update.effective_message, replies.render_start(examples, context.bot.username))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot knows (how many articles, from when to when) and how to ask."""
    collections = await searched_collections(context, update.effective_chat)
    stats = await asyncio.to_thread(services(context).library.stats, collections)
    await reply_html(update.effective_message, replies.render_help(stats, context.bot.username))


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION, in any chat."""
    message = update.effective_message
    # The whole text after the command, not context.args: quotes and line breaks belong to the question.
    parts = (message.text or "").split(maxsplit=1)
    question = parts[1] if len(parts) > 1 else ""
    await answer_question(update, context, question)


async def question_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any text in a private chat; in groups only text that mentions the bot or replies to it."""
    message = update.effective_message
    if message.chat.type == ChatType.PRIVATE:
        question = message.text or message.caption or ""
    else:
        question = addressed_question(message, context.bot)
        if question is None:
            return
    await answer_question(update, context, question)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos without captions and the like in a private chat get a hint."""
    await reply_html(update.effective_message, NOT_TEXT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot lacks: a hint in private, or in a group when it names this bot."""
    message = update.effective_message
    if not message.text:
        return
    command = message.text.split()[0]
    if is_group(message.chat) and not command.lower().endswith(f"@{context.bot.username.lower()}"):
        return  # in groups a bare /command may be meant for another bot
    await reply_html(message, UNKNOWN_COMMAND)


def addressed_question(message: Message, bot: Bot) -> str | None:
    """The question in a group message meant for the bot, or None when it is not meant for the bot."""
    text = message.text or message.caption
    if not text:
        return None
    handle = f"@{bot.username}".lower()
    mentions = [
        part
        for entity, part in _mentions(text, message.entities if message.text else message.caption_entities)
        if (entity.type == MessageEntity.MENTION and part.lower() == handle)
        or (entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot.id)
    ]
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == bot.id
    if not mentions and not to_bot:
        return None
    for part in mentions:
        text = text.replace(part, " ")
    return " ".join(text.split())


def _mentions(text: str, entities: Sequence[MessageEntity]) -> list[tuple[MessageEntity, str]]:
    """(entity, its text) for mentions. Not Message.parse_entities: it fails on a lone surrogate (half an
    emoji, which some clients send) and the message would go unanswered."""
    units = text.encode("utf-16-le", "surrogatepass")
    kinds = (MessageEntity.MENTION, MessageEntity.TEXT_MENTION)
    return [
        (entity, units[2 * entity.offset : 2 * (entity.offset + entity.length)].decode("utf-16-le", "surrogatepass"))
        for entity in entities
        if entity.type in kinds
    ]


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Search off the event loop and reply with the best answer, or an honest "I don't know"."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    found = services(context)
    if is_group(chat) and user is not None:
        verdict = found.state.flood.check(chat.id, user.id)
        if verdict is Flood.NOTICE:
            logger.info("user %s flooding chat %s: one notice, then silence", user.id, chat.id)
            await reply_html(message, FLOOD_NOTICE)
        if verdict is not Flood.ANSWER:
            return
    question = replies.clean(question).strip()
    # Zero-width and direction marks are invisible too: a question of only those has no words to search.
    if not any(char.isprintable() and not char.isspace() for char in question):
        await reply_html(message, EMPTY_QUESTION)
        return
    note = ""
    if len(question) > MAX_QUESTION:
        question = question[:MAX_QUESTION]
        note = f"I read only the first {MAX_QUESTION:,} characters of your question."
    logger.info("question in chat %s", chat.id)
    logger.debug("question in chat %s: %r", chat.id, question)
    collections = await searched_collections(context, chat)
    if not is_group(chat):
        # Groups get no typing action: the rate limiter counts it against the group's 20 messages a minute.
        await show_typing(context, chat.id)
    speaker = (chat.id, user.id if user is not None else 0)
    _, previous = found.state.conversations.get(speaker)
    result: Result = await asyncio.to_thread(
        found.library.query, question, 3, collections=collections, previous=previous
    )
    found.state.conversations.put(speaker, result.turn(question))
    asked = found.state.questions.remember(chat.id, question, collections, previous)
    shown = [*result.disagreement] if result.disagreement else list(result.answers[:1])
    asked.shown.extend(answer.sentence_id for answer in shown)
    more = any(answer.sentence_id not in asked.shown for answer in result.answers)
    markup = answer_buttons(asked, shown[0], more=more) if shown else None
    await reply_html(message, replies.render_result(result, note=note), markup=markup)


def answer_buttons(asked: AskedQuestion, answer: Answer, *, more: bool) -> InlineKeyboardMarkup:
    """More / Context / 👍 / 👎 under an answer; callback data carries ids only (Telegram allows 64 bytes)."""
    first_row = [InlineKeyboardButton("Context", callback_data=f"ctx:{asked.id}:{answer.sentence_id}")]
    if more:
        first_row.insert(0, InlineKeyboardButton("More answers", callback_data=f"more:{asked.id}"))
    votes = [
        InlineKeyboardButton("👍", callback_data=f"vote:{asked.id}:{answer.sentence_id}:1"),
        InlineKeyboardButton("👎", callback_data=f"vote:{asked.id}:{answer.sentence_id}:-1"),
    ]
    return InlineKeyboardMarkup([first_row, votes])
