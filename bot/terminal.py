"""Answers → plain text for a terminal: the quoted sentence, then its sources."""

from __future__ import annotations

import textwrap

from index import Answer, Result, Source

WIDTH = 88
NO_ANSWER = "I don't know: the articles I have do not answer that."


def format_source(source: Source) -> str:
    parts = [source.title]
    if source.published:
        parts.append(source.published)
    parts.append(source.url or source.source)
    return " · ".join(parts)


def format_answer(answer: Answer, explain: bool = False) -> str:
    quote = textwrap.fill(answer.sentence, WIDTH - 2, initial_indent="> ", subsequent_indent="> ")
    lines = [quote]
    lines += [f"  — {format_source(source)}" for source in answer.sources]
    if explain and answer.why is not None:
        why = answer.why
        lines.append(
            f"  why: matched {', '.join(why.matched_terms) or 'nothing'}"
            f"{'; missing ' + ', '.join(why.missing_terms) if why.missing_terms else ''};"
            f" coverage {why.coverage:.0%}, margin {why.margin:.0%} over the next answer,"
            f" {why.agreeing_sources} source{'s' if why.agreeing_sources != 1 else ''}; score {answer.score}"
        )
    return "\n".join(lines)


def format_result(result: Result, explain: bool = False) -> str:
    """Everything a terminal user should see for one question."""
    blocks = [f"({hint})" for hint in result.hints]
    if not result.answers:
        blocks.append(NO_ANSWER)
        if result.closest is not None:
            blocks.append("Closest I found (not an answer):\n" + format_answer(result.closest, explain))
        return "\n".join(blocks)
    if result.disagreement is not None:
        blocks.append("Note: the sources differ on this; both are quoted below.")
    blocks.extend(format_answer(answer, explain) for answer in result.answers)
    return "\n\n".join(blocks)
