"""Application: wire settings, library and handlers into one python-telegram-bot Application."""

from __future__ import annotations

import logging
import traceback

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.handlers_admin import add_command, document_message, remove_command, scope_command
from bot.handlers_ask import ask_command, help_command, not_text, question_message, start, unknown_command
from bot.handlers_buttons import button
from bot.handlers_channel import channel_post, my_membership
from bot.handlers_common import SERVICES, Services, ignore_bots, services
from bot.handlers_inline import inline_query
from bot.handlers_sources import sources_command, stats_command
from bot.pacing import RetryingRateLimiter
from bot.redact import hide_in_logs
from bot.settings import Settings
from bot.state import BotState
from index import Library

logger = logging.getLogger(__name__)

# What the handlers below use; edited messages are left out on purpose (an edit is not asked again).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CHANNEL_POST,
    Update.EDITED_CHANNEL_POST,
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
    Update.MY_CHAT_MEMBER,
]
PRIVATE_COMMANDS = [
    BotCommand("ask", "Ask a question about the articles"),
    BotCommand("help", "What I know and how to ask"),
    BotCommand("start", "Example questions"),
]
GROUP_COMMANDS = [BotCommand("ask", "Ask a question about the articles"), BotCommand("help", "How to ask")]
GROUP_ADMIN_COMMANDS = [
    *GROUP_COMMANDS,
    BotCommand("add", "Add a web page to this group's articles"),
    BotCommand("remove", "Remove an article from this group's articles"),
    BotCommand("sources", "List the articles this group searches"),
    BotCommand("stats", "Size of what this group searches"),
    BotCommand("scope", "Search this group's articles only, or also the global library"),
]
ADMIN_COMMANDS = [
    *PRIVATE_COMMANDS,
    BotCommand("add", "Add a web page (or send a document)"),
    BotCommand("remove", "Remove an article by its source"),
    BotCommand("sources", "List articles, newest first"),
    BotCommand("stats", "Size of the library"),
]


def build_application(settings: Settings, library: Library, *, http_timeout: float | None = None) -> Application:
    """The bot, every handler registered in the order a reader meets them, ready to run.

    `http_timeout` is how long each Bot API call may take to connect, send and be answered (on top of
    the long-poll wait for getUpdates); None keeps PTB's 5 seconds.
    """
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set: the Telegram bot cannot start without it")
    # Before the builder runs: PTB logs the Bot API URL, token included, at DEBUG as the bot is made.
    hide_in_logs(settings.telegram_bot_token.partition(":")[2], settings.webhook_secret)
    builder = ApplicationBuilder()
    if http_timeout is not None:
        for set_timeout in (
            builder.connect_timeout,
            builder.read_timeout,
            builder.write_timeout,
            builder.get_updates_connect_timeout,
            builder.get_updates_read_timeout,
            builder.get_updates_write_timeout,
        ):
            set_timeout(http_timeout)
    application = (
        builder.token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_file_url)
        .concurrent_updates(settings.concurrent_updates)
        # Every update being handled may be waiting on one request; a smaller pool would queue them.
        .connection_pool_size(settings.concurrent_updates + 8)
        .pool_timeout(10.0)
        .rate_limiter(
            # PTB's AIORateLimiter, which also sends a call again after a 5xx or a connection that failed.
            RetryingRateLimiter(settings.rate_limit_per_second, settings.rate_limit_group_per_minute, max_retries=3)
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    state = BotState.open(
        settings.bot_state_path, default_scope=settings.group_scope_default, flood_limit=settings.flood_limit
    )
    application.bot_data[SERVICES] = Services(settings=settings, library=library, state=state)
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    """Commands first, then channel posts, documents and plain messages, then buttons and inline mode."""
    # Only new messages: an edited question is not asked again (the first answer stands).
    new = filters.UpdateType.MESSAGE
    people = new & (filters.ChatType.PRIVATE | filters.ChatType.GROUPS)
    # Bots talking to bots can loop forever: their updates stop here, before any handler below.
    application.add_handler(TypeHandler(Update, ignore_bots), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", start, filters=new),
            CommandHandler("help", help_command, filters=new),
            CommandHandler("ask", ask_command, filters=new),
            # Adding runs for seconds: block=False lets questions be answered meanwhile.
            CommandHandler("add", add_command, filters=new, block=False),
            CommandHandler("remove", remove_command, filters=new),
            CommandHandler("sources", sources_command, filters=new),
            CommandHandler("stats", stats_command, filters=new),
            CommandHandler("scope", scope_command, filters=new),
            MessageHandler(filters.UpdateType.CHANNEL_POSTS, channel_post),
            MessageHandler(people & filters.Document.ALL, document_message, block=False),
            MessageHandler(people & filters.COMMAND, unknown_command),
            MessageHandler(people & (filters.TEXT | filters.CAPTION), question_message),
            MessageHandler(new & filters.ChatType.PRIVATE, not_text),
            CallbackQueryHandler(button),
            InlineQueryHandler(inline_query),
            ChatMemberHandler(my_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        ]
    )
    application.add_error_handler(error_handler)


async def post_init(application: Application) -> None:
    """Set the command menus: private chats, groups, group admins, and each bot admin's private chat."""
    bot = application.bot
    await bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    await bot.set_my_commands(GROUP_ADMIN_COMMANDS, scope=BotCommandScopeAllChatAdministrators())
    for admin_id in sorted(application.bot_data[SERVICES].settings.admin_user_ids):
        try:
            await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))
        except TelegramError as error:
            # Telegram refuses a chat scope until that admin has opened a chat with the bot.
            logger.warning("admin commands for user %s not set: %s", admin_id, error)
    logger.info("citebot ready as @%s", bot.username)


async def post_shutdown(application: Application) -> None:
    """Close the bot's own state file; the library belongs to whoever opened it."""
    application.bot_data[SERVICES].state.scopes.close()


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any error with the update and chat it came from, never the token; the bot keeps serving."""
    update_id = update.update_id if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    error = context.error
    details = "".join(traceback.format_exception(error)) if error is not None else "no exception"
    token = services(context).settings.telegram_bot_token
    if token:
        details = details.replace(token, "<token>")
    logger.error("update %s in chat %s failed: %s", update_id, chat.id if chat else None, details)
