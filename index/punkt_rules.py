"""Punkt's sentence-boundary rules as nltk applies them, on standard-library patterns and with plain contexts
decided directly: the same spans and the same training as nltk's own Punkt (the tests compare them), several
times faster."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer, PunktToken


class LanguageVars(PunktLanguageVars):
    """Punkt's defaults, with the ellipsis character ending sentences as "..." does."""

    sent_end_chars = (".", "?", "!", "…")

    def word_tokenize(self, s: str) -> list[str]:
        return _WORD_TOKEN_RE.findall(s)


class Token(PunktToken):
    """Punkt's token with its patterns compiled by the standard library (see _PERIOD_CONTEXT_RE)."""

    __slots__ = ()
    _RE_ELLIPSIS = re.compile(r"\.\.+$")
    _RE_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
    _RE_INITIAL = re.compile(r"[^\W\d]\.$", re.UNICODE)
    _RE_ALPHA = re.compile(r"[^\W\d]+$", re.UNICODE)


LANGUAGE_VARS = LanguageVars()
# Contexts whose answer Punkt's rules fix without looking further: "?", "!" or "…" followed by a word, and a
# period after a plain word of letters that is no abbreviation and starts no known collocation.
_MARK_BREAK_RE = re.compile(r"\S*[?!…]\s+\S+")
_WORD_PERIOD_RE = re.compile(r"([^\W\d_]{2,})\.\s+\S+")


# Punkt's own patterns, compiled with the standard library: nltk runs them through the `regex` module with a
# timeout guard, which costs more than the splitting itself. They are linear (no nested repeats), and the
# tests check that splits and training come out as nltk's own.
_PERIOD_CONTEXT_RE = re.compile(
    LANGUAGE_VARS._period_context_fmt
    % {"NonWord": LANGUAGE_VARS._re_non_word_chars, "SentEndChars": LANGUAGE_VARS._re_sent_end_chars},
    re.UNICODE | re.VERBOSE,
)
_WORD_TOKEN_RE = re.compile(
    LANGUAGE_VARS._word_tokenize_fmt
    % {
        "NonWord": LANGUAGE_VARS._re_non_word_chars,
        "MultiChar": LANGUAGE_VARS._re_multi_char_punct,
        "WordStart": LANGUAGE_VARS._re_word_start,
    },
    re.UNICODE | re.VERBOSE,
)
_REALIGNMENT_RE = re.compile(LANGUAGE_VARS.re_boundary_realignment.pattern, re.MULTILINE)
_LAST_SPACE_RE = re.compile(r"[ \t\n\r\x0b\x0c](?=[^ \t\n\r\x0b\x0c]*\Z)")  # string.whitespace, as nltk
_OTHER_SPACE_RE = re.compile(r"[\t\n\r\x0b\x0c]")  # the rest of string.whitespace


class Tokenizer(PunktSentenceTokenizer):
    """Punkt with its decisions remembered: the same "word. Word" context always gets the same answer from
    the same parameters, and news repeats contexts ("said. The") all the time. span_tokenize() gives the
    spans nltk's would, several times faster."""

    def __init__(self, params: PunktParameters) -> None:
        super().__init__(params, lang_vars=LANGUAGE_VARS, token_cls=Token)
        self._decisions: dict[str, bool] = {}
        self._abbreviations = frozenset(params.abbrev_types)
        self._collocation_heads = frozenset(head for head, _ in params.collocations)

    def text_contains_sentbreak(self, text: str) -> bool:
        # Most contexts are plain, and answering them here, as Punkt's first and second pass would, makes
        # splitting several times faster; anything else goes through Punkt itself.
        plain = _WORD_PERIOD_RE.fullmatch(text)  # the commonest, looked at first
        if plain:
            word = plain.group(1).lower()
            if word not in self._abbreviations and word not in self._collocation_heads:
                return True
        if _MARK_BREAK_RE.fullmatch(text):
            return True
        decision = self._decisions.get(text)
        if decision is None:
            if len(self._decisions) >= 100_000:
                self._decisions.clear()
            decision = self._decisions[text] = super().text_contains_sentbreak(text)
        return decision

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Iterator[tuple[int, int]]:
        """nltk's span_tokenize: its _slices_from_text and _realign_boundaries, with standard patterns."""
        slices = self._break_slices(text)
        last = len(slices) - 1
        realign = 0
        for number, (start, stop) in enumerate(slices):
            start += realign
            if number == last:
                if start < stop:
                    yield start, stop
                break
            next_start, next_stop = slices[number + 1]
            match = _REALIGNMENT_RE.match(text, next_start, next_stop)  # as on text[next_start:next_stop]
            if match:
                yield start, next_start + len(match.group(0).rstrip())
                realign = match.end() - next_start
            else:
                realign = 0
                if start < stop:
                    yield start, stop

    def _break_slices(self, text: str) -> list[tuple[int, int]]:
        slices = []
        last_break = 0
        for match, context in self._end_contexts(text):
            if self.text_contains_sentbreak(context):
                slices.append((last_break, match.end()))
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        slices.append((last_break, len(text.rstrip())))
        return slices

    @staticmethod
    def _end_contexts(text: str) -> Iterator[tuple[re.Match, str]]:
        """nltk's _match_potential_end_contexts: each candidate end with the word before and after it."""
        # With spaces the only whitespace (text from split_passages), the last one before a candidate is an rfind.
        spaces_only = not _OTHER_SPACE_RE.search(text)
        previous_start = previous_stop = 0
        previous_match = None
        for match in _PERIOD_CONTEXT_RE.finditer(text):
            start = match.start()
            # nltk counts a space at the very start of the stretch as none.
            if spaces_only:
                space = text.rfind(" ", previous_stop, start)
                word_start = space + 1 if space > previous_stop else previous_start
            else:
                found = _LAST_SPACE_RE.search(text, previous_stop, start)
                word_start = found.end() if found and found.start() > previous_stop else previous_start
            if previous_match and previous_stop <= word_start:
                # The word, the end mark and what follows it, which nltk joins from three pieces.
                yield previous_match, text[previous_start : previous_match.end("after_tok")]
            previous_match = match
            previous_start, previous_stop = word_start, start
        if previous_match:
            yield previous_match, text[previous_start : previous_match.end("after_tok")]
