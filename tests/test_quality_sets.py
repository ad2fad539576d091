"""The quality bench's scoring: MAP and MRR as trec_eval counts them, SQuAD's sentence P@1 by span, the seed floor."""

from __future__ import annotations

import json

import pytest

from bench import quality
from bench.qa_sets import (
    Quote,
    SeedQuestion,
    SeedTally,
    Span,
    SquadArticle,
    SquadQuestion,
    average_precision,
    contains_answer_text,
    covers_gold_span,
    deciles,
    judge_seed,
    judge_squad,
    percentile,
    quotes_of,
    ranked_candidates,
    read_seed_questions,
    reciprocal_rank,
    sentence_range,
)
from index import Library
from tests.conftest import shared_path

# A river article in two paragraphs; the second one was written with a line break and a double space, which the
# library collapses to one space in the sentences it quotes.
RISES = "The Rhine rises in the Swiss Alps. It flows north for 1,230 km to the North Sea."
DELTA = "Its delta lies in the\nNetherlands.  The Swiss Alps feed it with meltwater in summer."
RIVER = SquadArticle(
    "Rhine",
    (RISES, DELTA),
    (
        SquadQuestion("q1", "Where does the Rhine rise?", 0, (Span("Swiss Alps", RISES.index("Swiss Alps")),), False),
        SquadQuestion("q2", "Where is the delta?", 1, (Span("Netherlands", DELTA.index("Netherlands")),), False),
        SquadQuestion("q3", "Who named the Rhine?", 0, (), True),
    ),
)
WHERE_RISES, WHERE_DELTA, WHO_NAMED = RIVER.questions
RISES_SENTENCE = Quote("The Rhine rises in the Swiss Alps.", ("Rhine/0",))
FLOWS_SENTENCE = Quote("It flows north for 1,230 km to the North Sea.", ("Rhine/0",))
DELTA_SENTENCE = Quote("Its delta lies in the Netherlands.", ("Rhine/1",))
MELTWATER_SENTENCE = Quote("The Swiss Alps feed it with meltwater in summer.", ("Rhine/1",))

SEED_CORPUS = """# Harbour reopens

The harbour of Tallin reopened on Monday after a storm closed it for three days.
Forty ships waited outside the harbour.
"""


# MAP and MRR ---------------------------------------------------------------------------------------------


def test_average_precision_is_one_when_every_relevant_item_leads():
    assert average_precision([4, 1, 0, 2], {4, 1}) == 1.0


def test_average_precision_averages_precision_at_each_relevant_rank():
    # Relevant at ranks 1, 3 and 5: (1/1 + 2/3 + 3/5) / 3.
    assert average_precision([7, 0, 8, 1, 9], {7, 8, 9}) == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)


def test_relevant_item_never_retrieved_adds_zero_to_average_precision():
    # trec_eval divides by every relevant item, found or not: (1/2) / 2, not (1/2) / 1.
    assert average_precision([3, 5], {5, 6}) == pytest.approx(0.25)
    assert average_precision([], {5}) == 0.0


def test_reciprocal_rank_is_one_over_the_first_relevant_rank_and_zero_when_none_is_retrieved():
    assert reciprocal_rank([3, 1, 5, 0], {5, 0}) == pytest.approx(1 / 3)
    assert reciprocal_rank([3, 1], {5}) == 0.0


def test_candidates_rank_in_answer_order_with_a_folded_answer_ranking_its_sources_in_turn():
    quotes = [
        Quote("b", ("candidate-2",)),
        Quote("a", ("candidate-0", "candidate-3")),
        Quote("b again, split from the same candidate", ("candidate-2",)),
        Quote("not a candidate", ("elsewhere",)),
    ]
    assert ranked_candidates(quotes, count=4) == [2, 0, 3]


# SQuAD: the sentence holds the gold span ------------------------------------------------------------------


def test_sentence_holding_the_gold_span_in_the_question_paragraph_is_right():
    assert covers_gold_span(RISES_SENTENCE, RIVER, WHERE_RISES)
    assert not covers_gold_span(FLOWS_SENTENCE, RIVER, WHERE_RISES)


def test_answer_text_in_a_sentence_of_another_paragraph_is_right_only_for_the_loose_check():
    assert not covers_gold_span(MELTWATER_SENTENCE, RIVER, WHERE_RISES)
    assert contains_answer_text(MELTWATER_SENTENCE, WHERE_RISES)


def test_quoted_sentence_with_collapsed_whitespace_is_found_in_its_paragraph():
    start, end = sentence_range(DELTA, DELTA_SENTENCE.sentence)
    assert DELTA[start:end] == "Its delta lies in the\nNetherlands."
    assert covers_gold_span(DELTA_SENTENCE, RIVER, WHERE_DELTA)
    assert sentence_range(DELTA, "The Rhine rises in the Swiss Alps.") is None


