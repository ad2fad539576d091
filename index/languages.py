"""Language detection and what each language needs: a stemmer, number separators, elisions, question words."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from .stopwords import word_list

UNDETERMINED = "und"
SAMPLE_CHARS = 2_000  # detection looks at the start only: the first paragraphs decide an article's language
MIN_WORDS = 3
MIN_CONFIDENCE = 0.5  # py3langid's normalised probability; below it, short texts are mostly guesses
# The stopword vote settles a language without the statistical model (50 times slower) only when it is
# overwhelming: at least 40 words, a third of them stopwords of one language, and four times as many as any
# other language's. Anything closer (Spanish or Portuguese, Catalan, Dutch) goes to py3langid.
VOTE_MIN_WORDS = 40
VOTE_MIN_SHARE = 1 / 3
VOTE_MIN_LEAD = 4


@dataclass(frozen=True, slots=True)
class LanguageConfig:
    """How text in one language becomes terms."""

    code: str
    snowball: str | None  # Snowball (PyStemmer) algorithm name; None: terms are not stemmed
    decimal: str  # the decimal separator: "1.5" in English, "1,5" in German
    thousands: str  # characters that group thousands: "5,000" in English, "5.000" in German
    elisions: tuple[str, ...] = ()  # prefixes dropped before an apostrophe: l'armée → armée
    possessive: bool = True  # drop a final 's: Taliban's → taliban


_NBSPS = "\u00a0\u202f\u2009"  # no-break, narrow no-break and thin space: they glue "5 000" into one number
_FRENCH_ELISIONS = ("l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu")
_ITALIAN_ELISIONS = ("l", "d", "c", "un", "all", "dall", "dell", "nell", "sull", "quell", "quest", "po")

CONFIGS: dict[str, LanguageConfig] = {
    "en": LanguageConfig("en", "english", ".", "," + _NBSPS),
    "ru": LanguageConfig("ru", "russian", ",", "." + _NBSPS, possessive=False),
    "de": LanguageConfig("de", "german", ",", "." + _NBSPS, possessive=False),
    "fr": LanguageConfig("fr", "french", ",", "." + _NBSPS, _FRENCH_ELISIONS, possessive=False),
    "es": LanguageConfig("es", "spanish", ",", "." + _NBSPS, possessive=False),
    "it": LanguageConfig("it", "italian", ",", "." + _NBSPS, _ITALIAN_ELISIONS, possessive=False),
    "pt": LanguageConfig("pt", "portuguese", ",", "." + _NBSPS, possessive=False),
}
# Unknown or unsupported: lowercase, no stemming; English number and possessive rules, the commonest here.
NEUTRAL = LanguageConfig(UNDETERMINED, None, ".", "," + _NBSPS)

SUPPORTED: tuple[str, ...] = tuple(CONFIGS)
CJK_LANGUAGES = ("zh", "ja", "ko")
# Detection chooses among these: restricting py3langid to languages news articles are written in stops
# short English questions from being read as Somali or Haitian Creole.
DETECTABLE = (
    *SUPPORTED,
    "nl",
    "sv",
    "da",
    "no",
    "fi",
    "pl",
    "cs",
    "sk",
    "sl",
    "hr",
    "sr",
    "bg",
    "uk",
    "ro",
    "hu",
    "el",
    "tr",
    "ar",
    "he",
    "fa",
    "ur",
    "hi",
    "bn",
    "id",
    "ms",
    "vi",
    "th",
    "lt",
    "lv",
    "et",
    "ca",
)

# Question words per type, matched against the casefolded question with straight apostrophes; the type
# whose word comes first wins, so "Who said when...?" is a who-question.
QUESTION_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "count",
        r"\bhow (?:many|much|long|old|far|big|large|tall|high|deep|wide|heavy|often|fast)\b"
        r"|\bwhat (?:percentage|proportion|share|fraction|number|amount)\b"
        r"|\bwie ?viele?\b|\bcombien\b|\bcu[aá]nt[oa]s?\b|\bquant[aeio]s?\b"
        r"|\bсколько\b",
    ),
    (
        "what_is",
        r"\bwhat(?:'s| is| are| does .+ stand for| do(?:es)? .+ mean)\b"
        r"|\bwas (?:ist|sind|bedeutet|hei(?:ss|ß)t)\b|\bqu'est-ce que?\b|\bque signifie\b"
        r"|\bc'est quoi\b|\bqu[eé] (?:es|son|significa)\b|\bche cos'[eè]\b|\bcos'[eè]\b"
        r"|\bo que [eé]\b|\bчто (?:такое|означает)\b",
    ),
    (
        "when",
        r"\bwhen\b|\b(?:what|which) (?:year|date|time|day|month|century|decade)\b|\bwann\b|\bquand\b|\bcu[aá]ndo\b"
        r"|\bquando\b|\bкогда\b|\bв каком году\b",
    ),
    (
        "who",
        r"\bwho(?:m|se)?\b|\bwer\b|\bwem\b|\bwen\b|\bqui\b|\bqui[eé]n(?:es)?\b|\bchi\b|\bquem\b"
        r"|\bкто\b|\bкого\b|\bкому\b",
    ),
    (
        "where",
        r"\bwhere\b|\bwo(?:her|hin)?\b|\boù\b|\bd[oó]nde\b|\bdove\b|\bonde\b|\bгде\b|\bкуда\b"
        r"|\bоткуда\b",
    ),
    (
        "why",
        r"\bwhy\b|\bwarum\b|\bwieso\b|\bweshalb\b|\bpourquoi\b|\bpor ?qu[eé]\b|\bperch[eé]\b"
        r"|\bпочему\b|\bзачем\b",
    ),
)
# A question opening with an auxiliary verb and naming no question word is answered by yes or no.
YESNO_PATTERN = (
    r"^\s*(?:is|are|was|were|do|does|did|can|could|will|would|has|have|had|should|shall|may|might|must"
    r"|ist|sind|war|waren|hat|haben|kann|können|wird|werden|gibt|est-ce que|est-ce qu'|a-t-il|a-t-elle"
    r"|y a-t-il)\b|\bли\b"
)

# Han, kana and hangul are told apart by script: the statistical model needs no help there.
KANA = "\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\uff66-\uff9d"
HANGUL = "\u1100-\u11ff\u3131-\u318e\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7fb"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA_RE = re.compile(f"[{KANA}]")
_HANGUL_RE = re.compile(f"[{HANGUL}]")
_HAN_RE = re.compile(f"[{HAN}]")
_LETTER_RE = re.compile(r"[^\W\d_]")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")


def language_config(language: str) -> LanguageConfig:
    """The configuration of a language code; the neutral one for a code that is not supported."""
    return CONFIGS.get(language, NEUTRAL)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, or "und" when it is too short or too uncertain to tell."""
    sample = text[:SAMPLE_CHARS]
    script = _detect_script(sample)
    if script:
        return script
    # Fewer than MIN_WORDS words? Counting stops at the third: an article has hundreds.
    if next(itertools.islice(_WORD_RE.finditer(sample), MIN_WORDS - 1, None), None) is None:
        return UNDETERMINED
    voted = _stopword_vote(sample)
    if voted:
        return voted
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else UNDETERMINED


