"""The write path: prepared articles into the store and the search index, kept in step through crashes."""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field, replace

from .analysis import ANALYSIS_VERSION, joined_terms
from .bulk import bulk_settings
from .counts import Change
from .ingest import PreparedArticle, Splitters, content_hash, index_articles, source_of, write_all
from .models import AddReport, Article, Skipped, Source
from .search import PassageIndex
from .store import Store
from .workers import PreparePool

logger = logging.getLogger(__name__)

# One transaction per batch: each article is all in or all out. Big, because every transaction rewrites the pages
# of the sentences' fold index it touched, and at a million passages a few thousand sentences touch most of them.
BATCH_ARTICLES = 1_000
WRITE_ARTICLES = 200  # written into the batch's transaction as they come, while the workers prepare more
# The search index commits once an add is done, and on the way every this many articles: a commit costs about
# as much as indexing a thousand passages, and until it the journal (pending_index) covers what is not yet in.
INDEX_COMMIT_ARTICLES = 5_000
Progress = Callable[[int, int | None], None]  # done, and the total when known


UNSTORABLE = re.compile("[\ud800-\udfff\x00]")  # lone surrogates (half an emoji) and NUL: not storable text


def clean_article(article: Article) -> Article:
    """The article as it can be stored: whatever reader, upload or post it came from."""

    def clean(value: str | None) -> str | None:
        if not value:
            return value
        # Nearly every text has neither, and this runs in the writing process for each article: a NUL is found by
        # memchr, a lone surrogate by the UTF-8 encoder, both in C (0.6-14 µs for 4 kB where the pattern takes 50).
        if "\x00" not in value:
            try:
                value.encode("utf-8")
                return value
            except UnicodeEncodeError:
                pass
        return UNSTORABLE.sub("", value)

    return replace(
        article,
        title=clean(article.title) or article.source,
        source=clean(article.source) or "untitled",
        text=clean(article.text),
        url=clean(article.url),
        published=clean(article.published),
    )


@dataclass
class _Screened:
    """What an add left out before preparing: articles without text, and those stored already unchanged."""

    skipped: list[Skipped] = field(default_factory=list)
    unchanged: list[Source] = field(default_factory=list)


