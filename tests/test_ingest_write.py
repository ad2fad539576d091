"""A batch of prepared articles is stored exactly as writing them one after another would store it, ids included."""

from __future__ import annotations

from dataclasses import replace

from bench.synthetic import SyntheticCorpus
from index.ingest import Splitters, prepare, write, write_all
from index.store import Store

CORPUS = SyntheticCorpus(400, seed=3)
ARTICLES = [CORPUS.article(i) for i in range(30)]
CHANGED = replace(ARTICLES[3], text=ARTICLES[3].text + "\n\nOne more paragraph was added later.")


def stored(path, batches, write_batch) -> tuple[list, list]:
    store = Store(path)
    splitters = Splitters(store)
    outcomes = []
    for batch, collection in batches:
        prepared = [prepare(article, splitters) for article in batch]
        with store.transaction() as db:
            outcomes += write_batch(db, store, prepared, collection)
    db = store.writer
    rows = [
        db.execute("SELECT id, collection_id, source, title, url, published, language, content_hash FROM articles"),
        db.execute("SELECT * FROM passages ORDER BY id"),
        db.execute("SELECT * FROM sentences ORDER BY id"),
        db.execute("SELECT * FROM pending_index ORDER BY article_id"),
    ]
    tables = [row for rows_ in rows for row in rows_.fetchall()]
    store.close()
    return tables, outcomes


def one_by_one(db, store, prepared, collection):
    return [write(db, store, item, collection) for item in prepared]


def test_a_batch_is_stored_as_one_article_after_another_would_be(tmp_path):
    batches = [
        (ARTICLES[:20], "global"),  # a bulk load: the batch's few statements
        (ARTICLES[10:25], "chat:1"),  # the same sources in another collection are other articles
        (ARTICLES[15:30], "global"),  # some stored already, unchanged: one by one
        ([ARTICLES[25], CHANGED, ARTICLES[25]], "global"),  # a replacement and a repeat within the batch
    ]
    together = stored(tmp_path / "together.sqlite3", batches, write_all)
    alone = stored(tmp_path / "alone.sqlite3", batches, one_by_one)
    assert together == alone
    assert [w.outcome for w in together[1][-3:]] == ["unchanged", "added", "unchanged"]
