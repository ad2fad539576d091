"""Specs for the test server's Telegram-HTML parser and automatic entities."""

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.botapi import HtmlError, parse_html, utf16_len
from tests.botapi.texts import auto_entities, trim

NESTED = (
    "<b>Bold <i>italic <u>under</u></i></b> <s>gone</s> <tg-spoiler>secret</tg-spoiler> "
    '<span class="tg-spoiler">hidden</span> <a href="https://example.org/?a=1&amp;b=2">link</a> '
    "<code>x &lt; y</code> <blockquote expandable>quote &quot;here&quot;</blockquote>"
)


def test_valid_nested_telegram_html_becomes_plain_text_and_entities():
    text, entities = parse_html(NESTED)
    assert text == 'Bold italic under gone secret hidden link x < y quote "here"'
    assert entities == [
        {"offset": 0, "length": 17, "type": "bold"},
        {"offset": 5, "length": 12, "type": "italic"},
        {"offset": 12, "length": 5, "type": "underline"},
        {"offset": 18, "length": 4, "type": "strikethrough"},
        {"offset": 23, "length": 6, "type": "spoiler"},
        {"offset": 30, "length": 6, "type": "spoiler"},
        {"offset": 37, "length": 4, "type": "text_link", "url": "https://example.org/?a=1&b=2"},
        {"offset": 42, "length": 5, "type": "code"},
        {"offset": 48, "length": 12, "type": "expandable_blockquote"},
    ]


def test_pre_with_a_language_code_is_one_pre_entity():
    assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == (
        "x = 1",
        [{"offset": 0, "length": 5, "type": "pre", "language": "python"}],
    )


def test_offsets_count_utf16_code_units_so_an_emoji_counts_two():
    text, entities = parse_html("😀 <b>bold</b>")
    assert text == "😀 bold"
    assert entities == [{"offset": 3, "length": 4, "type": "bold"}]


def test_numeric_entities_and_user_links_are_understood():
    text, entities = parse_html('&#128512;&#x41; <a href="tg://user?id=42">Alice</a>')
    assert text == "😀A Alice"
    assert entities == [{"offset": 4, "length": 5, "type": "text_mention", "user": {"id": 42}}]


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("Hello, <script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 7'),
        ("Stop <b>here", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("é <br>", 'Unsupported start tag "br" at byte offset 3'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
    ],
)
def test_html_telegram_refuses_fails_with_telegrams_message(markup, message):
    with pytest.raises(HtmlError) as refused:
        parse_html(markup)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("Fish & chips", 'Unescaped "&" at byte offset 5: write "&amp;"'),
        ("AT&T", 'Unescaped "&" at byte offset 2: write "&amp;"'),
        ("&nbsp;", 'Unescaped "&" at byte offset 0: write "&amp;"'),
        ("&lt without semicolon", 'Unescaped "&" at byte offset 0: write "&amp;"'),
        ("a -> b", 'Unescaped ">" at byte offset 3: write "&gt;"'),
        ("<code><b>x</b></code>", 'Tag "b" can\'t be nested in "code" at byte offset 6'),
        ("<blockquote><blockquote>q</blockquote></blockquote>", 'Tag "blockquote" can\'t be nested in'),
    ],
)
def test_strict_mode_refuses_what_telegram_tolerates_but_a_bot_should_not_send(markup, message):
    with pytest.raises(HtmlError) as refused:
        parse_html(markup)
    assert str(refused.value).startswith(message)


def test_lenient_mode_keeps_a_bare_ampersand_as_telegram_does():
    assert parse_html("Fish & chips &nbsp; a -> b", strict=False) == ("Fish & chips &nbsp; a -> b", [])


@given(st.text())
def test_any_escaped_text_comes_back_unchanged_and_unformatted(text):
    assert parse_html(html.escape(text)) == (text, [])


def test_mentions_and_commands_get_entities_with_utf16_offsets():
    text = "😀 /start@citebot_test_bot hi @alice, mail x@example.org or a/b /help"
    found = [(e["type"], text.encode("utf-16-le")[2 * e["offset"] : 2 * (e["offset"] + e["length"])]) for e in
             auto_entities(text)]  # fmt: skip
    assert [(kind, raw.decode("utf-16-le")) for kind, raw in found] == [
        ("bot_command", "/start@citebot_test_bot"),
        ("mention", "@alice"),
        ("bot_command", "/help"),
    ]


def test_trimming_moves_entities_with_the_text():
    assert trim("  \nhi there ", [{"offset": 3, "length": 2, "type": "bold"}]) == (
        "hi there",
        [{"offset": 0, "length": 2, "type": "bold"}],
    )


def test_utf16_length_counts_astral_characters_twice():
    assert utf16_len("a😀é") == 4
