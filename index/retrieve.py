"""A question → ranked passages → candidate sentences → folded answers, or "I don't know"."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace

from . import lookup
from .analysis import MAX_QUESTION_CHARS, Token, question_type, tokenize, words_of_terms
from .answers import (
    Candidate,
    Scored,
    acronyms_in,
    fold_text,
    is_answer,
    is_further_answer,
    score_candidates,
)
from .background import BACKGROUND_PASSAGES, passage_shares
from .folding import disagreement, fold, merge_sources
from .models import Answer, Explanation, Source
from .query import ParsedQuestion
from .related import Related, compound_terms, correct_spelling, related_terms
from .scoring import lucene_idf
from .search import Filters, PassageIndex

# Candidate sentences come from this many of the best passages (6 to 12 rank alike on the public sets, 8 a
# little better; fewer are read faster).
PASSAGES_TO_READ = 8
UNKNOWN_WORD_WEIGHT = 0.5
NAME_STEM_CHARS = 4  # a name is known when a library word shares its start, all but its last three letters
NAME_FORMS = 5  # library words sharing that start that are looked at
UNFILTERED_SHARE = 2  # see _search
# A follow-up question that says "he", "they", "it" is about whom the previous question and answer named.
REFERS_BACK = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|it|its|er|sie|ihn|ihm|il|elle|ils|elles|lui|leur|él|ella|ellos|ellas"
    r"|он|она|оно|они|его|её|их|ему|ей|им)\b",
    re.IGNORECASE,
)
CARRIED_WEIGHT = 0.6  # a name carried over weighs less than a word the asker wrote
MAX_CARRIED = 6


@dataclass(frozen=True, slots=True)
class Result:
    """What a question found: answers (empty: "I don't know"), the closest sentence when abstaining,
    hints about the question's filters, and two answers whose sources state different numbers."""

    answers: tuple[Answer, ...] = ()
    closest: Answer | None = None
    hints: tuple[str, ...] = ()
    disagreement: tuple[Answer, Answer] | None = None

    def turn(self, question: str) -> str:
        """The question and the answer it got, as the next question's `previous` (see Library.query)."""
        return " ".join([question, *(answer.sentence for answer in self.answers[:1])])


@dataclass(frozen=True, slots=True)
class Scope:
    collection_ids: tuple[int, ...] | None
    filters: Filters


