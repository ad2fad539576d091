"""Articles in several languages in one library: each split and stemmed with its own rules, each question
analysed in its own language."""

from __future__ import annotations

import pytest

from index import Library

ARTICLES = {
    "en": (
        "The new bridge over the river opened on Saturday. Engineers tested the bridges for three weeks.",
        "How long did engineers test the bridge?",
        "Engineers tested the bridges for three weeks.",
    ),
    "ru": (
        "Новый мост через реку открыли в субботу. Инженеры проверяли мосты три недели.",
        "Сколько недель инженеры проверяли мост?",
        "Инженеры проверяли мосты три недели.",
    ),
    "de": (
        "Die neue Brücke über den Fluss wurde am Samstag eröffnet. "
        "Die Ingenieure prüften die Brücken drei Wochen lang.",
        "Wie lange prüften die Ingenieure die Brücke?",
        "Die Ingenieure prüften die Brücken drei Wochen lang.",
    ),
    "fr": (
        "Le nouveau pont sur la rivière a ouvert samedi. Les ingénieurs ont testé les ponts pendant trois semaines.",
        "Combien de temps les ingénieurs ont-ils testé le pont ?",
        "Les ingénieurs ont testé les ponts pendant trois semaines.",
    ),
    "es": (
        "El nuevo puente sobre el río se abrió el sábado. Los ingenieros probaron los puentes durante tres semanas.",
        "¿Cuánto tiempo probaron los ingenieros el puente?",
        "Los ingenieros probaron los puentes durante tres semanas.",
    ),
}


@pytest.fixture(scope="module")
def library():
    with Library.open(None) as lib:
        for language, (text, _, _) in ARTICLES.items():
            lib.add_text(text, title=f"Bridge ({language})", source=f"bridge-{language}")
        yield lib


@pytest.mark.parametrize("language", sorted(ARTICLES))
def test_question_in_each_language_finds_the_sentence_in_that_language(library, language):
    _, question, expected = ARTICLES[language]
    [answer, *_] = library.ask(question)
    assert answer.sentence == expected
    assert answer.sources[0].source == f"bridge-{language}"


def test_every_language_is_detected_and_reported(library):
    assert set(library.stats().languages) == set(ARTICLES)


def test_cjk_text_matches_on_characters():
    with Library.open(None) as lib:
        lib.add_text("东京的新桥在星期六开放。工程师测试了三个星期。", title="桥", source="zh")
        answers = lib.ask("新桥什么时候开放")
        assert answers and answers[0].sentence == "东京的新桥在星期六开放。"


def test_question_mixing_scripts_does_not_crash(library):
    assert isinstance(library.ask("bridge мост Brücke 桥 🌉 puente?"), list)


def test_articles_are_counted_once_then_kept_in_step_by_the_writes(tmp_path, statements):
    english, german = ARTICLES["en"], ARTICLES["de"]
    with Library.open(tmp_path / "lib.sqlite3") as library:
        library.add_text(english[0], title="Bridge", source="bridge.txt")
    with Library.open(tmp_path / "lib.sqlite3") as library:  # counted on opening: English only
        assert library.ask(english[1])[0].sentence == english[2]
        statements.clear()
        library.add_text(german[0], title="Brücke", source="bruecke.txt", collection="chat:1")
        [answer, *_] = library.ask(german[1], collections=("chat:1",))
        assert answer.sentence == german[2]
        assert not answer.why.missing_terms  # the question was read as German: as English, "wie" would be missing
        library.add_text(english[0] + " It cost nine million euros.", title="Bridge", source="bridge.txt")
        assert library.ask("How much did the bridge cost?")[0].sentence == "It cost nine million euros."
        assert library.remove("bruecke.txt", collection="chat:1")
        assert library.stats().languages == ("en",)
        assert not library.ask(german[1], collections=("chat:1",))
        # Added, replaced and removed articles changed the counts kept; none was counted again from the file.
        counting = ("GROUP BY language", "GROUP BY c.id")  # ArticleCounts's, not stats()'s
        assert not any(phrase in statement for statement in statements for phrase in counting)
