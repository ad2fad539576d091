"""The library survives what hosts do to it: kill -9 mid-ingest, a truncated or damaged file, a full disk."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index import CitebotError, Library, LibraryFileError

REPO = Path(__file__).resolve().parents[1]
ARTICLES = 1_000


def article_text(number: int) -> str:
    # Each article has one word of its own ("tokenN...") so a question finds exactly that article.
    word = "token" + "".join("abcdefghij"[int(d)] for d in str(number))
    return (
        f"Report {number} describes the {word} warehouse near the river.\n\n"
        f"The {word} warehouse stores grain for the winter. Workers unload {number} sacks a day."
    )


INGEST = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(REPO)!r})
    import index.writer
    from index import Library
    from index.models import Article
    index.writer.BATCH_ARTICLES = 200  # so the ingest is killed between batches
    from tests.test_library_crashes import article_text
    articles = [Article(f"Report {{n}}", f"report-{{n}}", article_text(n)) for n in range({ARTICLES})]
    with Library.open(sys.argv[1]) as library:
        library.add_articles(articles, progress=lambda done, total: print(done, flush=True))
    print("finished", flush=True)
""")


def test_kill_during_ingest_leaves_whole_articles_and_a_second_ingest_completes(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with subprocess.Popen([sys.executable, "-c", INGEST, str(path)], stdout=subprocess.PIPE, text=True) as process:
        first_batch = process.stdout.readline()
        assert first_batch.strip().isdigit(), first_batch
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    with Library.open(path) as library:
        present = {s.source for s in library.sources(limit=ARTICLES)}
        assert 0 < len(present) < ARTICLES
        stats = library.stats()
        assert (stats.passages, stats.sentences) == (2 * len(present), 3 * len(present))
        for number in (0, 150, 999):
            word = "token" + "".join("abcdefghij"[int(d)] for d in str(number))
            answers = library.ask(f"What does the {word} warehouse store?")
            found = any(source.source == f"report-{number}" for a in answers for source in a.sources)
            assert found == (f"report-{number}" in present)

    completed = subprocess.run([sys.executable, "-c", INGEST, str(path)], capture_output=True, text=True, timeout=300)
    assert completed.stdout.strip().endswith("finished"), completed.stderr
    with Library.open(path) as library:
        assert library.stats().articles == ARTICLES
        assert library.ask("What does the tokenjjj warehouse store?")[0].sources[0].source == "report-999"


def test_truncated_library_file_is_refused_and_the_copy_kept_intact(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as library:
        library.add_articles([])
        for n in range(200):
            library.add_text(article_text(n), title=f"Report {n}", source=f"report-{n}")
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(path, backup)
    size = path.stat().st_size
    with open(path, "r+b") as file:
        file.truncate(size // 3)
    with pytest.raises(LibraryFileError, match="rebuild"):
        Library.open(path)
    with Library.open(backup) as library:
        assert library.stats().articles == 200


def test_full_disk_during_a_write_changes_nothing(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as library:
        library.add_text(article_text(1), title="Report 1", source="report-1")
        before = library.stats()
        # SQLite answers "database or disk is full" once the file may not grow: a full disk, for real.
        pages = library._store.writer.execute("PRAGMA page_count").fetchone()[0]
        library._store.writer.execute(f"PRAGMA max_page_count = {pages + 1}")
        big = "\n\n".join(f"Paragraph {n} about the {n} granary and its many sacks of grain." for n in range(3_000))
        with pytest.raises(CitebotError, match="disk is full"):
            library.add_text(big, title="Big", source="big")
        assert library.stats() == before
        assert library.ask("What does the tokenb warehouse store?")
    with Library.open(path) as reopened:
        assert reopened.stats() == before


def test_library_file_that_is_a_folder_gives_a_clear_error(tmp_path):
    (tmp_path / "lib.sqlite3").mkdir()
    with pytest.raises(LibraryFileError):
        Library.open(tmp_path / "lib.sqlite3")


CRASH = textwrap.dedent(f"""
    import os, sys
    sys.path.insert(0, {str(REPO)!r})
    from index import Library
    library = Library.open(sys.argv[1])
    library.add_text("The ferry to the island leaves at nine.", title="Ferry", source="ferry")
    os._exit(0)  # as a kill -9: nothing is closed
""")


def test_a_library_closed_cleanly_is_not_read_through_again_on_open(tmp_path, statements):
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as library:
        library.add_text(article_text(1), title="Report 1", source="report-1")
    statements.clear()
    with Library.open(path) as library:
        assert library.ask("What does the tokenb warehouse store?")
    assert not any("quick_check" in s for s in statements)
    statements.clear()
    with Library.open(path):  # closed cleanly again, though it was only read
        pass
    assert not any("quick_check" in s for s in statements)


def test_a_library_not_closed_cleanly_or_changed_since_is_checked_in_full(tmp_path, statements):
    path = tmp_path / "lib.sqlite3"
    completed = subprocess.run([sys.executable, "-c", CRASH, str(path)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    statements.clear()
    with Library.open(path) as library:  # after a crash
        assert library.ask("When does the ferry leave?")
    assert any("quick_check" in s for s in statements)
    for change in (lambda: os.utime(path, ns=(0, 0)), lambda: Path(f"{path}.clean").unlink()):
        change()  # written by something else since, or the record lost (a copy of the file)
        statements.clear()
        with Library.open(path):
            pass
        assert any("quick_check" in s for s in statements)


def test_a_library_damaged_after_a_clean_close_is_refused(tmp_path):
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as library:
        for n in range(200):
            library.add_text(article_text(n), title=f"Report {n}", source=f"report-{n}")
    size = path.stat().st_size
    with open(path, "r+b") as file:  # the same size: pages overwritten in place, as a bad copy or disk would
        file.seek(size // 2)
        file.write(bytes(range(256)) * ((size - size // 2) // 256))
    with pytest.raises(LibraryFileError, match="corrupt"):
        Library.open(path)
