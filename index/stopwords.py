"""Word lists kept in the repo (stopwords for terms, abbreviations for sentences), read from index/data."""

from __future__ import annotations

import functools
from importlib import resources

# Language-neutral analysis drops only these: a question whose language cannot be told is most often short
# English here, and none of them is a content word in another language written in Latin letters.
UNIVERSAL_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "did",
        "do",
        "does",
        "how",
        "is",
        "many",
        "much",
        "of",
        "or",
        "the",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
    }
)


@functools.cache
def word_list(kind: str, language: str) -> tuple[str, ...]:
    """The words of index/data/<kind>_<language>.txt (empty if there is none); lines starting with # are
    comments."""
    name = f"{kind}_{language}.txt"
    if not name.replace("_", "").replace(".", "").isalnum():
        # A language code is data from outside (a stored library, a detector): never a path.
        return ()
    path = resources.files("index").joinpath("data", name)
    if not path.is_file():
        return ()
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.extend(line.split())
    return tuple(words)
