"""Specs for index.analysis: how text becomes terms, for articles and questions alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.analysis import (
    Token,
    analyze,
    joined_terms,
    normalize,
    question_type,
    stopwords,
    tokenize,
    words_of_terms,
)
from index.languages import SUPPORTED, detect_language

# Characters that exercise every branch of the tokenizer: separators, apostrophes, dashes, marks, glue,
# CJK, emoji, surrogates, and letters that change under NFKC or casefolding.
TRICKY = [*"aZé1９٣ .,'’‘-‐–—%\u00a0\u202f\u0301\u200b\u00ad\x00日本語かカ한😀ﬁẞİё²U.S\n\t\"“”", "\ud800"]
tricky_text = st.text(alphabet=st.sampled_from(TRICKY), max_size=60) | st.text(max_size=60)


def test_numbers_with_thousands_separators_match_plain_numbers():
    assert analyze("5,000") == analyze("5000") == analyze("5\u00a0000") == analyze("5\u202f000") == ["5000"]
    assert analyze("1,000,000 people") == ["1000000", "peopl"]
    assert analyze("5.000 Gefangene", "de")[0] == analyze("5,000 prisoners", "en")[0] == "5000"


def test_decimal_point_becomes_p_in_one_term():
    assert analyze("3.5 million") == ["3p5", "million"]
    assert analyze("3,5 Millionen", "de") == ["3p5", "million"]
    assert analyze("1,234.50") == ["1234p5"]
    assert analyze("1.234.567,8", "de") == ["1234567p8"]


def test_digit_runs_that_are_not_one_number_give_several():
    assert analyze("3.5.2020") == ["3", "5", "2020"]
    assert analyze("1,2,3") == ["1", "2", "3"]


def test_numbers_are_kept_and_never_stemmed():
    assert analyze("In 2001, 30% of the 1990s troops left at 05:30.") == [
        "2001",
        "30",
        "1990s",
        "troop",
        "left",
        "5",
        "30",
    ]


def test_hyphenated_words_keep_their_parts_and_short_ones_their_joined_form():
    assert analyze("COVID-19") == ["covid", "19", "covid19"]
    assert analyze("e-mail") == ["e", "mail", "email"]
    assert analyze("pro-government") == ["pro", "govern"]


def test_possessive_s_is_dropped_with_straight_or_curly_apostrophe():
    assert analyze("Taliban's") == analyze("Taliban’s") == analyze("Taliban") == ["taliban"]


def test_french_elisions_are_dropped():
    assert analyze("l'armée d’Afghanistan", "fr") == analyze("armée Afghanistan", "fr")


def test_curly_quotes_and_dashes_normalise():
    assert normalize("“Peace” – ‘now’ — «oui» 2−1") == '"Peace" - \'now\' - "oui" 2-1'


def test_normalize_removes_zero_width_characters_nul_and_lone_surrogates():
    assert normalize("a\u200bb\u200dc\ufeffd\x00e\ud800f") == "abcdef"
    assert normalize("ﬁnance…") == "finance..."


def test_invisible_characters_and_combining_accents_do_not_split_words():
    assert analyze("co\u00adoperate") == analyze("cooperate")
    assert analyze("Cafe\u0301") == analyze("Café") == analyze("Cafe")


def test_latin_accents_are_dropped_so_names_match_written_either_way():
    assert analyze("Hervé in Zürich") == analyze("Herve in Zurich") == ["herv", "zurich"]
    assert analyze("Les prisonniers libérés", "fr") == analyze("Les prisonniers liberes", "fr")
    assert analyze("Straße Søren правительство") == ["strass", "søren", "правительство"]  # no accent to drop


def test_fullwidth_and_ligature_letters_match_plain_ones():
    assert analyze("Ｔｏｋｙｏ ﬁnance") == analyze("Tokyo finance")


def test_stopwords_are_dropped_and_word_forms_meet_at_their_stem():
    assert analyze("The prisoners were released") == analyze("prisoner release") == ["prison", "releas"]


@pytest.mark.parametrize(
    ("language", "text", "other_form"),
    [
        ("de", "Die Häuser", "Haus"),
        ("fr", "Les prisonniers libérés", "prisonnier libéré"),
        ("es", "Los prisioneros liberados", "prisionero liberado"),
        ("it", "I prigionieri liberati", "prigioniero liberato"),
        ("pt", "Os prisioneiros libertados", "prisioneiro libertado"),
        ("ru", "заключённых освобождённых", "заключенные освобожденные"),
    ],
)
def test_each_supported_language_drops_its_stopwords_and_stems_its_words(language, text, other_form):
    assert analyze(text, language) == analyze(other_form, language) != []


def test_question_words_are_stopwords_but_set_question_type():
    assert analyze("How many prisoners were released?") == ["prison", "releas"]
    assert question_type("How many prisoners were released?") == "count"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many prisoners were released?", "count"),
        ("How much did the war cost?", "count"),
        ("When did the talks begin?", "when"),
        ("In what year did the invasion start?", "when"),
        ("Which century did the dynasty end in?", "when"),
        ("How long did the siege last?", "count"),
        ("What percentage of the vote did she win?", "count"),
        ("Who is Zalmay Khalilzad?", "who"),
        ("Where were the captives handed over?", "where"),
        ("Why did the militants walk out?", "why"),
        ("What is the NSC?", "what_is"),
        ("What’s NATO?", "what_is"),
        ("What does NSC stand for?", "what_is"),
        ("Did the Taliban free anyone?", "yesno"),
        ("Is the peace process fragile?", "yesno"),
        ("What did Khalilzad tweet?", None),
        ("Taliban prisoners Kandahar", None),
        ("Wie viele Gefangene wurden freigelassen?", "count"),
        ("Wann begannen die Gespräche?", "when"),
        ("Combien de prisonniers ont été libérés ?", "count"),
        ("Pourquoi les talibans ont-ils quitté les pourparlers ?", "why"),
        ("¿Dónde fueron entregados los cautivos?", "where"),
        ("¿Quién es Zalmay Khalilzad?", "who"),
        ("Сколько заключённых освободили?", "count"),
        ("Что такое НАТО?", "what_is"),
        ("Когда начались переговоры?", "when"),
    ],
)
def test_question_type_names_what_the_question_asks_for(question, kind):
    assert question_type(question) == kind


def test_all_capital_words_are_kept_even_when_they_spell_a_stopword():
    assert analyze("U.S. forces and US troops") == ["us", "forc", "us", "troop"]
    assert analyze("WHO said it") == ["who", "say"]
    assert analyze("who said it") == ["say"]


def test_cjk_text_matches_on_characters():
    article = analyze("東京は日本の首都です。", "ja")
    assert article[:2] == ["東", "京"]
    assert set(analyze("東京")) <= set(article)
    assert analyze("서울은 한국의 수도") == ["서", "울", "은", "한", "국", "의", "수", "도"]
    assert analyze("北京是中国的首都", "zh") == ["北", "京", "是", "中", "国", "的", "首", "都"]


def test_emoji_and_punctuation_give_no_terms():
    assert analyze("😀 🇺🇸 !!! — … ?? «» ** # @") == []


def test_tokens_longer_than_forty_characters_give_no_term():
    assert analyze("x" * 41) == []
    assert analyze("7" * 41) == []
    assert analyze("7" * 40) == ["7" * 40]


def test_tokens_offsets_point_into_original_text():
    text = "“Ｔｏｋｙｏ’s” co\u00adoperation — 5,000 ﬁghters, COVID-19."
    tokens = tokenize(text)
    assert [t.surface for t in tokens] == [
        "Ｔｏｋｙｏ’s",
        "co\u00adoperation",
        "5,000",
        "ﬁghters",
        "COVID",
        "19",
        "COVID-19",
    ]
    assert [t.term for t in tokens] == ["tokyo", "cooper", "5000", "fighter", "covid", "19", "covid19"]
    assert all(text[t.start : t.end] == t.surface for t in tokens)


def test_stopwords_are_tokens_without_a_term():
    assert tokenize("the war") == [Token("the", 0, 3, None), Token("war", 4, 7, "war")]


def test_unknown_language_gets_language_neutral_analysis():
    assert analyze("The prisoners were released", "xx") == ["prisoners", "released"]
    assert analyze("The prisoners were released", "und") == ["prisoners", "released"]


def test_question_in_a_supported_language_is_analysed_in_it():
    question = "How many prisoners were released by the Taliban?"
    assert detect_language(question) == "en"
    assert analyze(question, "en") == ["prison", "releas", "taliban"]
    question = "Wie viele Gefangene wurden freigelassen?"
    assert detect_language(question) == "de"
    assert analyze(question, "de") == ["gefang", "freigelass"]


def test_question_too_short_to_tell_its_language_falls_back_to_neutral_analysis():
    assert detect_language("Zalmay Khalilzad?") == "und"
    assert analyze("Zalmay Khalilzad?", "und") == ["zalmay", "khalilzad"]


def test_huge_question_is_bounded():
    assert question_type("x " * 5_000 + "how many?") is None


def test_stopwords_of_every_supported_language_are_kept_in_the_repo_as_terms():
    for language in SUPPORTED:
        words = stopwords(language)
        assert len(words) > 100, language
        assert all(word.isalnum() for word in words), language
    assert {"how", "many", "who", "when", "where", "what", "why", "dont"} <= stopwords("en")
    assert "won" not in stopwords("en")  # "the team won" keeps its verb
    assert stopwords("xx") == stopwords("und") and "the" in stopwords("und")


@settings(deadline=None)  # no timing asserts: the first example loads models
@given(tricky_text)
def test_tokenize_never_raises_and_offsets_point_at_the_surface(text):
    for token in tokenize(text):
        assert 0 <= token.start < token.end <= len(text)
        assert text[token.start : token.end] == token.surface


@settings(deadline=None)  # no timing asserts: the first example loads models
@given(tricky_text, st.sampled_from([*SUPPORTED, "und", "zh"]))
def test_every_term_is_a_short_nonempty_run_of_letters_and_digits(text, language):
    for term in analyze(text, language):
        assert term.isalnum() and len(term) <= 40


@settings(deadline=None)  # no timing asserts: the first example loads models
@given(tricky_text, st.sampled_from(["en", "de", "fr", "und"]))
def test_analyze_gives_the_terms_of_tokenize(text, language):
    assert analyze(text, language) == [t.term for t in tokenize(text, language) if t.term]


@settings(deadline=None)  # no timing asserts: the first example loads models
@given(st.text(max_size=300))
def test_any_question_can_be_analysed_and_typed(text):
    language = detect_language(text)
    assert isinstance(language, str) and all(term.isalnum() for term in analyze(text, language))
    assert question_type(text) in {None, "count", "what_is", "when", "who", "where", "why", "yesno"}


# analyze() cuts text at spaces and remembers each piece's terms: they must be the terms the piece has inside the
# whole text, whatever stands on either side of a space (a no-break space, a number, an acronym, an apostrophe).
SPACED = [*TRICKY, " ", " ", "  ", "U.S.", "5", "000", "1.", "e-", "'s", "l'", "COVID-19", "日本", "Straße", "ⅰ"]
SPACED += ["The", "WHO", "US", "us", "wrote", "Wrote", "said", "Kabul", "ab"]  # plain words take a shortcut


@settings(deadline=None, max_examples=500)  # no timing asserts: the first example loads models
@given(st.lists(st.sampled_from(SPACED), max_size=30).map("".join), st.sampled_from([*SUPPORTED, "und", "zh"]))
def test_analyze_gives_the_terms_of_tokenize_for_text_cut_at_spaces(text, language):
    expected = [t.term for t in tokenize(text, language) if t.term]
    assert analyze(text, language) == expected
    assert analyze(text, language) == expected  # again, from what the first call remembered
    assert joined_terms(text, language) == " ".join(expected)  # as the store keeps them


@settings(deadline=None, max_examples=500)  # no timing asserts: the first example loads models
@given(
    st.lists(st.sampled_from(SPACED), max_size=30).map("".join) | tricky_text,
    st.sampled_from(["en", "de", "und", "zh"]),
    st.integers(min_value=0),
)
def test_the_words_of_wanted_terms_are_those_tokenize_finds(text, language, choice):
    terms = sorted(set(analyze(text, language)))
    wanted = {term for i, term in enumerate(terms) if choice >> i & 1}  # any subset of the text's terms
    expected = tuple(dict.fromkeys(t.surface for t in tokenize(text, language) if t.term in wanted))
    assert words_of_terms(text, wanted, language) == expected
    assert words_of_terms(text, wanted | {"absentterm"}, language) == expected


@settings(max_examples=500)
@given(st.lists(st.sampled_from(SPACED), max_size=30).map("".join) | st.text(max_size=60))
def test_a_word_found_in_a_text_is_found_whole_on_its_own(text):
    # What lets analyze() remember a word's terms as those of a piece that is just the word.
    from index.analysis import _TOKEN_RE

    for word in _TOKEN_RE.findall(text):
        assert _TOKEN_RE.findall(word) == [word]


def test_remembered_terms_are_forgotten_when_too_many_and_terms_stay_the_same(monkeypatch):
    import index.analysis

    monkeypatch.setattr(index.analysis, "MAX_CACHED_PIECES", 50)
    for number in range(300):
        text = f"Word{number} said. Kabul's {number} 5\u00a0{number:03d}"
        assert analyze(text) == [t.term for t in tokenize(text) if t.term]
        assert analyze(text, "de") == [t.term for t in tokenize(text, "de") if t.term]
        # Never more than the limit and what one text adds: its pieces and the words in them.
        assert sum(map(len, index.analysis._PIECE_TERMS.values())) <= 50 + len(text.split(" ")) + len(tokenize(text))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_normalize_and_casefold_fold_it(text):
    from index.analysis import _fold

    assert _fold(text) == normalize(text).casefold()


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet="abcxyzABCXYZ0189", min_size=1, max_size=12), st.sampled_from([*SUPPORTED, "und"]))
def test_plain_ascii_words_take_a_shortcut_to_the_same_terms(word, language):
    from index.analysis import _any_spans, _code, _spans, language_config

    code = _code(language)
    assert _spans(word, code) == _any_spans(word, code, language_config(code))


def test_english_irregular_forms_are_analysed_as_their_base_form():
    assert analyze("wrote written writes writing") == ["write"] * 4
    assert analyze("The team won; teams win") == ["team", "win", "team", "win"]
    assert analyze("They had done it") == []  # forms of stopwords are stopwords
    assert analyze("found left") == ["found", "left"]  # also words of their own: left as they are
    assert analyze("wrote", "de") == ["wrot"]  # English only


def test_the_irregular_forms_list_is_one_form_and_its_base_a_line_each_form_once():
    from importlib import resources

    text = resources.files("index").joinpath("data", "irregular_en.txt").read_text(encoding="utf-8")
    pairs = [line.split() for line in text.splitlines() if line and not line.startswith("#")]
    assert all(len(pair) == 2 for pair in pairs)
    assert len({form for form, _ in pairs}) == len(pairs)
