"""Data that crosses module boundaries: sources, answers, reports and statistics."""

from __future__ import annotations

from dataclasses import dataclass, field

GLOBAL_COLLECTION = "global"


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a file, a URL or a post, before it is stored."""

    title: str
    source: str  # where it came from: path relative to what was added, or a URL
    text: str
    url: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class Source:
    """An article an answer cites."""

    title: str
    source: str
    url: str | None = None
    published: str | None = None
    collection: str = GLOBAL_COLLECTION


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an answer was chosen: the evidence the "I don't know" rule weighed."""

    matched_terms: tuple[str, ...]  # question terms found in the sentence or its neighbours
    missing_terms: tuple[str, ...]  # question terms found nowhere near it
    coverage: float  # share of the question's IDF weight the answer matches, 0..1
    margin: float  # score over the runner-up answer, as a share of this answer's score
    agreeing_sources: int


@dataclass(frozen=True, slots=True)
class Answer:
    """A sentence quoted verbatim, with every article it stands in."""

    sentence: str
    sources: tuple[Source, ...]
    score: float
    sentence_id: int  # stable id in the library: buttons and feedback refer to it
    before: tuple[str, ...] = ()  # the sentences just before it in its passage
    after: tuple[str, ...] = ()  # the sentences just after it
    matched_words: tuple[str, ...] = ()  # words of `sentence` as written that matched the question
    why: Explanation | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or article that was not added, and why."""

    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class AddReport:
    """What one add call changed."""

    added: tuple[Source, ...] = ()
    unchanged: tuple[Source, ...] = ()  # already in the library with the same content
    skipped: tuple[Skipped, ...] = ()
    sentences: int = 0

    def __add__(self, other: AddReport) -> AddReport:
        return AddReport(
            self.added + other.added,
            self.unchanged + other.unchanged,
            self.skipped + other.skipped,
            self.sentences + other.sentences,
        )


@dataclass(frozen=True, slots=True)
class Stats:
    """The size and time span of (a view of) the library."""

    articles: int
    passages: int
    sentences: int
    oldest: str | None  # earliest publication date known, ISO
    newest: str | None
    languages: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Feedback:
    """A 👍 or 👎 a user gave an answer."""

    question: str
    sentence: str
    vote: int  # +1 or -1
    chat_id: int | None
    created: str  # ISO timestamp
