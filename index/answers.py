"""Choose answer sentences from retrieved passages: score, fold duplicates, decide "I don't know"."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from .analysis import analyze
from .cues import answer_cue, asks_what_kind, has_new_answer_type
from .related import Related
from .scoring import bm25_scores
from .store import SentenceRow

# How much a question term found only in a neighbouring sentence counts ("He urged ..." right after the
# sentence naming Khalilzad), and how much the passage's own match adds, relative to the sentence's BM25.
SENTENCE_K1 = 1.2
SENTENCE_B = 0.2
PREVIOUS_WEIGHT = 0.35
# A sentence that opens with a pronoun is about whom the sentence before it names: its terms count fully.
PRONOUN_PREVIOUS_WEIGHT = 1.0
PRONOUN_START = re.compile(
    r"^[\"“‘']?(?:he|she|they|it|his|her|their|its|this|these|those|him|them|er|sie|es|il|elle|ils|elles|"
    r"él|ella|ellos|ellas|он|она|оно|они|это)\b",
    re.IGNORECASE,
)
# A term found only in the next sentence adds nothing to the score (every weight above 0 ranked worse on both
# halves of the public sets), but counts as evidence that the question is answerable (coverage).
PASSAGE_WEIGHT = 0.4
NEIGHBOUR_COVERAGE = 0.5  # a term matched only next door is half the evidence of one in the sentence
QUESTION_TYPE_BONUS = 0.5
BIGRAM_WEIGHT = 0.5
# A sentence matching more of the question's weight is preferred beyond BM25's sum: the score is scaled
# between COORDINATION (matches nothing of its own) and 1 (matches everything).
COORDINATION = 0.7  # question words found side by side in the sentence, as in the question
ACRONYM_BONUS = 0.5  # "What does NSC stand for?": the sentence that spells it out is the answer
# "What is a diaphragm pump?": the sentence that says what its subject is ("A diaphragm pump ... is a positive
# displacement pump") answers questions of what something is, and the many open "what/how" questions.
DEFINITION_BONUS = 0.6
DEFINITION_TYPES = frozenset({"what_is", "who", None})
DEFINITION_MAX_TERMS = 3

# "I don't know" is decided from evidence, not from a raw score (which grows with library size and
# question length): the share of the question's IDF weight the answer matches. Below this, no answer.
MIN_COVERAGE = 0.42
MIN_PARAPHRASE_COVERAGE = 0.35
MIN_MARGIN = 0.1
MIN_FURTHER_COVERAGE = 0.2

NUMBER_IN_TEXT = re.compile(r"\d[\d,.]*\d|\d")
SHARED_CLAUSE_WORDS = 6
MIN_CLAUSE_OVERLAP = 0.2
SAME_NUMBERS_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may answer, with its place: its passage's score and its neighbours."""

    row: SentenceRow
    passage_score: float
    previous: SentenceRow | None
    next: SentenceRow | None


@dataclass(frozen=True, slots=True)
class Scored:
    candidate: Candidate
    score: float
    coverage: float
    matched: frozenset[str]
    missing: frozenset[str]


