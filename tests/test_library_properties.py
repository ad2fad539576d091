"""Library properties (hypothesis): any sequence of add, remove and ask keeps the store consistent."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from index import GLOBAL_COLLECTION, Library
from index.counts import ArticleCounts

TOWNS = ("Arlow", "Bexby", "Corran", "Dunlin")
THINGS = ("bridge", "mill", "tower", "harbour wall")
SOURCES = ("a.md", "b.md", "c.txt", "d.txt")  # few names, so adds often replace and removes often hit
COLLECTIONS = (GLOBAL_COLLECTION, "chat:-100")

fact = st.builds(
    "The {} in {} is {} metres tall.".format, st.sampled_from(THINGS), st.sampled_from(TOWNS), st.integers(1, 99)
)
article_text = st.lists(fact, min_size=1, max_size=4).map(" ".join)
question = st.builds("How tall is the {} in {}?".format, st.sampled_from(THINGS), st.sampled_from(TOWNS)) | st.text(
    max_size=40
)
key = st.tuples(st.sampled_from(COLLECTIONS), st.sampled_from(SOURCES))
operation = st.one_of(
    st.tuples(st.just("add"), key, article_text),
    st.tuples(st.just("readd"), key, st.none()),  # the same text again, when there is one
    st.tuples(st.just("remove"), key, st.none()),
    st.tuples(st.just("ask"), st.sampled_from(COLLECTIONS), question),
)


@dataclass
class Stored:
    """What the test believes one article put into the library."""

    text: str
    sentences: int
    passages: int


def check_counts(library: Library, model: dict[tuple[str, str], Stored]) -> None:
    """Articles, passages and sentences: overall and per collection, what was added minus what was removed."""
    for collections in (None, *((c,) for c in COLLECTIONS)):
        kept = [v for (c, _), v in model.items() if collections is None or c in collections]
        stats = library.stats(collections)
        assert (stats.articles, stats.passages, stats.sentences) == (
            len(kept),
            sum(v.passages for v in kept),
            sum(v.sentences for v in kept),
        )
    listed = {(s.collection, s.source) for s in library.sources(None, limit=100)}
    assert listed == set(model)
    with library._store.reading() as db:  # what questions go by, kept in step by the writes: as counted afresh
        counted = ArticleCounts()
        assert library._counts.languages(db) == counted.languages(db)
        assert library._counts.collection_sizes(db) == counted.collection_sizes(db)


def add(library: Library, model: dict[tuple[str, str], Stored], where: tuple[str, str], text: str) -> None:
    collection, source = where
    before = library.stats()
    report = library.add_text(text, title=source.split(".")[0], source=source, collection=collection)
    old = model.get(where)
    if old is not None and old.text == text:
        assert [(s.collection, s.source) for s in report.unchanged] == [where]
        assert report.added == () and library.stats() == before
        return
    assert [(s.collection, s.source) for s in report.added] == [where]
    added_passages = library.stats().passages - before.passages + (old.passages if old else 0)
    model[where] = Stored(text, report.sentences, added_passages)


def ask(library: Library, model: dict[tuple[str, str], Stored], collection: str, text: str) -> None:
    for answer in library.ask(text, 5, collections=(collection,)):
        cited = [(s.collection, s.source) for s in answer.sources]
        assert cited and all(where in model for where in cited), "an answer cites a removed or unknown article"
        assert all(c == collection for c, _ in cited), "an answer came from a collection not searched"
        assert any(answer.sentence in model[where].text for where in cited), "the quote is not verbatim"


@settings(max_examples=50, deadline=None)  # deadline off: no timing asserts, and the first example loads models
@given(st.lists(operation, max_size=20))
def test_any_sequence_of_add_remove_and_ask_keeps_the_library_consistent(operations):
    model: dict[tuple[str, str], Stored] = {}
    with Library.open(":memory:") as library:
        for kind, target, value in operations:
            if kind == "add":
                add(library, model, target, value)
            elif kind == "readd" and target in model:
                add(library, model, target, model[target].text)
            elif kind == "remove":
                assert library.remove(target[1], collection=target[0]) is (target in model)
                model.pop(target, None)
            elif kind == "ask":
                ask(library, model, target, value)
            check_counts(library, model)


@settings(max_examples=30, deadline=None)
@given(st.lists(article_text, min_size=2, max_size=4, unique=True), st.data())
def test_a_removed_article_is_never_an_answer_again(texts, data):
    with Library.open(":memory:") as library:
        for n, text in enumerate(texts):
            library.add_text(text, title=f"Article {n}", source=f"{n}.md")
        gone = data.draw(st.integers(0, len(texts) - 1), label="removed")
        assert library.remove(f"{gone}.md")
        for sentence in texts[gone].split(". "):
            for answer in library.ask(sentence, 5):
                assert f"{gone}.md" not in [s.source for s in answer.sources]
        assert library.stats().articles == len(texts) - 1
