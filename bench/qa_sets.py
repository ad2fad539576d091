"""Question sets → per-question judgements and set scores: seed questions, SQuAD spans, WikiQA MAP and MRR."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from index import Answer


@dataclass(frozen=True, slots=True)
class Quote:
    """One answer as the scoring sees it, whichever system gave it: the sentence and the sources it cites."""

    sentence: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SeedQuestion:
    question: str
    answer_contains: str | None  # None: the articles do not answer it, and the right reply is "I don't know"
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Span:
    """A gold answer of SQuAD: its text and where it starts in its paragraph."""

    text: str
    start: int


@dataclass(frozen=True, slots=True)
class SquadQuestion:
    id: str
    question: str
    paragraph: int  # index of its paragraph in the article
    answers: tuple[Span, ...]
    impossible: bool


@dataclass(frozen=True, slots=True)
class SquadArticle:
    title: str
    paragraphs: tuple[str, ...]
    questions: tuple[SquadQuestion, ...]


@dataclass(frozen=True, slots=True)
class WikiQuestion:
    id: str
    question: str
    candidates: tuple[str, ...]
    labels: tuple[int, ...]  # 1 for a candidate that answers the question


@dataclass(frozen=True, slots=True)
class SeedTally:
    answerable: int = 0
    right: int = 0  # the top sentence contains answer_contains
    right_with_sources: int = 0  # ... and cites every expected source
    unanswerable: int = 0
    refused: int = 0  # unanswerable and given no answer

    def __add__(self, other: SeedTally) -> SeedTally:
        return _add(self, other)


@dataclass(frozen=True, slots=True)
class SquadTally:
    answerable: int = 0
    right_at_1: int = 0  # the top sentence holds the start of a gold span
    loose_right_at_1: int = 0  # the top sentence contains the text of a gold answer
    ranked_right_at_1: int = 0  # the same as right_at_1 for the ranking's top, even when it abstained
    right_at_3: int = 0
    ranked_right_at_3: int = 0  # the same as right_at_3 for the ranking's top three, even when it abstained
    false_refusals: int = 0  # answerable and given no answer
    impossible: int = 0
    refused: int = 0  # impossible and given no answer

    def __add__(self, other: SquadTally) -> SquadTally:
        return _add(self, other)


def _add(first, second):
    return type(first)(*(getattr(first, f.name) + getattr(second, f.name) for f in fields(first)))


# Reading the sets ---------------------------------------------------------------------------------------


def read_seed_questions(path: Path) -> list[SeedQuestion]:
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [SeedQuestion(r["question"], r["answer_contains"], tuple(r["sources"])) for r in rows]


def read_squad(path: Path) -> list[SquadArticle]:
    articles = []
    for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
        paragraphs, questions = [], []
        for i, paragraph in enumerate(article["paragraphs"]):
            paragraphs.append(paragraph["context"])
            for qa in paragraph["qas"]:
                spans = tuple(Span(a["text"], a["answer_start"]) for a in qa["answers"])
                questions.append(SquadQuestion(qa["id"], qa["question"], i, spans, bool(qa.get("is_impossible"))))
        articles.append(SquadArticle(article["title"], tuple(paragraphs), tuple(questions)))
    return articles


def read_wikiqa(path: Path) -> list[WikiQuestion]:
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [WikiQuestion(r["id"], r["question"], tuple(r["candidates"]), tuple(r["labels"])) for r in rows]


def quotes_of(answers: Iterable[Answer]) -> list[Quote]:
    return [Quote(a.sentence, tuple(s.source for s in a.sources)) for a in answers]


# Seed questions -----------------------------------------------------------------------------------------


def judge_seed(question: SeedQuestion, quotes: Sequence[Quote]) -> SeedTally:
    """One seed question judged on the top answer only: what a user reads first."""
    if question.answer_contains is None:
        return SeedTally(unanswerable=1, refused=int(not quotes))
    right = bool(quotes) and question.answer_contains in quotes[0].sentence
    cites_all = right and set(question.sources) <= set(quotes[0].sources)
    return SeedTally(answerable=1, right=int(right), right_with_sources=int(cites_all))


# SQuAD ---------------------------------------------------------------------------------------------------


def squad_source(title: str, paragraph: int) -> str:
    """The source a SQuAD paragraph is added under, so an answer's source names its paragraph."""
    return f"{title}/{paragraph}"


def sentence_range(paragraph: str, sentence: str) -> tuple[int, int] | None:
    """Where a quoted sentence stands in the paragraph, as (start, end) offsets; None if it is not there.
    The library collapses runs of whitespace in a passage, so spaces in the quote match any whitespace."""
    start = paragraph.find(sentence)
    if start >= 0:
        return start, start + len(sentence)
    words = sentence.split()
    if not words:
        return None
    match = re.search(r"\s+".join(map(re.escape, words)), paragraph)
    return match.span() if match else None


