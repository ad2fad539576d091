"""The speed bench's synthetic corpus, and the live changes it measures, through the Library's front door."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.speed import add_and_find, ask_all, ask_during_ingest, percentile, remove_and_check
from bench.synthetic import QUESTION_WORDS, SyntheticCorpus, make_vocabulary
from index import Library
from index.passages import split_passages

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus() -> SyntheticCorpus:
    return SyntheticCorpus(300, seed=7)


@pytest.fixture
def library(tmp_path, corpus):
    lib = Library.open(tmp_path / "library.sqlite3")
    lib.add_articles(corpus.articles())
    yield lib
    lib.close()


def test_same_seed_gives_the_same_articles_and_questions():
    first, second = SyntheticCorpus(500, seed=3), SyntheticCorpus(500, seed=3)
    assert list(first.articles()) == list(second.articles())
    assert first.questions(50) == second.questions(50)


def test_another_seed_gives_another_corpus():
    assert SyntheticCorpus(500, seed=3).article(0) != SyntheticCorpus(500, seed=4).article(0)
    assert make_vocabulary(1_000, seed=3) != make_vocabulary(1_000, seed=4)


def test_an_article_is_the_same_generated_alone_or_in_order(corpus):
    assert corpus.article(17) == list(corpus.articles())[17]


@pytest.mark.parametrize("passages", [1, 9, 10, 1_000, 1_000_000])
def test_corpus_has_exactly_the_passages_asked_for_in_articles_of_about_ten(passages):
    sizes = SyntheticCorpus(passages).sizes
    assert sum(sizes) == passages
    assert all(8 <= size <= 12 for size in sizes[:-1])
    assert 1 <= sizes[-1] <= 12


def test_library_splits_articles_into_the_generated_passages(corpus):
    passages = list(corpus.passages())
    assert len(passages) == 300
    assert all(split_passages(a.text) == a.text.split("\n\n") for a in corpus.articles())


def test_passages_have_about_sixty_words_in_three_to_five_capitalised_sentences(corpus):
    for passage in corpus.passages():
        sentences = passage.split(". ")
        assert 3 <= len(sentences) <= 5
        assert all(s[0].isupper() for s in sentences) and passage.endswith(".")
        assert 45 <= len(passage.split()) <= 75


def test_words_follow_zipfs_law_with_english_function_words_first():
    corpus = SyntheticCorpus(2_000, seed=1)
    counts = Counter(word.lower().strip(".") for passage in corpus.passages() for word in passage.split())
    ranked = [word for word, _ in counts.most_common(10)]
    assert ranked[:3] == ["the", "of", "and"]
    assert 5 <= counts["the"] / counts[corpus.vocabulary[9]] <= 20  # 10 under Zipf's law with exponent 1


def test_vocabulary_is_distinct_lowercase_words():
    vocabulary = make_vocabulary(5_000)
    assert len(set(vocabulary)) == 5_000
    assert all(re.fullmatch("[a-z]+", word) for word in vocabulary)


def test_articles_have_titles_sources_and_dates_spread_over_years(corpus):
    articles = list(corpus.articles())
    assert len({a.source for a in articles}) == len(articles)
    assert all(a.title and a.url for a in articles)
    assert len({a.published[:4] for a in articles}) >= 10


def test_questions_have_three_to_eight_words_and_three_in_four_come_from_an_article(corpus):
    questions = corpus.questions(200)
    assert all(QUESTION_WORDS[0] <= len(q.text.split()) <= QUESTION_WORDS[1] for q in questions)
    assert all(q.text.endswith("?") for q in questions)
    assert sum(q.source is not None for q in questions) == 150


def test_library_holds_every_generated_passage_and_sentence(library, corpus):
    stats = library.stats()
    assert (stats.articles, stats.passages) == (corpus.article_count, 300)
    assert stats.sentences == sum(p.count(". ") + 1 for p in corpus.passages())
    assert stats.languages == ("en",)


def test_questions_drawn_from_an_article_are_answered_from_it(library, corpus):
    questions = corpus.questions(40)
    latencies, answered, found = ask_all(library, questions)
    assert len(latencies) == 40
    assert found >= 0.8 * sum(q.source is not None for q in questions)
    assert answered >= found


def test_adding_an_article_to_a_live_library_makes_it_answerable(library, corpus):
    article, question = corpus.live_article(0)
    assert library.ask(question.text) == []
    change = add_and_find(library, article, question)
    assert change.visible
    assert library.ask(question.text)[0].sources[0].source == article.source


def test_removing_an_article_makes_it_unanswerable(library, corpus):
    article, question = corpus.live_article(1)
    add_and_find(library, article, question)
    change = remove_and_check(library, question)
    assert not change.visible
    assert article.source not in [s.source for s in library.sources(limit=1_000)]


def test_questions_are_answered_while_another_thread_adds_articles(library, corpus):
    extra = [corpus.article(corpus.article_count + i) for i in range(20)]
    latencies, _ = ask_during_ingest(library, extra, corpus.questions(10))
    assert latencies
    assert library.stats().articles == corpus.article_count + 20
    assert add_and_find(library, *corpus.live_article(2)).visible


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]
    assert (percentile(values, 0.5), percentile(values, 0.99), percentile(values, 1.0)) == (50.0, 99.0, 100.0)


def test_bench_prints_a_table_per_size_and_writes_the_raw_results(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "bench.speed", "--sizes", "200", "400", "--results", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    table = [line for line in run.stdout.splitlines() if line.startswith("|")]
    assert table[0].startswith("| measure | 200 | 400 | 200→400 | target | met |")
    assert "| passages | 200 | 400 | ×2.0 |  |  |" in table
    assert any(line.startswith("| ask p50 (ms) |") and line.endswith("| ≤ 2 at 1M | not run |") for line in table)
    [saved] = tmp_path.glob("speed-*.json")
    sizes = json.loads(saved.read_text())["sizes"]
    assert sorted(sizes) == ["200", "400"]
    assert sizes["400"]["serve"]["added_visible"] == 5
    # Where a build's CPU time goes: this process writing, and the ingest workers (none start for 40 articles).
    writing = next(line for line in table if "CPU time of the writing process (s)" in line)
    assert float(writing.split("|")[3]) == round(sizes["400"]["build"]["writing_cpu_seconds"], 1) > 0
    assert sizes["400"]["build"]["workers_cpu_seconds"] == 0
    assert len(sizes["400"]["bm25"]["ask_seconds"]) == 200
