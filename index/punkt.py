"""Passage → sentences: Punkt trained on the library's own text, with abbreviation lists kept in the repo."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator

import nltk.data
from nltk.tokenize.punkt import (
    PunktLanguageVars,
    PunktParameters,
    PunktSentenceTokenizer,
    PunktToken,
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

    def word_tokenize(self, s: str) -> list[str]:
        return _WORD_TOKEN_RE.findall(s)


class _Token(PunktToken):
    """Punkt's token with its patterns compiled by the standard library (see _PERIOD_CONTEXT_RE)."""

    __slots__ = ()
    _RE_ELLIPSIS = re.compile(r"\.\.+$")
    _RE_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
    _RE_INITIAL = re.compile(r"[^\W\d]\.$", re.UNICODE)
    _RE_ALPHA = re.compile(r"[^\W\d]+$", re.UNICODE)


_LANGUAGE_VARS = _LanguageVars()
# Blank lines always end a sentence; so do Chinese and Japanese full stops, which need no space after them.
_HARD_BREAK_RE = re.compile(r"\n[^\S\n]*\n\s*|[。！？．][。！？．!?]*[」』”’）〕】》〉]*")
_FIRST_LETTER_RE = re.compile(r"[\s\"'“‘«(\[¿¡-]*(\w)")
# Contexts whose answer Punkt's rules fix without looking further: "?", "!" or "…" followed by a word, and a
# period after a plain word of letters that is no abbreviation and starts no known collocation.
_MARK_BREAK_RE = re.compile(r"\S*[?!…]\s+\S+")
_WORD_PERIOD_RE = re.compile(r"([^\W\d_]{2,})\.\s+\S+")


# Punkt's own patterns, compiled with the standard library: nltk runs them through the `regex` module with a
# timeout guard, which costs more than the splitting itself. They are linear (no nested repeats), and the
# tests check that splits and training come out as nltk's own.
_PERIOD_CONTEXT_RE = re.compile(
    _LANGUAGE_VARS._period_context_fmt
    % {"NonWord": _LANGUAGE_VARS._re_non_word_chars, "SentEndChars": _LANGUAGE_VARS._re_sent_end_chars},
    re.UNICODE | re.VERBOSE,
)
_WORD_TOKEN_RE = re.compile(
    _LANGUAGE_VARS._word_tokenize_fmt
    % {
        "NonWord": _LANGUAGE_VARS._re_non_word_chars,
        "MultiChar": _LANGUAGE_VARS._re_multi_char_punct,
        "WordStart": _LANGUAGE_VARS._re_word_start,
    },
    re.UNICODE | re.VERBOSE,
)
_REALIGNMENT_RE = re.compile(_LANGUAGE_VARS.re_boundary_realignment.pattern, re.MULTILINE)
_LAST_SPACE_RE = re.compile(r"[ \t\n\r\x0b\x0c](?=[^ \t\n\r\x0b\x0c]*\Z)")  # string.whitespace, as nltk


class _Tokenizer(PunktSentenceTokenizer):
    """Punkt with its decisions remembered: the same "word. Word" context always gets the same answer from
    the same parameters, and news repeats contexts ("said. The") all the time. span_tokenize() gives the
    spans nltk's would, several times faster."""

    def __init__(self, params: PunktParameters) -> None:
        super().__init__(params, lang_vars=_LANGUAGE_VARS, token_cls=_Token)
        self._decisions: dict[str, bool] = {}
        self._abbreviations = frozenset(params.abbrev_types)
        self._collocation_heads = frozenset(head for head, _ in params.collocations)

    def text_contains_sentbreak(self, text: str) -> bool:
        # Most contexts are plain, and answering them here, as Punkt's first and second pass would, makes
        # splitting several times faster; anything else goes through Punkt itself.
        if _MARK_BREAK_RE.fullmatch(text):
            return True
        plain = _WORD_PERIOD_RE.fullmatch(text)
        if plain:
            word = plain.group(1).lower()
            if word not in self._abbreviations and word not in self._collocation_heads:
                return True
        decision = self._decisions.get(text)
        if decision is None:
            if len(self._decisions) >= 100_000:
                self._decisions.clear()
            decision = self._decisions[text] = super().text_contains_sentbreak(text)
        return decision

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Iterator[tuple[int, int]]:
        """nltk's span_tokenize: its _slices_from_text and _realign_boundaries, with standard patterns."""
        slices = list(self._break_slices(text))
        realign = 0
        for number, (start, stop) in enumerate(slices):
            start += realign
            if number + 1 == len(slices):
                if start < stop:
                    yield start, stop
                break
            next_start, next_stop = slices[number + 1]
            match = _REALIGNMENT_RE.match(text[next_start:next_stop])
            if match:
                yield start, next_start + len(match.group(0).rstrip())
                realign = match.end()
            else:
                realign = 0
                if start < stop:
                    yield start, stop

    def _break_slices(self, text: str) -> Iterator[tuple[int, int]]:
        last_break = 0
        for match, context in self._end_contexts(text):
            if self.text_contains_sentbreak(context):
                yield last_break, match.end()
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        yield last_break, len(text.rstrip())

    @staticmethod
    def _end_contexts(text: str) -> Iterator[tuple[re.Match, str]]:
        """nltk's _match_potential_end_contexts: each candidate end with the word before and after it."""
        previous_start = previous_stop = 0
        previous_match = None
        for match in _PERIOD_CONTEXT_RE.finditer(text):
            space = _LAST_SPACE_RE.search(text, previous_stop, match.start())
            # nltk counts a space at the very start of the stretch as none.
            word_start = space.end() if space and space.start() > previous_stop else previous_start
            if previous_match and previous_stop <= word_start:
                yield (
                    previous_match,
                    text[previous_start:previous_stop] + previous_match.group() + (previous_match.group("after_tok")),
                )
            previous_match = match
            previous_start, previous_stop = word_start, match.start()
        if previous_match:
            yield (
                previous_match,
                text[previous_start:previous_stop] + previous_match.group() + (previous_match.group("after_tok")),
            )


class SentenceSplitter:
    """Splits passages into sentences quoted verbatim. Punkt's parameters come from nltk's punkt_tab model
    when one is installed, from what learn() read, and from the abbreviation lists in index/data.
    Thread-safe: articles may be learned from and split in several threads."""

    def __init__(self, language: str = "en", abbreviations: Iterable[str] = ()) -> None:
        self.language = language
        self._given = frozenset(filter(None, (a.strip().lower().rstrip(".") for a in abbreviations)))
        self._builtin = frozenset(word_list("abbreviations", language) or word_list("abbreviations", "en"))
        self._pretrained = _pretrained(language)
        self._trainer = PunktTrainer(lang_vars=_LANGUAGE_VARS, token_cls=_Token)
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

    def _current_tokenizer(self) -> _Tokenizer:
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

    def _build(self) -> _Tokenizer:
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
        return _Tokenizer(params)


class FrozenSplitter:
    """A splitter that learns nothing more, from SentenceSplitter.frozen_parameters()."""

    def __init__(self, params: PunktParameters) -> None:
        self._tokenizer = _Tokenizer(params)

    def learn(self, text: str) -> None:
        pass  # training has ended

    def split(self, passage: str) -> list[str]:
        return _split(self._tokenizer, passage)


def _split(tokenizer: _Tokenizer, passage: str) -> list[str]:
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
