"""SQLite: articles, passages and sentences, the library's source of truth; one transaction per change."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from .errors import LibraryFileError

logger = logging.getLogger(__name__)

FORMAT_NAME = "citebot-library"
FORMAT_VERSION = 2  # 2: the fold-key index is grouped by block of passages (format 1 is brought up to it on open)
# The sentences' fold keys are indexed by block of this many passages (as passage_id >> FOLD_BLOCK_BITS), then
# key: an add inserts into its own block's part of the index, so a transaction rewrites a bounded part of it, not
# pages all over (one index of random keys cost an eighth of a million-passage build). A lookup looks in
# every block: four at a million passages.
FOLD_BLOCK_BITS = 18
FOLD_INDEX = f"CREATE INDEX IF NOT EXISTS sentences_fold_block ON sentences(passage_id >> {FOLD_BLOCK_BITS}, fold_key)"
WRITER_CACHE_KB = 128 * 1024
CHECKPOINT_PAGES = 100_000  # up to 400 MB of write-ahead log during a big add, folded back at close (default: 1,000)
# Beside the file: its size, time and inode as citebot last closed it, with nothing left in a write-ahead log. A
# file found just so was checked when it was opened and has not been written since, so it is not read through
# again (PRAGMA quick_check reads every page: 2 s at a million passages, 12 s with the file not yet in memory, as
# after a reboot). Anything else (a crash, a copy, a truncation, another program's write) is checked in full.
CLEAN_SUFFIX = ".clean"
REBUILD_HINT = "move it aside and rebuild with: citebot add ARTICLES... (or citebot rebuild to redo the index)"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS collections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id),
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    published TEXT,
    language TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    added TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (collection_id, source)
);
CREATE TABLE IF NOT EXISTS passages (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS passages_article ON passages(article_id);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY,
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    terms TEXT NOT NULL,
    fold_key INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_passage ON sentences(passage_id, position);
-- Articles whose search-index entries may lag the tables: written in the same transaction as the
-- change, cleared after the search index commits, replayed on open (a kill between the two).
CREATE TABLE IF NOT EXISTS pending_index (article_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    question TEXT NOT NULL,
    sentence TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    chat_id INTEGER,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
"""


class SentenceRow(NamedTuple):  # a tuple: every question reads a few dozen, and tuples are made fastest
    id: int
    passage_id: int
    position: int
    text: str
    terms: tuple[str, ...]
    fold_key: int


