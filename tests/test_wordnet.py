"""Synonyms from WordNet's own dict files: found by bisection, read at byte offsets, used when installed."""

from __future__ import annotations

from pathlib import Path

import pytest

import index.wordnet
from index import Library
from index.wordnet import WordNet, _find_line

INSTALLED = index.wordnet.installed()  # before the suite's fixture hides it

LICENCE = "  1 This software and database is being provided to you, the LICENSEE, by  \n  2 Princeton University.  \n"
# (part of speech, synset words); each synset's offset is where its line starts in data.<pos>, as in WordNet.
SYNSETS = [
    ("verb", ["buy", "purchase"]),
    ("verb", ["sell"]),
    ("verb", ["buy", "bribe", "corrupt"]),  # buy's second sense: never used, only the commonest sense is
    ("noun", ["purchase", "acquisition"]),
    ("adj", ["big(a)", "large"]),
]


def write_wordnet(folder: Path) -> Path:
    """A WordNet dict folder in the real file formats, with the few synsets above."""
    offsets: dict[str, dict[str, list[int]]] = {}
    data: dict[str, str] = {}
    for pos, words in SYNSETS:
        text = data.setdefault(pos, LICENCE)
        offset = len(text.encode())
        listed = " ".join(f"{word} 0" for word in words)
        data[pos] = text + f"{offset:08d} 40 {pos[0]} {len(words):02x} {listed} 000 | a gloss  \n"
        for word in words:
            offsets.setdefault(pos, {}).setdefault(word.split("(")[0], []).append(offset)
    for pos in ("noun", "verb", "adj", "adv"):
        (folder / f"data.{pos}").write_text(data.get(pos, LICENCE))
        lines = [
            f"{lemma} {pos[0]} {len(found)} 0 {len(found)} 0 {' '.join(f'{o:08d}' for o in found)}  \n"
            for lemma, found in sorted(offsets.get(pos, {}).items())
        ]
        (folder / f"index.{pos}").write_text(LICENCE + "".join(lines))
    (folder / "verb.exc").write_text("bought buy\nsold sell\n")
    (folder / "adj.exc").write_text("bigger big\n")
    return folder


@pytest.fixture
def wordnet(tmp_path, monkeypatch) -> WordNet:
    lexicon = WordNet(write_wordnet(tmp_path))
    monkeypatch.setattr(index.wordnet, "installed", lambda: lexicon)
    return lexicon


def test_synonyms_come_from_the_commonest_sense_of_each_part_of_speech(wordnet):
    assert wordnet.synonyms("buy") == ("purchase",)  # not bribe: that is buy's second sense
    assert wordnet.synonyms("purchase") == ("acquisition", "buy")  # the noun's sense, then the verb's
    assert wordnet.synonyms("big") == ("large",)  # the "(a)" position marker is not part of the word


def test_inflected_words_find_their_base_form_by_wordnets_own_rules(wordnet):
    assert wordnet.synonyms("bought") == ("purchase",)  # verb.exc
    assert wordnet.synonyms("purchased") == ("buy",)  # -ed → -e; "purchased" is no noun
    assert wordnet.synonyms("buying") == ("purchase",)  # -ing → ""
    assert wordnet.synonyms("bigger") == ("large",)  # adj.exc
    assert wordnet.synonyms("larger") == ("big",)  # -er → -e


def test_unknown_words_and_the_licence_lines_give_nothing(wordnet, tmp_path):
    assert wordnet.synonyms("xylophone") == ()
    assert wordnet.synonyms("") == ()
    index_verb = (tmp_path / "index.verb").read_bytes()
    assert _find_line(index_verb, b"Princeton") is None
    assert _find_line(index_verb, b"sell").startswith(b"sell v 1")
    assert _find_line(b"", b"buy") is None


def test_a_question_in_other_words_than_the_article_finds_its_sentence_through_a_synonym(wordnet, monkeypatch):
    text = "The council bought the mill from the Brandt family.\n\nThe council painted the mill."
    with Library.open(":memory:") as library:
        library.add_text(text, title="Mill", source="mill.md")
        assert library.ask("Did the council purchase the mill?")[0].sentence.startswith("The council bought")
        monkeypatch.setattr(index.wordnet, "installed", lambda: None)
        assert library.ask("Did the council purchase the mill?")[0].sentence == "The council painted the mill."


@pytest.mark.skipif(INSTALLED is None, reason="no WordNet installed on this machine (apt-get install wordnet-base)")
def test_the_installed_wordnet_is_read():
    assert "buy" in INSTALLED.synonyms("purchased")
    assert "often" in INSTALLED.synonyms("frequently")


def test_synonyms_the_library_lacks_or_has_everywhere_are_not_searched(wordnet):
    from index.related import related_terms

    words = [("purchased", "purchas")]
    everywhere = {"buy": 900_000}.get
    assert [r.term for r in related_terms(["purchas"], "en", words, lambda t: 5, 1_000_000)] == ["buy"]
    assert related_terms(["purchas"], "en", words, lambda t: 0, 1_000_000) == []  # never in the library
    assert related_terms(["purchas"], "en", words, lambda t: everywhere(t, 0), 1_000_000) == []  # in 90% of it
    assert related_terms(["purchas"], "de", words, lambda t: 5, 1_000_000) == []  # English only


def test_the_word_lists_are_read_when_english_articles_arrive_not_at_the_first_question(wordnet):
    from index.wordnet import PARTS_OF_SPEECH

    WordNet._lemmas.cache_clear()
    with Library.open(":memory:") as library:  # empty: nothing English to warm for yet
        assert WordNet._lemmas.cache_info().currsize == 0
        library.add_text("Die Mühle gehört dem Rat der Stadt.", title="Mühle", source="muehle.md")
        assert WordNet._lemmas.cache_info().currsize == 0
        library.add_text("The council bought the mill from the Brandt family.", title="Mill", source="mill.md")
        assert WordNet._lemmas.cache_info().currsize == len(PARTS_OF_SPEECH)
