"""The CPU-bound half of a big add (language, sentences, terms) in worker processes, on every core, while this
process writes to the store and the search index."""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from nltk.tokenize.punkt import PunktParameters

from .ingest import PreparedArticle, Splitters, prepare
from .models import Article
from .punkt import FrozenSplitter

logger = logging.getLogger(__name__)

# Fewer are prepared here, unless the workers are running already or the adds since the library opened have
# reached as many (a bulk load fed in smaller adds): starting them costs about a second, what a thousand
# articles take to prepare on one core.
MIN_PARALLEL_ARTICLES = 1_000
CHUNK_ARTICLES = 25  # articles sent to a worker at a time
# Chunks in flight: enough to keep every worker busy while this process writes what came back (a few hundred
# articles at a time), few enough to bound memory.
CHUNKS_AHEAD = 16


class PreparePool:
    """Prepares articles in worker processes when a language's sentence splitter has stopped learning (after
    its first megabyte of text, see punkt.MAX_TRAINING_CHARS): from then on a worker given what it learned
    splits exactly as this process would. Articles in a language still learning are prepared here, in order."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._languages: frozenset[str] = frozenset()
        self._learned_file: str | None = None  # what Punkt learned, for the workers (see _learned_for_workers)
        self._lock = threading.Lock()
        self._articles_seen = 0  # in every add so far

    def prepare_all(self, articles: Iterable[Article], splitters: Splitters) -> Iterator[PreparedArticle]:
        """Every article prepared, in the order given; taken from `articles` as they are needed, so a stream of
        any length is held a few hundred articles at a time."""
        articles = iter(articles)
        if self._workers < 2:
            for article in articles:
                yield prepare(article, splitters)
            return
        while not splitters.frozen_parameters():  # here, in order, until some language's splitter stops learning
            article = next(articles, None)
            if article is None:
                return
            self._articles_seen += 1
            yield prepare(article, splitters)
        params = splitters.frozen_parameters()
        # Enough of the rest read ahead to tell a big add from a small one.
        head = list(itertools.islice(articles, MIN_PARALLEL_ARTICLES))
        self._articles_seen += len(head)
        rest = itertools.chain(head, articles)
        started = self._executor is not None and frozenset(params) == self._languages
        big = self._articles_seen >= MIN_PARALLEL_ARTICLES
        if not (started or big):
            for article in rest:
                yield prepare(article, splitters)
            return
        executor = self._executor_for(params)
        chunks = iter(lambda: list(itertools.islice(rest, CHUNK_ARTICLES)), [])
        pending: collections.deque[tuple[Sequence[Article], Future]] = collections.deque()

        def submit() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                # Pickled here and unpickled where they are used: left to the executor, that happens in its own
                # thread, which takes the GIL from this one at every SQLite row it writes (a convoy).
                pending.append((chunk, executor.submit(_prepare_chunk, pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL))))

        for _ in range(CHUNKS_AHEAD):
            submit()
        while pending:
            chunk, future = pending.popleft()
            submit()
            try:
                data = future.result()
            except BrokenProcessPool:  # a worker was killed (out of memory?): this process carries on alone
                logger.warning("a worker process died; preparing the rest of the articles here")
                self.close()
                data = None
                executor = _Serial()
            results = [None] * len(chunk) if data is None else pickle.loads(data)
            for article, prepared in zip(chunk, results, strict=True):
                yield PreparedArticle(article, *prepared) if prepared is not None else prepare(article, splitters)

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None
            self._forget_learned()

    def _executor_for(self, params: dict[str, PunktParameters]) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or frozenset(params) != self._languages:
                if self._executor is not None:
                    self._executor.shutdown(wait=True)
                self._forget_learned()
                # Spawned, not forked: this process runs threads (the bot, the index writer's).
                self._executor = ProcessPoolExecutor(
                    self._workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(self._learned_for_workers(params),),
                )
                self._languages = frozenset(params)
            return self._executor

    def _learned_for_workers(self, params: dict[str, PunktParameters]) -> str | dict[str, PunktParameters]:
        """What Punkt learned, as the workers are given it: in a file when one can be written. As an argument,
        it (a few hundred kB) would be written down the pipe a starting worker reads, and were that worker to die
        before reading it all (killed as it starts, a script without a __main__ guard), this process would wait
        forever to finish writing."""
        try:
            with tempfile.NamedTemporaryFile("wb", prefix="citebot-punkt-", delete=False) as learned:
                self._learned_file = learned.name
                pickle.dump(params, learned, pickle.HIGHEST_PROTOCOL)
            return learned.name
        except OSError as error:
            logger.warning("cannot write a temporary file (%s); the workers are given Punkt's parameters", error)
            self._forget_learned()
            return params

    def _forget_learned(self) -> None:
        if self._learned_file is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._learned_file)
            self._learned_file = None


class _Serial:
    """Stands in for the executor after a worker died: every chunk comes back unprepared."""

    def submit(self, function, chunk: bytes) -> Future:
        future: Future = Future()
        future.set_result(None)
        return future


# In a worker process ----------------------------------------------------------------------------------------

_frozen: dict[str, FrozenSplitter] = {}


class _NotFrozen(Exception):
    pass


class _FrozenSplitters:
    def get(self, language: str) -> FrozenSplitter:
        splitter = _frozen.get(language)
        if splitter is None:
            raise _NotFrozen(language)
        return splitter


def _start_worker(learned: str | dict[str, PunktParameters]) -> None:
    """`learned`: what Punkt learned, by language, or the file it was pickled to."""
    if isinstance(learned, str):
        with open(learned, "rb") as file:
            learned = pickle.load(file)
    _frozen.update({language: FrozenSplitter(p) for language, p in learned.items()})


def _prepare_chunk(chunk: bytes) -> bytes:
    """Each article of the pickled chunk prepared, without the article itself (the parent has it: sending its text
    back would double what crosses between the processes), or None where its language's splitter is still
    learning (the parent does it); pickled."""
    results: list[tuple | None] = []
    for article in pickle.loads(chunk):
        try:
            prepared = prepare(article, _FrozenSplitters())  # type: ignore[arg-type]
        except _NotFrozen:
            results.append(None)
            continue
        results.append((prepared.language, prepared.content_hash, prepared.passages))
    return pickle.dumps(results, pickle.HIGHEST_PROTOCOL)
