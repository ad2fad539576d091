"""Synonyms from Princeton WordNet's own files when they are installed (Debian: `apt-get install wordnet-base`),
read where they lie: an index file is searched by bisection and a synset read at its byte offset, so nothing
is loaded into memory and a missing WordNet costs nothing. Nothing is ever downloaded."""

from __future__ import annotations

import functools
import mmap
import re
from pathlib import Path

# Where packages put WordNet 3.0's dict files: Debian and Ubuntu, other Unix installs, Homebrew, the upstream
# default.
SEARCHED = (
    Path("/usr/share/wordnet"),
    Path("/usr/local/share/wordnet"),
    Path("/opt/homebrew/share/wordnet"),
    Path("/usr/local/WordNet-3.0/dict"),
)
PARTS_OF_SPEECH = ("noun", "verb", "adj", "adv")
SENSES = 1  # only a word's commonest sense in each part of speech: its rarer senses are mostly noise here
MAX_SYNONYMS = 8
# WordNet's own rules (morphy) for the base form of an inflected word, by part of speech.
DETACHMENTS = {
    "noun": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
             ("ies", "y")),
    "verb": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "adj": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "adv": (),
}  # fmt: skip
_MARKER = re.compile(r"\(\w+\)$")  # "big(a)": an adjective's position marker


class WordNet:
    """One installed WordNet: its dict folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @functools.lru_cache(maxsize=1 << 14)  # noqa: B019 (one instance lives as long as the process)
    def synonyms(self, word: str) -> tuple[str, ...]:
        """Single words sharing the commonest sense of `word` in each part of speech, the word itself left out:
        "purchased" → ("buy",). Empty for a word WordNet does not know."""
        word = word.lower()
        found: list[str] = []
        for pos in PARTS_OF_SPEECH:
            base = self._base_form(word, pos)
            if base is None:
                continue
            for offset in self._offsets(base, pos)[:SENSES]:
                found += [w for w in self._synset_words(pos, offset) if w != base and "_" not in w]
        return tuple(dict.fromkeys(w for w in found if w != word))[:MAX_SYNONYMS]

    def _base_form(self, word: str, pos: str) -> str | None:
        candidates = [self._exceptions(pos).get(word, word), word]
        candidates += [word[: -len(end)] + base for end, base in DETACHMENTS[pos] if word.endswith(end)]
        return next((c for c in candidates if c and self._offsets(c, pos)), None)

    def warm(self) -> None:
        """Read the lists of words and irregular forms now (a fifth of a second), not during the first questions."""
        for pos in PARTS_OF_SPEECH:
            self._lemmas(pos)
            self._exceptions(pos)

    def _offsets(self, lemma: str, pos: str) -> list[int]:
        if lemma not in self._lemmas(pos):
            return []  # most tries of a base form miss: a set says so without a search of the file
        line = _find_line(self._file(f"index.{pos}"), lemma.encode("utf-8"))
        if line is None:
            return []
        parts = line.split()
        pointer_count = int(parts[3])
        return [int(offset) for offset in parts[6 + pointer_count :]]

    def _synset_words(self, pos: str, offset: int) -> list[str]:
        data = self._file(f"data.{pos}")
        if not data or offset >= len(data):
            return []
        end = data.find(b"\n", offset)
        parts = data[offset : end if end >= 0 else len(data)].decode("utf-8", "replace").split()
        count = int(parts[3], 16)
        return [_MARKER.sub("", parts[4 + 2 * i]).lower() for i in range(count)]

    @functools.cache  # noqa: B019
    def _lemmas(self, pos: str) -> frozenset[str]:
        """Every word of a part of speech (about 150,000 in all, 10 MB): each index line starts with one; the
        licence lines at the top start with a space."""
        data = self._file(f"index.{pos}")
        if not data:
            return frozenset()
        # Line by line from the map, not one copy of the whole file. readline moves the map's position, which
        # nothing else uses (searches call find).
        data.seek(0)
        lines = iter(data.readline, b"")
        return frozenset(line.split(b" ", 1)[0].decode("utf-8", "replace") for line in lines if line[:1] != b" ")

    @functools.cache  # noqa: B019
    def _exceptions(self, pos: str) -> dict[str, str]:
        path = self.directory / f"{pos}.exc"
        if not path.is_file():
            return {}
        pairs = (line.split() for line in path.read_text(encoding="utf-8", errors="replace").splitlines())
        return {pair[0]: pair[1] for pair in pairs if len(pair) >= 2}

    @functools.cache  # noqa: B019
    def _file(self, name: str) -> bytes | mmap.mmap:
        path = self.directory / name
        if not path.is_file() or path.stat().st_size == 0:
            return b""
        with path.open("rb") as file:
            return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


@functools.cache
def installed() -> WordNet | None:
    """The WordNet installed on this machine, or None."""
    for directory in SEARCHED:
        if (directory / "index.verb").is_file() and (directory / "data.verb").is_file():
            return WordNet(directory)
    return None


def _find_line(data: bytes | mmap.mmap, key: bytes) -> bytes | None:
    """The line of a sorted WordNet index file that starts with `key` and a space. The licence lines at the
    top start with spaces, so they sort before every word."""
    low, high = 0, len(data)
    while low < high:
        middle = (low + high) // 2
        start = data.rfind(b"\n", 0, middle) + 1
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        line = data[start:end]
        word = line.split(b" ", 1)[0]
        if word == key:
            return line
        if word < key:
            low = end + 1
        else:
            high = start
    return None
