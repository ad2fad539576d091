"""BM25 with Lucene's IDF: candidate sentences scored in plain Python, and rank-bm25 with that IDF as the reference."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from rank_bm25 import BM25Okapi

from .search import K1, B


def lucene_idf(document_count: int, document_frequency: int) -> float:
    """ln(1 + (N - n + 0.5) / (n + 0.5)): positive for every n, so common words still count a little."""
    return math.log(1.0 + (document_count - document_frequency + 0.5) / (document_frequency + 0.5))


def bm25_scores(
    documents: Sequence[Sequence[str]], query: Sequence[str], idf: Callable[[str], float], k1: float, b: float
) -> list[float]:
    """LuceneBM25(documents, k1, b).get_scores(query) to the last bit, but with the IDF given (the library's,
    not that of the few dozen candidate sentences of one question), and in plain loops over the question's
    words, which beat building numpy arrays for every word as rank-bm25 does. Each occurrence of a word in the
    query counts, as there."""
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
    documents and floored above that: rank_bm25 issues #39 and #43). The reference the engine and
    bm25_scores are tested against; k1 and b default to the engine's."""

    def __init__(self, corpus: Sequence[Sequence[str]], k1: float = K1, b: float = B) -> None:
        super().__init__(corpus, k1=k1, b=b)

    def _calc_idf(self, nd: dict[str, int]) -> None:
        self.idf = {word: lucene_idf(self.corpus_size, freq) for word, freq in nd.items()}
        self.average_idf = sum(self.idf.values()) / len(self.idf) if self.idf else 0.0
