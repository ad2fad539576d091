"""The whole-library BM25 engine: passages' terms in a tantivy index, searched in milliseconds.

tantivy scores with BM25 (k1=1.2, b=0.75) and Lucene's IDF, ln(1 + (N - n + 0.5) / (n + 0.5)), which is never
negative or zero: unlike rank-bm25's BM25Okapi, a word in half the passages still counts. `LuceneBM25` in
scoring.py is the same formula on rank-bm25, and tests pin that both rank alike.

Everything here can be rebuilt from the store; this is the one narrow interface another engine (OpenSearch,
Quickwit) would implement.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tantivy

logger = logging.getLogger(__name__)

K1 = 1.2
B = 0.75
MAX_CACHED_COUNTS = 100_000  # document frequencies kept between commits (see doc_freq)


@dataclass(frozen=True, slots=True)
class IndexedPassage:
    passage_id: int
    article_id: int
    collection_id: int
    day: int  # publication date as YYYYMMDD, 0 when unknown
    terms: Sequence[str]
    source_words: Sequence[str] = ()  # the words of the article's source, title and link, for source: filters


@dataclass(frozen=True, slots=True)
class Filters:
    """Limits on which passages may match; None means no limit."""

    collection_ids: tuple[int, ...] | None = None
    excluded_collection_ids: tuple[int, ...] = ()  # the same limit said the other way: cheaper when they are few
    first_day: int | None = None
    last_day: int | None = None
    required_terms: tuple[str, ...] = ()  # every one must occur in the passage (quoted phrases)
    source_words: tuple[tuple[str, ...], ...] = ()  # any group's words all in the article's source, title, link


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    # Terms arrive analysed (alphanumeric, lowercase), so the default tokenizer passes them through as is.
    builder.add_text_field("terms", stored=False, index_option="freq")
    builder.add_unsigned_field("pid", indexed=True, fast=True)
    builder.add_unsigned_field("aid", indexed=True)
    builder.add_unsigned_field("cid", indexed=True, fast=True)  # fast: searches trimmed to collections read it
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_text_field("src", stored=False, index_option="basic")
    return builder.build()


SCHEMA_VERSION = "3"  # bump when _schema changes: an index of another version is rebuilt from the store
SCHEMA_FILE = "citebot-schema"


class PassageIndex:
    """Passages searchable by their terms. Thread-safe: one writer under a lock, searches run freely."""

    def __init__(self, path: str | Path | None, heap_bytes: int = 200_000_000) -> None:
        self.schema = _schema()
        self.path = None if path is None else Path(path)
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            self.index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
        else:
            self.index = tantivy.Index(self.schema)
        self._heap_bytes = heap_bytes
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self._searcher = self.index.searcher()
        self._counts: tuple[tantivy.Searcher, dict[str, int]] = (self._searcher, {})

    @classmethod
    def open_or_reset(cls, path: str | Path | None) -> tuple[PassageIndex, bool]:
        """Open the index at `path`, or start an empty one when it is missing or unreadable.
        Returns (index, fresh); a fresh index must be refilled from the store."""
        if path is None:
            return cls(None), True
        marker = Path(path) / SCHEMA_FILE
        fresh = not (Path(path) / "meta.json").exists()
        if not fresh and (not marker.exists() or marker.read_text().strip() != SCHEMA_VERSION):
            logger.warning("search index at %s is from another version; rebuilding it from the library", path)
            shutil.rmtree(path, ignore_errors=True)
            fresh = True
        try:
            index = cls(path)
            marker.write_text(SCHEMA_VERSION)
            return index, fresh
        except (ValueError, OSError) as error:
            logger.warning("search index at %s is unreadable (%s); rebuilding it from the library", path, error)
            shutil.rmtree(path, ignore_errors=True)
            return cls(path), True

    def _writer_locked(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=self._heap_bytes, num_threads=1)
        return self._writer

    def add(self, passages: Iterable[IndexedPassage]) -> None:
        with self._lock:
            writer = self._writer_locked()
            for passage in passages:
                document = tantivy.Document()
                document.add_text("terms", " ".join(passage.terms))
                document.add_unsigned("pid", passage.passage_id)
                document.add_unsigned("aid", passage.article_id)
                document.add_unsigned("cid", passage.collection_id)
                document.add_integer("day", passage.day)
                document.add_text("src", " ".join(passage.source_words))
                writer.add_document(document)

    def remove(self, article_ids: Iterable[int]) -> None:
        with self._lock:
            writer = self._writer_locked()
            for article_id in article_ids:
                # By query: delete_documents_by_term takes a Python int as i64 and misses unsigned fields.
                writer.delete_documents_by_query(tantivy.Query.term_query(self.schema, "aid", article_id))

    def clear(self) -> None:
        with self._lock:
            self._writer_locked().delete_all_documents()

    def commit(self) -> None:
        """Make every add and remove so far durable and visible to the next search."""
        with self._lock:
            if self._writer is None:
                return
            self._writer.commit()
            self.index.reload()
            self._searcher = self.index.searcher()
            self._counts = (self._searcher, {})

    def close(self) -> None:
        with self._lock:
            if self._writer is not None:
                self._writer.commit()
                self._writer.wait_merging_threads()
                self._writer = None

    @property
    def num_docs(self) -> int:
        return self._searcher.num_docs

    def doc_freq(self, term: str) -> int:
        # Kept with the searcher they were counted in until the next commit: a question asks for a dozen, most
        # of them asked before, and each is a lookup in every segment (a dozen in a library built add by add).
        searcher, counts = self._counts
        count = counts.get(term)
        if count is None:
            if len(counts) >= MAX_CACHED_COUNTS:
                counts.clear()
            count = counts[term] = searcher.doc_freq("terms", term)
        return count

    def vocabulary(self, prefix: str, limit: int = 2_000) -> list[tuple[str, int]]:
        """Terms starting with `prefix`, with their document frequencies."""
        return self._searcher.terms_with_prefix("terms", prefix, limit=limit)

    def search(
        self,
        terms: Sequence[str],
        k: int,
        filters: Filters | None = None,
        weighted: Sequence[tuple[str, float]] = (),
        kept_collections: frozenset[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The k best passages for these terms (and weighted extra terms), as (passage id, BM25 score). With
        `kept_collections`, those of the k in other collections are dropped after the search, so fewer may
        come back (see retrieve._search)."""
        if not terms or k <= 0:
            return []
        searcher = self._searcher
        should = [(tantivy.Occur.Should, self._term(term)) for term in terms]
        should += [(tantivy.Occur.Should, tantivy.Query.boost_query(self._term(t), w)) for t, w in weighted]
        query = tantivy.Query.boolean_query(should)
        clauses = self._filter_clauses(filters) if filters else []
        if clauses:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *clauses])
        hits = searcher.search(query, limit=k, count=False).hits
        if not hits:
            return []
        addresses = [address for _, address in hits]
        ids = searcher.fast_field_values("pid", addresses)
        found = [(int(pid), float(score)) for (score, _), pid in zip(hits, ids, strict=True)]
        if kept_collections is None:
            return found
        collections = searcher.fast_field_values("cid", addresses)
        return [hit for hit, collection in zip(found, collections, strict=True) if collection in kept_collections]

    def any_match(self, filters: Filters) -> bool:
        """Whether any passage passes these filters at all (for a hint when nothing was found)."""
        clauses = self._filter_clauses(filters)
        query = tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()), *clauses])
        return bool(self._searcher.search(query, limit=1, count=False).hits)

    def _term(self, term: str) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, "terms", term, index_option="freq")

    def _source_query(self, words: Sequence[str]) -> tantivy.Query:
        if not words:
            return tantivy.Query.empty_query()
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "src", word, index_option="basic"))
                for word in words
            ]
        )

    def _filter_clauses(self, filters: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        # Filters match without scoring (constant 0), so they narrow the set and leave BM25 as it is.
        queries: list[tantivy.Query] = []
        if filters.collection_ids is not None:
            queries.append(tantivy.Query.term_set_query(self.schema, "cid", list(filters.collection_ids)))
        if filters.first_day is not None or filters.last_day is not None:
            queries.append(
                tantivy.Query.range_query(
                    self.schema,
                    "day",
                    tantivy.FieldType.Integer,
                    filters.first_day if filters.first_day is not None else 1,
                    filters.last_day if filters.last_day is not None else 99_991_231,
                )
            )
        queries.extend(self._term(term) for term in filters.required_terms)
        if filters.source_words:
            queries.append(
                tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, self._source_query(words)) for words in filters.source_words]
                )
            )
        clauses = [(tantivy.Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in queries]
        if filters.excluded_collection_ids:
            excluded = tantivy.Query.term_set_query(self.schema, "cid", list(filters.excluded_collection_ids))
            clauses.append((tantivy.Occur.MustNot, excluded))
        return clauses
