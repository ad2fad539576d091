"""The bundled sample library: citebot's own user guide, added at the first `make run`."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.articles import read_articles
from index.models import Article
from index.passages import split_passages, split_sentences

SAMPLE = Path(__file__).resolve().parents[1] / "sample"
SAMPLE_URL = "https://github.com/citebot/citebot/blob/main/sample/{name}"
FRONT_MATTER_FIELDS = {"title", "url", "published"}

FRONT_MATTER = re.compile(r"\A---\n(?P<fields>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
# The guide is written without abbreviations or mid-sentence full stops, so a plain rule splits it
# the way any sentence splitter would; a sentence that trips it is one to reword.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Answers are quoted verbatim as plain text: Markdown markup would show as stray characters.
MARKUP = re.compile(r"`|\*\*|__|\]\(|<[a-z/]|^#|^\s*[-*+] ", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class SampleFile:
    name: str
    fields: dict[str, str]
    paragraphs: tuple[str, ...]


def read_sample(path: Path) -> SampleFile:
    """Split one sample file into its front matter fields and its paragraphs."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    assert match, f"{path.name}: no front matter between '---' lines at the top"
    fields: dict[str, str] = {}
    for line in match["fields"].splitlines():
        key, colon, value = line.partition(":")
        assert colon, f"{path.name}: front matter line without 'key: value': {line!r}"
        fields[key.strip()] = value.strip()
    paragraphs = tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", match["body"]) if p.strip())
    return SampleFile(path.name, fields, paragraphs)


def split_plainly(paragraph: str) -> list[str]:
    return [sentence for sentence in SENTENCE_END.split(paragraph) if sentence]


def fold(sentence: str) -> str:
    """The sentence with case and punctuation ignored, so near-copies count as the same."""
    return " ".join(re.findall(r"\w+", sentence.casefold()))


SAMPLE_PATHS = sorted(SAMPLE.glob("*.md"))


def test_sample_library_has_six_to_eight_articles() -> None:
    assert 6 <= len(SAMPLE_PATHS) <= 8, [path.name for path in SAMPLE_PATHS]


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda path: path.name)
def test_sample_article_front_matter_has_title_url_and_date(path: Path) -> None:
    sample = read_sample(path)
    assert set(sample.fields) == FRONT_MATTER_FIELDS
    assert sample.fields["title"]
    assert sample.fields["url"] == SAMPLE_URL.format(name=sample.name)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", sample.fields["published"])
    datetime.date.fromisoformat(sample.fields["published"])  # a real calendar date, not just digits


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda path: path.name)
def test_sample_article_has_at_least_three_paragraphs_of_two_to_five_sentences(path: Path) -> None:
    sample = read_sample(path)
    assert len(sample.paragraphs) >= 3
    for paragraph in sample.paragraphs:
        assert 2 <= len(split_plainly(paragraph)) <= 5, paragraph


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda path: path.name)
def test_sample_article_body_has_no_markup_that_would_show_in_a_quote(path: Path) -> None:
    body = "\n\n".join(read_sample(path).paragraphs)
    assert not MARKUP.findall(body)


def test_sample_titles_are_all_different() -> None:
    titles = Counter(read_sample(path).fields["title"] for path in SAMPLE_PATHS)
    assert [title for title, count in titles.items() if count > 1] == []


def test_no_two_sample_sentences_are_the_same() -> None:
    # Identical sentences would fold into one answer citing two pages of the guide, which reads as a mistake.
    seen: dict[str, str] = {}
    repeated = []
    for path in SAMPLE_PATHS:
        for paragraph in read_sample(path).paragraphs:
            for sentence in split_plainly(paragraph):
                key = fold(sentence)
                if key in seen:
                    repeated.append((seen[key], f"{path.name}: {sentence}"))
                seen.setdefault(key, f"{path.name}: {sentence}")
    assert repeated == []


def test_sample_folder_reads_as_articles_with_their_front_matter() -> None:
    read = list(read_articles(SAMPLE))
    assert all(isinstance(item, Article) for item in read), read
    expected = {read_sample(path).name: read_sample(path).fields for path in SAMPLE_PATHS}
    assert {
        article.source: {"title": article.title, "url": article.url, "published": article.published} for article in read
    } == expected


def test_library_splitter_finds_the_same_sentences_as_this_test() -> None:
    # The checks above count sentences with a plain rule; the library must see the same ones.
    for article in read_articles(SAMPLE):
        assert isinstance(article, Article)
        ours = [s for p in read_sample(SAMPLE / article.source).paragraphs for s in split_plainly(p)]
        library = [s for passage in split_passages(article.text) for s in split_sentences(passage)]
        assert library == ours, article.source
