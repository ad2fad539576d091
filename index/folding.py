"""Folding: sentences that state the same thing are one answer citing every article they stand in, and
two answers whose sources state different numbers are a disagreement to show."""

from __future__ import annotations

from .answers import NUMBER_IN_TEXT, Scored, same_statement, statement_of
from .models import Answer, Source

FOLD_CANDIDATES = 60  # sentences ranked below these cannot change which answers are shown, only cost time


def fold(scored: list[Scored], articles: dict[int, tuple[int, str, str]], limit: int) -> list[list[Scored]]:
    """Group sentences that state the same thing (see same_statement). Within equally good groups, the newer
    article comes first."""
    groups: list[list[Scored]] = []
    leads = []  # (article id, statement) of each group's first sentence
    for item in scored[:FOLD_CANDIDATES]:
        article = articles[item.candidate.row.passage_id][0]
        statement = statement_of(item.candidate.row)
        for group, (other, lead) in zip(groups, leads, strict=True):
            if same_statement(statement, lead, article != other):
                group.append(item)
                break
        else:
            groups.append([item])
            leads.append((article, statement))
        if len(groups) > limit:
            break
    groups.sort(key=lambda g: (-round(g[0].score, 6), _negated_day(articles[g[0].candidate.row.passage_id][2])))
    return groups


def _negated_day(published: str) -> int:
    return -int(published.replace("-", "")) if published else 0


def merge_sources(*lists: list[Source]) -> tuple[Source, ...]:
    seen: dict[tuple[str, str], Source] = {}
    for sources in lists:
        for source in sources:
            seen.setdefault((source.collection, source.source), source)
    return tuple(seen.values())


def disagreement(answers: list[Answer]) -> tuple[Answer, Answer] | None:
    """The top answer and another of the first three, not from the same articles, that matches the question
    alike but states different numbers (one article says 100 prisoners, the other 300). Two runners-up that
    differ from each other are not a disagreement about the answer."""
    if not answers:
        return None
    first = answers[0]
    for second in answers[1:3]:
        first_articles = {(s.collection, s.source) for s in first.sources}
        if first_articles == {(s.collection, s.source) for s in second.sources}:
            continue  # one article giving two numbers is not a disagreement between sources
        numbers_first = set(NUMBER_IN_TEXT.findall(first.sentence))
        numbers_second = set(NUMBER_IN_TEXT.findall(second.sentence))
        if not numbers_first or not numbers_second or numbers_first == numbers_second:
            continue
        shared = set(first.why.matched_terms) & set(second.why.matched_terms)
        if len(shared) >= 2 and abs(first.why.coverage - second.why.coverage) <= 0.2:
            return first, second
    return None
