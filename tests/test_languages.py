"""Specs for index.languages: which language a text is in, and what each language needs."""

from __future__ import annotations

import pytest
import Stemmer
from hypothesis import given, settings
from hypothesis import strategies as st

from index import languages
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


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("government said", UNDETERMINED),
        ("the government said", "en"),
        ("Regierung hat", UNDETERMINED),
        ("Die Regierung hat", "de"),
        ("Правительство освободило заключённых", "ru"),
    ],
)
def test_three_words_of_two_letters_or_more_are_enough_to_try_two_are_not(text, language):
    assert detect_language(text) == language


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
        assert config.snowball in Stemmer.algorithms()
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


# Paragraphs of the same news item in languages the stopword vote must leave to the model: the unsupported
# ones look like supported ones (Catalan, Galician, Dutch), and Spanish and Portuguese look like each other.
LOOKALIKE_PARAGRAPHS = {
    "nl": "De gemeenteraad heeft dinsdag besloten dat de nieuwe brug over de rivier pas in het voorjaar wordt "
    "geopend. Volgens de wethouder zijn er problemen met de levering van staal, en de aannemer heeft meer tijd "
    "nodig om de fundering te versterken. Bewoners van de wijk zijn teleurgesteld, omdat zij al twee jaar moeten "
    "omrijden.",
    "ca": "L'ajuntament va aprovar dimarts que el nou pont sobre el riu no s'obrirà fins a la primavera. Segons la "
    "regidora, hi ha problemes amb el subministrament d'acer, i el contractista necessita més temps per reforçar "
    "els fonaments. Els veïns del barri estan decebuts, perquè fa dos anys que han de fer la volta.",
    "gl": "O concello aprobou o martes que a nova ponte sobre o río non se abrirá ata a primavera. Segundo a "
    "concelleira, hai problemas coa subministración de aceiro, e o contratista precisa máis tempo para reforzar os "
    "alicerces. Os veciños do barrio están decepcionados, porque levan dous anos dando a volta.",
    "sv": "Kommunfullmäktige beslutade på tisdagen att den nya bron över älven inte öppnas förrän i vår. Enligt "
    "kommunalrådet finns det problem med leveranserna av stål, och entreprenören behöver mer tid för att förstärka "
    "grunden. De boende i området är besvikna, eftersom de har fått köra omvägar i två år.",
    "es": "El ayuntamiento decidió el martes que el nuevo puente sobre el río no se abrirá hasta la primavera. Según "
    "la concejala, hay problemas con el suministro de acero, y el contratista necesita más tiempo para reforzar los "
    "cimientos. Los vecinos del barrio están decepcionados, porque llevan dos años dando un rodeo.",
    "pt": "O conselho municipal decidiu na terça-feira que a nova ponte sobre o rio só será aberta na primavera. "
    "Segundo o vereador, há problemas com a entrega de aço, e o empreiteiro precisa de mais tempo para reforçar as "
    "fundações. Os moradores do bairro estão desapontados, porque há dois anos têm de dar a volta.",
}
ENGLISH_PARAGRAPH = (
    "The city council decided on Tuesday that the new bridge over the river will not open until the spring. "
    "According to the deputy mayor, there are problems with the delivery of steel, and the contractor needs more "
    "time to strengthen the foundations. Residents of the district are disappointed, because they have had to "
    "drive around for two years."
)


@pytest.mark.parametrize("language", sorted(LOOKALIKE_PARAGRAPHS))
def test_close_languages_are_left_to_the_model_and_told_apart(language):
    paragraph = LOOKALIKE_PARAGRAPHS[language]
    assert languages._stopword_vote(paragraph) is None
    if language in DETECTABLE:  # Galician is not: the model calls it Portuguese
        assert detect_language(paragraph) == language


def test_a_plain_english_paragraph_is_settled_by_the_stopword_vote_as_the_model_would():
    assert languages._stopword_vote(ENGLISH_PARAGRAPH) == "en"
    assert languages._identifier().classify(ENGLISH_PARAGRAPH)[0] == "en"


def test_short_texts_are_never_settled_by_the_vote():
    assert languages._stopword_vote("The bridge over the river will not open until the spring.") is None
