"""Precise questions and scoped libraries: phrases, source:, after:/before:, collections, freshness."""

from __future__ import annotations

import pytest

from index import Library

HARBOUR_2023 = "The harbour authority counted 1,200 ships in the port last year. Storms closed the port twice."
HARBOUR_2024 = "The harbour authority counted 1,450 ships in the port last year. A new crane arrived in March."
MARKET = "The night market opened a new hall for fishermen. The fish market hall sells fresh tuna every morning."


@pytest.fixture
def library():
    with Library.open(None) as lib:
        lib.add_text(
            HARBOUR_2023,
            title="Port report 2023",
            source="herald/port-2023",
            url="https://herald.example/port-2023",
            published="2023-01-15",
        )
        lib.add_text(
            HARBOUR_2024,
            title="Port report 2024",
            source="gazette/port-2024",
            url="https://gazette.example/port-2024",
            published="2024-01-20",
        )
        lib.add_text(MARKET, title="Market news", source="herald/market", published="2024-06-01")
        yield lib


def test_quoted_phrase_must_appear_in_the_answer(library):
    [answer, *_] = library.ask('Which "fish market" hall sells tuna?')
    assert answer.sentence == "The fish market hall sells fresh tuna every morning."
    assert all(
        "fish market" in a.sentence.lower() or "fish market" in " ".join(a.before + a.after).lower()
        for a in library.ask('"fish market" hall')
    )


def test_source_filter_limits_answers_to_matching_sources(library):
    [answer, *_] = library.ask("How many ships were counted in the port? source:herald")
    assert answer.sources[0].source == "herald/port-2023"
    [answer, *_] = library.ask("How many ships were counted in the port?", sources=("gazette",))
    assert answer.sources[0].source == "gazette/port-2024"


def test_date_filters_limit_by_publication_date(library):
    [answer, *_] = library.ask("How many ships were counted in the port? before:2023-12-31")
    assert "1,200" in answer.sentence
    [answer, *_] = library.ask("How many ships were counted in the port?", after="2024-01-01")
    assert "1,450" in answer.sentence


def test_newer_article_wins_when_answers_are_equally_good(library):
    [first, second, *_] = library.ask("How many ships did the harbour authority count?")
    assert first.sources[0].published == "2024-01-20"
    assert second.sources[0].published == "2023-01-15"


def test_sources_stating_different_numbers_are_flagged(library):
    result = library.query("How many ships did the harbour authority count in the port?")
    assert result.disagreement is not None
    assert {a.sentence[:40] for a in result.disagreement} == {
        "The harbour authority counted 1,450 ship",
        "The harbour authority counted 1,200 ship",
    }


@pytest.mark.parametrize(
    "question, hint",
    [
        ("ships in the port colour:red", "unknown filter colour:"),
        ("ships in the port after:yesterday", "after: needs a date"),
        ('ships "in the port', "quote was not closed"),
        ("ships in the port source:nowhere", "no article matches source:nowhere"),
    ],
)
def test_unusable_filters_become_hints_not_errors(library, question, hint):
    result = library.query(question)
    assert any(hint in h for h in result.hints)


def test_bad_filter_still_answers_the_rest_of_the_question(library):
    result = library.query("How many ships did the harbour authority count? after:someday")
    assert result.answers and "ships" in result.answers[0].sentence


def test_urls_in_questions_are_not_taken_for_filters(library):
    assert library.query("what is https://herald.example/port-2023 about").hints == ()


def test_collections_keep_groups_apart():
    with Library.open(None) as lib:
        lib.add_text(
            "The chess club meets on Tuesdays in room 4.", title="Chess", source="chess", collection="chat:-1001"
        )
        lib.add_text(
            "The choir meets on Tuesdays in the old chapel.", title="Choir", source="choir", collection="chat:-1002"
        )
        lib.add_text("The library closes at noon on Tuesdays.", title="Library hours", source="hours")
        first = lib.ask("Where does it meet on Tuesdays?", k=5, collections=("chat:-1001", "global"))
        second = lib.ask("Where does it meet on Tuesdays?", k=5, collections=("chat:-1002", "global"))
        assert all(s.source != "choir" for a in first for s in a.sources)
        assert all(s.source != "chess" for a in second for s in a.sources)
        assert first[0].sentence == "The chess club meets on Tuesdays in room 4."
        assert second[0].sentence == "The choir meets on Tuesdays in the old chapel."
        assert lib.ask("Where does the chess club meet?") == []  # global only: the club's article is not there
        assert lib.stats(["chat:-1001"]).articles == 1
        assert [s.source for s in lib.sources(["chat:-1002"])] == ["choir"]


def test_same_source_in_two_collections_is_two_articles():
    with Library.open(None) as lib:
        lib.add_text("Rehearsal starts at seven.", title="Notice", source="notice", collection="chat:1")
        lib.add_text("Rehearsal starts at eight.", title="Notice", source="notice", collection="chat:2")
        assert lib.stats().articles == 2
        assert "seven" in lib.ask("When does rehearsal start?", collections=("chat:1",))[0].sentence
        assert lib.remove("notice", collection="chat:1")
        assert lib.stats().articles == 1