class Writer:
    """Adds, replaces and removes articles; one at a time (a lock), while readers go on."""

    def __init__(
        self, store: Store, index: PassageIndex, on_change: Callable[[Change | None], None], workers: int = 1
    ) -> None:
        self._store = store
        self._index = index
        self._splitters = Splitters(store)
        self._pool = PreparePool(workers)
        self._write_lock = threading.RLock()
        self._on_change = on_change

    def repair(self, fresh: bool) -> None:
        """Bring the search index in line with the file after a crash, a lost index or a copied file, and
        the stored terms in line with this version's analysis."""
        if self._reanalyze():
            return
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

    @bulk_settings()  # see bulk.py: a tenth of a big add's writing CPU, and questions meanwhile wait less
    def add_articles(self, articles: Iterable[Article], collection: str, progress: Progress | None) -> AddReport:
        """Add articles as they come: a stream of any length (a generator reading a folder of a million files) is
        held a few batches at a time, and a big add keeps every core busy from its first article to its last."""
        total = len(articles) if isinstance(articles, Sized) else None
        screened = _Screened()
        prepared = self._pool.prepare_all(self._screen(iter(articles), collection, screened), self._splitters)
        report, written = AddReport(), 0
        uncommitted: list[int] = []  # articles whose index changes are not yet committed
        try:
            while True:
                added, changed, count = self._write_batch(prepared, collection)
                if not count:
                    break
                report += added
                uncommitted += changed
                written += count
                if len(uncommitted) >= INDEX_COMMIT_ARTICLES:
                    self._commit_index(uncommitted)
                    uncommitted = []
                if progress is not None:
                    progress(written + len(screened.skipped) + len(screened.unchanged), total)
        finally:
            if uncommitted:
                self._commit_index(uncommitted)
            if written >= BATCH_ARTICLES:
                # The writing connection's page cache (Store.WRITER_CACHE_KB) earns its keep during a big add;
                # kept after it, it would hold a hundred megabytes of pages nothing reads.
                with self._write_lock:
                    self._store.writer.execute("PRAGMA shrink_memory")
        return report + AddReport(unchanged=tuple(screened.unchanged), skipped=tuple(screened.skipped))

    def _screen(self, articles: Iterator[Article], collection: str, screened: _Screened) -> Iterator[Article]:
        """The articles to split, analyse and write, in the order given: not those without text, nor those
        stored already with the same content (re-adding an unchanged folder at start-up is cheap)."""
        while batch := [clean_article(article) for article in itertools.islice(articles, BATCH_ARTICLES)]:
            known = self._known_hashes(collection, [article.source for article in batch])
            for article in batch:
                if not article.text.strip():
                    screened.skipped.append(Skipped(article.source, "no text"))
                elif article.source in known and known[article.source] == content_hash(article):
                    screened.unchanged.append(source_of(article, collection))
                else:
                    yield article

    def _known_hashes(self, collection: str, sources: list[str]) -> dict[str, str]:
        with self._store.reading() as db:
            marks = ",".join("?" * len(sources))
            rows = db.execute(
                f"SELECT a.source, a.content_hash FROM articles a JOIN collections c ON c.id = a.collection_id"
                f" WHERE c.name = ? AND a.source IN ({marks})",
                [collection, *sources],
            )
            return dict(rows.fetchall())

    def _write_batch(self, prepared: Iterator[PreparedArticle], collection: str) -> tuple[AddReport, list[int], int]:
        """Store the next BATCH_ARTICLES prepared articles in one transaction, then hand their passages to the search
        index, uncommitted there; returns the report, the ids of the articles whose index changes await a commit,
        and how many articles were taken. They are written a few at a time as they come, so the workers prepare
        the next ones meanwhile rather than wait for a whole batch to be written."""
        added, unchanged, written, sentences, count = [], [], [], 0, 0
        languages: list[str] = []  # of the articles written
        with self._write_lock:  # preparing too: the splitters learn, and the pool is not thread-safe
            part = list(itertools.islice(prepared, min(WRITE_ARTICLES, BATCH_ARTICLES)))
            if not part:
                return AddReport(), [], 0
            with self._store.transaction() as db:
                while part:
                    count += len(part)
                    for item, outcome in zip(part, write_all(db, self._store, part, collection), strict=True):
                        source = source_of(item.article, collection)
                        if outcome.outcome == "unchanged":
                            unchanged.append(source)
                            continue
                        added.append(source)
                        languages.append(item.language)
                        sentences += item.sentence_count
                        written.append(outcome)
                    part = list(itertools.islice(prepared, min(WRITE_ARTICLES, BATCH_ARTICLES - count)))
                self._splitters.save(db)
                collection_id = self._store.collection_id(db, collection, create=False)
            removed = tuple(language for w in written for language in w.replaced_languages)
            self._on_change(None if collection_id is None else Change(collection_id, tuple(languages), removed))
            if written:
                # From what was just written, not read back: the store's copy is for repairs and rebuilds.
                self._index.remove([id_ for w in written for id_ in w.replaced])
                self._index.add(passage for w in written for passage in w.passages)
        report = AddReport(tuple(added), tuple(unchanged), (), sentences)
        return report, [id_ for w in written for id_ in (w.article_id, *w.replaced)], count

    def _sync_index(self, article_ids: Sequence[int], change: Change | None = None) -> None:
        self._on_change(change)
        if not article_ids:
            return
        with self._write_lock:
            index_articles(self._store.writer, self._index, article_ids)
            self._commit_index(article_ids)

    def _commit_index(self, article_ids: Sequence[int]) -> None:
        """Make the index's changes for these articles durable, then clear their entries in the journal."""
        with self._write_lock:
            self._index.commit()
            with self._store.transaction() as db:
                db.executemany("DELETE FROM pending_index WHERE article_id = ?", [(i,) for i in article_ids])

    def remove(self, source: str, collection: str) -> bool:
        """Remove the article with this source (or link) from the collection; False if there is none."""
        with self._write_lock:
            with self._store.transaction() as db:
                row = db.execute(
                    "SELECT a.id, a.collection_id, a.language FROM articles a JOIN collections c"
                    " ON c.id = a.collection_id WHERE c.name = ? AND (a.source = ? OR a.url = ?) ORDER BY a.id LIMIT 1",
                    (collection, source, source),
                ).fetchone()
                if row is None:
                    return False
                db.execute("DELETE FROM articles WHERE id = ?", (row[0],))
                db.execute("INSERT OR IGNORE INTO pending_index (article_id) VALUES (?)", (row[0],))
            self._sync_index([row[0]], Change(row[1], removed=(row[2],)))
        return True

    def _reanalyze(self) -> bool:
        """Analyse every stored sentence again when the terms were made by another analysis version, then
        rebuild the index; True when it did."""
        if self._store.get_meta("analysis") == ANALYSIS_VERSION:
            return False
        with self._write_lock, self._store.transaction() as db:
            count = db.execute("SELECT count(*) FROM sentences").fetchone()[0]
            if count:
                logger.warning("terms in %s come from another citebot version; analysing again", self._store.path)
            last = 0
            while True:  # in slices of ids, so a library of millions of sentences is never all in memory
                sentences = db.execute(
                    "SELECT s.id, s.text, a.language FROM sentences s JOIN passages p ON p.id = s.passage_id"
                    " JOIN articles a ON a.id = p.article_id WHERE s.id > ? ORDER BY s.id LIMIT 20000",
                    (last,),
                ).fetchall()
                if not sentences:
                    break
                db.executemany(
                    "UPDATE sentences SET terms = ? WHERE id = ?",
                    [(joined_terms(text, language), id_) for id_, text, language in sentences],
                )
                last = sentences[-1][0]
            self._store.set_meta(db, "analysis", ANALYSIS_VERSION)
        if count:
            self.rebuild()
        return bool(count)

    @bulk_settings()
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

    def close(self) -> None:
        """Wait for a write in progress, then commit and close the search index."""
        self._pool.close()
        with self._write_lock:
            self._index.close()
