"""Articles → passages → sentences → terms, written to the store and the search index together."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from nltk.tokenize.punkt import PunktParameters

from .analysis import joined_terms
from .answers import fold_sentence
from .languages import detect_language
from .models import Article, Source
from .passages import SentenceSplitter, split_passages
from .query import day_number
from .search import IndexedPassage, PassageIndex
from .store import Store

SOURCE_WORD = re.compile(r"[^\W_]+")
LANGUAGE_SAMPLE_CHARS = 600  # enough to tell a language; py3langid costs time per character


# A sentence as it is stored: (text, its terms joined by spaces, fold key). A plain tuple, not a dataclass: a big
# add moves millions of them from the worker processes and into SQLite, and tuples pickle and bind fastest.
PreparedSentence = tuple[str, str, int]


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    article: Article
    language: str
    content_hash: str
    passages: tuple[tuple[PreparedSentence, ...], ...]

    @property
    def sentence_count(self) -> int:
        return sum(len(p) for p in self.passages)


def content_hash(article: Article) -> str:
    """Same title, link, date and text: the same article, so adding it again changes nothing."""
    digest = hashlib.sha256()
    for part in (article.title, article.url or "", article.published or "", article.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def fold_key(sentence: str) -> int:
    digest = hashlib.blake2b(fold_sentence(sentence).encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Splitters:
    """One Punkt splitter per language, trained on the library's own text as it arrives; what it learned
    is kept in the library file so sentences split the same way after a restart."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._splitters: dict[str, SentenceSplitter] = {}

    def get(self, language: str) -> SentenceSplitter:
        splitter = self._splitters.get(language)
        if splitter is None:
            saved = self._store.get_meta(f"punkt:{language}")
            splitter = SentenceSplitter(language, abbreviations=json.loads(saved) if saved else ())
            self._splitters[language] = splitter
        return splitter

    def frozen_parameters(self) -> dict[str, PunktParameters]:
        """By language, what each splitter that has stopped learning splits by (see workers.PreparePool)."""
        frozen = {language: splitter.frozen_parameters() for language, splitter in self._splitters.items()}
        return {language: params for language, params in frozen.items() if params is not None}

    def save(self, db: sqlite3.Connection) -> None:
        for language, splitter in self._splitters.items():
            learned = sorted(splitter.learned_abbreviations())
            self._store.set_meta(db, f"punkt:{language}", json.dumps(learned))


def prepare(article: Article, splitters: Splitters) -> PreparedArticle:
    """Split and analyse one article; pure CPU work done before any lock is taken."""
    language = detect_language(article.text[:LANGUAGE_SAMPLE_CHARS])
    splitter = splitters.get(language)
    splitter.learn(article.text)
    passages = []
    for passage in split_passages(article.text):
        sentences = tuple((text, joined_terms(text, language), fold_key(text)) for text in splitter.split(passage))
        if sentences:
            passages.append(sentences)
    return PreparedArticle(article, language, content_hash(article), tuple(passages))


@dataclass(frozen=True, slots=True)
class Written:
    """What write() did: "added" or "unchanged", the new article's id, the ids of the articles it replaced, and
    its passages as the search index takes them (so they need not be read back from the store)."""

    outcome: str
    article_id: int | None = None
    replaced: tuple[int, ...] = ()
    passages: tuple[IndexedPassage, ...] = ()
    replaced_languages: tuple[str, ...] = ()


def write(db: sqlite3.Connection, store: Store, prepared: PreparedArticle, collection: str) -> Written:
    """Store one article inside the caller's transaction, replacing an older version with the same source."""
    article = prepared.article
    collection_id = store.collection_id(db, collection, create=True)
    row = db.execute(
        "SELECT id, content_hash, language FROM articles WHERE collection_id = ? AND source = ?",
        (collection_id, article.source),
    ).fetchone()
    if row and row[1] == prepared.content_hash:
        return Written("unchanged")
    replaced: tuple[int, ...] = ()
    if row:
        db.execute("DELETE FROM articles WHERE id = ?", (row[0],))
        db.execute("INSERT OR IGNORE INTO pending_index (article_id) VALUES (?)", (row[0],))
        replaced = (row[0],)
    [written] = _insert(db, collection_id, [prepared])
    return replace(written, replaced=replaced, replaced_languages=(row[2],) if row else ())


