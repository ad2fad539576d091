"""What a question needs to know of the whole library: its articles counted by language and by collection."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Added:
    """New articles in one collection, none of them replacing another: what a write tells the counts."""

    collection_id: int
    languages: tuple[str, ...]  # one per article


class ArticleCounts:
    """Counted from the file when a question first needs them, then kept in step by the adds. Counting scans every
    article (90 ms at a million passages), and a bot taking a channel's posts writes all the time: before, the
    first question after each write paid for it. A removal or a replacement, whose articles' languages are not at
    hand, makes the next question count again. Thread-safe: a write swaps in new counts, questions read them."""

    def __init__(self) -> None:
        self._languages: Counter[str] | None = None
        self._collections: dict[int, int] | None = None
        self._changes = 0  # a count taken while a change lands must not be kept: it may have missed it

    def changed(self, added: Added | None) -> None:
        """After a write; None when articles went or were replaced."""
        self._changes += 1
        languages, collections = self._languages, self._collections
        if added is None:
            self._languages = self._collections = None
            return
        if languages is not None:
            self._languages = languages + Counter(added.languages)
        if collections is not None:
            count = collections.get(added.collection_id, 0) + len(added.languages)
            self._collections = {**collections, added.collection_id: count}

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
