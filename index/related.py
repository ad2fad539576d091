"""Question terms → the library's terms: misspellings corrected against its vocabulary, and related wording."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import process
from rapidfuzz.distance import OSA

from . import wordnet
from .analysis import Token, analyze

RELATED_WEIGHT = 0.6  # a related word is weaker evidence than the asker's own word
SYNONYM_WEIGHT = 0.3  # WordNet's synonyms of a word's commonest sense: often right, sometimes another sense
COMPOUND_WEIGHT = 0.5  # per word of the two: the joined word counts once, as the asker's own
# A synonym in more passages than this adds almost nothing to a score (its IDF is low) but costs the search a
# long posting list: left out. The cap only binds in big libraries (1,000 passages, or 1% of them).
MAX_SYNONYM_PASSAGES = 1_000
MAX_SYNONYM_SHARE = 0.01

# Ways English states an obligation: "must release" is answered by "is required to release" or "are obliged
# to free". These are grammar, not topic words, so they hold for any library (stems as analysis makes them).
RELATED_GROUPS_EN: tuple[frozenset[str], ...] = (frozenset({"must", "requir", "oblig", "compel", "need"}),)
# A small number is written either way: "the remaining 4" is answered by "the remaining four", and counts as
# the asker's own word. English stems as analysis makes them; not "one", which is as often no number ("which one").
NUMBER_WORDS_EN = ("", "", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelv")
NUMBER_WEIGHT = 1.0
MIN_CORRECTABLE = 5  # shorter unknown words are left alone: too many real words lie one edit away


@dataclass(frozen=True, slots=True)
class Related:
    term: str  # a term to look for as well
    stands_for: str  # the question term it stands for
    weight: float


def correct_spelling(
    terms: Sequence[str], doc_freq: Callable[[str], int], vocabulary: Callable[[str], list[tuple[str, int]]]
) -> list[str]:
    """Replace each term the library never saw by the most frequent library term one edit away (two for
    long words) sharing its first two letters: "afganistan" → "afghanistan"; failing that, starting with its
    first and third letters, for a slip at the second: "muontain" → "mountain", "argricultural" → "agricultural".
    Edits are Damerau-Levenshtein's restricted form (an adjacent swap counts one), counted by rapidfuzz in C:
    a library's vocabulary under one two-letter start runs to thousands of words."""
    corrected = []
    for term in terms:
        if len(term) < MIN_CORRECTABLE or not term.isalpha() or doc_freq(term) > 0:
            corrected.append(term)
            continue
        allowed = 1 if len(term) < 8 else 2
        best = None
        for start in dict.fromkeys((term[:2], term[0] + term[2])):
            vocabulary_words = vocabulary(start)
            near = process.extract(
                term, [word for word, _ in vocabulary_words], scorer=OSA.distance, score_cutoff=allowed, limit=None
            )
            best = max(((vocabulary_words[i][1], word) for word, _, i in near), default=None)
            if best:
                break
        corrected.append(best[1] if best else term)
    return corrected


def compound_terms(tokens: Sequence[Token], language: str, doc_freq: Callable[[str], int]) -> list[Related]:
    """Two words of the question that the library writes as one ("Sky Drive" for SkyDrive, "data base",
    "web site"): the joined word is looked for as the asker's own, standing for both, at half weight for each
    so that together they count once."""
    related = []
    for first, second in pairwise(tokens):
        if not (first.term and second.term) or first.end + 1 != second.start:
            continue  # a stopword, or not side by side with one space between
        joined = analyze(first.surface + second.surface, language)
        if len(joined) == 1 and joined[0] not in (first.term, second.term) and doc_freq(joined[0]) > 0:
            related += [Related(joined[0], word.term, COMPOUND_WEIGHT) for word in (first, second)]
    return related


def related_terms(
    terms: Sequence[str],
    language: str,
    words: Sequence[tuple[str, str]] = (),
    doc_freq: Callable[[str], int] | None = None,
    passages: int = 0,
) -> list[Related]:
    """Other terms to look for: the groups above, a small number written the other way ("4" → "four"), and,
    when WordNet is installed, the library's terms for synonyms of the question's `words` ((word as written, its
    term) pairs: "purchased" → "buy")."""
    if language != "en":
        return []
    asked = set(terms)
    related = []
    for group in RELATED_GROUPS_EN:
        present = asked & group
        if present:
            source = sorted(present)[0]
            related += [Related(t, source, RELATED_WEIGHT) for t in sorted(group - asked)]
    for term in dict.fromkeys(terms):
        other = _OTHER_WAY.get(term)
        if other is not None and other not in asked:
            related.append(Related(other, term, NUMBER_WEIGHT))
    lexicon = wordnet.installed()
    if lexicon is None or doc_freq is None:
        return related
    seen = asked | {r.term for r in related}
    most = max(MAX_SYNONYM_PASSAGES, MAX_SYNONYM_SHARE * passages)
    for word, term in words:
        for synonym in lexicon.synonyms(word):
            for found in analyze(synonym, language):
                if found not in seen and 0 < doc_freq(found) <= most:
                    seen.add(found)
                    related.append(Related(found, term, SYNONYM_WEIGHT))
    return related


# Each small number's digits and its word, both ways.
_OTHER_WAY = {
    **{str(number): word for number, word in enumerate(NUMBER_WORDS_EN) if word},
    **{word: str(number) for number, word in enumerate(NUMBER_WORDS_EN) if word},
}
