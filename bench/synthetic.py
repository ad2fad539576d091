"""Generate deterministic synthetic libraries and questions for the speed bench: English-looking, Zipf-distributed.

Every article is generated from its own seed, so article i is the same whether the whole corpus is produced or
only that article: a build streams articles without holding the corpus, and a question can be made from any
sentence without generating what comes before it. Nothing is downloaded: the vocabulary's head is real English
(function words, then common words written out below), its long tail is made of pronounceable syllables.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from index.models import Article

VOCABULARY_SIZE = 50_000
ZIPF_EXPONENT = 1.0
PASSAGES_PER_ARTICLE = (8, 12)  # inclusive bounds; about 10 on average
SENTENCES_PER_PASSAGE = (3, 5)
TOKENS_PER_PASSAGE = (50, 70)  # about 60
QUESTION_WORDS = (3, 8)
FIRST_YEAR, LAST_YEAR = 2005, 2024
OUTLETS = 20
NUMBER_SHARE = 0.02  # share of words written as a number, so numbers go through analysis too

# The head of the Zipf ranking, most frequent first: about four words in ten of running English text.


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FUNCTION_WORDS = _words(
    "the of and to a in that is was he for it with as his on be at by had are but from or have an they which "
    "one you were her all she there would their we him been has when who will more no if out so said what up "
    "its about into than them can only other new some could time these two may then do first any my now such "
    "like our over man me even most made after also did many before must through back years where much your"
)
COMMON_WORDS = _words(
    "government people year state city police report market water health school court company minister "
    "president group country week month family world money power water village river bridge road army "
    "election party vote law council price oil gas food farm trade bank tax budget hospital doctor children "
    "women men workers prison prisoners border region province capital office official officials statement "
    "release released talks deal agreement plan project support attack forces troops aid convoy trucks flour "
    "medicine winter summer storm flood fire station airport flight train port ship harbour museum history "
    "science research study students teacher university energy power plant coal wind solar network data "
    "internet phone system service record season match team player coach final cup league victory defeat"
)
ONSETS = _words("b bl br c ch cl cr d dr f fl fr g gl gr h j k l m n p pl pr r s sh sl sp st str t th tr v w wh y z")
VOWELS = _words("a e i o u a e i o ai ea ee oo ou ay ow")
CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "rt", "ng", "ll"]
SUFFIXES = [*[""] * 8, "ing", "ed", "er", "ion", "ly", "ment", "ness", "al", "ous", "s", "s", "s"]


@dataclass(frozen=True, slots=True)
class Question:
    """A question and the article it was drawn from (None when its words were drawn from the vocabulary alone)."""

    text: str
    source: str | None


def pronounceable_word(rng: random.Random) -> str:
    """A made-up word of one to three syllables, with an English-looking ending."""
    syllables = rng.choice((1, 1, 2, 2, 2, 3))
    word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(syllables))
    return word + rng.choice(SUFFIXES)


def make_vocabulary(size: int = VOCABULARY_SIZE, seed: int = 0) -> tuple[str, ...]:
    """`size` distinct lowercase words, most frequent first: function words, common words, then made-up ones."""
    words = list(dict.fromkeys((*FUNCTION_WORDS, *COMMON_WORDS)))
    seen = set(words)
    rng = random.Random(f"vocabulary:{seed}")
    while len(words) < size:
        word = pronounceable_word(rng)
        if 3 <= len(word) <= 14 and word not in seen:
            seen.add(word)
            words.append(word)
    return tuple(words[:size])


class SyntheticCorpus:
    """A library of exactly `passages` passages in articles of about ten, and questions drawn from it."""

    def __init__(self, passages: int, seed: int = 0, vocabulary_size: int = VOCABULARY_SIZE) -> None:
        self.seed = seed
        self.vocabulary = make_vocabulary(vocabulary_size, seed)
        self._known = frozenset(self.vocabulary)
        self._function = frozenset(FUNCTION_WORDS)
        ranks = range(1, vocabulary_size + 1)
        self._cumulative = list(itertools.accumulate(1.0 / rank**ZIPF_EXPONENT for rank in ranks))
        self._first_content = len(FUNCTION_WORDS)
        self.sizes = self._plan(passages)
        kinds = itertools.cycle(("times", "herald", "post", "wire", "gazette"))
        self.outlets = tuple(f"{word}-{next(kinds)}" for word in self.vocabulary[-OUTLETS:])

    def _plan(self, passages: int) -> tuple[int, ...]:
        """Article sizes adding up to exactly `passages`; the last article takes what is left."""
        rng, sizes, left = random.Random(f"plan:{self.seed}"), [], passages
        while left > 0:
            size = min(rng.randint(*PASSAGES_PER_ARTICLE), left)
            sizes.append(size)
            left -= size
        return tuple(sizes)

    @property
    def article_count(self) -> int:
        return len(self.sizes)

    @property
    def passage_count(self) -> int:
        return sum(self.sizes)

    def words(self, rng: random.Random, count: int, content_only: bool = False) -> list[str]:
        """`count` words drawn by Zipf's law over the vocabulary (or over its content words only)."""
        low = self._cumulative[self._first_content - 1] if content_only else 0.0
        top, vocabulary, cumulative = self._cumulative[-1], self.vocabulary, self._cumulative
        return [vocabulary[bisect.bisect(cumulative, low + rng.random() * (top - low))] for _ in range(count)]

    def _sentence(self, rng: random.Random, length: int) -> str:
        # English sentences end on a content word; "... a." would also read as an initial to Punkt.
        words = self.words(rng, length - 1) + self.words(rng, 1, content_only=True)
        for i in range(1, length):
            if rng.random() < NUMBER_SHARE:
                words[i] = str(rng.choice((rng.randint(2, 99), rng.randint(100, 9_999), rng.randint(1990, 2024))))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def passage_texts(self, rng: random.Random, count: int) -> list[str]:
        passages = []
        for _ in range(count):
            sentences = rng.randint(*SENTENCES_PER_PASSAGE)
            tokens = rng.randint(*TOKENS_PER_PASSAGE)
            shares = [rng.uniform(0.6, 1.4) for _ in range(sentences)]
            lengths = [max(4, round(tokens * share / sum(shares))) for share in shares]
            passages.append(" ".join(self._sentence(rng, length) for length in lengths))
        return passages

    def _rng(self, kind: str, index: int) -> random.Random:
        return random.Random(f"{kind}:{self.seed}:{index}")

    def source(self, index: int) -> str:
        return f"{self.outlets[index % OUTLETS]}/{index:08d}.md"

    def article(self, index: int) -> Article:
        """Article `index`; an index past the planned ones gives an extra article of ten passages."""
        rng = self._rng("article", index)
        size = self.sizes[index] if index < len(self.sizes) else 10
        title = " ".join(word.capitalize() for word in self.words(rng, rng.randint(4, 8), content_only=True))
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        source = self.source(index)
        url = f"https://{self.outlets[index % OUTLETS]}.example/{year}/{index}"
        return Article(title, source, "\n\n".join(self.passage_texts(rng, size)), url, published)

    def articles(self, start: int = 0, stop: int | None = None) -> Iterator[Article]:
        for index in range(start, self.article_count if stop is None else stop):
            yield self.article(index)

    def passages(self) -> Iterator[str]:
        """Every passage of the library in order, as the library splits them (articles joined them with blank lines)."""
        for article in self.articles():
            yield from article.text.split("\n\n")

    def questions(self, count: int = 200, offset: int = 0) -> list[Question]:
        """Questions of 3 to 8 content words: three in four from one sentence of one article (in its order, so the
        library has an answer), one in four drawn from the vocabulary alone (the library may have none)."""
        questions = []
        for number in range(offset, offset + count):
            rng = self._rng("question", number)
            wanted = rng.randint(*QUESTION_WORDS)
            if number % 4 == 3:
                words = list(dict.fromkeys(self.words(rng, wanted * 3, content_only=True)))[:wanted]
                questions.append(Question(" ".join(words).capitalize() + "?", None))
                continue
            index = rng.randrange(self.article_count)
            article = self.article(index)
            sentence = rng.choice(rng.choice(article.text.split("\n\n")).split(". "))
            content = [w for w in dict.fromkeys(sentence.lower().rstrip(".").split()) if self.is_content(w)]
            if len(content) < QUESTION_WORDS[0]:
                content += [w for w in self.words(rng, 8, content_only=True) if w not in content]
            start = rng.randrange(max(len(content) - wanted, 0) + 1)
            questions.append(Question(" ".join(content[start : start + wanted]).capitalize() + "?", article.source))
        return questions

    def is_content(self, word: str) -> bool:
        return word in self._known and word not in self._function

    def live_article(self, number: int) -> tuple[Article, Question]:
        """An article that is not in the library, and a question only it answers: two of its words are in no
        other article (made up outside the vocabulary)."""
        rng = self._rng("live", number)
        markers: list[str] = []
        while len(markers) < 2:
            word = pronounceable_word(rng) + pronounceable_word(rng)
            if word not in self._known and word not in markers:
                markers.append(word)
        passages = self.passage_texts(rng, 3)
        words = self.words(rng, 6, content_only=True)
        sentence = f"The {markers[0]} {words[0]} {words[1]} of {markers[1]} was {words[2]} in {words[3]} {words[4]}."
        passages[1] = f"{passages[1]} {sentence}"
        article = Article(f"Live {markers[0].capitalize()}", f"live/{self.seed}-{number}.md", "\n\n".join(passages))
        return article, Question(f"{markers[0].capitalize()} {words[0]} {markers[1]}?", article.source)
