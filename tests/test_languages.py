"""Specs for index.languages: which language a text is in, and what each language needs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.stem.snowball import SnowballStemmer

from index.languages import (
    CJK_LANGUAGES,
    DETECTABLE,
    NEUTRAL,
    SUPPORTED,
    UNDETERMINED,
    detect_language,
    language_config,
)
from index.stopwords import word_list

SENTENCES = {
    "en": "The Afghan government has released one hundred more Taliban prisoners.",
    "ru": "Правительство Афганистана освободило ещё сто заключённых талибов.",
    "de": "Die afghanische Regierung hat weitere hundert Gefangene der Taliban freigelassen.",
    "fr": "Le gouvernement afghan a libéré cent prisonniers talibans de plus.",
    "es": "El gobierno afgano ha liberado a cien prisioneros talibanes más.",
    "it": "Il governo afghano ha rilasciato altri cento prigionieri talebani.",
    "pt": "O governo afegão libertou mais cem prisioneiros talibãs.",
    "nl": "De Afghaanse regering heeft nog honderd Taliban-gevangenen vrijgelaten.",
    "zh": "阿富汗政府又释放了一百名塔利班囚犯。",
    "ja": "アフガニスタン政府はさらに百人のタリバン囚人を釈放した。",
    "ko": "아프가니스탄 정부는 탈레반 포로 백 명을 추가로 석방했다.",
}


def test_supported_languages_include_the_five_the_bot_promises():
    assert {"en", "ru", "de", "fr", "es"} <= set(SUPPORTED)


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_one_sentence_is_enough_to_tell_its_language(language):
    assert detect_language(SENTENCES[language]) == language


@pytest.mark.parametrize("text", ["", "Hello", "Kabul Kandahar", "12345 678", "asdf qwer zxcv", "😀 😀 😀"])
def test_text_too_short_or_too_uncertain_is_undetermined(text):
    assert detect_language(text) == UNDETERMINED


def test_chinese_japanese_and_korean_are_told_apart_by_script():
    assert detect_language("北京") == "zh"
    assert detect_language("東京に行きます") == "ja"
    assert detect_language("서울에 갑니다") == "ko"
    assert detect_language("The word 東京 in an English sentence about travel plans.") == "en"


def test_detection_reads_only_the_start_of_a_long_text():
    text = SENTENCES["en"] * 40 + SENTENCES["de"] * 1_000
    assert detect_language(text) == "en"


def test_each_supported_language_has_a_stemmer_stopwords_and_abbreviations():
    for language in SUPPORTED:
        config = language_config(language)
        assert config.code == language
        assert SnowballStemmer(config.snowball).stem("a") is not None
        assert word_list("stopwords", language), language
        assert word_list("abbreviations", language), language


def test_unsupported_language_gets_the_neutral_configuration():
    assert language_config("nl") == language_config("zh") == language_config("und") == NEUTRAL
    assert NEUTRAL.snowball is None


def test_language_codes_from_outside_never_name_a_file_outside_the_word_lists():
    assert word_list("stopwords", "../../pyproject") == ()
    assert word_list("stopwords", "xx") == ()


@settings(deadline=None)  # no timing asserts: the first example loads models
@given(st.text(max_size=3_000))
def test_detection_always_names_a_known_language_or_und(text):
    assert detect_language(text) in {*DETECTABLE, *CJK_LANGUAGES, UNDETERMINED}