def test_squad_question_counts_p_at_1_r_at_3_and_refusals():
    both = [FLOWS_SENTENCE, RISES_SENTENCE]
    second_best = judge_squad(RIVER, WHERE_RISES, both, both)
    assert (second_best.right_at_1, second_best.right_at_3, second_best.false_refusals) == (0, 1, 0)
    abstained_on_the_right_sentence = judge_squad(RIVER, WHERE_RISES, [], [RISES_SENTENCE])
    assert (abstained_on_the_right_sentence.right_at_1, abstained_on_the_right_sentence.ranked_right_at_1) == (0, 1)
    assert abstained_on_the_right_sentence.false_refusals == 1
    abstained_with_it_second = judge_squad(RIVER, WHERE_RISES, [], both)
    assert (abstained_with_it_second.right_at_3, abstained_with_it_second.ranked_right_at_3) == (0, 1)
    assert judge_squad(RIVER, WHO_NAMED, [], [RISES_SENTENCE]).refused == 1
    assert judge_squad(RIVER, WHO_NAMED, [RISES_SENTENCE], [RISES_SENTENCE]).refused == 0


# Seed questions and percentiles ------------------------------------------------------------------------------


def test_seed_answer_citing_one_of_two_expected_sources_is_right_but_not_fully_cited():
    question = SeedQuestion("How many ships?", "Forty ships", ("a.txt", "b.txt"))
    one_source = judge_seed(question, [Quote("Forty ships waited.", ("a.txt",))])
    both = judge_seed(question, [Quote("Forty ships waited.", ("b.txt", "c.txt", "a.txt"))])
    assert (one_source.right, one_source.right_with_sources) == (1, 0)
    assert (both.right, both.right_with_sources) == (1, 1)
    assert judge_seed(SeedQuestion("hello", None, ()), []) == SeedTally(unanswerable=1, refused=1)


def test_percentiles_are_nearest_rank_values_that_were_observed():
    values = [float(v) for v in range(100, 0, -1)]
    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)
    assert deciles([0.3]) == [0.3] * 11


# The bench on real parts -----------------------------------------------------------------------------------


def test_seed_questions_are_answered_citing_every_source_and_unanswerable_ones_refused():
    questions = read_seed_questions(shared_path("qa", "seed_questions.jsonl"))
    with Library.open(":memory:") as library:
        library.add_path(shared_path("corpus"))
        judged = [(q, judge_seed(q, quotes_of(library.ask(q.question, 3)))) for q in questions]
    tally = sum((t for _, t in judged), SeedTally())
    missed = [q.question for q, t in judged if t.answerable and not t.right_with_sources]
    answered = [q.question for q, t in judged if t.unanswerable and not t.refused]
    assert (tally.answerable, tally.unanswerable) == (20, 5)
    assert tally.right_with_sources >= 19, missed
    assert tally.refused == 5, answered


def test_quality_bench_prints_one_table_and_writes_its_figures(tmp_path, capsys):
    qa_dir, corpus = tmp_path / "qa", tmp_path / "corpus"
    qa_dir.mkdir()
    corpus.mkdir()
    (corpus / "harbour.md").write_text(SEED_CORPUS, encoding="utf-8")
    seeds = [
        {"question": "How many ships waited outside the harbour?", "answer_contains": "Forty ships",
         "sources": ["harbour.md"]},
        {"question": "How do I bake sourdough bread?", "answer_contains": None, "sources": []},
    ]  # fmt: skip
    (qa_dir / "seed_questions.jsonl").write_text("\n".join(json.dumps(s) for s in seeds), encoding="utf-8")
    squad = {"data": [{"title": "Rhine", "paragraphs": [
        {"context": RISES, "qas": [
            {"id": "q1", "question": "Where does the Rhine rise?", "is_impossible": False,
             "answers": [{"text": "Swiss Alps", "answer_start": RISES.index("Swiss Alps")}]},
            {"id": "q3", "question": "Who painted the Mona Lisa?", "is_impossible": True, "answers": []}]},
        {"context": DELTA, "qas": []}]}]}  # fmt: skip
    (qa_dir / "squad-public.json").write_text(json.dumps(squad), encoding="utf-8")
    wikiqa = {"id": "w1", "question": "where does the rhine rise", "labels": [0, 1],
              "candidates": ["the rhine is a river .", "the rhine rises in the swiss alps ."]}  # fmt: skip
    (qa_dir / "wikiqa-dev.jsonl").write_text(json.dumps(wikiqa) + "\n", encoding="utf-8")

    code = quality.main(["--qa", str(qa_dir), "--corpus", str(corpus), "--results", str(tmp_path / "out")])

    printed = capsys.readouterr().out
    assert code == 0
    assert "| metric | citebot | rank-bm25 baseline | difference | target |" in printed
    [saved] = (tmp_path / "out").glob("quality-*.json")
    figures = {row["metric"]: row for row in json.loads(saved.read_text(encoding="utf-8"))["table"]}
    assert figures["... and citing every expected source"]["citebot"] == 1
    assert figures["unanswerable refused"]["citebot"] == 1
    assert figures["sentence P@1 (holds the gold span)"]["citebot"] == 1.0
    assert figures["MAP, full ranking (abstain=False)"]["citebot"] == 1.0
