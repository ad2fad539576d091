"""Replies: turn answers, sources and reports into Telegram HTML that always fits one message."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from telegram.constants import MessageLimit

from index import AddReport, Answer, Result, Source, Stats

MAX_LENGTH = MessageLimit.MAX_TEXT_LENGTH
MAX_ENTITIES = MessageLimit.MESSAGE_ENTITIES
DONT_KNOW = "I couldn't find that in the articles I have."
CLOSEST = "Closest I found (not an answer):"
SOURCES_DIFFER = "The sources differ:"
_MAX_SOURCES = 5  # an answer folded from many articles names the first few and counts the rest
_MAX_TITLE = 200
_MAX_BOLD = 20  # Telegram keeps at most 100 entities per message; two quotes' worth of bold stays far below
_MAX_HINTS = 3
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # Telegram rejects these
_TAG = re.compile(r"<[^>]*>")


def clean(text: str) -> str:
    """Text without control characters or lone surrogates, which Telegram refuses to send."""
    return _CONTROL.sub("", text)


def escape(text: str) -> str:
    """Article or user text made safe for Telegram HTML."""
    return html.escape(clean(text), quote=True)


def visible_length(message: str) -> int:
    """Length Telegram counts: UTF-16 code units of the text after entity parsing."""
    return len(html.unescape(_TAG.sub("", message)).encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, marked with an ellipsis."""
    text = " ".join(clean(text).split())
    if len(text) <= limit:
        return text
    if limit < 1:
        return "…"
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def fit(render: Callable[[int], str], ceiling: int) -> str:
    """The longest render(cap) within Telegram's limit; render(0) must fit and grow with cap."""
    best, low, high = render(0), 1, ceiling
    if visible_length(full := render(ceiling)) <= MAX_LENGTH:
        return full
    while low <= high:
        middle = (low + high) // 2
        candidate = render(middle)
        if visible_length(candidate) <= MAX_LENGTH:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def highlight(sentence: str, words: Sequence[str]) -> str:
    """Escaped sentence with the matched words in bold, whole words only."""
    words = sorted({w for w in (clean(w).strip() for w in words) if w}, key=len, reverse=True)
    if not words:
        return escape(sentence)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE)
    pieces, last, bolded = [], 0, 0
    for match in pattern.finditer(sentence):
        if bolded == _MAX_BOLD:
            break
        pieces += [escape(sentence[last : match.start()]), f"<b>{escape(match.group())}</b>"]
        last, bolded = match.end(), bolded + 1
    return "".join([*pieces, escape(sentence[last:])])


def source_line(source: Source, *, title_limit: int = _MAX_TITLE) -> str:
    """'— Title, date' with the title linked when the article has a web address."""
    title = escape(shorten(source.title or source.source, title_limit))
    url = clean(source.url or "")
    if re.fullmatch(r"https?://\S{1,2000}", url):
        title = f'<a href="{html.escape(url, quote=True)}">{title}</a>'
    date = f", {escape(shorten(source.published, 32))}" if source.published else ""
    return f"— {title}{date}"


def source_lines(sources: Sequence[Source]) -> str:
    """One line per source, the first few only when an answer stands in many articles."""
    lines = [source_line(source) for source in sources[:_MAX_SOURCES]]
    if len(sources) > _MAX_SOURCES:
        lines.append(f"— and {len(sources) - _MAX_SOURCES} more")
    return "\n".join(lines)


def _quote(answer: Answer, cap: int) -> str:
    quote = highlight(shorten(answer.sentence, cap), answer.matched_words)
    return f"<blockquote>{quote}</blockquote>\n{source_lines(answer.sources)}"


def _fit_with_tail(body: Callable[[int], str], answers: Sequence[Answer], hints: Sequence[str], note: str) -> str:
    lines = [f"ℹ️ {escape(shorten(hint, 300))}" for hint in hints[:_MAX_HINTS]]
    lines += [f"<i>{escape(shorten(note, 300))}</i>"] if note else []
    tail = "\n".join(lines)
    return fit(
        lambda cap: f"{body(cap)}\n\n{tail}" if tail else body(cap),
        max((len(a.sentence) for a in answers), default=0),
    )


def render_answer(answer: Answer, *, note: str = "") -> str:
    """One answer: the sentence quoted with matched words in bold, then its sources."""
    return _fit_with_tail(lambda cap: _quote(answer, cap), [answer], (), note)


def render_result(result: Result, *, note: str = "") -> str:
    """The reply to a question: the answer, or an honest "I don't know" with the closest sentence, hints."""
    if result.disagreement:
        first, second = result.disagreement
        return _fit_with_tail(
            lambda cap: f"{SOURCES_DIFFER}\n{_quote(first, cap)}\n\n{_quote(second, cap)}",
            [first, second],
            result.hints,
            note,
        )
    if result.answers:
        return _fit_with_tail(lambda cap: _quote(result.answers[0], cap), result.answers[:1], result.hints, note)
    if result.closest:
        closest = result.closest
        return _fit_with_tail(
            lambda cap: f"{DONT_KNOW}\n\n{CLOSEST}\n{_quote(closest, cap)}", [closest], result.hints, note
        )
    return _fit_with_tail(lambda cap: DONT_KNOW, [], result.hints, note)