class Store:
    """The library file. Writes go through one connection under a lock; each reading thread gets its own
    connection, so questions are answered while an ingest is writing (WAL)."""

    def __init__(self, path: str | Path | None) -> None:
        self.in_memory = path is None or str(path) == ":memory:"
        self.path = ":memory:" if self.in_memory else str(Path(path))
        self.write_lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []  # every thread's, so close() can close them all
        if not self.in_memory:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._closed_cleanly = not self.in_memory and self._take_clean_record()
        self.writer = self._connect()
        if not self.in_memory:
            # Each sentence's fold key lands at a random place in its index, so a transaction dirties pages all
            # over it: kept in memory (the default cache is 2 MB; the index is ~100 MB at a million passages) and
            # checkpointed less often, a page is written back once for many transactions, not once for each.
            self.writer.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
            self.writer.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        self._check_and_create()

    def _connect(self) -> sqlite3.Connection:
        # An in-memory library has one connection for everything: there is no file for others to share.
        try:
            connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        except sqlite3.Error as error:
            raise LibraryFileError(self.path, f"cannot open the library file ({error})") from error
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            if not self.in_memory:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            connection.close()
            raise LibraryFileError(self.path, f"not a citebot library or corrupt ({error}); {REBUILD_HINT}") from error
        return connection

    def _check_and_create(self) -> None:
        try:
            tables = {row[0] for row in self.writer.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "meta" not in tables:
                raise LibraryFileError(self.path, f"this SQLite file is not a citebot library; {REBUILD_HINT}")
            if "meta" in tables:
                meta = dict(self.writer.execute("SELECT key, value FROM meta"))
                if meta.get("format") != FORMAT_NAME:
                    raise LibraryFileError(self.path, f"not a citebot library; {REBUILD_HINT}")
                version = int(meta.get("version", "0"))
                if version > FORMAT_VERSION:
                    raise LibraryFileError(
                        self.path,
                        f"written by a newer citebot (format {version}, this one reads {FORMAT_VERSION}); "
                        f"upgrade citebot, or {REBUILD_HINT}",
                    )
                problem = "ok" if self._closed_cleanly else self.writer.execute("PRAGMA quick_check").fetchone()[0]
                if problem != "ok":
                    raise LibraryFileError(self.path, f"the library file is corrupt ({problem}); {REBUILD_HINT}")
                if version < FORMAT_VERSION:
                    self._upgrade()
                return
            with self.transaction() as db:
                for statement in [*SCHEMA.split(";"), FOLD_INDEX]:
                    if statement.strip():
                        db.execute(statement)
                db.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("format", FORMAT_NAME), ("version", str(FORMAT_VERSION))],
                )
        except sqlite3.DatabaseError as error:
            raise LibraryFileError(self.path, f"not a citebot library or corrupt ({error}); {REBUILD_HINT}") from error

    def _upgrade(self) -> None:
        """Bring a format 1 library to this format: its fold keys indexed by block of passages."""
        logger.warning("indexing the sentences of %s again for this citebot version (once)", self.path)
        with self.transaction() as db:
            db.execute("DROP INDEX IF EXISTS sentences_fold")
            db.execute(FOLD_INDEX)
            self.set_meta(db, "version", str(FORMAT_VERSION))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything inside lands, or nothing does."""
        with self.write_lock:
            self.writer.execute("BEGIN IMMEDIATE")
            try:
                yield self.writer
                self.writer.execute("COMMIT")
            except BaseException as error:
                if self.writer.in_transaction:
                    self.writer.execute("ROLLBACK")
                if isinstance(error, sqlite3.OperationalError) and "full" in str(error):
                    raise LibraryFileError(
                        self.path, "the disk is full: nothing from this change was written; free space and retry"
                    ) from error
                raise

    def reader(self) -> sqlite3.Connection:
        """This thread's read connection (the writer itself for an in-memory library)."""
        if self.in_memory:
            return self.writer
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            connection.execute("PRAGMA query_only = ON")
            self._local.connection = connection
            with self.write_lock:
                self._readers.append(connection)
        return connection

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent read: a snapshot on a file, the lock in memory (one shared connection)."""
        if self.in_memory:
            with self.write_lock:
                yield self.writer
            return
        connection = self.reader()
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        with self.reading() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def collection_id(self, db: sqlite3.Connection, name: str, create: bool) -> int | None:
        row = db.execute("SELECT id FROM collections WHERE name = ?", (name,)).fetchone()
        if row:
            return row[0]
        if not create:
            return None
        return db.execute("INSERT INTO collections (name) VALUES (?)", (name,)).lastrowid

    def close(self) -> None:
        """Close every connection; the last one out folds the write-ahead log back into the file."""
        with self.write_lock:
            for connection in self._readers:
                connection.close()
            self._readers.clear()
            self.writer.close()
            if not self.in_memory and not Path(f"{self.path}-wal").exists():  # the last one out, its log folded back
                _write_quietly(Path(self.path + CLEAN_SUFFIX), _identity(self.path))

    def _take_clean_record(self) -> bool:
        """Whether the file is as citebot last closed it; the record goes, so a crash from here on is checked."""
        record = Path(self.path + CLEAN_SUFFIX)
        try:
            recorded = record.read_text()
            record.unlink()
        except OSError:
            return False
        return bool(recorded) and recorded == _identity(self.path) and not Path(f"{self.path}-wal").exists()


def _identity(path: str) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    return f"{stat.st_dev} {stat.st_ino} {stat.st_size} {stat.st_mtime_ns}"


def _write_quietly(path: Path, text: str) -> None:
    try:
        path.write_text(text)
    except OSError as error:  # a read-only folder: the next open checks the file in full, as without a record
        logger.debug("cannot record the clean close at %s: %s", path, error)
