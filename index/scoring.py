"""BM25 with Lucene's IDF on rank-bm25: scores small candidate sets and is the reference for the engine."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence

from rank_bm25 import BM25Okapi

from .search import K1, B


def lucene_idf(document_count: int, document_frequency: int) -> float:
    """ln(1 + (N - n + 0.5) / (n + 0.5)): positive for every n, so common words still count a little."""
    return math.log(1.0 + (document_count - document_frequency + 0.5) / (document_frequency + 0.5))


def bm25_scores(
    documents: Sequence[Sequence[str]], query: Sequence[str], idf: Callable[[str], float], k1: float, b: float
) -> list[float]:
    """LuceneBM25(documents, k1, b, idf=idf, only=query).get_scores(query), to the last bit, for the few dozen
    candidate sentences of one question: plain loops over the question's words beat building numpy arrays
    for every word, which is what rank-bm25 does. Each occurrence of a word in the query counts, as there."""
    lengths = [len(document) for document in documents]
    if not lengths:
        return []
    average = sum(lengths) / len(lengths)
    idfs = {term: idf(term) for term in query}
    asked = frozenset(query)
    scores = []
    for document, length in zip(documents, lengths, strict=True):
        present = asked.intersection(document)
        score = 0.0
        if present:
            counts = {term: document.count(term) for term in present}
            norm = k1 * (1 - b + b * length / average)
            for term in query:  # in the query's order, as rank-bm25 adds them up
                count = counts.get(term)
                if count:
                    score += idfs[term] * (count * (k1 + 1) / (count + norm))
        scores.append(score)
    return scores


class LuceneBM25(BM25Okapi):
    """rank-bm25's BM25 with Lucene's IDF instead of BM25Okapi's (which is 0 for a word in half the
    documents and floored above that: rank_bm25 issues #39 and #43).

    `idf` may supply the IDF of each word from a larger collection: candidate sentences are then scored
    with the library's statistics, not those of the handful of candidates. `only`, when given, names the
    only words that will ever be asked about: the others are counted in each document's length but not
    tallied one by one, which is most of the cost of scoring a hundred candidate sentences for one question.
    """

    def __init__(
        self,
        corpus: Sequence[Sequence[str]],
        k1: float = K1,
        b: float = B,
        idf: Callable[[str], float] | None = None,
        only: Collection[str] | None = None,
    ) -> None:
        self._external_idf = idf
        self._only = None if only is None else frozenset(only)
        super().__init__(corpus, k1=k1, b=b)

    def _initialize(self, corpus: Sequence[Sequence[str]]) -> dict[str, int]:
        if self._only is None:
            return super()._initialize(corpus)
        # rank-bm25's own _initialize, tallying only the words in `only`.
        nd: dict[str, int] = {}
        for document in corpus:
            self.doc_len.append(len(document))
            frequencies: dict[str, int] = {}
            for word in self._only.intersection(document):
                frequencies[word] = document.count(word)
                nd[word] = nd.get(word, 0) + 1
            self.doc_freqs.append(frequencies)
        self.corpus_size = len(corpus)
        self.avgdl = sum(self.doc_len) / self.corpus_size
        return nd

    def _calc_idf(self, nd: dict[str, int]) -> None:
        if self._external_idf is not None:
            # Looked up only for the words a question asks about, not for every word of every candidate.
            self.idf = _LazyIdf(self._external_idf)
            self.average_idf = 0.0
        else:
            self.idf = {word: lucene_idf(self.corpus_size, freq) for word, freq in nd.items()}
            self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0


class _LazyIdf(dict):
    """IDF by word, computed the first time rank-bm25 asks for it (it calls `.get`)."""

    def __init__(self, compute: Callable[[str], float]) -> None:
        super().__init__()
        self._compute = compute

    def get(self, word: str, default: float | None = None) -> float:
        if word not in self:
            self[word] = self._compute(word)
        return self[word]
