"""An add reads its articles as it goes: a generator or a folder of any size is never all in memory, and what was
added before a failure stays stored and searchable."""

from __future__ import annotations

import gc
import sqlite3
import sys
import threading

import pytest

import index.bulk
import index.writer
from bench.synthetic import SyntheticCorpus
from index import Library

CORPUS = SyntheticCorpus(1_000, seed=11)
BATCH = 10


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(index.writer, "BATCH_ARTICLES", BATCH)


def stored_articles(path) -> int:
    with sqlite3.connect(path) as db:  # as another process sees the file: committed articles only
        return db.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_a_generator_is_read_as_the_add_goes_not_before_it(tmp_path, small_batches):
    path = tmp_path / "library.sqlite3"
    stored_when_asked: list[tuple[int, int]] = []

    def articles():
        for i in range(60):
            stored_when_asked.append((i, stored_articles(path)))
            yield CORPUS.article(i)

    with Library.open(path) as library:
        report = library.add_articles(articles())
        assert len(report.added) == 60
        question = CORPUS.questions(4)[0]
        assert question.source in [s.source for a in library.ask(question.text, 5) for s in a.sources]
    # Article i is asked for once the batches well before it are committed: a few batches are held, not all.
    assert all(stored >= i - 3 * BATCH for i, stored in stored_when_asked)
    assert stored_when_asked[-1][1] >= 40


def test_a_stream_that_fails_keeps_what_came_before_it_searchable(tmp_path, small_batches):
    def articles():
        yield from (CORPUS.article(i) for i in range(35))
        raise OSError("the archive's disk went away")

    with Library.open(tmp_path / "library.sqlite3") as library:
        with pytest.raises(OSError, match="went away"):
            library.add_articles(articles())
        stats = library.stats()
        assert 20 <= stats.articles < 35  # whole batches, each all in or all out
        first = CORPUS.article(0)
        sentence = first.text.split("\n\n")[0].split(". ")[0] + "."
        assert first.source in [s.source for a in library.ask(sentence, 3) for s in a.sources]
        assert library._index.num_docs == stats.passages  # the search index is in step with the file
    with Library.open(tmp_path / "library.sqlite3") as library:
        assert library.stats().articles == stats.articles  # and so is the file after a restart


def test_a_folder_is_added_as_it_is_read_with_its_bad_files_reported(tmp_path, small_batches):
    folder = tmp_path / "archive"
    folder.mkdir()
    for i in range(35):
        article = CORPUS.article(i)
        (folder / f"{i:03d}.md").write_text(f"# {article.title}\n\n{article.text}\n", encoding="utf-8")
    (folder / "broken.md").write_bytes(b"caf\xe9 \x00\x01 not text")
    reported: list[tuple[int, int | None]] = []
    with Library.open(tmp_path / "library.sqlite3") as library:
        report = library.add_path(folder, progress=lambda done, total: reported.append((done, total)))
        assert len(report.added) == 35
        assert [skipped.name for skipped in report.skipped] == ["broken.md"]
        again = library.add_path(folder)
        assert len(again.unchanged) == 35 and not again.added
    # Progress comes batch by batch; the total is unknown while the folder is still being read.
    assert [done for done, _ in reported] == [10, 20, 30, 35]
    assert {total for _, total in reported} == {None}


def settings() -> tuple[int, float]:
    """What bulk.py changes while an add runs: the collector's first threshold and the GIL's switch interval."""
    return gc.get_threshold()[0], sys.getswitchinterval()


BULK = (index.bulk.BULK_THRESHOLD, index.bulk.BULK_SWITCH_INTERVAL)


def test_an_add_collects_cycles_less_often_hands_the_gil_over_sooner_and_gives_the_settings_back(tmp_path):
    seen_during: list[tuple[int, float]] = []

    def articles(count: int, fail: bool = False):
        for i in range(count):
            seen_during.append(settings())
            yield CORPUS.article(i)
        if fail:
            raise OSError("the archive's disk went away")

    own = (900, 11, 12), 0.004  # the process's own settings, not the defaults, must come back
    before = gc.get_threshold(), sys.getswitchinterval()
    gc.set_threshold(*own[0])
    sys.setswitchinterval(own[1])
    try:
        with Library.open(tmp_path / "library.sqlite3") as library:
            library.add_articles(articles(5))
            assert settings() == (900, 0.004)
            with pytest.raises(OSError):
                library.add_articles(articles(3, fail=True), collection="chat:1")
            assert settings() == (900, 0.004)
    finally:
        gc.set_threshold(*before[0])
        sys.setswitchinterval(before[1])
    assert set(seen_during) == {BULK}


def test_overlapping_adds_in_threads_give_the_setting_back_once_the_last_ends(tmp_path):
    """The first add ends while the second runs: the second keeps the bulk settings, and its end restores the
    process's own."""
    before = settings()
    first_reporting, second_reporting, first_done = threading.Event(), threading.Event(), threading.Event()
    during_second: list[tuple[int, float]] = []

    def first_progress(done: int, total: int | None) -> None:
        first_reporting.set()
        second_reporting.wait(30)

    def second_progress(done: int, total: int | None) -> None:
        second_reporting.set()
        if first_done.wait(30):
            during_second.append(settings())

    with Library.open(tmp_path / "library.sqlite3") as library:
        adds = [
            threading.Thread(target=library.add_articles, args=([CORPUS.article(i)],), kwargs={"progress": progress})
            for i, progress in enumerate([first_progress, second_progress])
        ]
        adds[0].start()
        assert first_reporting.wait(30)
        adds[1].start()
        adds[0].join(30)
        first_done.set()
        adds[1].join(30)
        assert library.stats(None).articles == 2
    assert during_second == [BULK]
    assert settings() == before
