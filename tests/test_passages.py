"""Specs for index.passages: articles into passages, passages into sentences quoted verbatim."""

from __future__ import annotations

import re

import nltk.data
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktLanguageVars, PunktSentenceTokenizer, PunktTrainer

from index.passages import MAX_PASSAGE_CHARS, SentenceSplitter, split_passages, split_sentences

SHAHEEN = (
    "“Today, 20 prisoners of the Kabul administration will be released,” Suhail Shaheen, a Taliban "
    "spokesman, said in a tweet on Sunday, adding that the captives would be handed over to the Red Cross."
)


def assert_in_order(passage: str, sentences: list[str]) -> None:
    """Every sentence is an exact, stripped substring of the passage, in order, none overlapping."""
    position = 0
    for sentence in sentences:
        assert sentence and sentence == sentence.strip()
        found = passage.find(sentence, position)
        assert found >= 0, sentence
        position = found + len(sentence)


# Passages ------------------------------------------------------------------------------------------------


def test_blank_lines_separate_passages():
    assert split_passages("First paragraph.\n\n\nSecond one.\r\n   \r\nThird.") == [
        "First paragraph.",
        "Second one.",
        "Third.",
    ]


def test_one_sentence_per_line_text_is_grouped_three_lines_at_a_time():
    lines = [f"Sentence number {i} ends here." for i in range(11)]
    passages = split_passages("\n".join(lines))
    assert passages == [" ".join(lines[0:3]), " ".join(lines[3:6]), " ".join(lines[6:9]), " ".join(lines[9:])]


def test_prose_wrapped_at_a_fixed_width_is_one_passage():
    text = "The Afghan government has released\n100 more Taliban prisoners, and the\nmilitants freed 20 captives."
    assert split_passages(text) == [
        "The Afghan government has released 100 more Taliban prisoners, and the militants freed 20 captives."
    ]


def test_whitespace_inside_a_passage_becomes_single_spaces():
    assert split_passages("  Tabs\tand   spaces\u2028and\u3000more.  ") == ["Tabs and spaces and more."]


def test_no_break_spaces_holding_a_number_together_are_kept():
    assert split_passages("About 5\u00a0000 troops.") == ["About 5\u00a0000 troops."]


SPACES = [*"a. \t\r\x0b\x0c\x1c\x1f\x85\u00a0\u202f\u2009\u2028\u3000\u200bé5"]


@given(st.text(alphabet=st.sampled_from(SPACES), max_size=40) | st.text(max_size=40))
def test_whitespace_runs_become_one_space_except_no_break_and_thin_spaces(text):
    from index.passages import _single_spaced

    # The rule as first written, with a regular expression.
    assert _single_spaced(text) == re.sub(r"[^\S\u00a0\u202f\u2009]+", " ", text).strip()


def test_empty_text_has_no_passages():
    assert split_passages("") == split_passages(" \n\n \t\n") == []


def test_long_paragraph_is_cut_between_sentences_into_pieces_of_at_most_1500_characters():
    sentences = [f"The U.S. envoy met Dr. Smith for talk number {i} about the prisoner swap." for i in range(60)]
    passages = split_passages(" ".join(sentences))
    assert len(passages) > 1
    assert all(len(p) <= MAX_PASSAGE_CHARS for p in passages)
    assert " ".join(passages) == " ".join(sentences)
    # Cut only after a sentence's final period: never after "U.S." or "Dr."
    assert all(p.startswith("The U.S. envoy") and p.endswith("swap.") for p in passages)


def test_text_without_spaces_is_cut_anyway():
    passages = split_passages("x" * 4_000)
    assert [len(p) for p in passages] == [1_500, 1_500, 1_000]


