"""The front door: a library of articles on disk that answers questions with sentences and their sources."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import lookup
from .analysis import analyze
from .articles import read_articles, read_bytes, read_html
from .errors import CitebotError
from .ingest import PreparedArticle, Splitters, content_hash, index_articles, prepare, source_of, write
from .languages import detect_language
from .models import GLOBAL_COLLECTION, AddReport, Answer, Article, Feedback, Skipped, Source, Stats
from .query import day_number, parse_question
from .retrieve import Result, Scope, find_answers
from .search import Filters, PassageIndex
from .store import Store

logger = logging.getLogger(__name__)

BATCH_ARTICLES = 200  # one transaction and one index commit per batch: each article is all in or all out
Progress = Callable[[int, int], None]


class Library:
    """Articles in a SQLite file, searchable through a BM25 index kept beside it (`<file>.tantivy`).
    Every method is thread-safe: questions are answered while another thread adds articles."""

    def __init__(self, store: Store, index: PassageIndex) -> None:
        self._store = store
        self._index = index
        self._splitters = Splitters(store)
        self._write_lock = threading.RLock()
        self._languages: tuple[str, ...] | None = None  # of the articles, most common first; reset on writes

    @classmethod
    def open(cls, path: str | Path | None = None) -> Library:
        """Open (or create) the library at `path`; None or ":memory:" keeps it in memory."""
        store = Store(path)
        index_path = None if store.in_memory else Path(f"{store.path}.tantivy")
        index, fresh = PassageIndex.open_or_reset(index_path)
        library = cls(store, index)
        library._repair(fresh)
        return library

    def _repair(self, fresh: bool) -> None:
        """Bring the search index in line with the file after a crash, a lost index or a copied file."""
        with self._store.reading() as db:
            passages = db.execute("SELECT count(*) FROM passages").fetchone()[0]
            pending = [row[0] for row in db.execute("SELECT article_id FROM pending_index")]
        if fresh and passages:
            logger.warning("no search index beside %s; building it", self._store.path)
            self.rebuild()
            return
        if pending:
            logger.info("finishing %d interrupted index updates", len(pending))
            self._sync_index(pending)
        if self._index.num_docs != passages:
            logger.warning("search index out of step with %s; rebuilding it", self._store.path)
            self.rebuild()

    # Adding and removing -----------------------------------------------------------------------------

    def add_path(
        self, path: str | Path, *, collection: str = GLOBAL_COLLECTION, progress: Progress | None = None
    ) -> AddReport:
        """Add a file or a folder (recursively). Bad files are skipped with a reason; the rest are added."""
        items = list(read_articles(path))
        skipped = tuple(item for item in items if isinstance(item, Skipped))
        articles = [item for item in items if isinstance(item, Article)]
        return self.add_articles(articles, collection=collection, progress=progress) + AddReport(skipped=skipped)

    def add_bytes(
        self, name: str, data: bytes, *, collection: str = GLOBAL_COLLECTION, url: str | None = None
    ) -> AddReport:
        """Add an uploaded document; raises ArticleError when it cannot be read."""
        return self.add_articles(read_bytes(name, data, url=url), collection=collection)

    def add_html(self, html: str | bytes, *, url: str, collection: str = GLOBAL_COLLECTION) -> AddReport:
        """Add the main text of a fetched web page."""
        return self.add_articles([read_html(html, url=url)], collection=collection)

    def add_text(
        self,
        text: str,
        *,
        title: str,
        source: str,
        url: str | None = None,
        published: str | None = None,
        collection: str = GLOBAL_COLLECTION,
    ) -> AddReport:
        """Add (or replace, when its text changed) the article with this source in the collection."""
        return self.add_articles([Article(title, source, text, url, published)], collection=collection)

    def add_articles(
        self, articles: Iterable[Article], *, collection: str = GLOBAL_COLLECTION, progress: Progress | None = None
    ) -> AddReport:
        articles = list(articles)
        report = AddReport()
        for start in range(0, len(articles), BATCH_ARTICLES):
            batch = articles[start : start + BATCH_ARTICLES]
            prepared, skipped, unchanged = [], [], []
            known = self._known_hashes(collection, [article.source for article in batch])
            for article in batch:
                if not article.text.strip():
                    skipped.append(Skipped(article.source, "no text"))
                elif known.get(article.source) == content_hash(article):
                    unchanged.append(source_of(article, collection))
                else:
                    prepared.append(prepare(article, self._splitters))
            report += self._write_batch(prepared, collection)
            report += AddReport(unchanged=tuple(unchanged), skipped=tuple(skipped))
            if progress is not None:
                progress(min(start + BATCH_ARTICLES, len(articles)), len(articles))
        return report

    def _known_hashes(self, collection: str, sources: list[str]) -> dict[str, str]:
        # Checked before splitting and analysing, so re-adding an unchanged folder at start-up is cheap.
        with self._store.reading() as db:
            marks = ",".join("?" * len(sources))
            rows = db.execute(
                f"SELECT a.source, a.content_hash FROM articles a JOIN collections c ON c.id = a.collection_id"
                f" WHERE c.name = ? AND a.source IN ({marks})",
                [collection, *sources],
            )
            return dict(rows.fetchall())

    def _write_batch(self, prepared: list[PreparedArticle], collection: str) -> AddReport:
        added, unchanged, changed_ids, sentences = [], [], [], 0
        with self._write_lock:
            with self._store.transaction() as db:
                for item in prepared:
                    outcome, article_id, replaced = write(db, self._store, item, collection)
                    source = source_of(item.article, collection)
                    if outcome == "unchanged":
                        unchanged.append(source)
                        continue
                    added.append(source)
                    sentences += item.sentence_count
                    changed_ids += [article_id, *replaced]
                self._splitters.save(db)
            self._sync_index(changed_ids)
        return AddReport(tuple(added), tuple(unchanged), (), sentences)

    def _sync_index(self, article_ids: Sequence[int]) -> None:
        self._languages = None
        if not article_ids:
            return
        with self._write_lock:
            index_articles(self._store.writer, self._index, article_ids)
            self._index.commit()
            with self._store.transaction() as db:
                db.executemany("DELETE FROM pending_index WHERE article_id = ?", [(i,) for i in article_ids])

    def remove(self, source: str, *, collection: str = GLOBAL_COLLECTION) -> bool:
        """Remove the article with this source (or link) from the collection; False if there is none."""
        with self._write_lock:
            with self._store.transaction() as db:
                row = db.execute(
                    "SELECT a.id FROM articles a JOIN collections c ON c.id = a.collection_id"
                    " WHERE c.name = ? AND (a.source = ? OR a.url = ?) ORDER BY a.id LIMIT 1",
                    (collection, source, source),
                ).fetchone()
                if row is None:
                    return False
                db.execute("DELETE FROM articles WHERE id = ?", (row[0],))
                db.execute("INSERT OR IGNORE INTO pending_index (article_id) VALUES (?)", (row[0],))
            self._sync_index([row[0]])
        return True

    def rebuild(self) -> int:
        """Rebuild the search index from the library file; returns the number of passages indexed."""
        with self._write_lock:
            self._index.clear()
            ids = [row[0] for row in self._store.writer.execute("SELECT id FROM articles ORDER BY id")]
            for start in range(0, len(ids), 5_000):
                index_articles(self._store.writer, self._index, ids[start : start + 5_000])
            self._index.commit()
            with self._store.transaction() as db:
                db.execute("DELETE FROM pending_index")
            return self._index.num_docs

    # Asking ------------------------------------------------------------------------------------------

    def query(
        self,
        question: str,
        k: int = 3,
        *,
        collections: Sequence[str] | None = (GLOBAL_COLLECTION,),
        sources: Sequence[str] = (),
        after: str | None = None,
        before: str | None = None,
        abstain: bool = True,
    ) -> Result:
        """Answer a question: up to k answers (none means "I don't know") with hints about its filters.
        `collections=None` searches every collection; `abstain=False` ranks sentences even when none is
        good enough to be an answer (for evaluation)."""
        if not isinstance(question, str):
            raise CitebotError("a question must be text")
        parsed = parse_question(question, sources=tuple(sources), after=after, before=before)
        with self._store.reading() as db:
            language = self._question_language(db, parsed.text)
            terms = analyze(parsed.text, language)
            ids = None if collections is None else tuple(lookup.collection_ids(db, collections))
            if ids == ():
                return Result(hints=parsed.hints)
            article_ids = None
            if parsed.sources:
                article_ids = tuple(lookup.matching_articles(db, parsed.sources, ids))
                if not article_ids:
                    names = ", ".join(parsed.sources)
                    return Result(hints=(*parsed.hints, f"no article matches source:{names}"))
            required = tuple(t for phrase in parsed.phrases for t in analyze(phrase, language))
            filters = Filters(
                ids if ids and len(ids) < self._collection_count(db) else None,
                article_ids,
                day_number(parsed.after) or None,
                day_number(parsed.before) or None,
                required,
            )
            return find_answers(db, self._index, parsed, language, terms, Scope(ids, filters), k, abstain)

    def _question_language(self, db, text: str) -> str:
        """The question's own language when the library has articles in it, else the library's main language:
        a short question is easily mistaken for another language, and its terms must meet the articles'."""
        languages = self._languages
        if languages is None:
            rows = db.execute("SELECT language FROM articles GROUP BY language ORDER BY count(*) DESC")
            languages = self._languages = tuple(row[0] for row in rows)
        detected = detect_language(text)
        if detected in languages or not languages:
            return detected
        return languages[0]

    def _collection_count(self, db) -> int:
        # With every collection asked for, the filter would only cost time.
        return db.execute("SELECT count(*) FROM collections").fetchone()[0]

    def ask(self, question: str, k: int = 3, **filters) -> list[Answer]:
        """The best k answers; an empty list means the library does not answer the question."""
        return list(self.query(question, k, **filters).answers)

    def context(self, sentence_id: int, radius: int = 3) -> Answer | None:
        """The sentence with up to `radius` sentences of its passage on each side; None if it is gone."""
        with self._store.reading() as db:
            row = lookup.sentence(db, sentence_id)
            if row is None:
                return None
            rows = lookup.sentences_of_passages(db, [row.passage_id])[row.passage_id]
            sources = lookup.sources_of_folds(db, [row.fold_key], None).get(row.fold_key, [])
        before = tuple(r.text for r in rows if row.position - radius <= r.position < row.position)
        after = tuple(r.text for r in rows if row.position < r.position <= row.position + radius)
        return Answer(row.text, tuple(sources), 0.0, row.id, before, after)

    # Describing --------------------------------------------------------------------------------------

    def stats(self, collections: Sequence[str] | None = None) -> Stats:
        with self._store.reading() as db:
            ids = None if collections is None else lookup.collection_ids(db, collections)
            return lookup.stats(db, ids)

    def sources(self, collections: Sequence[str] | None = None, offset: int = 0, limit: int = 20) -> list[Source]:
        with self._store.reading() as db:
            ids = None if collections is None else lookup.collection_ids(db, collections)
            return lookup.list_sources(db, ids, offset, limit)

    def example_questions(self, n: int = 3, collections: Sequence[str] = (GLOBAL_COLLECTION,)) -> list[str]:
        """Questions this library answers: article titles asked as questions, kept only if they get an answer."""
        examples = []
        for source in self.sources(collections, limit=max(10, n * 4)):
            title = source.title.strip().rstrip(".")
            question = title if title.endswith("?") else f"What about {title[:1].lower()}{title[1:]}?"
            if question not in examples and self.ask(question, 1, collections=collections):
                examples.append(question)
            if len(examples) == n:
                break
        return examples

    def record_feedback(self, question: str, sentence_id: int, vote: int, chat_id: int | None = None) -> None:
        """Keep a 👍 (+1) or 👎 (-1) on an answer, with the question, for tuning."""
        if vote not in (-1, 1):
            raise CitebotError("a vote is +1 or -1")
        with self._write_lock, self._store.transaction() as db:
            row = db.execute("SELECT text FROM sentences WHERE id = ?", (sentence_id,)).fetchone()
            if row is None:
                raise CitebotError("that answer is no longer in the library")
            db.execute(
                "INSERT INTO feedback (question, sentence, vote, chat_id) VALUES (?, ?, ?, ?)",
                (question, row[0], vote, chat_id),
            )

    def feedback(self, limit: int = 50) -> list[Feedback]:
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT question, sentence, vote, chat_id, created FROM feedback ORDER BY id DESC LIMIT ?", (limit,)
            )
            return [Feedback(*row) for row in rows]

    def close(self) -> None:
        with self._write_lock:
            self._index.close()
            self._store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
