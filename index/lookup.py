"""Read queries over the store: sentences of passages, the sources of a sentence, listings and counts."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence

from .models import Source, Stats
from .store import FOLD_BLOCK_BITS, SentenceRow

ARTICLE_COLUMNS = "a.title, a.source, a.url, a.published, c.name"
ARTICLE_JOIN = "articles a JOIN collections c ON c.id = a.collection_id"


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


def _row(values: tuple) -> SentenceRow:
    sentence_id, passage_id, position, text, terms, fold = values
    return SentenceRow(sentence_id, passage_id, position, text, tuple(terms.split()), fold)


def sentence(db: sqlite3.Connection, sentence_id: int) -> SentenceRow | None:
    values = db.execute(
        "SELECT id, passage_id, position, text, terms, fold_key FROM sentences WHERE id = ?", (sentence_id,)
    ).fetchone()
    return _row(values) if values else None


def sentences_and_articles(
    db: sqlite3.Connection, passage_ids: Sequence[int]
) -> tuple[dict[int, list[SentenceRow]], dict[int, tuple[int, str, str]]]:
    """Each passage's sentences in order, and its article: passage id → (article id, language, published or
    ''). One query for both: a question reads them for every passage it looks at."""
    by_passage: dict[int, list[SentenceRow]] = defaultdict(list)
    articles: dict[int, tuple[int, str, str]] = {}
    if not passage_ids:
        return by_passage, articles
    for *values, article_id, language, published in db.execute(
        f"SELECT s.id, s.passage_id, s.position, s.text, s.terms, s.fold_key, p.article_id, a.language,"
        f" coalesce(a.published, '') FROM sentences s JOIN passages p ON p.id = s.passage_id"
        f" JOIN articles a ON a.id = p.article_id"
        f" WHERE s.passage_id IN ({_marks(passage_ids)}) ORDER BY s.passage_id, s.position",
        list(passage_ids),
    ):
        by_passage[values[1]].append(_row(values))
        articles[values[1]] = (article_id, language, published)
    return by_passage, articles


def terms_in_article(db: sqlite3.Connection, article_id: int, terms: Iterable[str]) -> set[str]:
    """Which of these terms some sentence of the article has."""
    wanted = set(terms)
    rows = db.execute(
        "SELECT s.terms FROM passages p JOIN sentences s ON s.passage_id = p.id WHERE p.article_id = ?", (article_id,)
    )
    return {term for (joined,) in rows for term in joined.split() if term in wanted}


def sources_of_folds(
    db: sqlite3.Connection, fold_keys: Sequence[int], collection_ids: Sequence[int] | None
) -> dict[int, list[Source]]:
    """Every article, within the collections asked, holding a sentence with each fold key; newest first."""
    if not fold_keys:
        return {}
    blocks = range((db.execute("SELECT coalesce(max(id), 0) FROM passages").fetchone()[0] >> FOLD_BLOCK_BITS) + 1)
    scope, params = "", [*blocks, *fold_keys]
    if collection_ids is not None:
        scope = f" AND a.collection_id IN ({_marks(collection_ids)})"
        params += list(collection_ids)
    rows = db.execute(
        # The index is on (block, key): a lookup names every block (see store.FOLD_BLOCK_BITS).
        f"SELECT DISTINCT s.fold_key, a.id, {ARTICLE_COLUMNS} FROM sentences s"
        f" JOIN passages p ON p.id = s.passage_id JOIN articles a ON a.id = p.article_id"
        f" JOIN collections c ON c.id = a.collection_id"
        f" WHERE s.passage_id >> {FOLD_BLOCK_BITS} IN ({_marks(blocks)}) AND s.fold_key IN ({_marks(fold_keys)}){scope}"
        f" ORDER BY coalesce(a.published, '') DESC, a.id",
        params,
    )
    found: dict[int, list[Source]] = defaultdict(list)
    for fold, _article_id, *source in rows:
        found[fold].append(Source(*source))
    return found


def collection_ids(db: sqlite3.Connection, names: Iterable[str]) -> list[int]:
    names = list(names)
    rows = db.execute(f"SELECT id FROM collections WHERE name IN ({_marks(names)})", names) if names else []
    return [row[0] for row in rows]


def stats(db: sqlite3.Connection, ids: Sequence[int] | None) -> Stats:
    scope, params = ("", []) if ids is None else (f" WHERE a.collection_id IN ({_marks(ids) or 'NULL'})", list(ids))
    articles, oldest, newest = db.execute(
        f"SELECT count(*), min(a.published), max(a.published) FROM articles a{scope}", params
    ).fetchone()
    passages, sentences = db.execute(
        f"SELECT count(DISTINCT p.id), count(s.id) FROM articles a JOIN passages p ON p.article_id = a.id"
        f" JOIN sentences s ON s.passage_id = p.id{scope}",
        params,
    ).fetchone()
    languages = tuple(
        row[0]
        for row in db.execute(
            f"SELECT a.language FROM articles a{scope} GROUP BY a.language ORDER BY count(*) DESC", params
        )
    )
    return Stats(articles, passages, sentences, oldest, newest, languages)


def list_sources(db: sqlite3.Connection, ids: Sequence[int] | None, offset: int, limit: int) -> list[Source]:
    scope, params = ("", []) if ids is None else (f" WHERE a.collection_id IN ({_marks(ids) or 'NULL'})", list(ids))
    rows = db.execute(
        f"SELECT {ARTICLE_COLUMNS} FROM {ARTICLE_JOIN}{scope}"
        f" ORDER BY coalesce(a.published, '') DESC, a.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [Source(*row) for row in rows]