def test_corpus_articles_split_into_passages_that_keep_every_word(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        passages = split_passages(text)
        assert " ".join(passages).split() == text.split()
        assert all(0 < len(p) <= MAX_PASSAGE_CHARS for p in passages)
    one_per_line = next(iter(sorted(corpus_dir.glob("000_*.txt"))))
    if len(one_per_line.read_text(encoding="utf-8").strip().splitlines()) == 11:
        assert len(split_passages(one_per_line.read_text(encoding="utf-8"))) == 4


# Sentences -----------------------------------------------------------------------------------------------


def test_sentence_ending_inside_quotes_followed_by_attribution_stays_whole():
    assert split_sentences(SHAHEEN) == [SHAHEEN]


@pytest.mark.parametrize("text", ['"We will win." He left.', "“We will win.” He left."])
def test_quoted_sentence_then_a_new_one_is_two_with_straight_or_curly_quotes(text):
    assert split_sentences(text) == [text[: text.index("He") - 1], "He left."]


def test_question_in_quotes_followed_by_lowercase_attribution_is_one_sentence():
    assert split_sentences("“Will you stay?” he asked. She nodded.") == ["“Will you stay?” he asked.", "She nodded."]


@given(st.text(alphabet=st.sampled_from([*'aZ1_ßǅ² \n"“«(¿-.']), max_size=6) | st.text(max_size=6), st.integers(0, 6))
def test_a_sentence_starts_lowercase_when_its_first_letter_after_quotes_and_brackets_does(text, start):
    from index.punkt import _FIRST_LETTER_RE, _starts_lowercase

    match = _FIRST_LETTER_RE.match(text, start)  # the rule as written, without the shortcut for a plain letter
    assert _starts_lowercase(text, start) == (bool(match) and match.group(1).islower())


def test_abbreviations_and_decimals_do_not_end_sentences():
    assert split_sentences("U.S. forces left.") == ["U.S. forces left."]
    assert split_sentences("Dr. Smith arrived on Jan. 5. He spoke.") == ["Dr. Smith arrived on Jan. 5.", "He spoke."]
    assert split_sentences("It cost 3.5 million dollars. Then it rose.") == [
        "It cost 3.5 million dollars.",
        "Then it rose.",
    ]


def test_abbreviation_followed_by_a_common_sentence_starter_ends_the_sentence():
    assert split_sentences("He lives in the U.S. The president said so.") == [
        "He lives in the U.S.",
        "The president said so.",
    ]


def test_ellipsis_character_and_blank_lines_end_sentences():
    assert split_sentences("Wait… Then he left.") == ["Wait…", "Then he left."]
    assert split_sentences("A heading\n\nThe body starts here.") == ["A heading", "The body starts here."]


@pytest.mark.parametrize(
    ("language", "sentences"),
    [
        ("ru", ["Он родился в 1990 г. в Москве.", "Потом он переехал, т.е. уехал в Петербург.", "Это было давно."]),
        ("de", ["Am 3. Oktober 1990 wurde Deutschland vereint.", "Das war z.B. ein großer Tag.", "Dr. Müller sprach."]),
        ("fr", ["M. Dupont est arrivé hier soir.", "Il a parlé pendant 3,5 heures.", "Puis il est parti."]),
        ("es", ["¿Qué pasó ayer?", "Nadie lo sabe.", "El Sr. García llegó tarde a EE.UU. el lunes."]),
        ("it", ["Il sig. Rossi è arrivato ieri.", "Ha parlato per due ore.", "Poi è partito."]),
        ("pt", ["O Sr. Silva chegou ontem.", "Ele falou durante duas horas.", "Depois partiu."]),
    ],
)
def test_sentences_in_other_languages_split_at_their_ends_only(language, sentences):
    assert split_sentences(" ".join(sentences), language) == sentences


def test_chinese_and_japanese_split_at_their_full_stops():
    assert split_sentences("今日は晴れです。明日は雨でしょう！本当？") == [
        "今日は晴れです。",
        "明日は雨でしょう！",
        "本当？",
    ]
    assert split_sentences("他说：“我们会赢。”然后他走了。", "zh") == ["他说：“我们会赢。”", "然后他走了。"]


@pytest.mark.parametrize("stop", ["。", "！", "？", "．"])
def test_each_full_width_stop_ends_a_sentence_with_or_without_a_space_after_it(stop):
    assert split_sentences(f"第一句{stop}第二句{stop} 第三句{stop}", "zh") == [
        f"第一句{stop}",
        f"第二句{stop}",
        f"第三句{stop}",
    ]


def test_corpus_sentences_are_whole_and_verbatim(corpus_dir):
    splitter = SentenceSplitter("en")
    texts = [path.read_text(encoding="utf-8") for path in sorted(corpus_dir.glob("*.txt"))]
    for text in texts:
        splitter.learn(text)
    sentences = []
    for text in texts:
        for passage in split_passages(text):
            split = splitter.split(passage)
            assert_in_order(passage, split)
            sentences.extend(split)
    shaheen = [s for s in sentences if s.startswith("“Today, 20 prisoners")]
    assert shaheen and all(s.endswith("in the southern city of Kandahar.") for s in shaheen)
    assert "The militants are obliged to free 1,000 pro-government captives in return." in sentences


def test_learned_abbreviations_survive_a_restart():
    text = "\n".join(f"Pfc. Name{i} of unit {i} arrived in camp {i} on time." for i in range(40))
    trained = SentenceSplitter("en")
    trained.learn(text)
    assert "pfc" in trained.learned_abbreviations()
    restored = SentenceSplitter("en", abbreviations=trained.learned_abbreviations())
    assert restored.split("Pfc. Brown arrived.") == ["Pfc. Brown arrived."]
    assert SentenceSplitter("en").split("Pfc. Brown arrived.") == ["Pfc.", "Brown arrived."]
    assert restored.learned_abbreviations() == trained.learned_abbreviations()


def test_repeated_lines_do_not_teach_false_abbreviations():
    splitter = SentenceSplitter("en")
    for _ in range(50):
        splitter.learn("The militants walked out of talks last week.\nOfficials met again on Monday.")
    assert not splitter.learned_abbreviations() & {"week", "monday"}
    assert splitter.split("They met last week. Smith said so.") == ["They met last week.", "Smith said so."]


def test_training_stops_after_a_megabyte():
    splitter = SentenceSplitter("en")
    splitter.learn("\n".join(f"Line {i} of the filler text says nothing much at all." for i in range(20_000)))
    splitter.learn("\n".join(f"Pfc. Name{i} of unit {i} arrived in camp {i} on time." for i in range(40)))
    assert "pfc" not in splitter.learned_abbreviations()


def test_installed_punkt_tab_model_is_used(tmp_path, monkeypatch):
    model = tmp_path / "tokenizers" / "punkt_tab" / "english"
    model.mkdir(parents=True)
    (model / "abbrev_types.txt").write_text("xyzq\n", encoding="utf-8")
    (model / "collocations.tab").write_text("", encoding="utf-8")
    (model / "sent_starters.txt").write_text("", encoding="utf-8")
    (model / "ortho_context.tab").write_text("", encoding="utf-8")
    text = "He met the xyzq. Brown in Kabul."
    assert SentenceSplitter("en").split(text) == ["He met the xyzq.", "Brown in Kabul."]
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    assert SentenceSplitter("en").split(text) == [text]


def test_splitter_for_an_unsupported_language_uses_the_english_abbreviations():
    assert SentenceSplitter("und").split("Dr. Smith left. He spoke.") == ["Dr. Smith left.", "He spoke."]


# Properties ----------------------------------------------------------------------------------------------

SPLIT_ALPHABET = [*"aB ,.?!…。！？\"'“”’«»()\n\u00a0é1", "Dr.", "U.S.", "He", "the"]
split_text = st.lists(st.sampled_from(SPLIT_ALPHABET), max_size=80).map("".join) | st.text(max_size=80)


@settings(deadline=None)  # no timing asserts: the first example loads models
@given(split_text, st.sampled_from(["en", "de", "ru", "und"]))
def test_every_sentence_is_a_substring_of_its_passage_in_order_without_overlap(text, language):
    for passage in split_passages(text):
        assert_in_order(passage, split_sentences(passage, language))
    assert_in_order(text, split_sentences(text, language))


PASSAGE_PIECES = ["word", " ", ".", "\n", "\n\n", "x" * 700]


@settings(deadline=None)  # no timing asserts: the first example loads models
@given(st.text(max_size=4_000) | st.lists(st.sampled_from(PASSAGE_PIECES), max_size=30).map("".join))
def test_passages_are_nonempty_single_spaced_and_short(text):
    for passage in split_passages(text):
        assert passage and passage == passage.strip()
        assert "  " not in passage and "\n" not in passage
        assert len(passage) <= MAX_PASSAGE_CHARS


# Punkt as nltk runs it: our splitter reimplements its span_tokenize with standard-library patterns and answers
# plain contexts itself, and must split and learn exactly as nltk does.


class _NltkLanguageVars(PunktLanguageVars):
    sent_end_chars = (".", "?", "!", "…")


PUNKT_PIECES = [
    *"abc XYZ.?!…\"')(]-,:;\u00a0\u2009\n\t12",
    *["Mr.", "U.S.", " the ", "...", ". The", "? he", "!!", "“", "”", "e.g.", " 1990.", " J. ", "Dr. Smith"],
]


def _nltk_tokenizer(splitter: SentenceSplitter) -> PunktSentenceTokenizer:
    return PunktSentenceTokenizer(splitter._current_tokenizer()._params, lang_vars=_NltkLanguageVars())


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(PUNKT_PIECES), max_size=40).map("".join), st.sampled_from(["en", "de"]))
def test_sentence_spans_are_the_ones_nltks_punkt_gives(text, language):
    splitter = SentenceSplitter(language)
    assert list(splitter._current_tokenizer().span_tokenize(text)) == list(
        _nltk_tokenizer(splitter).span_tokenize(text)
    )


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(PUNKT_PIECES), max_size=40).map("".join), st.sampled_from(["en", "de"]))
def test_sentence_spans_of_single_spaced_text_are_the_ones_nltks_punkt_gives(text, language):
    text = text.replace("\n", " ").replace("\t", " ")  # spaces the only whitespace, as split_passages gives
    splitter = SentenceSplitter(language)
    assert list(splitter._current_tokenizer().span_tokenize(text)) == list(
        _nltk_tokenizer(splitter).span_tokenize(text)
    )


def test_corpus_spans_and_training_match_nltks_punkt(corpus_dir):
    paragraphs = [p for path in sorted(corpus_dir.iterdir()) for p in path.read_text("utf-8").split("\n\n")]
    splitter = SentenceSplitter("en")
    text = "\n".join(paragraphs)
    splitter.learn(text)
    theirs = PunktTrainer(lang_vars=_NltkLanguageVars())
    theirs.get_params().abbrev_types.update(splitter._builtin)
    theirs.train(text, finalize=False)
    ours = splitter._trainer.get_params()
    assert ours.abbrev_types == theirs.get_params().abbrev_types
    assert dict(ours.ortho_context) == dict(theirs.get_params().ortho_context)
    assert ours.sent_starters == theirs.get_params().sent_starters
    for paragraph in paragraphs:
        assert list(splitter._current_tokenizer().span_tokenize(paragraph)) == list(
            _nltk_tokenizer(splitter).span_tokenize(paragraph)
        )