def covers_gold_span(quote: Quote, article: SquadArticle, question: SquadQuestion) -> bool:
    """The quote is a sentence of the question's own paragraph whose range holds the start of a gold answer."""
    if squad_source(article.title, question.paragraph) not in quote.sources:
        return False
    span = sentence_range(article.paragraphs[question.paragraph], quote.sentence)
    return span is not None and any(span[0] <= gold.start < span[1] for gold in question.answers)


def contains_answer_text(quote: Quote, question: SquadQuestion) -> bool:
    """The looser check: the sentence contains the text of a gold answer, wherever it comes from."""
    return any(gold.text and gold.text in quote.sentence for gold in question.answers)


def judge_squad(
    article: SquadArticle, question: SquadQuestion, quotes: Sequence[Quote], ranked: Sequence[Quote]
) -> SquadTally:
    """One SQuAD question: `quotes` are the answers given (at most three are read), `ranked` the best
    sentences found even when the system abstained."""
    if question.impossible:
        return SquadTally(impossible=1, refused=int(not quotes))
    right = [covers_gold_span(q, article, question) for q in quotes[:3]]
    ranked_right = [covers_gold_span(q, article, question) for q in ranked[:3]]
    return SquadTally(
        answerable=1,
        right_at_1=int(bool(right) and right[0]),
        loose_right_at_1=int(bool(quotes) and contains_answer_text(quotes[0], question)),
        ranked_right_at_1=int(bool(ranked_right) and ranked_right[0]),
        right_at_3=int(any(right)),
        ranked_right_at_3=int(any(ranked_right)),
        false_refusals=int(not quotes),
    )


# WikiQA --------------------------------------------------------------------------------------------------


def candidate_source(position: int) -> str:
    """The source a WikiQA candidate is added under, so answers map back to candidates."""
    return f"candidate-{position}"


def ranked_candidates(quotes: Iterable[Quote], count: int) -> list[int]:
    """Candidate positions in the order the answers name them; an answer citing several candidates (the same
    sentence folded) ranks them in the order cited; each candidate counts at its first place only."""
    positions = {candidate_source(i): i for i in range(count)}
    ranked: dict[int, None] = {}
    for quote in quotes:
        for source in quote.sources:
            if source in positions:
                ranked.setdefault(positions[source])
    return list(ranked)


def average_precision(ranking: Sequence[int], relevant: Collection[int]) -> float:
    """trec_eval's AP: the mean, over every relevant item, of the precision at its rank; a relevant item
    that was never retrieved adds 0. A question with nothing relevant scores 0."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, item in enumerate(ranking, start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


def reciprocal_rank(ranking: Sequence[int], relevant: Collection[int]) -> float:
    """1 / the rank of the first relevant item; 0 when none was retrieved."""
    return next((1.0 / rank for rank, item in enumerate(ranking, start=1) if item in relevant), 0.0)


def relevant_candidates(question: WikiQuestion) -> set[int]:
    return {i for i, label in enumerate(question.labels) if label}


def set_order_average_precision(question: WikiQuestion) -> float:
    """AP of the candidates in the set's own order, no search at all: WikiQA lists them as they stand in the
    article, where the answer is often near the top, so this is the floor a ranking has to beat."""
    return average_precision(range(len(question.candidates)), relevant_candidates(question))


# Distributions -------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100): a value that was actually observed; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def deciles(values: Sequence[float]) -> list[float]:
    """Minimum, the nine deciles and maximum."""
    return [percentile(values, q) for q in range(0, 101, 10)]


GROUPS = ("answerable_right", "answerable_wrong", "impossible")


def coverage_report(points: Sequence[tuple[str, float | None]], thresholds: Iterable[float]) -> dict:
    """The coverage of the best sentence found for each SQuAD question, by group (one of GROUPS; None when
    nothing was found), as deciles, and what each threshold on it would give: P@1, false refusals and
    impossible questions refused, were an answer given exactly when coverage >= threshold."""
    answerable = [(group, c) for group, c in points if group != "impossible"]
    impossible = [c for group, c in points if group == "impossible"]
    sweep = []
    for threshold in thresholds:
        kept = [group for group, c in answerable if c is not None and c >= threshold]
        sweep.append(
            {
                "min_coverage": threshold,
                "p_at_1": _share(kept.count("answerable_right"), len(answerable)),
                "false_refusals": _share(len(answerable) - len(kept), len(answerable)),
                "impossible_refused": _share(sum(c is None or c < threshold for c in impossible), len(impossible)),
            }
        )
    found = {group: [c for g, c in points if g == group and c is not None] for group in GROUPS}
    return {
        "deciles": {group: deciles(values) for group, values in found.items()},
        "questions": {group: len(values) for group, values in found.items()},
        "nothing_found": {group: sum(g == group and c is None for g, c in points) for group in GROUPS},
        "sweep": sweep,
    }


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0
