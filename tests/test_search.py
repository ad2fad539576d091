"""The whole-library engine ranks like rank-bm25 with the same BM25 variant, k1 and b."""

from __future__ import annotations

import random

import numpy as np
from rank_bm25 import BM25Okapi

from index.scoring import LuceneBM25, bm25_scores, lucene_idf
from index.search import K1, B, Filters, IndexedPassage, PassageIndex

VOCABULARY = [f"w{i}" for i in range(3_000)]
ZIPF_WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def generated_corpus(passages: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    return [rng.choices(VOCABULARY, ZIPF_WEIGHTS, k=rng.randint(8, 30)) for _ in range(passages)]


def indexed(corpus: list[list[str]]) -> PassageIndex:
    index = PassageIndex(None)
    index.add(IndexedPassage(i, i, 1, 0, terms) for i, terms in enumerate(corpus))
    index.commit()
    return index


def test_idf_is_positive_where_bm25okapi_gives_zero():
    # A word in exactly half of four passages: BM25Okapi's IDF is 0, the chosen variant keeps it positive.
    corpus = [["taliban", "prisoners"], ["taliban", "troops"], ["peace"], ["talks"]]
    assert BM25Okapi(corpus).idf["taliban"] == 0
    assert LuceneBM25(corpus).idf["taliban"] == lucene_idf(4, 2) > 0.5


def test_engine_ranks_like_rank_bm25_on_a_10k_passage_corpus():
    corpus = generated_corpus(10_000)
    reference = LuceneBM25(corpus, k1=K1, b=B)
    index = indexed(corpus)
    rng = random.Random(3)
    for _ in range(40):
        question = rng.sample(VOCABULARY[20:800], rng.randint(3, 6))
        expected = reference.get_scores(question)
        expected_top = np.sort(expected)[::-1][:10]
        hits = index.search(question, 10)
        assert len(hits) == min(10, int((expected > 0).sum()))
        for rank, (passage_id, score) in enumerate(hits):
            # tantivy stores passage lengths in one byte (exact below ~40 terms): scores agree closely,
            # so each rank holds a passage the reference scores as high as its own passage at that rank.
            assert expected[passage_id] >= expected_top[rank] * 0.97
            assert abs(score - expected[passage_id]) <= 0.03 * expected[passage_id]


def test_short_passages_rank_exactly_like_rank_bm25():
    corpus = generated_corpus(2_000, seed=11)
    reference = LuceneBM25(corpus)
    index = indexed(corpus)
    question = ["w40", "w97", "w300"]
    expected = reference.get_scores(question)
    hits = index.search(question, 5)
    assert [p for p, _ in hits] == list(np.argsort(-expected, kind="stable")[:5])


def test_filters_limit_matches_without_changing_scores():
    index = PassageIndex(None)
    index.add(
        [
            IndexedPassage(1, 10, 1, 20240105, ["taliban", "prisoner"]),
            IndexedPassage(2, 11, 2, 20240301, ["taliban", "troop"]),
            IndexedPassage(3, 12, 1, 0, ["taliban"]),
        ]
    )
    index.commit()
    everything = dict(index.search(["taliban"], 10))
    assert set(everything) == {1, 2, 3}
    assert dict(index.search(["taliban"], 10, Filters(collection_ids=(1,)))) == {1: everything[1], 3: everything[3]}
    assert set(dict(index.search(["taliban"], 10, Filters(first_day=20240201)))) == {2}
    assert set(dict(index.search(["taliban"], 10, Filters(last_day=20240201)))) == {1}
    assert set(dict(index.search(["taliban"], 10, Filters(required_terms=("troop",))))) == {2}


def test_removed_articles_are_no_longer_found():
    index = indexed([["alpha", "beta"], ["alpha"], ["gamma"]])
    index.remove([1])
    index.commit()
    assert [p for p, _ in index.search(["alpha"], 5)] == [0]
    assert index.num_docs == 2


def test_candidate_sentence_scores_are_rank_bm25s_to_the_last_bit():
    rng = random.Random(5)
    for _ in range(200):
        corpus = generated_corpus(rng.randint(1, 60), seed=rng.randrange(1 << 30))
        query = rng.choices(VOCABULARY[:60], k=rng.randint(1, 6))  # repeated words count twice, as in rank-bm25
        k1, b = rng.choice([0.9, 1.2, 1.6]), rng.choice([0.0, 0.2, 0.75])
        reference = LuceneBM25(corpus, k1=k1, b=b)
        idf = lambda word, idfs=reference.idf: idfs.get(word, 0.0)  # noqa: E731 (the reference's own IDF)
        assert bm25_scores(corpus, query, idf, k1, b) == list(reference.get_scores(query))


def test_document_frequencies_follow_every_commit_and_not_before(monkeypatch):
    monkeypatch.setattr("index.search.MAX_CACHED_COUNTS", 2)  # the cache also empties when full
    index = indexed([["taliban", "prisoner"], ["taliban"]])
    assert [index.doc_freq(t) for t in ("taliban", "prisoner", "convoy", "taliban")] == [2, 1, 0, 2]
    index.add([IndexedPassage(2, 2, 1, 0, ["convoy", "taliban"]), IndexedPassage(3, 3, 1, 0, ["convoy"])])
    assert [index.doc_freq(t) for t in ("taliban", "convoy")] == [2, 0]  # not searchable before the commit
    index.commit()
    assert [index.doc_freq(t) for t in ("taliban", "convoy", "prisoner")] == [3, 2, 1]
    index.add([IndexedPassage(4, 4, 1, 0, ["prisoner"])])
    index.commit()
    assert [index.doc_freq(t) for t in ("prisoner", "taliban", "convoy")] == [2, 3, 2]