def score_candidates(
    candidates: Sequence[Candidate],
    question_terms: Sequence[str],
    idf: Callable[[str], float],
    term_weight: Callable[[str], float],
    question_type: str | None,
    related: Sequence[Related] = (),
    acronyms: Sequence[str] = (),
    question_text: str = "",
    carried: Sequence[Related] = (),
) -> list[Scored]:
    """Every candidate scored, best first. `carried` are words from earlier in the conversation: they add to the
    score like related words, but are not the question's own, so they count for no part of its coverage."""
    usable = [c for c in candidates if c.row.terms]
    if not usable or not question_terms:
        return []
    documents = [c.row.terms for c in usable]
    own_scores = bm25_scores(documents, question_terms, idf, SENTENCE_K1, SENTENCE_B)
    for extra in (*related, *carried):
        extra_scores = bm25_scores(documents, [extra.term], idf, SENTENCE_K1, SENTENCE_B)
        own_scores = [own + extra.weight * more for own, more in zip(own_scores, extra_scores, strict=True)]
    unique_terms = frozenset(question_terms)
    idfs = {t: idf(t) for t in unique_terms}
    weights = {t: term_weight(t) for t in unique_terms}
    total_weight = sum(weights.values()) or 1.0
    top_passage = max(c.passage_score for c in usable) or 1.0
    cue = answer_cue(question_type, question_text)
    asked = question_text.casefold()
    bigrams = {(a, b): min(idfs[a], idfs[b]) for a, b in pairwise(question_terms) if a != b}
    definition_asked = (
        question_type in DEFINITION_TYPES and len(unique_terms) <= DEFINITION_MAX_TERMS
    ) or asks_what_kind(asked)
    in_sentence: dict[int, frozenset[str]] = {}  # question terms in each sentence, by id: neighbours are shared

    def asked_in(row: SentenceRow | None) -> frozenset[str]:
        if row is None:
            return frozenset()
        found = in_sentence.get(row.id)
        if found is None:
            found = in_sentence[row.id] = unique_terms.intersection(row.terms)
        return found

    scored = []
    for candidate, own in zip(usable, own_scores, strict=True):
        row = candidate.row
        own_terms = asked_in(row)
        if related:
            own_terms = own_terms | {r.stands_for for r in related if r.term in row.terms}
        previous_terms = asked_in(candidate.previous) - own_terms
        next_terms = asked_in(candidate.next) - own_terms - previous_terms
        if not (own_terms or previous_terms or next_terms):
            continue  # nothing of the question here or next door: it cannot be the answer
        refers_back = bool(PRONOUN_START.match(row.text))
        score = float(own)
        score += (PRONOUN_PREVIOUS_WEIGHT if refers_back else PREVIOUS_WEIGHT) * sum(idfs[t] for t in previous_terms)
        score += PASSAGE_WEIGHT * candidate.passage_score / top_passage * max(float(own), 0.0)
        if bigrams and len(own_terms) > 1:
            pairs = set(pairwise(row.terms))
            score += BIGRAM_WEIGHT * sum(weight for pair, weight in bigrams.items() if pair in pairs)
        matched_weight = sum(weights[t] for t in own_terms)
        matched_weight += (1.0 if refers_back else NEIGHBOUR_COVERAGE) * sum(weights[t] for t in previous_terms)
        matched_weight += NEIGHBOUR_COVERAGE * sum(weights[t] for t in next_terms)
        coverage = matched_weight / total_weight
        score *= COORDINATION + (1.0 - COORDINATION) * coverage
        if cue is not None and own > 0 and has_new_answer_type(row.text, cue, asked):
            score *= 1.0 + QUESTION_TYPE_BONUS
        if any(defines_acronym(row.text, acronym) for acronym in acronyms):
            score *= 1.0 + ACRONYM_BONUS
        if definition_asked and own_terms:
            score *= 1.0 + DEFINITION_BONUS * defines(row.text, own_terms)
        matched = own_terms | previous_terms | next_terms
        scored.append(Scored(candidate, score, coverage, frozenset(matched), unique_terms - matched))
    scored.sort(key=lambda s: (-s.score, s.candidate.row.id))
    return scored


def is_answer(scored: Scored, question_terms: Sequence[str], names: frozenset[str], margin: float) -> bool:
    """Good enough to quote as the answer.

    Enough of the question's weight is matched (MIN_COVERAGE); or somewhat less, when what is missing is the
    asker's own wording rather than a name or number from the question ("supposed", "died"), and the sentence
    stands out from the next best (MIN_MARGIN). A missing name ("Germany", "2018") means the articles are about
    something else. A one-word question's word must stand in the sentence itself."""
    if len(set(question_terms)) == 1:
        return scored.coverage >= MIN_COVERAGE and bool(set(question_terms) & set(scored.candidate.row.terms))
    if scored.coverage >= MIN_COVERAGE:
        return True
    return scored.coverage >= MIN_PARAPHRASE_COVERAGE and not (scored.missing & names) and margin >= MIN_MARGIN


def is_further_answer(scored: Scored) -> bool:
    """Answers after the first need only some evidence of their own: the question was answerable."""
    return scored.coverage >= MIN_FURTHER_COVERAGE


ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
LINKING_WORDS = r"(?:of|and|for|the|de|des|du|la|le|für|der)"
CAPITALISED_RUN = re.compile(rf"(?:[A-Z][\w'-]*(?:\s+{LINKING_WORDS}\b)*\s+){{1,7}}[A-Z][\w'-]*")


def acronyms_in(question: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ACRONYM.findall(question)))


