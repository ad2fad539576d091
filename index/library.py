"""The front door: a library of articles on disk that answers questions with sentences and their sources."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from . import background, lookup, wordnet
from .analysis import analyze
from .articles import read_articles, read_bytes, read_html
from .counts import ArticleCounts
from .errors import CitebotError, QuestionError
from .ingest import source_words
from .languages import detect_language
from .models import GLOBAL_COLLECTION, AddReport, Answer, Article, Feedback, Skipped, Source, Stats
from .query import day_number, parse_question
from .retrieve import Result, Scope, find_answers
from .search import Filters, PassageIndex
from .store import Store
from .writer import Progress, Writer

logger = logging.getLogger(__name__)


class Library:
    """Articles in a SQLite file, searchable through a BM25 index kept beside it (`<file>.tantivy`).
    Every method is thread-safe: questions are answered while another thread adds articles."""

    def __init__(self, store: Store, index: PassageIndex, workers: int = 1) -> None:
        self._store = store
        self._index = index
        self._counts = ArticleCounts()
        self._writer = Writer(store, index, on_change=self._counts.changed, workers=workers)

    @classmethod
    def open(cls, path: str | Path | None = None, *, workers: int = 1) -> Library:
        """Open (or create) the library at `path`; None or ":memory:" keeps it in memory.

        `workers` > 1 splits and analyses big adds (a thousand articles or more, in one add or in several since the
        library opened) in that many processes. They are started with multiprocessing's "spawn", which imports the
        program's main module again: a script that passes workers must keep its own work under
        `if __name__ == "__main__":`."""
        store = Store(path)
        index_path = None if store.in_memory else Path(f"{store.path}.tantivy")
        index, fresh = PassageIndex.open_or_reset(index_path)
        library = cls(store, index, workers)
        library._writer.repair(fresh)
        with store.reading() as db:
            languages = library._counts.languages(db)
        _warm(languages)
        return library

    # Adding and removing -----------------------------------------------------------------------------

    def add_path(
        self, path: str | Path, *, collection: str = GLOBAL_COLLECTION, progress: Progress | None = None
    ) -> AddReport:
        """Add a file or a folder (recursively). Bad files are skipped with a reason; the rest are added, read as
        they are needed: a folder of any size is never all in memory."""
        skipped: list[Skipped] = []

        def articles() -> Iterator[Article]:
            for item in read_articles(path):
                if isinstance(item, Skipped):
                    skipped.append(item)
                else:
                    yield item

        report = self.add_articles(articles(), collection=collection, progress=progress)
        return report + AddReport(skipped=tuple(skipped))

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
        """Add articles in batches; each batch is one transaction, so an article is all in or all out. `articles`
        may be any iterable, a generator included: it is read as the add goes, a few thousand articles ahead."""
        report = self._writer.add_articles(articles, collection, progress)
        if report.added:  # a language new to the library is warmed too (the counts are kept: no scan)
            with self._store.reading() as db:
                _warm(self._counts.languages(db))
        return report

    def remove(self, source: str, *, collection: str = GLOBAL_COLLECTION) -> bool:
        """Remove the article with this source (or link) from the collection; False if there is none."""
        return self._writer.remove(source, collection)

    def rebuild(self) -> int:
        """Rebuild the search index from the library file; returns the number of passages indexed."""
        return self._writer.rebuild()

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
        previous: str | None = None,
    ) -> Result:
        """Answer a question: up to k answers (none means "I don't know") with hints about its filters.
        `collections=None` searches every collection; `abstain=False` ranks sentences even when none is
        good enough to be an answer (for evaluation). `previous` is the conversation's last question and answer:
        a question that refers back to them ("When did he arrive?") looks for the names they give as well."""
        if not isinstance(question, str):
            raise QuestionError("a question must be text")
        parsed = parse_question(question, sources=tuple(sources), after=after, before=before)
        with self._store.reading() as db:
            language = self._question_language(db, parsed.text)
            terms = analyze(parsed.text, language)
            ids = None if collections is None else tuple(lookup.collection_ids(db, collections))
            if ids == ():
                return Result(hints=parsed.hints)
            required = tuple(t for phrase in parsed.phrases for t in analyze(phrase, language))
            filters = Filters(
                **self._collection_filter(db, ids),
                first_day=day_number(parsed.after) or None,
                last_day=day_number(parsed.before) or None,
                required_terms=required,
                source_words=tuple(words for name in parsed.sources if (words := source_words(name))),
            )
            scope = Scope(ids, filters)
            result = find_answers(db, self._index, parsed, language, terms, scope, k, abstain, previous)
            if (
                parsed.sources
                and not result.answers
                and not self._index.any_match(replace(filters, first_day=None, last_day=None, required_terms=()))
            ):
                names = ", ".join(parsed.sources)
                result = replace(result, hints=(*result.hints, f"no article matches source:{names}"))
            return result

    def _question_language(self, db, text: str) -> str:
        """The question's own language when the library has articles in it, else the library's main language:
        a short question is easily mistaken for another language, and its terms must meet the articles'."""
        languages = self._counts.languages(db)
        if len(languages) == 1:
            return languages[0]  # one language in the library: only its terms can match
        detected = detect_language(text)
        if detected in languages or not languages:
            return detected
        return languages[0]

    def _collection_filter(self, db, ids: tuple[int, ...] | None) -> dict[str, tuple[int, ...] | None]:
        """The Filters fields that limit a search to these collections: none when they are all there are; else
        the ones to leave out, when those hold fewer articles (a filter on a posting list of nine passages in
        ten costs more than the search itself at a million passages); else the ones to keep."""
        # Every collection in this question's own snapshot: one created since the sizes were counted must be left
        # out too, or a chat's articles could answer in another chat.
        sizes = self._counts.collection_sizes(db)
        if ids is None or set(sizes) <= set(ids):
            return {"collection_ids": None}
        excluded = tuple(sorted(set(sizes) - set(ids)))
        if sum(sizes[i] for i in excluded) < sum(sizes.get(i, 0) for i in ids):
            return {"collection_ids": None, "excluded_collection_ids": excluded}
        return {"collection_ids": ids}

    def ask(self, question: str, k: int = 3, **filters) -> list[Answer]:
        """The best k answers; an empty list means the library does not answer the question."""
        return list(self.query(question, k, **filters).answers)

    def context(self, sentence_id: int, radius: int = 3) -> Answer | None:
        """The sentence with up to `radius` sentences of its passage on each side; None if it is gone."""
        with self._store.reading() as db:
            row = lookup.sentence(db, sentence_id)
            if row is None:
                return None
            rows = lookup.sentences_and_articles(db, [row.passage_id])[0][row.passage_id]
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
        with self._store.transaction() as db:
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
        self._writer.close()
        self._store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _warm(languages: Sequence[str]) -> None:
    """Load what questions in these languages look up (word frequencies; WordNet's word lists for English) now,
    not during the first question: that took 50 ms when a library was opened empty and filled afterwards."""
    background.warm(languages)
    if "en" in languages and (lexicon := wordnet.installed()) is not None:
        lexicon.warm()
