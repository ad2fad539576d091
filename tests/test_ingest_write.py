"""A batch of prepared articles is stored exactly as writing them one after another would store it, ids included;
what cannot be stored as text is left out, and nothing else."""

from __future__ import annotations

from dataclasses import replace

from bench.synthetic import SyntheticCorpus
from index import Library
from index.ingest import Splitters, prepare, write, write_all
from index.models import Article
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


def test_nul_and_lone_surrogates_are_left_out_of_what_is_stored_and_other_text_is_kept_as_given(tmp_path):
    library = Library.open(tmp_path / "library.sqlite3")
    damaged = Article(
        title="Harbour\x00 notes\ud83d",
        source="harbour\udc00.txt",
        text="The old harbour lighthouse was built\x00 in 1871 by\ud800 the port authority.",
        url="https://example.org/harbour\x00",
    )
    kept = Article(
        title="Café “Zur Mühle”",
        source="mühle.txt",
        text="The mill café on the river serves “Kaffee und Kuchen” every Sunday — и по-русски тоже.",
    )
    report = library.add_articles([damaged, kept])
    assert len(report.added) == 2

    [answer] = library.ask("Who built the harbour lighthouse?", k=1)
    assert answer.sentence == "The old harbour lighthouse was built in 1871 by the port authority."
    assert [(s.title, s.source, s.url) for s in answer.sources] == [
        ("Harbour notes", "harbour.txt", "https://example.org/harbour")
    ]
    [answer] = library.ask("What does the mill café serve on Sunday?", k=1)
    assert answer.sentence == kept.text
    assert [(s.title, s.source) for s in answer.sources] == [(kept.title, kept.source)]
    library.close()