def render_context(answer: Answer) -> str:
    """The sentences around a quote, the quote in bold, folded into an expandable quotation."""

    def render(cap: int) -> str:
        sentences = [escape(shorten(s, cap)) for s in answer.before]
        sentences.append(f"<b>{escape(shorten(answer.sentence, cap))}</b>")
        sentences += [escape(shorten(s, cap)) for s in answer.after]
        return f"<blockquote expandable>{' '.join(sentences)}</blockquote>\n{source_lines(answer.sources)}"

    longest = max(map(len, (*answer.before, answer.sentence, *answer.after)))
    return fit(render, longest)


def render_start(examples: Sequence[str], bot_username: str) -> str:
    """The greeting, with questions the library can answer."""
    intro = (
        "Hi! I answer questions from the articles I have: I quote the sentence that says it, "
        "word for word, and tell you where it comes from. When nothing fits, I say so."
    )
    tried = "\n".join(f"• {escape(shorten(q, 200))}" for q in examples[:3])
    lines = [intro, *(["", "Try asking:", tried] if tried else []), "", "/help explains how to ask."]
    return "\n".join(lines)


def render_help(stats: Stats, bot_username: str) -> str:
    """What the bot knows and how to ask it."""
    if stats.articles == 0:
        known = "I don't have any articles yet."
    else:
        span = f", published {stats.oldest} – {stats.newest}" if stats.oldest and stats.newest else ""
        known = f"I know {_count(stats.articles, 'article')}{escape(span)}."
    name = escape(bot_username)
    return "\n".join(
        [
            known,
            "Ask a question in plain words; I reply with the sentence that answers it and its sources.",
            "",
            "Narrow a question down:",
            '• <code>"exact words"</code> — the sentence must contain them',
            "• <code>source:NAME</code> — only articles whose source contains NAME",
            "• <code>after:2024-01-31</code>, <code>before:2024-12-31</code> — only articles published then",
            "",
            f"In groups, mention me (@{name}), reply to my message or use /ask.",
            f"In any chat, type @{name} and a question to share an answer.",
        ]
    )


def render_stats(stats: Stats, scope: str) -> str:
    """Size and span of what the current chat searches."""
    span = f"\nPublished {escape(stats.oldest)} – {escape(stats.newest)}" if stats.oldest and stats.newest else ""
    languages = f"\nLanguages: {escape(', '.join(stats.languages))}" if stats.languages else ""
    return (
        f"This chat searches {escape(scope)}.\n"
        f"{_count(stats.articles, 'article')}, {_count(stats.passages, 'passage')}, "
        f"{_count(stats.sentences, 'sentence')}{span}{languages}"
    )


def render_sources_page(sources: Sequence[Source], offset: int) -> str:
    """One page of /sources, newest first, each with the exact name /remove takes."""
    if not sources:
        return "No articles here yet." if offset == 0 else "No more articles."

    def render(cap: int) -> str:
        lines = [f"Articles {offset + 1}–{offset + len(sources)}, newest first:"]
        for number, source in enumerate(sources, start=offset + 1):
            lines.append(f"{number}. {source_line(source, title_limit=cap)[2:]}")
            lines.append(f"    <code>{escape(shorten(source.source, cap))}</code>")
        return "\n".join(lines)

    return fit(render, _MAX_TITLE)


def render_add_report(name: str, report: AddReport) -> str:
    """What adding a document or page changed: articles added, sentences, and what was skipped and why."""

    def render(cap: int) -> str:
        lines = [
            f"Added {escape(shorten(name, cap))}: {_count(len(report.added), 'article')}, "
            f"{_count(report.sentences, 'sentence')}."
        ]
        if report.unchanged:
            lines.append(f"Already in the library, unchanged: {_count(len(report.unchanged), 'article')}.")
        if report.skipped:
            lines.append(f"Skipped {_count(len(report.skipped), 'file')}:")
            lines += [
                f"• {escape(shorten(s.name, cap))}: {escape(shorten(s.reason, cap))}" for s in report.skipped[:10]
            ]
            if len(report.skipped) > 10:
                lines.append(f"• and {len(report.skipped) - 10} more")
        return "\n".join(lines)

    return fit(render, 300)


def inline_title(answer: Answer) -> str:
    """A result card's title: the quote, shortened."""
    return shorten(answer.sentence, 80)


def inline_description(answer: Answer) -> str:
    """A result card's description: where the quote comes from."""
    first = answer.sources[0] if answer.sources else None
    if first is None:
        return ""
    more = f" (+{len(answer.sources) - 1})" if len(answer.sources) > 1 else ""
    date = f", {first.published}" if first.published else ""
    return shorten(f"{first.title or first.source}{date}{more}", 120)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
