"""Big adds split and analysed in worker processes: the same library as one process makes, through the front door."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import index.punkt
import index.workers
from bench.synthetic import SyntheticCorpus
from index import Library

ARTICLES = 120
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def small_thresholds(monkeypatch):
    # Punkt stops learning after 20,000 characters (a few articles) and 20 articles make a big add, so a
    # hundred articles are enough to go through the workers. The workers themselves are given what was learned.
    monkeypatch.setattr(index.punkt, "MAX_TRAINING_CHARS", 20_000)
    monkeypatch.setattr(index.workers, "MIN_PARALLEL_ARTICLES", 20)


def build(path, workers: int, streamed: bool = False) -> list[tuple]:
    corpus = SyntheticCorpus(ARTICLES * 10, seed=7)
    with Library.open(path, workers=workers) as library:
        articles = (corpus.article(i) for i in range(ARTICLES))  # a generator: read as the add goes
        report = library.add_articles(articles if streamed else list(articles))
        assert len(report.added) == ARTICLES
        question = corpus.questions(1)[0].text
        found = [(a.sentence, a.score) for a in library.query(question, 5, abstain=False).answers]
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT a.source, p.position, s.position, s.text, s.terms FROM sentences s"
            " JOIN passages p ON p.id = s.passage_id JOIN articles a ON a.id = p.article_id ORDER BY s.id"
        ).fetchall()
    return [*rows, *found]


@pytest.fixture
def started(monkeypatch) -> list[list[str]]:
    """The languages each start of the worker processes was given what Punkt learned of, in order."""
    starts: list[list[str]] = []
    start = index.workers.PreparePool._executor_for
    monkeypatch.setattr(
        index.workers.PreparePool,
        "_executor_for",
        lambda pool, params: starts.append(sorted(params)) or start(pool, params),
    )
    return starts


def test_workers_split_and_analyse_exactly_as_one_process_does(tmp_path, small_thresholds, started):
    alone = build(tmp_path / "alone.sqlite3", workers=1)
    assert not started
    together = build(tmp_path / "together.sqlite3", workers=2)
    assert started == [["en"]]  # the workers ran, with what Punkt learned of English
    assert together == alone


def test_a_stream_through_the_workers_makes_the_library_a_list_makes_in_one_process(
    tmp_path, small_thresholds, started
):
    alone = build(tmp_path / "alone.sqlite3", workers=1)
    streamed = build(tmp_path / "streamed.sqlite3", workers=2, streamed=True)
    assert started == [["en"]]
    assert streamed == alone


def test_a_worker_that_dies_leaves_the_rest_to_this_process(tmp_path, small_thresholds, monkeypatch, caplog):
    alone = build(tmp_path / "alone.sqlite3", workers=1)
    monkeypatch.setattr(index.workers, "_prepare_chunk", _die)
    assert build(tmp_path / "library.sqlite3", workers=2) == alone
    assert "a worker process died" in caplog.text


def _die(chunk):
    import os

    os._exit(3)  # as an out-of-memory kill would end it


def test_without_a_writable_temporary_folder_the_workers_are_given_what_punkt_learned_directly(
    tmp_path, small_thresholds, started, monkeypatch, caplog
):
    alone = build(tmp_path / "alone.sqlite3", workers=1)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "missing"))  # as a read-only /tmp would refuse it
    assert build(tmp_path / "library.sqlite3", workers=2) == alone
    assert started == [["en"]]
    assert "cannot write a temporary file" in caplog.text
    assert "a worker process died" not in caplog.text  # the workers prepared the articles, not this process


def test_a_bulk_load_fed_in_small_adds_starts_the_workers(tmp_path, small_thresholds, started):
    # As a big folder added a few articles at a time, or the speed bench's chunks split by collection.
    corpus = SyntheticCorpus(ARTICLES * 10, seed=7)
    with Library.open(tmp_path / "library.sqlite3", workers=2) as library:
        for first in range(0, ARTICLES, 10):
            library.add_articles([corpus.article(i) for i in range(first, first + 10)])
    assert started and all(params == ["en"] for params in started)  # the workers ran, not only this process


# A worker that dies while it starts, before it has read all its parent sends it: what Punkt learned (a few hundred
# kB) must not be part of that, or the parent waits forever to finish writing it (the pipe's reading end is its own
# until then). Run as a user's script runs, because a spawned worker starts by importing the script again.
DIES_WHILE_STARTING = """
import logging, os, sys

if __name__ == "__mp_main__":
    os._exit(3)  # as an out-of-memory kill of a worker that is starting would end it

import index.workers
from bench.synthetic import SyntheticCorpus
from index import Library

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    index.workers.MIN_PARALLEL_ARTICLES = 20
    corpus = SyntheticCorpus(4_000, seed=7)
    with Library.open(sys.argv[1], workers=2) as library:
        report = library.add_articles(corpus.article(i) for i in range(400))
        question = corpus.questions(1)[0]
        answers = library.query(question.text, 3, abstain=False).answers
        print(len(report.added), question.source in {s.source for a in answers for s in a.sources})
"""


def test_a_worker_that_dies_while_starting_leaves_the_add_to_this_process(tmp_path):
    script = tmp_path / "add_articles.py"
    script.write_text(DIES_WHILE_STARTING)
    scratch = tmp_path / "tmp"  # where the script's temporary files go: none may be left
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(scratch)}
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "library.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["400", "True"]
    assert "a worker process died" in done.stderr
    assert not list(scratch.iterdir())
