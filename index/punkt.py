"""Passage → sentences: Punkt trained on the library's own text, with abbreviation lists kept in the repo."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

import nltk.data
from nltk.tokenize.punkt import PunktParameters, PunktTrainer, load_punkt_params

from .punkt_rules import LANGUAGE_VARS, Token, Tokenizer
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


# Blank lines always end a sentence; so do Chinese and Japanese full stops, which need no space after them.
_HARD_BREAK_RE = re.compile(r"\n[^\S\n]*\n\s*|[。！？．][。！？．!?]*[」』”’）〕】》〉]*")
_FIRST_LETTER_RE = re.compile(r"[\s\"'“‘«(\[¿¡-]*(\w)")


class SentenceSplitter:
    """Splits passages into sentences quoted verbatim. Punkt's parameters come from nltk's punkt_tab model
    when one is installed, from what learn() read, and from the abbreviation lists in index/data.
    Thread-safe: articles may be learned from and split in several threads."""

    def __init__(self, language: str = "en", abbreviations: Iterable[str] = ()) -> None:
        self.language = language
        self._given = frozenset(filter(None, (a.strip().lower().rstrip(".") for a in abbreviations)))
        self._builtin = frozenset(word_list("abbreviations", language) or word_list("abbreviations", "en"))
        self._pretrained = _pretrained(language)
        self._trainer = PunktTrainer(lang_vars=LANGUAGE_VARS, token_cls=Token)
        self._trainer.get_params().abbrev_types.update(self._builtin | self._given)
        self._trained_chars = 0
        self._pending_chars = 0
        self._seen_lines: set[int] = set()
        self._lock = threading.Lock()  # guards the trainer; a built tokenizer is never changed
        self._tokenizer = self._build()

    def learn(self, text: str) -> None:
        """Train Punkt further on more of the library's text; lines already read are skipped (a repeated
        line makes Punkt take the word before its period for an abbreviation), and reading stops for good
        after MAX_TRAINING_CHARS."""
        with self._lock:
            room = MAX_TRAINING_CHARS - self._trained_chars
            if room <= 0:
                return  # without splitting the text into lines to read none of them
            lines: list[str] = []
            for line in text.splitlines():
                if room <= 0:
                    break
                key = hash(line.strip())
                if not line.strip() or key in self._seen_lines:
                    continue
                if len(line) >= room:
                    line = line[:room].rpartition(" ")[0]  # the words that fit, and then no more
                self._seen_lines.add(key)
                lines.append(line)
                room -= len(line) + 1
            if lines:
                self._trainer.train("\n".join(lines), finalize=False)
                self._trained_chars = MAX_TRAINING_CHARS - max(room, 0)
                self._pending_chars += sum(len(line) + 1 for line in lines)

    def learned_abbreviations(self) -> frozenset[str]:
        """Abbreviations learned or given, beyond the built-in list: what a library stores to split the same
        way after a restart, through SentenceSplitter(language, abbreviations=...)."""
        with self._lock:
            return frozenset(self._learned() | self._given) - self._builtin

    def split(self, passage: str) -> list[str]:
        """The passage's sentences, each an exact substring of it, stripped, in order."""
        return _split(self._current_tokenizer(), passage)

    def frozen_parameters(self) -> PunktParameters | None:
        """What the splitter splits by once it has stopped learning (None before): a FrozenSplitter made from
        them splits exactly as this one does from then on, in any process."""
        if self._trained_chars < MAX_TRAINING_CHARS:
            return None
        return self._current_tokenizer()._params

    def _current_tokenizer(self) -> Tokenizer:
        # Rebuilt when the text read has grown by a tenth (or training ended): per article would cost more
        # than the splitting itself.
        if self._pending_chars * 10 >= self._trained_chars > 0 or (
            self._pending_chars and self._trained_chars >= MAX_TRAINING_CHARS
        ):
            with self._lock:
                if self._pending_chars:
                    self._tokenizer = self._build()
        return self._tokenizer

    def _learned(self) -> set[str]:
        return {a for a in self._trainer.get_params().abbrev_types if _plausible_abbreviation(a)}

    def _build(self) -> Tokenizer:
        trained = self._trainer.get_params()
        self._pending_chars = 0
        params = PunktParameters()
        params.abbrev_types = self._learned() | self._builtin | self._given
        params.collocations = set(trained.collocations) | COLLOCATIONS.get(self.language, frozenset())
        params.sent_starters = set(trained.sent_starters) | set(SENTENCE_STARTERS.get(self.language, "").split())
        # Copied, not shared: training goes on, and a tokenizer's remembered decisions need fixed parameters.
        params.ortho_context.update(trained.ortho_context)
        if self._pretrained is not None:
            params.abbrev_types |= self._pretrained.abbrev_types
            params.collocations |= self._pretrained.collocations
            params.sent_starters |= self._pretrained.sent_starters
            for word, flags in self._pretrained.ortho_context.items():
                params.ortho_context[word] |= flags
        return Tokenizer(params)


class FrozenSplitter:
    """A splitter that learns nothing more, from SentenceSplitter.frozen_parameters()."""

    def __init__(self, params: PunktParameters) -> None:
        self._tokenizer = Tokenizer(params)

    def learn(self, text: str) -> None:
        pass  # training has ended

    def split(self, passage: str) -> list[str]:
        return _split(self._tokenizer, passage)


def _split(tokenizer: Tokenizer, passage: str) -> list[str]:
    sentences = []
    for block_start, block_end in _blocks(passage):
        block = passage[block_start:block_end]
        spans: list[tuple[int, int]] = []
        for start, end in tokenizer.span_tokenize(block):
            if spans and _starts_lowercase(block, start):
                # '"Will you?" he asked.' is one sentence: Punkt breaks after every "?".
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        sentences.extend(s for s in (block[start:end].strip() for start, end in spans) if s)
    return sentences


def _pretrained(language: str) -> PunktParameters | None:
    """nltk's punkt_tab model for the language when it is installed, None otherwise (it is not installed by
    default, and fetching it needs the internet)."""
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
    if "\n" not in text and "。" not in text and "！" not in text and "？" not in text and "．" not in text:
        return [(0, len(text))]  # most passages, found without running the pattern over them
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
    first = text[start : start + 1]
    if first.isalnum():  # the letter _FIRST_LETTER_RE would find, found without it
        return first.islower()
    match = _FIRST_LETTER_RE.match(text, start)
    return bool(match) and match.group(1).islower()
