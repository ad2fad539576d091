"""Python's cycle collector, held back while an add writes.

An add makes and drops millions of short-lived tuples (rows for SQLite, passages for the search index, what the
workers send back). None of them is part of a reference cycle, yet every 700 of them started a collection, and
every few hundred collections a full one that walks every object the process holds: at 200,000 passages a tenth
of the writing process's CPU. While any add runs, a collection starts only after BULK_THRESHOLD new objects
outlive their statement; the thresholds the process had come back when the last add ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = 50_000  # the default is 700; garbage in cycles waits at most this many objects (a few MB)

_lock = threading.Lock()
_adds_running = 0
_saved: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect cycles less often inside this block, or the function it decorates. Adds in several threads may
    overlap: the first one in raises the threshold and the last one out restores what the process had (its own
    setting, not the default)."""
    global _adds_running, _saved
    with _lock:
        if _adds_running == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(max(BULK_THRESHOLD, _saved[0]), *_saved[1:])
        _adds_running += 1
    try:
        yield
    finally:
        with _lock:
            _adds_running -= 1
            if _adds_running == 0:
                gc.set_threshold(*_saved)
