"""Handler plumbing: the shared services, who may manage a chat, what a chat searches, and replying."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Chat, InlineKeyboardMarkup, LinkPreviewOptions, Message, Update, User
from telegram.constants import ChatAction, ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.settings import SCOPE_ALL, Settings
from bot.state import BotState
from index import GLOBAL_COLLECTION, Library

logger = logging.getLogger(__name__)

SERVICES = "citebot"  # the one bot_data key: everything else hangs off the Services value
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)
EXPIRED = "This button has expired; ask again."


@dataclass(frozen=True, slots=True)
class Services:
    """What every handler needs: settings, the library and the bot's own state."""

    settings: Settings
    library: Library
    state: BotState


async def ignore_bots(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler: updates sent by bots go no further, so no bot is ever answered."""
    user = update.effective_user
    if user is not None and user.is_bot:
        raise ApplicationHandlerStop


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The Services value build_application stored in bot_data."""
    return context.bot_data[SERVICES]


def chat_collection(chat_id: int) -> str:
    """The collection a group's or channel's own articles live in."""
    return f"chat:{chat_id}"


def is_group(chat: Chat | None) -> bool:
    return chat is not None and chat.type in GROUP_TYPES


async def reply_html(message: Message, text: str, *, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Reply with HTML and no link previews; in groups the reply quotes the asker's message."""
    return await message.reply_text(
        text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=markup,
        do_quote=message.build_reply_arguments(allow_sending_without_reply=True)
        if message.chat.type != ChatType.PRIVATE
        else False,
    )


async def edit_html(message: Message, text: str, *, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace a bot message's text (a progress line becoming a summary, a page turning)."""
    await message.edit_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, reply_markup=markup)


async def show_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Show "typing…" while the library works; a failure here must not cost the answer."""
    # One action shows for seconds: a user firing off questions needs one, not a request per question.
    recent = services(context).state.typing
    if recent.get(chat_id)[0]:
        return
    recent.put(chat_id, True)
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as error:
        logger.info("typing action in chat %s failed: %s", chat_id, error)


async def may_manage(context: ContextTypes.DEFAULT_TYPE, chat: Chat, user: User | None) -> bool:
    """Bot admins manage the global library in private; a group's real admins manage that group's."""
    if user is None or user.is_bot:
        return False
    if chat.type == ChatType.PRIVATE:
        return user.id in services(context).settings.admin_user_ids
    if not is_group(chat):
        return False
    return user.id in await group_admins(context, chat.id)


async def group_admins(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> frozenset[int]:
    """The group's administrators as Telegram reports them, cached for a minute."""
    cache = services(context).state.admins
    found, admins = cache.get(chat_id)
    if found:
        return admins
    try:
        members = await context.bot.get_chat_administrators(chat_id)
    except TelegramError as error:
        logger.warning("could not list the admins of chat %s: %s", chat_id, error)
        return frozenset()
    admins = frozenset(
        m.user.id for m in members if m.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
    )
    cache.put(chat_id, admins)
    return admins


async def linked_channel(context: ContextTypes.DEFAULT_TYPE, chat: Chat) -> int | None:
    """The channel whose discussion group this is, learnt from get_chat once an hour."""
    if chat.type != ChatType.SUPERGROUP:
        return None  # only supergroups can be a channel's discussion group
    cache = services(context).state.links
    found, channel_id = cache.get(("group", chat.id))
    if found:
        return channel_id
    try:
        channel_id = (await context.bot.get_chat(chat.id)).linked_chat_id
    except TelegramError as error:
        logger.warning("could not look up the linked channel of chat %s: %s", chat.id, error)
        return None
    cache.put(("group", chat.id), channel_id)
    return channel_id


async def searched_collections(context: ContextTypes.DEFAULT_TYPE, chat: Chat | None) -> tuple[str, ...]:
    """Private chats and inline search the global library; a group its own, its channel's, and per scope global."""
    if not is_group(chat):
        return (GLOBAL_COLLECTION,)
    collections = [chat_collection(chat.id)]
    channel_id = await linked_channel(context, chat)
    if channel_id is not None:
        collections.append(chat_collection(channel_id))
    if services(context).state.scopes.scope(chat.id) == SCOPE_ALL:
        collections.append(GLOBAL_COLLECTION)
    return tuple(collections)


def own_collection(chat: Chat) -> str:
    """Where this chat's admins add and remove: the global library in private, the group's own otherwise."""
    return chat_collection(chat.id) if is_group(chat) else GLOBAL_COLLECTION


def refusal(chat: Chat) -> str:
    """The polite no for someone who may not manage this chat's articles."""
    if is_group(chat):
        return "Sorry, only this group's admins can do that."
    return "Sorry, only the bot's admins can do that."