def find_answers(
    db: sqlite3.Connection,
    index: PassageIndex,
    parsed: ParsedQuestion,
    language: str,
    terms: Sequence[str],
    scope: Scope,
    k: int,
    abstain: bool = True,
    previous: str | None = None,
) -> Result:
    if not terms:
        return Result(hints=parsed.hints)
    doc_freqs: dict[str, int] = {}

    def doc_freq(term: str) -> int:
        if term not in doc_freqs:
            doc_freqs[term] = index.doc_freq(term)
        return doc_freqs[term]

    terms = correct_spelling(terms, doc_freq, index.vocabulary)
    tokens = tokenize(parsed.text, language)
    names = _names(tokens)
    shares = passage_shares(tokens, language)
    # Synonyms are looked up for the asker's own words that the language knows (wordfreq): not for names,
    # numbers, or made-up and misspelt words, which WordNet does not have either.
    words = [(t.surface, t.term) for t in tokens if t.term in terms and t.term not in names and shares.get(t.term)]
    related = related_terms(terms, language, words, doc_freq, index.num_docs)
    related += compound_terms(tokens, language, doc_freq)
    carried = _carried_over(parsed.text, previous, language, terms)
    weighted = [(r.term, r.weight) for r in (*related, *carried)]
    hits = _search(index, terms, max(PASSAGES_TO_READ, k), scope, weighted)
    if not hits:
        return Result(hints=parsed.hints)
    document_count = max(index.num_docs, 1)

    def idf(term: str, count: int | None = None) -> float:
        # The library's own counts, with the language at large as BACKGROUND_PASSAGES more passages.
        count = doc_freq(term) if count is None else count
        share = shares.get(term)
        if share is None:
            return lucene_idf(document_count, count)
        return lucene_idf(document_count + BACKGROUND_PASSAGES, count + BACKGROUND_PASSAGES * share)

    def weight(term: str) -> float:
        # A word the library never saw is most often the asker's own wording ("supposed", "died"): it weighs
        # half a word seen once. Written as a name ("Germany"), it weighs like a word missing everywhere:
        # that name is what the library does not cover.
        if doc_freq(term):
            return idf(term)
        if term in names:  # on the scale of the other words: with the language at large when they have it
            return lucene_idf(document_count + (BACKGROUND_PASSAGES if shares else 0), 0)
        return UNKNOWN_WORD_WEIGHT * idf(term, 1)

    scores = dict(hits)
    by_passage, articles = lookup.sentences_and_articles(db, list(scores))
    candidates = []
    for passage_id, rows in by_passage.items():
        for i, row in enumerate(rows):
            previous = rows[i - 1] if i > 0 else None
            following = rows[i + 1] if i + 1 < len(rows) else None
            candidates.append(Candidate(row, scores[passage_id], previous, following))
    scored = score_candidates(
        candidates,
        terms,
        idf,
        weight,
        question_type(parsed.text),
        related,
        acronyms_in(parsed.text),
        parsed.text,
        carried,
    )
    if parsed.phrases:
        scored = [s for s in scored if _has_phrases(s.candidate, by_passage, parsed.phrases)]
    if not scored:
        return Result(hints=parsed.hints)
    folded = fold(scored, articles, limit=max(12, k + 1))
    ranked = folded[:k]  # the group after the k-th counts only as the k-th's runner-up
    margins = [
        _margin(group[0].score, folded[rank + 1][0].score if rank + 1 < len(folded) else 0.0)
        for rank, group in enumerate(ranked)
    ]

    def answers(ranks: Sequence[int]) -> list[Answer]:
        # Made only for the groups shown: their sources and matched words cost a lookup and a tokenization each.
        fold_keys = list({s.candidate.row.fold_key for rank in ranks for s in ranked[rank]})
        sources = lookup.sources_of_folds(db, fold_keys, scope.collection_ids)
        made = []
        for rank in ranks:
            group_sources = merge_sources(*(sources.get(s.candidate.row.fold_key, []) for s in ranked[rank]))
            made.append(_answer(ranked[rank][0], group_sources, margins[rank], articles, terms))
        return made

    if not abstain:
        shown = answers(range(len(ranked)))
        return Result(tuple(shown), None, parsed.hints, disagreement(shown))
    top = ranked[0][0]
    if (
        _names_unknown(names - top.matched, doc_freq, index, scope.filters)
        or _numbers_unstated(db, top, names, by_passage, articles)
        or not is_answer(top, terms, names, margins[0])
    ):
        # The closest sentence is offered (marked as not an answer) only when it shares something real.
        closest = answers([0])[0] if is_further_answer(top) else None
        return Result(closest=closest, hints=parsed.hints)
    shown = answers([0, *(rank for rank in range(1, len(ranked)) if is_further_answer(ranked[rank][0]))])
    return Result(tuple(shown), None, parsed.hints, disagreement(shown))


def _search(
    index: PassageIndex,
    terms: Sequence[str],
    count: int,
    scope: Scope,
    weighted: Sequence[tuple[str, float]],
) -> list[tuple[int, float]]:
    """The best passages in scope. When the scope is all but a few small collections, the index is searched
    without a filter (which keeps tantivy's fast path: twice as fast at a million passages) for twice as many
    passages, and those outside the scope are dropped by their collection (a fast field of the index); the same
    passages come out, in the same order, as a filtered search gives, and that search is made when too few are
    left."""
    filters = scope.filters
    if not filters.excluded_collection_ids or replace(filters, excluded_collection_ids=()) != Filters():
        return index.search(terms, count, filters, weighted)
    wanted = count * UNFILTERED_SHARE
    kept = index.search(terms, wanted, Filters(), weighted, kept_collections=frozenset(scope.collection_ids or ()))
    if len(kept) >= count:
        return kept[:count]
    # Too few left: either the library holds fewer matches (the filtered search finds the same), or most of
    # the best were in the other collections.
    return index.search(terms, count, filters, weighted)


