"""Shared fixtures: the seed corpus and question sets in ../shared (required on CI and optional elsewhere), and a
trace of the SQL a library runs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

# PTB 22 warns on every RetryAfter unless periods are timedeltas, and warnings are errors here.
os.environ.setdefault("PTB_TIMEDELTA", "1")

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test on a user's clone, fails it on CI where it must exist."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing on CI, where the shared corpus and question sets must be present")
        pytest.skip(f"{path} is absent: the shared corpus and question sets come with the project's CI only")
    return path


@pytest.fixture
def corpus_dir() -> Path:
    return shared_path("corpus")


@pytest.fixture
def qa_dir() -> Path:
    return shared_path("qa")


@pytest.fixture(autouse=True)
def no_installed_wordnet(monkeypatch):
    """Answers must not depend on whether this machine has WordNet installed: tests that want synonyms give
    their own (tests/test_wordnet.py)."""
    import index.wordnet

    monkeypatch.setattr(index.wordnet, "installed", lambda: None)


@pytest.fixture
def statements(monkeypatch) -> list[str]:
    """Every SQL statement run by the connections opened from here on (the library's among them)."""
    ran: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(ran.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    return ran