def write_all(
    db: sqlite3.Connection, store: Store, prepared: Sequence[PreparedArticle], collection: str
) -> list[Written]:
    """Store articles inside the caller's transaction, as write() one after another would, ids included: in a
    handful of statements for the whole batch when none of them replaces a stored article or repeats a source
    of the batch (a bulk load), else one by one."""
    collection_id = store.collection_id(db, collection, create=True)
    sources = [item.article.source for item in prepared]
    marks = ",".join("?" * len(sources))
    stored = db.execute(
        f"SELECT 1 FROM articles WHERE collection_id = ? AND source IN ({marks}) LIMIT 1", [collection_id, *sources]
    ).fetchone()
    if stored or len(set(sources)) < len(sources):
        return [write(db, store, item, collection) for item in prepared]
    return _insert(db, collection_id, prepared)


def _insert(db: sqlite3.Connection, collection_id: int, prepared: Sequence[PreparedArticle]) -> list[Written]:
    """Insert new articles with their passages and sentences in four statements, with the ids SQLite would give
    one insert after another (one more than the largest so far): the caller's transaction holds the write lock."""
    article_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0]
    passage_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM passages").fetchone()[0]
    articles, passages, sentences, written = [], [], [], []
    for item in prepared:
        article = item.article
        articles.append(
            (
                article_id,
                collection_id,
                article.source,
                article.title,
                article.url,
                article.published,
                item.language,
                item.content_hash,
            )
        )
        words = article_words(article.source, article.title, article.url)
        day = day_number(article.published)
        indexed = []
        for position, rows in enumerate(item.passages):
            passages.append((passage_id, article_id, position))
            sentences += [(passage_id, i, text, terms, key) for i, (text, terms, key) in enumerate(rows)]
            indexed.append(
                IndexedPassage(passage_id, article_id, collection_id, day, [terms for _, terms, _ in rows], words)
            )
            passage_id += 1
        written.append(Written("added", article_id, (), tuple(indexed)))
        article_id += 1
    db.executemany(
        "INSERT INTO articles (id, collection_id, source, title, url, published, language, content_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        articles,
    )
    db.executemany("INSERT INTO passages (id, article_id, position) VALUES (?, ?, ?)", passages)
    db.executemany(
        "INSERT INTO sentences (passage_id, position, text, terms, fold_key) VALUES (?, ?, ?, ?, ?)", sentences
    )
    db.executemany("INSERT OR IGNORE INTO pending_index (article_id) VALUES (?)", [(row[0],) for row in articles])
    return written


def index_articles(db: sqlite3.Connection, index: PassageIndex, article_ids: Iterable[int]) -> None:
    """Bring the search index in line with the store for these articles (added, replaced or removed)."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    index.remove(ids)
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT p.id, p.article_id, a.collection_id, a.published, a.source, a.title, a.url, s.terms"
            f" FROM passages p"
            f" JOIN articles a ON a.id = p.article_id JOIN sentences s ON s.passage_id = p.id"
            f" WHERE p.article_id IN ({marks}) ORDER BY p.id, s.position",
            chunk,
        )
        index.add(_passages_from_rows(rows))


def source_words(text: str) -> tuple[str, ...]:
    """The words a source: filter matches on: lowercase runs of letters and digits."""
    return tuple(SOURCE_WORD.findall(text.casefold()))


def article_words(source: str, title: str, url: str | None) -> tuple[str, ...]:
    """The words of an article that a source: filter matches on: its source, title and link."""
    return source_words(f"{source} {title} {url or ''}")


def _passages_from_rows(rows: Iterable[tuple]) -> Iterable[IndexedPassage]:
    current: IndexedPassage | None = None
    for passage_id, article_id, collection_id, published, source, title, url, terms in rows:
        if current is None or current.passage_id != passage_id:
            if current is not None:
                yield current
            words = article_words(source, title, url)
            current = IndexedPassage(passage_id, article_id, collection_id, day_number(published), [], words)
        current.terms.extend(terms.split())
    if current is not None:
        yield current


def source_of(article: Article, collection: str) -> Source:
    return Source(article.title, article.source, article.url, article.published, collection)