def _names_unknown(names: frozenset[str], doc_freq, index: PassageIndex, filters: Filters) -> bool:
    """The question gives a name or number that the articles it may be answered from never mention, spelt right
    or nearly, nor any word made from it ("Californian" for California): they are about something else ("How
    many US troops are in Germany?" asked of articles that never name Germany; a name only another chat's
    articles mention)."""
    limited = filters != Filters()

    def mentioned(term: str) -> bool:
        if not doc_freq(term):
            return False
        return not limited or index.any_match(replace(filters, required_terms=(term,)))

    for name in correct_spelling(sorted(names), doc_freq, index.vocabulary):
        if mentioned(name):
            continue
        stem = name[: max(NAME_STEM_CHARS, len(name) - 3)]
        if not any(mentioned(word) for word, _ in index.vocabulary(stem, NAME_FORMS)):
            return True
    return False


def _numbers_unstated(db: sqlite3.Connection, best: Scored, names: frozenset[str], by_passage, articles) -> bool:
    """The question gives a number (two digits or more: a year, an amount) that the article of the answer never
    states: it asks about another year or amount than the one reported ("How many troops were there in 2012?"
    of an article about 2019). A number stated in another article does not count (see _names_unknown)."""
    numbers = {name for name in names - best.matched if name.isdigit()}
    if not numbers:
        return False
    passage_id = best.candidate.row.passage_id
    numbers -= {term for row in by_passage[passage_id] for term in row.terms}
    return bool(numbers) and not numbers <= lookup.terms_in_article(db, articles[passage_id][0], numbers)


def _carried_over(question: str, previous: str | None, language: str, terms: Sequence[str]) -> list[Related]:
    """The names of the previous question and its answer, when this question refers back to them ("When did he
    arrive?" after "Who is the US envoy?" was answered with a sentence naming Khalilzad): looked for as well, at
    less than a word the asker wrote, and never needed for the answer to count as one."""
    if not previous or not REFERS_BACK.search(question):
        return []
    tokens = tokenize(previous[:MAX_QUESTION_CHARS], language)
    names = _names(tokens) - set(terms)
    ordered = dict.fromkeys(token.term for token in tokens if token.term in names)
    return [Related(name, "", CARRIED_WEIGHT) for name in list(ordered)[:MAX_CARRIED]]


def _names(tokens: Sequence[Token]) -> frozenset[str]:
    """Terms the asker wrote as names or numbers: capitalised after the first word, all capitals, or numbers of
    two digits or more. A single digit is not: articles write small numbers out ("six prisoners"), and it is
    as often part of a name ("Article 5", "Harry Potter 6")."""
    names = set()
    for token in tokens:
        if token.term and (
            (token.start > 0 and token.surface[:1].isupper())
            or token.surface.isupper()
            or (token.term.isdigit() and len(token.term) > 1)
        ):
            names.add(token.term)
    return frozenset(names)


def _has_phrases(candidate: Candidate, by_passage: dict, phrases: Sequence[str]) -> bool:
    sentence = fold_text(candidate.row.text)
    passage = fold_text(" ".join(r.text for r in by_passage[candidate.row.passage_id]))
    return all(fold_text(p) in sentence or fold_text(p) in passage for p in phrases)


def _margin(score: float, runner_up: float) -> float:
    """How far the answer stands above the next: a share of its score, 0 to 1."""
    return round(max((score - runner_up) / score if score > 0 else 0.0, 0.0), 3)


def _answer(best: Scored, sources: tuple[Source, ...], margin: float, articles, terms) -> Answer:
    row = best.candidate.row
    language = articles[row.passage_id][1]
    wanted = set(terms)
    matched_words = words_of_terms(row.text, wanted, language)
    why = Explanation(
        matched_terms=tuple(sorted(best.matched)),
        missing_terms=tuple(sorted(best.missing)),
        coverage=round(best.coverage, 3),
        margin=margin,
        agreeing_sources=len(sources),
    )
    return Answer(
        sentence=row.text,
        sources=sources,
        score=round(best.score, 4),
        sentence_id=row.id,
        before=(best.candidate.previous.text,) if best.candidate.previous else (),
        after=(best.candidate.next.text,) if best.candidate.next else (),
        matched_words=matched_words,
        why=why,
    )


__all__ = ["Result", "Scope", "find_answers"]