def _detect_script(sample: str) -> str | None:
    """zh, ja or ko when CJK letters make up at least a third of the letters, else None."""
    if sample.isascii():  # no CJK letter, and four passes over the sample saved
        return None
    han, kana, hangul = (len(r.findall(sample)) for r in (_HAN_RE, _KANA_RE, _HANGUL_RE))
    cjk = han + kana + hangul
    if cjk < 2 or cjk * 3 < len(_LETTER_RE.findall(sample)):
        return None
    if hangul > han:
        return "ko"
    # Japanese writes grammar in kana between kanji; Chinese has none.
    return "ja" if kana * 10 >= cjk else "zh"


def _stopword_vote(sample: str) -> str | None:
    """The supported language whose stopwords make up an overwhelming share of the sample, or None."""
    words = _ANY_WORD_RE.findall(sample.lower())
    if len(words) < VOTE_MIN_WORDS:
        return None
    votes = Counter(language for word in words for language in _stopword_languages().get(word, ()))
    ranked = [*votes.most_common(2), ("", 0), ("", 0)]
    (best, best_votes), (_, second_votes) = ranked[0], ranked[1]
    if best_votes >= len(words) * VOTE_MIN_SHARE and best_votes >= second_votes * VOTE_MIN_LEAD:
        return best
    return None


@functools.cache
def _stopword_languages() -> dict[str, tuple[str, ...]]:
    languages: dict[str, list[str]] = {}
    for code in SUPPORTED:
        for word in word_list("stopwords", code):
            languages.setdefault(word.lower(), []).append(code)
    return {word: tuple(codes) for word, codes in languages.items()}


_ANY_WORD_RE = re.compile(r"[^\W\d_]+")


@functools.cache
def _identifier():
    """py3langid's model with probabilities, loaded on first use (about half a second) and kept."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([code for code in DETECTABLE if code in set(identifier.nb_classes)])
    return identifier
