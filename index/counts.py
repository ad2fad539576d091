"""What a question needs to know of the whole library: its articles counted by language and by collection."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Change:
    """What a write did to one collection's articles: the languages of those it added and of those it removed or
    replaced, one per article."""

    collection_id: int
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


class ArticleCounts:
    """Counted from the file when a question first needs them, then kept in step by the writes. Counting scans every
    article (90 ms at a million passages), and a bot taking a channel's posts writes all the time: before, the
    first question after each write paid for it. Thread-safe: a write swaps in new counts, questions read them."""

    def __init__(self) -> None:
        self._languages: Counter[str] | None = None
        self._collections: dict[int, int] | None = None
        self._changes = 0  # a count taken while a change lands must not be kept: it may have missed it

    def changed(self, change: Change | None) -> None:
        """After a write; None when what it changed is not known (the next question counts again)."""
        self._changes += 1
        languages, collections = self._languages, self._collections
        if change is None:
            self._languages = self._collections = None
            return
        if languages is not None:
            self._languages = languages + Counter(change.added) - Counter(change.removed)  # drops those at 0
        if collections is not None:
            count = collections.get(change.collection_id, 0) + len(change.added) - len(change.removed)
            self._collections = {**collections, change.collection_id: count}

    def languages(self, db: sqlite3.Connection) -> tuple[str, ...]:
        """The languages of the articles, most common first."""
        counts = self._languages
        if counts is None:
            changes = self._changes
            counts = Counter(dict(db.execute("SELECT language, count(*) FROM articles GROUP BY language")))
            if changes == self._changes:
                self._languages = counts
        return tuple(sorted(counts, key=lambda language: (-counts[language], language)))

    def collection_sizes(self, db: sqlite3.Connection) -> dict[int, int]:
        """Articles by collection id, every collection in this read's snapshot included (see Library)."""
        sizes = self._collections
        newest = db.execute("SELECT max(id) FROM collections").fetchone()[0]
        if sizes is None or newest not in sizes:
            changes = self._changes
            rows = db.execute(
                "SELECT c.id, count(a.id) FROM collections c LEFT JOIN articles a ON a.collection_id = c.id"
                " GROUP BY c.id"
            )
            sizes = dict(rows.fetchall())
            if changes == self._changes:
                self._collections = sizes
        return sizes
