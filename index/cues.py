"""What kind of thing a question asks for, and whether a sentence holds one: a number, a date, a name, a place,
a reason, what something is called. A sentence holding it is preferred (answers.score_candidates)."""

from __future__ import annotations

import re

NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?"
    r"|thousands?|millions?|billions?|trillions?)\b",
    re.IGNORECASE,
)
# A year from 1000 on ("in 1066", "1 May 1191") or with its era ("9000 BP", "44 BC"): history is asked about with
# "when" as much as the news is.
TIME = re.compile(
    r"\b(?:1\d\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|"
    r"tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|week|month|"
    r"year|years|century|decade|since|ago|until|before|after|during|when|morning|evening|"
    r"night|season|spring|summer|autumn|winter)\b|\d\s*(?:BCE?|AD|CE|BP)\b",
    re.IGNORECASE,
)
NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
PLACE = re.compile(r"\b(?:in|at|from|near|into|across|to)\s+(?:the\s+)?[A-Z][\w-]+")
# What answers "why" (English): a reason given in so many words.
REASON = re.compile(
    r"\b(?:because|due to|owing to|thanks to|so that|in order to|as a result|result(?:ed|s)? (?:in|from)|reasons?"
    r"|caus(?:e|ed|es|ing)|led to|lead to|since|for fear|aim(?:ed|s)? (?:to|at)|to (?:protect|prevent|avoid|ensure))\b",
    re.IGNORECASE,
)
# "What is the bend of the Rhine in Basel called?": a name given in quotes or brackets, or said to be one.
NAME_ASKED = re.compile(r"\b(?:called|named|the name (?:of|for))\b", re.IGNORECASE)
NAMING = re.compile(r"[\"“«][^\"”»]+[\"”»]|\([A-Z][^()]*\)|\b(?:called|named|known as)\b")
# "What kind of company is Sky UK Limited?" asks what it is, however many words it takes to say so.
KIND_OF = re.compile(r"\b(?:what|which) (?:kind|type|sort)s? of\b", re.IGNORECASE)
TYPE_CUES: dict[str, re.Pattern[str]] = {"count": NUMBER, "when": TIME, "who": NAME, "where": PLACE, "why": REASON}


def answer_cue(question_type: str | None, question: str) -> re.Pattern[str] | None:
    """The pattern of what the question asks for, or None when it asks for nothing in particular."""
    cue = TYPE_CUES.get(question_type or "")
    if cue is None and NAME_ASKED.search(question):
        return NAMING
    return cue


def asks_what_kind(question: str) -> bool:
    """Whether the question asks what kind of thing something is (answered by a sentence saying what it is)."""
    return bool(KIND_OF.search(question))


def has_new_answer_type(sentence: str, cue: re.Pattern[str], asked: str) -> bool:
    """The sentence holds the kind of thing asked for (a number, a date, a name, a place) that the question
    itself does not already hold: "How many ... in 2001?" is answered by another number than 2001."""
    return any(match.group(0).casefold() not in asked for match in cue.finditer(sentence))
