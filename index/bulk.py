"""The process's settings while an add writes: Python's cycle collector held back, and the GIL handed over sooner.

An add makes and drops millions of short-lived tuples (rows for SQLite, passages for the search index, what the
workers send back). None of them is part of a reference cycle, yet every 700 of them started a collection, and
every few hundred collections a full one that walks every object the process holds: at 200,000 passages a tenth
of the writing process's CPU. While any add runs, a collection starts only after BULK_THRESHOLD new objects
outlive their statement.

Questions are answered in other threads of the same process meanwhile. Each time a question's thread comes back
from SQLite or tantivy, which let go of the GIL, it waits for the add's thread to hand it over, and Python makes a
busy thread do so only every switch interval (5 ms by default). A question makes dozens of such calls: at a million
passages, with the interval at 1 ms, the p99 of questions asked during an ingest went from 27-48 to 19-34 ms in
eight alternating pairs (lower in each), the ingest taking as long.

The settings the process had come back when the last add ends.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 50_000  # the default is 700; garbage in cycles waits at most this many objects (a few MB)
BULK_SWITCH_INTERVAL = 0.001  # seconds

_lock = threading.Lock()
_adds_running = 0
_saved: tuple[tuple[int, ...], float] = ((), 0.0)


@contextmanager
def bulk_settings() -> Iterator[None]:
    """The settings above inside this block, or the function it decorates. Adds in several threads may overlap:
    the first one in changes them and the last one out restores what the process had (its own settings, not the
    defaults)."""
    global _adds_running, _saved
    with _lock:
        if _adds_running == 0:
            _saved = gc.get_threshold(), sys.getswitchinterval()
            gc.set_threshold(max(BULK_THRESHOLD, _saved[0][0]), *_saved[0][1:])
            sys.setswitchinterval(min(BULK_SWITCH_INTERVAL, _saved[1]))
        _adds_running += 1
    try:
        yield
    finally:
        with _lock:
            _adds_running -= 1
            if _adds_running == 0:
                gc.set_threshold(*_saved[0])
                sys.setswitchinterval(_saved[1])
