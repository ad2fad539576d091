"""The library's errors, one tree so callers can catch them together.

CitebotError
├── ArticleError       a file or text that cannot be read as an article (carries the name)
├── LibraryFileError   a library file that is not ours, corrupt, or from a newer version (carries the path)
└── QuestionError      a question that cannot be asked at all (carries the reason)
"""

from __future__ import annotations


class CitebotError(Exception):
    """Base of every error the library raises on purpose."""


class ArticleError(CitebotError):
    """A file or text that cannot be read as an article."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class LibraryFileError(CitebotError):
    """A library file that cannot be opened; the message says how to rebuild."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QuestionError(CitebotError):
    """A question that cannot be asked (for example, a filter that is malformed beyond a hint)."""