def defines_acronym(sentence: str, acronym: str) -> bool:
    """Whether the sentence spells the acronym out: capitalised words whose initials make it."""
    if acronym not in sentence:
        return False
    for run in CAPITALISED_RUN.findall(sentence):
        initials = "".join(word[0] for word in run.split() if word[0].isupper())
        if acronym in initials:
            return True
    return False


# English: "<subject> is a/an/the/one ...", the subject at most ten words, asides in parentheses left out; not
# a clause that opens with "once", "when", "if" and the like ("Once citebot is an administrator, ...").
DEFINITION = re.compile(
    r"^(?!(?:once|when|whenever|if|while|because|although|though|after|before|since|until|unless|as|where)\b)"
    r"(?P<subject>(?:[^\s,;:]+[\s,]+){1,10}?)(?:is|are|was|were)\s+(?:a|an|the|one)\b",
    re.IGNORECASE,
)
PARENTHESES = re.compile(r"\s*\([^()]*\)")


def defines(sentence: str, asked: frozenset[str]) -> float:
    """How much the sentence opens by saying what the asked terms are: the share of its subject's terms that
    were asked. "Holly Ridge is a town in Onslow County" is all about Holly Ridge; "CITEBOT_LIBRARY is the
    path of ..." only half about citebot; 0 when the sentence does not open that way."""
    match = DEFINITION.match(PARENTHESES.sub("", sentence))
    subject = set(analyze(match.group("subject"), "en")) if match else set()
    return len(subject & asked) / len(subject) if subject else 0.0


@dataclass(frozen=True, slots=True)
class Statement:
    """What same_statement compares of a sentence, worked out once however many sentences it is compared with."""

    fold_key: int
    folded: str
    numbers: frozenset[str]
    terms: frozenset[str]


def statement_of(row: SentenceRow) -> Statement:
    folded = fold_text(row.text)
    return Statement(row.fold_key, folded, frozenset(NUMBER_IN_TEXT.findall(folded)), frozenset(row.terms))


def same_statement(first: Statement, second: Statement, different_articles: bool) -> bool:
    """Two sentences that report the same thing, so one quote can cite both articles:
    the same words (case, quotes and spacing aside); or, across articles, one contained in the other
    ("About 14,000 US troops ... remain stationed in Afghanistan" and the same with "years after ..."), or,
    with the same numbers, a long shared clause that is most of the shorter sentence or mostly the same terms."""
    if first.fold_key == second.fold_key:
        return True
    if not different_articles:
        return False
    shorter, longer = first.folded, second.folded
    if len(shorter) > len(longer):
        shorter, longer = longer, shorter
    if len(shorter) > 40 and shorter in longer:
        return True
    if first.numbers != second.numbers:
        return False  # the same words around other numbers are a different statement (1,200 ships, 1,450 ships)
    shared = len(first.terms & second.terms)
    overlap = shared / max(len(first.terms) + len(second.terms) - shared, 1)
    if first.numbers and overlap >= SAME_NUMBERS_OVERLAP:
        return True
    if overlap < MIN_CLAUSE_OVERLAP:
        return False  # cheap: sentences this different cannot share a clause that is half of either
    words_a, words_b = shorter.split(), longer.split()
    match = SequenceMatcher(None, words_a, words_b, autojunk=False).find_longest_match()
    return match.size >= SHARED_CLAUSE_WORDS and match.size * 2 >= min(len(words_a), len(words_b))


def fold_sentence(sentence: str) -> str:
    """What two sentences share when they are "the same": case, quotes, spacing and end punctuation aside."""
    folded = sentence.casefold()
    # replace() only where one is: a regex or str.translate would walk every character.
    for quote in "\"'" if folded.isascii() else _QUOTES:
        if quote in folded:
            folded = folded.replace(quote, "")
    if folded.isprintable() and "  " not in folded:
        # Spaced already (most sentences, split from single-spaced passages): the space is the one printable
        # whitespace character, and the strip takes single spaces from the ends as the split and join below
        # would. A third of the time.
        return folded.strip(" .!?;:,")
    # str.split() splits at exactly the characters a regex's \s matches (those for which str.isspace() holds).
    return " ".join(folded.split()).strip(" .!?;:,")


_QUOTES = "\"'“”‘’«»„"
# Answers fold the same retrieved sentences again and again; an add folds each of its sentences once (fold_key).
fold_text = lru_cache(maxsize=4096)(fold_sentence)
