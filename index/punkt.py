"""Passage → sentences: Punkt trained on the library's own text, with abbreviation lists kept in the repo."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import nltk.data
from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktTrainer,
    load_punkt_params,
)

from .stopwords import word_list

logger = logging.getLogger(__name__)

MAX_TRAINING_CHARS = 1_000_000  # PunktTrainer reads about 1 MB/s: more text would slow ingest, not help it
PUNKT_MODELS = {
    "en": "english",
    "ru": "russian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
}
# Capitalised words that start sentences even after an abbreviation ("... in the U.S. The president"),
# known before any training: Punkt learns more of them from the text it reads.
SENTENCE_STARTERS = {
    "en": "the he she it they we i but in a this that there his her their its on at as after for meanwhile "
    "however according since about over",
    "de": "der die das er sie es wir ich aber in im am auch doch dies diese dieser nach seit",
    "fr": "le la les il elle ils elles nous on mais en dans ce cette selon depuis",
    "es": "el la los las él ella ellos pero en este esta según desde",
    "it": "il la lo le gli lui lei loro ma in nel questo questa secondo",
    "pt": "o os as ele ela eles mas em no na este esta segundo",
    "ru": "он она они мы я но в на это по с",
}
# German writes ordinals with a period: "am 3. Oktober" is one sentence.
_GERMAN_MONTHS = "januar februar märz april mai juni juli august september oktober november dezember"
COLLOCATIONS = {"de": frozenset(("##number##", month) for month in _GERMAN_MONTHS.split())}


class _LanguageVars(PunktLanguageVars):
    """Punkt's defaults, with the ellipsis character ending sentences as "..." does."""

    sent_end_chars = (".", "?", "!", "…")


_LANGUAGE_VARS = _LanguageVars()
# Blank lines always end a sentence; so do Chinese and Japanese full stops, which need no space after them.
_HARD_BREAK_RE = re.compile(r"\n[^\S\n]*\n\s*|[。！？．][。！？．!?]*[」』”’）〕】》〉]*")
_FIRST_LETTER_RE = re.compile(r"[\s\"'“‘«(\[¿¡-]*(\w)")


class SentenceSplitter:
    """Splits passages into sentences quoted verbatim. Punkt's parameters come from nltk's punkt_tab model
    when one is installed, from what learn() read, and from the abbreviation lists in index/data.
    Not thread-safe: learn and split from one thread at a time."""

    def __init__(self, language: str = "en", abbreviations: Iterable[str] = ()) -> None:
        self.language = language
        self._given = frozenset(filter(None, (a.strip().lower().rstrip(".") for a in abbreviations)))
        self._builtin = frozenset(word_list("abbreviations", language) or word_list("abbreviations", "en"))
        self._pretrained = _pretrained(language)
        self._trainer = PunktTrainer(lang_vars=_LANGUAGE_VARS)
        self._trainer.get_params().abbrev_types.update(self._builtin | self._given)
        self._trained_chars = 0
        self._pending_chars = 0
        self._seen_lines: set[int] = set()
        self._tokenizer = self._build()

    def learn(self, text: str) -> None:
        """Train Punkt further on more of the library's text; lines already read are skipped (a repeated
        line makes Punkt take the word before its period for an abbreviation), and reading stops for good
        after MAX_TRAINING_CHARS."""
        room = MAX_TRAINING_CHARS - self._trained_chars
        if room <= 0:
            return
        lines: list[str] = []
        for line in text.splitlines():
            key = hash(line.strip())
            if not line.strip() or key in self._seen_lines:
                continue
            if len(line) + 1 > room:
                break
            self._seen_lines.add(key)
            lines.append(line)
            room -= len(line) + 1
        if lines:
            learned = "\n".join(lines)
            self._trainer.train(learned, finalize=False)
            self._trained_chars += len(learned) + 1
            self._pending_chars += len(learned) + 1

    def learned_abbreviations(self) -> frozenset[str]:
        """Abbreviations learned or given, beyond the built-in list: what a library stores to split the same
        way after a restart, through SentenceSplitter(language, abbreviations=...)."""
        return (self._learned() | self._given) - self._builtin

    def split(self, passage: str) -> list[str]:
        """The passage's sentences, each an exact substring of it, stripped, in order."""
        if self._pending_chars and (
            self._pending_chars * 10 >= self._trained_chars or self._trained_chars >= MAX_TRAINING_CHARS
        ):
            # Rebuilt when the text read has grown by a tenth: per article would cost more than splitting.
            self._tokenizer = self._build()
        sentences = []
        for block_start, block_end in _blocks(passage):
            block = passage[block_start:block_end]
            spans: list[tuple[int, int]] = []
            for start, end in self._tokenizer.span_tokenize(block):
                if spans and _starts_lowercase(block, start):
                    # '"Will you?" he asked.' is one sentence: Punkt breaks after every "?".
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
            sentences.extend(s for s in (block[start:end].strip() for start, end in spans) if s)
        return sentences

    def _learned(self) -> set[str]:
        return {a for a in self._trainer.get_params().abbrev_types if _plausible_abbreviation(a)}

    def _build(self) -> PunktSentenceTokenizer:
        trained = self._trainer.get_params()
        self._pending_chars = 0
        params = PunktParameters()
        params.abbrev_types = self._learned() | self._builtin | self._given
        params.collocations = set(trained.collocations) | COLLOCATIONS.get(self.language, frozenset())
        params.sent_starters = set(trained.sent_starters) | set(SENTENCE_STARTERS.get(self.language, "").split())
        # Shared, not copied: later training refines the case statistics in place.
        params.ortho_context = trained.ortho_context
        if self._pretrained is not None:
            params.abbrev_types |= self._pretrained.abbrev_types
            params.collocations |= self._pretrained.collocations
            params.sent_starters |= self._pretrained.sent_starters
            params.ortho_context = PunktParameters().ortho_context
            for context in (self._pretrained.ortho_context, trained.ortho_context):
                for word, flags in context.items():
                    params.ortho_context[word] |= flags
        return PunktSentenceTokenizer(params, lang_vars=_LANGUAGE_VARS)


def _pretrained(language: str) -> PunktParameters | None:
    """nltk's punkt_tab model for the language, when installed (it is not by default: nltk.download() needs
    the internet); None otherwise."""
    name = PUNKT_MODELS.get(language)
    if name is None:
        return None
    try:
        params = load_punkt_params(nltk.data.find(f"tokenizers/punkt_tab/{name}/"))
    except LookupError:
        return None
    logger.debug("using nltk's punkt_tab model for %s", name)
    return params


def _plausible_abbreviation(word: str) -> bool:
    """Real abbreviations are short or dotted; on a few articles Punkt also takes 'pandemic' for one."""
    return "." in word or (len(word) <= 5 and word.isalpha())


def _blocks(text: str) -> list[tuple[int, int]]:
    """Stretches of the text that no sentence crosses."""
    blocks, start = [], 0
    for match in _HARD_BREAK_RE.finditer(text):
        if match.group()[0] == "\n":
            blocks.append((start, match.start()))
        else:
            blocks.append((start, match.end()))
        start = match.end()
    blocks.append((start, len(text)))
    return blocks


def _starts_lowercase(text: str, start: int) -> bool:
    match = _FIRST_LETTER_RE.match(text, start)
    return bool(match) and match.group(1).islower()
