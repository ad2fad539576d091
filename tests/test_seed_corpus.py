"""The two seed news articles the product was specified from: overlapping, repeating and disagreeing."""

from __future__ import annotations

import pytest

from index import Library

BOTH = ["000_46e840f1c2db252b.txt", "001_af9604bf552b5bc3.txt"]


@pytest.fixture(scope="module")
def seed_library():
    from tests.conftest import shared_path

    with Library.open(None) as library:
        library.add_path(shared_path("corpus"))
        yield library


def sources_of(answer) -> list[str]:
    return sorted(source.source for source in answer.sources)


def test_same_sentence_in_both_seed_articles_is_one_answer_citing_both(seed_library):
    answers = seed_library.ask("How many pro-government captives must the militants free?")
    assert answers[0].sentence == "The militants are obliged to free 1,000 pro-government captives in return."
    assert sources_of(answers[0]) == BOTH
    assert [a.sentence for a in answers].count(answers[0].sentence) == 1


def test_near_duplicate_troops_sentence_is_one_answer_citing_both(seed_library):
    [answer, *_] = seed_library.ask("How many NATO troops remain in Afghanistan?")
    assert answer.sentence.startswith("About 14,000 US troops and approximately 17,000 troops from NATO allies")
    assert sources_of(answer) == BOTH


def test_articles_saying_300_and_100_prisoners_are_flagged_as_differing(seed_library):
    result = seed_library.query("How many prisoners has the Afghan government released?")
    assert result.disagreement is not None
    numbers = {("300" in a.sentence, "100" in a.sentence) for a in result.disagreement}
    assert numbers == {(True, False), (False, True)}


@pytest.mark.parametrize(
    "question",
    ["hello", "What is the capital of France?", "How many US troops are in Germany?", "Who won the 2018 World Cup?"],
)
def test_questions_the_seed_articles_do_not_answer_get_no_answer(seed_library, question):
    assert seed_library.ask(question) == []


def test_pronoun_sentence_answers_a_question_about_the_man_named_before_it(seed_library):
    [answer, *_] = seed_library.ask("Why did Khalilzad urge both sides to move more quickly?")
    assert answer.sentence.startswith("He urged both sides to continue the process more quickly")


def test_misspelled_question_is_corrected_against_the_library(seed_library):
    [answer, *_] = seed_library.ask("how many talibans prisoners did the afgan goverment release since wenesday")
    assert "300 Taliban prisoners" in answer.sentence
