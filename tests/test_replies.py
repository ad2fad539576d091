"""bot.replies: answers become Telegram HTML a user can read, always valid and within one message."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import replies
from index import AddReport, Answer, Result, Skipped, Source, Stats
from tests.botapi.html_check import parse_html
from tests.botapi.texts import utf16_len

TOWER = Source("Harbour towers", "towers.md", "https://news.example/towers?a=1&b=2", "2024-03-01")
ALMANAC = Source("Coastal almanac", "almanac.txt", None, None)


def answer(sentence: str, *sources: Source, words: tuple[str, ...] = (), sid: int = 7, **extra) -> Answer:
    return Answer(sentence, sources or (TOWER,), 1.0, sid, matched_words=words, **extra)


def telegram_view(message: str) -> tuple[str, list[dict]]:
    """What Telegram would show: plain text and entities; raises like Telegram on bad HTML."""
    return parse_html(message)


def test_answer_quotes_the_sentence_with_matched_words_bold_then_its_linked_source():
    reply = replies.render_result(Result(answers=(answer("The tower is 80 metres tall.", words=("tower", "80")),)))
    assert reply == (
        "<blockquote>The <b>tower</b> is <b>80</b> metres tall.</blockquote>\n"
        '— <a href="https://news.example/towers?a=1&amp;b=2">Harbour towers</a>, 2024-03-01'
    )
    text, _ = telegram_view(reply)
    assert text == "The tower is 80 metres tall.\n— Harbour towers, 2024-03-01"


def test_same_sentence_in_two_articles_lists_both_sources_and_unlinked_titles_stay_plain():
    reply = replies.render_answer(answer("Fog came at dawn.", TOWER, ALMANAC))
    assert telegram_view(reply)[0] == "Fog came at dawn.\n— Harbour towers, 2024-03-01\n— Coastal almanac"


def test_an_answer_from_many_articles_names_five_and_counts_the_rest():
    sources = [Source(f"Paper {n}", f"p{n}.txt") for n in range(8)]
    text, _ = telegram_view(replies.render_answer(answer("Snow fell.", *sources)))
    assert text.splitlines()[1:] == [f"— Paper {n}" for n in range(5)] + ["— and 3 more"]


def test_article_and_user_text_is_escaped_and_odd_links_are_not_linked():
    bad = Source('<script>alert("x")</script>', "x.html", 'javascript:alert("x")', "2024-01-01")
    reply = replies.render_answer(answer("1 < 2 & 3 > 2 <b>not bold</b>", bad))
    text, entities = telegram_view(reply)
    assert text == '1 < 2 & 3 > 2 <b>not bold</b>\n— <script>alert("x")</script>, 2024-01-01'
    assert [e["type"] for e in entities] == ["blockquote"]


def test_no_answer_says_so_honestly():
    assert replies.render_result(Result()) == "I couldn't find that in the articles I have."


def test_closest_sentence_is_shown_only_marked_as_not_an_answer():
    text, _ = telegram_view(replies.render_result(Result(closest=answer("Ferries stop in winter."))))
    assert text == (
        "I couldn't find that in the articles I have.\n\n"
        "Closest I found (not an answer):\n"
        "Ferries stop in winter.\n— Harbour towers, 2024-03-01"
    )


def test_hints_and_a_note_follow_the_reply():
    result = Result(hints=("unknown filter 'foo:'; filters are source:, after:, before:",))
    text, entities = telegram_view(replies.render_result(result, note="I read only the first part."))
    assert text == (
        "I couldn't find that in the articles I have.\n\n"
        "ℹ️ unknown filter 'foo:'; filters are source:, after:, before:\n"
        "I read only the first part."
    )
    assert [e["type"] for e in entities] == ["italic"]


def test_disagreeing_sources_are_both_shown_under_a_warning():
    first = answer("The bridge is 120 metres long.", TOWER, sid=1)
    second = answer("The bridge is 150 metres long.", ALMANAC, sid=2)
    text, _ = telegram_view(replies.render_result(Result(answers=(first, second), disagreement=(first, second))))
    assert text == (
        "The sources differ:\n"
        "The bridge is 120 metres long.\n— Harbour towers, 2024-03-01\n\n"
        "The bridge is 150 metres long.\n— Coastal almanac"
    )


def test_a_huge_sentence_is_cut_at_a_word_with_an_ellipsis_and_its_source_kept():
    sentence = "harbour & <lights> " * 10_000
    reply = replies.render_answer(answer(sentence, words=("lights",)))
    text, _ = telegram_view(reply)
    assert utf16_len(text) <= 4096
    assert text.endswith("…\n— Harbour towers, 2024-03-01")
    assert text.startswith("harbour & <lights> harbour")


def test_null_bytes_and_control_characters_are_dropped_but_rtl_and_zero_width_kept():
    text, _ = telegram_view(replies.render_answer(answer("a\x00b\x07c \u202eשלום\u200b 👍🏽")))
    assert text.splitlines()[0] == "abc \u202eשלום\u200b 👍🏽"


def test_context_shows_neighbours_in_an_expandable_quote_with_the_quote_bold():
    around = answer("The tower is tall.", before=("It was built in 1901.",), after=("It is white.",))
    reply = replies.render_context(around)
    assert reply.startswith("<blockquote expandable>It was built in 1901. <b>The tower is tall.</b> It is white.")
    assert telegram_view(reply)[1][0] == {"offset": 0, "length": 53, "type": "expandable_blockquote"}


def test_help_says_how_many_articles_from_when_to_when_and_how_to_ask():
    text, _ = telegram_view(replies.render_help(Stats(12, 40, 300, "2019-05-01", "2024-03-01"), "citebot"))
    assert text.startswith("I know 12 articles, published 2019-05-01 – 2024-03-01.\n")
    for needed in ('"exact words"', "source:NAME", "after:2024-01-31", "before:2024-12-31", "@citebot"):
        assert needed in text


def test_help_with_an_empty_library_says_so():
    assert replies.render_help(Stats(0, 0, 0, None, None), "citebot").startswith("I don't have any articles yet.")


def test_start_offers_the_example_questions_escaped():
    text, _ = telegram_view(replies.render_start(["How tall is the <tower>?", "When was it built?"], "citebot"))
    assert "Try asking:\n• How tall is the <tower>?\n• When was it built?\n" in text


def test_add_report_counts_articles_and_sentences_and_says_why_files_were_skipped():
    report = AddReport(added=(TOWER,), skipped=(Skipped("bad.jsonl:3", "no text field"),), sentences=31)
    assert telegram_view(replies.render_add_report("news.zip", report))[0] == (
        "Added news.zip: 1 article, 31 sentences.\nSkipped 1 file:\n• bad.jsonl:3: no text field"
    )


def test_sources_page_numbers_articles_and_shows_the_name_remove_takes():
    text, entities = telegram_view(replies.render_sources_page([TOWER, ALMANAC], 10))
    assert text == (
        "Articles 11–12, newest first:\n"
        "11. Harbour towers, 2024-03-01\n    towers.md\n"
        "12. Coastal almanac\n    almanac.txt"
    )
    assert {e["type"] for e in entities} == {"text_link", "code"}


def test_inline_card_title_is_the_quote_shortened_and_description_the_source():
    long = answer("word " * 50, TOWER, ALMANAC)
    assert len(replies.inline_title(long)) <= 80 and replies.inline_title(long).endswith("…")
    assert replies.inline_description(long) == "Harbour towers, 2024-03-01 (+1)"


# Text from articles and users can be anything: markup, entities, emoji, RTL, controls, huge.
tricky = st.lists(
    st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(["<", ">", "&", '"', "'", "&amp;", "<b>", "\x00", "\u200b", "\u202e", "👍🏽", "\n"]),
    ),
    max_size=60,
).map("".join)
big = st.one_of(tricky, st.builds(lambda s, n: s * n, tricky, st.integers(1, 400)))
sources = st.lists(
    st.builds(
        Source,
        title=big,
        source=tricky,
        url=st.one_of(st.none(), tricky, st.builds(lambda s: "https://x.example/" + s, tricky)),
        published=st.one_of(st.none(), tricky),
    ),
    min_size=1,
    max_size=8,
)
answers = st.builds(
    Answer,
    sentence=big,
    sources=sources.map(tuple),
    score=st.just(1.0),
    sentence_id=st.integers(1, 10**12),
    before=st.lists(big, max_size=3).map(tuple),
    after=st.lists(big, max_size=3).map(tuple),
    matched_words=st.lists(tricky, max_size=30).map(tuple),
)


def assert_valid_message(message: str) -> None:
    text, entities = telegram_view(message)  # raises on HTML Telegram would refuse
    assert 0 < utf16_len(text) <= 4096
    assert len(entities) <= 100


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answers, answers, st.lists(big, max_size=5), tricky, st.sampled_from(["answer", "closest", "differ"]))
def test_any_result_gives_valid_telegram_html_within_the_limit(first, second, hints, note, kind):
    result = {
        "answer": Result(answers=(first, second), hints=tuple(hints)),
        "closest": Result(closest=first, hints=tuple(hints)),
        "differ": Result(answers=(first, second), hints=tuple(hints), disagreement=(first, second)),
    }[kind]
    assert_valid_message(replies.render_result(result, note=note))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answers, st.lists(st.builds(Skipped, big, big), max_size=15), sources, big)
def test_any_context_report_or_page_gives_valid_telegram_html_within_the_limit(around, skipped, listed, name):
    assert_valid_message(replies.render_context(around))
    assert_valid_message(replies.render_add_report(name, AddReport(added=tuple(listed), skipped=tuple(skipped))))
    assert_valid_message(replies.render_sources_page(listed, 0))
