"""Specs for reading articles: files, folders, uploaded bytes and HTML pages."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.articles import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    parse_markdown,
    read_articles,
    read_bytes,
    read_html,
)
from index.errors import ArticleError
from index.models import Article, Skipped
from index.readers import normalise_date

FIXTURES = Path(__file__).parent / "fixtures" / "articles"

TRAM_MD = """\
---
title: "Tram line 4 opens to the university"
url: https://news.example.org/tram-4
published: 2023-09-02
author: K. Lund
---
# Tram line 4 opens to the university

The new tram line carries 9,000 passengers on a normal weekday.

Trams run every six minutes at peak hours.
"""

BAKERY_MD = """\
# The bakery on Mill Street

Fresh rye bread is sold from six in the morning.

```sh
# print the opening hours
cat hours.txt
```
"""

ARCHIVE_TXT = """\
Library opening hours

The town library opens at nine on weekdays.
It closes at noon on Saturdays.
"""

FERRY_JSONL = "\n".join(
    json.dumps(record) if record else ""
    for record in (
        {
            "text": "The ferry carried 300 cars in March.",
            "title": "Ferry figures",
            "url": "https://a.example/ferry",
            "published": "2024-04-01T10:00:00+02:00",
        },
        None,  # blank lines are ignored
        {"text": "The bridge reopened after two weeks of repairs.", "published": "1 April 2024"},
        {"text": "Council minutes were published.", "source": "minutes-2024-04", "published": "next week"},
    )
)


def write(folder: Path, relative: str, content: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def articles_in(path: Path) -> list[Article]:
    return [item for item in read_articles(path) if isinstance(item, Article)]


def skipped_in(path: Path) -> list[Skipped]:
    return [item for item in read_articles(path) if isinstance(item, Skipped)]


def test_markdown_front_matter_sets_title_url_and_date():
    article = parse_markdown(TRAM_MD, "tram.md")

    assert article == Article(
        title="Tram line 4 opens to the university",
        source="tram.md",
        text="The new tram line carries 9,000 passengers on a normal weekday.\n\n"
        "Trams run every six minutes at peak hours.",
        url="https://news.example.org/tram-4",
        published="2023-09-02",
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-03-14T08:30:00Z", "2024-03-14"),
        ("2024-03-14T23:30:00-05:00", "2024-03-14"),
        ("2024/03/14", "2024-03-14"),
        ("14 March 2024", "2024-03-14"),
        ("March 14, 2024", "2024-03-14"),
        ("Thu, 14 Mar 2024 08:30:00 +0100", "2024-03-14"),
        ("2024-02-30", None),
        ("03/04/2024", None),
        ("soon", None),
        ("", None),
    ],
)
def test_markdown_published_dates_are_normalised_or_dropped(written, expected):
    text = f"---\ntitle: Dates\npublished: {written}\n---\nA line of text.\n"

    assert parse_markdown(text, "dates.md").published == expected


def test_markdown_front_matter_is_found_with_windows_line_endings_and_a_bom():
    article = parse_markdown("\ufeff" + TRAM_MD.replace("\n", "\r\n"), "tram.md")

    assert article == parse_markdown(TRAM_MD, "tram.md")


def test_markdown_heading_is_title_without_front_matter():
    article = parse_markdown(BAKERY_MD, "bakery.md")

    assert article.title == "The bakery on Mill Street"
    assert article.text.startswith("Fresh rye bread is sold from six in the morning.")
    assert "# The bakery" not in article.text


def test_markdown_hash_lines_in_code_blocks_are_not_headings():
    text = "Opening hours are posted weekly.\n\n```\n# not a heading\n```\n"

    article = parse_markdown(text, "weekly_hours.md")

    assert article.title == "weekly hours"
    assert "# not a heading" in article.text


def test_markdown_without_title_or_heading_is_titled_from_file_name():
    article = parse_markdown("Just one paragraph about canals.\n", "canal_boats-2024.md")

    assert article.title == "canal boats 2024"
    assert article.published is None
    assert article.url is None


def test_markdown_rule_without_closing_line_is_not_front_matter():
    text = "---\nA paragraph after a rule: still text.\n"

    article = parse_markdown(text, "rule.md")

    assert article.title == "rule"
    assert "A paragraph after a rule: still text." in article.text


def test_text_short_first_line_before_blank_line_is_title(tmp_path):
    write(tmp_path, "hours.txt", ARCHIVE_TXT)

    [article] = articles_in(tmp_path / "hours.txt")

    assert article.title == "Library opening hours"
    assert article.source == "hours.txt"
    assert article.text == "The town library opens at nine on weekdays.\nIt closes at noon on Saturdays."


def test_text_first_line_ending_with_a_period_is_not_a_title():
    [article] = read_bytes("river_levels.txt", b"The river rose by a metre.\n\nIt fell again by Monday.\n")

    assert article.title == "river levels"
    assert article.text == "The river rose by a metre.\n\nIt fell again by Monday."


def test_text_line_endings_are_normalised_to_newlines():
    [article] = read_bytes("notes.txt", b"Notes\r\n\r\nFirst line.\r\nSecond line.\rThird line.\r\n")

    assert article.text == "First line.\nSecond line.\nThird line."


def test_titles_are_collapsed_and_cut_to_200_characters():
    long_title = "Word   " * 60
    text = f"---\ntitle: {long_title}\n---\nBody.\n"

    title = parse_markdown(text, "long.md").title

    assert len(title) == 200
    assert "  " not in title
    assert title.startswith("Word Word") and title.endswith("…")


def test_jsonl_lines_become_articles_with_sources_and_dates():
    articles = read_bytes("feed.jsonl", FERRY_JSONL.encode())

    assert articles == [
        Article(
            title="Ferry figures",
            source="https://a.example/ferry",
            text="The ferry carried 300 cars in March.",
            url="https://a.example/ferry",
            published="2024-04-01",
        ),
        Article(
            title="The bridge reopened after two weeks of repairs.",
            source="feed.jsonl#3",
            text="The bridge reopened after two weeks of repairs.",
            published="2024-04-01",
        ),
        Article(
            title="Council minutes were published.",
            source="minutes-2024-04",
            text="Council minutes were published.",
        ),
    ]


def test_jsonl_bad_lines_are_skipped(tmp_path, caplog):
    content = '{"text": "Good line one."}\n{not json\n["a list"]\n{"title": "no text"}\n{"text": "Good line two."}\n'
    write(tmp_path, "news/feed.jsonl", content)

    with caplog.at_level(logging.WARNING, logger="index.articles"):
        uploaded = read_bytes("feed.jsonl", content.encode())
    found = list(read_articles(tmp_path))

    assert [article.text for article in uploaded] == ["Good line one.", "Good line two."]
    assert "feed.jsonl#2" in caplog.text and "feed.jsonl#4" in caplog.text
    assert [article.source for article in articles_in(tmp_path)] == ["news/feed.jsonl#1", "news/feed.jsonl#5"]
    assert [item for item in found if isinstance(item, Skipped)] == [
        Skipped("news/feed.jsonl#2", "bad line: not valid JSON"),
        Skipped("news/feed.jsonl#3", "bad line: not a JSON object"),
        Skipped("news/feed.jsonl#4", "bad line: no 'text'"),
    ]


def test_jsonl_without_one_valid_line_is_refused():
    with pytest.raises(ArticleError) as refused:
        read_bytes("feed.jsonl", b'{"title": "x"}\n\nnot json\n')

    assert refused.value.name == "feed.jsonl"
    assert refused.value.reason == "no valid lines (bad lines: 1, 3)"


def test_folder_is_read_recursively_with_relative_sources(tmp_path):
    write(tmp_path, "b.md", BAKERY_MD)
    write(tmp_path, "a/tram.md", TRAM_MD)
    write(tmp_path, "a/deeper/hours.txt", ARCHIVE_TXT)
    write(tmp_path, "a.txt", "Loose note\n\nThe lake froze in January.\n")
    write(tmp_path, "c/page.html", (FIXTURES / "harbour_news.html").read_bytes())

    found = list(read_articles(tmp_path))

    assert [(item.source, item.title) for item in found] == [
        ("a/deeper/hours.txt", "Library opening hours"),
        ("a/tram.md", "Tram line 4 opens to the university"),
        ("a.txt", "Loose note"),
        ("b.md", "The bakery on Mill Street"),
        ("c/page.html", "Harbour ferry returns after winter repairs"),
    ]
    assert list(read_articles(str(tmp_path))) == found


def test_single_file_source_is_its_name(tmp_path):
    path = write(tmp_path, "deep/inside/tram.md", TRAM_MD)

    assert [article.source for article in articles_in(path)] == ["tram.md"]


def test_missing_path_is_reported_not_raised(tmp_path):
    assert list(read_articles(tmp_path / "nowhere")) == [Skipped("nowhere", "no such file or folder")]


def test_hidden_files_and_folders_are_passed_over_silently(tmp_path):
    write(tmp_path, ".git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, ".drafts/secret.md", BAKERY_MD)
    write(tmp_path, ".hidden.md", BAKERY_MD)
    write(tmp_path, ".DS_Store", b"\x00\x01binary")
    write(tmp_path, "visible.md", BAKERY_MD)

    assert list(read_articles(tmp_path)) == articles_in(tmp_path / "visible.md")


def test_unsupported_files_in_folder_are_reported_skipped(tmp_path):
    write(tmp_path, "report.pdf", b"%PDF-1.7\n")
    write(tmp_path, "README", "A file without a suffix.\n")
    write(tmp_path, "notes.MD", BAKERY_MD)

    found = list(read_articles(tmp_path))

    supported = ", ".join(SUPPORTED_SUFFIXES)
    assert found[0] == Skipped("README", f"unsupported file type without a suffix (supported: {supported})")
    assert found[1].title == "The bakery on Mill Street"
    assert found[2] == Skipped("report.pdf", f"unsupported file type '.pdf' (supported: {supported})")


def test_binary_file_is_skipped_with_reason_and_others_still_read(tmp_path):
    write(tmp_path, "a_image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    write(tmp_path, "b_controls.md", bytes(range(1, 9)) * 50 + b"some text")
    write(tmp_path, "c_good.md", BAKERY_MD)

    found = list(read_articles(tmp_path))

    assert found[:2] == [
        Skipped("a_image.txt", "binary content, not text"),
        Skipped("b_controls.md", "binary content, not text"),
    ]
    assert found[2].title == "The bakery on Mill Street"


def test_wrongly_encoded_file_is_refused_clearly(tmp_path):
    russian = "Трамвай ходит каждые шесть минут в часы пик.\n".encode("cp1251")
    write(tmp_path, "tram_ru.txt", russian)

    with pytest.raises(ArticleError) as refused:
        read_bytes("tram_ru.txt", russian)

    assert refused.value.reason == "not UTF-8 text: save it as UTF-8 and add it again"
    assert skipped_in(tmp_path) == [Skipped("tram_ru.txt", refused.value.reason)]


def test_damaged_utf8_is_refused_rather_than_misread():
    damaged = "Der Fluss ist über die Ufer getreten.".encode() + b"\xff"

    with pytest.raises(ArticleError, match="not UTF-8 text"):
        read_bytes("fluss.txt", damaged)


def test_legacy_windows_latin_text_is_read():
    legacy = "Le café « Zola » ouvre à 7 h – même le dimanche.".encode("cp1252")

    [article] = read_bytes("cafe.txt", legacy)

    assert article.text == "Le café « Zola » ouvre à 7 h – même le dimanche."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_text_with_a_byte_order_mark_is_read(encoding):
    [article] = read_bytes("bom.md", "# Übersicht\n\nStraßenbahn fährt.\n".encode(encoding))

    assert (article.title, article.text) == ("Übersicht", "Straßenbahn fährt.")


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  ", "\ufeff\n".encode("utf-8")])
def test_empty_file_is_skipped(tmp_path, content):
    write(tmp_path, "empty.md", content)
    write(tmp_path, "full.md", BAKERY_MD)

    found = list(read_articles(tmp_path))

    assert found[0] == Skipped("empty.md", "empty file")
    assert found[1].source == "full.md"
    with pytest.raises(ArticleError, match="empty file"):
        read_bytes("empty.md", content)


def test_title_alone_is_refused_as_no_text():
    with pytest.raises(ArticleError, match="no text besides the title"):
        read_bytes("only.md", b"# Only a heading\n")


def test_zip_is_not_opened(tmp_path):
    with zipfile.ZipFile(tmp_path / "articles.zip", "w") as archive:
        archive.writestr("inside.md", BAKERY_MD)
    # Not a valid archive either: the reason must come from the name, never from unpacking.
    write(tmp_path, "bomb.tar.gz", b"\x1f\x8b\x08 certainly not gzip")

    found = list(read_articles(tmp_path))

    reason = "archives are not opened: unpack it and add the folder"
    assert found == [Skipped("articles.zip", reason), Skipped("bomb.tar.gz", reason)]
    with pytest.raises(ArticleError, match=reason):
        read_bytes("articles.zip", (tmp_path / "articles.zip").read_bytes())


def test_too_large_file_is_skipped_without_reading(tmp_path):
    with (tmp_path / "huge.txt").open("wb") as huge:
        huge.truncate(MAX_FILE_BYTES + 1024 * 1024)  # sparse: no disk space used
    write(tmp_path, "small.txt", ARCHIVE_TXT)

    found = list(read_articles(tmp_path))

    assert found[0] == Skipped("huge.txt", "too large (21.0 MB, limit 20 MB)")
    assert found[1].source == "small.txt"


def test_too_large_upload_is_refused():
    with pytest.raises(ArticleError, match=r"too large \(20\.0 MB, limit 20 MB\)"):
        read_bytes("big.txt", b"a" * (MAX_FILE_BYTES + 1))


def test_symlink_pointing_outside_the_folder_is_skipped(tmp_path):
    outside = write(tmp_path, "outside/secret.md", BAKERY_MD)
    write(tmp_path, "outside/more/other.md", TRAM_MD)
    library = tmp_path / "library"
    write(library, "real/tram.md", TRAM_MD)
    (library / "secret.md").symlink_to(outside)
    (library / "more").symlink_to(outside.parent / "more")
    (library / "tram_link.md").symlink_to(library / "real" / "tram.md")
    (library / "gone.md").symlink_to(tmp_path / "missing.md")

    found = list(read_articles(library))

    assert [(item.name, item.reason) if isinstance(item, Skipped) else item.source for item in found] == [
        ("gone.md", "broken symlink"),
        ("more", "symlink pointing outside the folder"),
        "real/tram.md",
        ("secret.md", "symlink pointing outside the folder"),
        "tram_link.md",
    ]


def test_symlinked_folder_inside_is_read_once(tmp_path):
    write(tmp_path, "real/tram.md", TRAM_MD)
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "loop").symlink_to(tmp_path)

    assert [article.source for article in articles_in(tmp_path)] == ["real/tram.md"]


@pytest.mark.parametrize(
    ("uploaded", "safe"),
    [
        ("../../etc/passwd.md", "passwd.md"),
        ("/etc/cron.d/job.txt", "job.txt"),
        ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
        ("C:\\Users\\ana\\Desktop\\notes.md", "notes.md"),
        ("bad\nname\t.md", "badname.md"),
    ],
)
def test_path_tricks_in_uploaded_names_are_neutralised(uploaded, safe):
    [article] = read_bytes(uploaded, b"Plain text about the harbour.\n")

    assert article.source == safe
    assert "/" not in article.title and "\\" not in article.title


def test_uploaded_name_without_a_base_name_is_refused_as_unsupported():
    with pytest.raises(ArticleError) as refused:
        read_bytes("../..", b"text")

    assert refused.value.name == "upload"
    assert refused.value.reason.startswith("unsupported file type without a suffix")


def test_upload_type_comes_from_the_name_suffix():
    markdown = read_bytes("guide.markdown", b"# Guide\n\nStep one.\n")
    text = read_bytes("guide.txt", b"# Guide\n\nStep one.\n")

    assert (markdown[0].title, markdown[0].text) == ("Guide", "Step one.")
    assert (text[0].title, text[0].text) == ("# Guide", "Step one.")
    with pytest.raises(ArticleError, match=r"unsupported file type '\.docx'"):
        read_bytes("guide.docx", b"# Guide\n")


def test_uploaded_text_from_a_url_cites_the_url():
    [article] = read_bytes("notes.md", TRAM_MD.encode(), url="https://mirror.example/tram")

    assert (article.source, article.url) == ("https://mirror.example/tram", "https://mirror.example/tram")


def test_html_news_page_main_text_title_and_date():
    html = (FIXTURES / "harbour_news.html").read_bytes()

    article = read_html(html, name="harbour_news.html")

    paragraphs = article.text.split("\n\n")
    assert article.title == "Harbour ferry returns after winter repairs"
    assert article.published == "2024-03-14"
    assert article.url == "https://courier.example.org/local/2024/harbour-ferry-returns"
    assert article.source == "harbour_news.html"
    assert paragraphs[0].startswith("The small passenger ferry that links the old harbour")
    assert paragraphs[-1].startswith("Residents of Pine Island had relied on a replacement bus")
    assert "The repairs cost 240,000 euros, paid from the regional transport budget." in paragraphs[1]
    assert len(paragraphs) == 5
    for clutter in (
        "Subscribe",
        "Weather forecast",
        "Advertisement",
        "Sponsored",
        "Related stories",
        "Causeway closed",
        "All rights reserved",
        "Privacy policy",
        "Ingrid Dahl",
    ):
        assert clutter not in article.text


def test_fetched_page_cites_the_address_it_was_fetched_from():
    html = (FIXTURES / "harbour_news.html").read_text(encoding="utf-8")

    article = read_html(html, url="https://courier.example.org/local/2024/harbour-ferry-returns?utm=x")

    assert article.source == "https://courier.example.org/local/2024/harbour-ferry-returns?utm=x"
    assert article.url == article.source
    assert article.published == "2024-03-14"


def test_html_without_main_text_is_refused():
    page = "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"

    with pytest.raises(ArticleError) as refused:
        read_html(page, url="https://example.org/menu")

    assert refused.value.name == "https://example.org/menu"
    assert refused.value.reason == "no main text found in the page"


def test_html_page_in_another_declared_charset_is_read():
    body = "<p>Трамвай ходит каждые шесть минут в часы пик, сообщает городская транспортная служба.</p>"
    page = f"<html><head><meta charset='windows-1251'><title>Трамвай</title></head><body>{body * 3}</body></html>"

    [article] = read_bytes("tram.html", page.encode("cp1251"))

    assert article.title == "Трамвай"
    assert "Трамвай ходит каждые шесть минут в часы пик" in article.text


def test_reading_text_files_does_not_import_trafilatura(tmp_path):
    write(tmp_path, "a.md", BAKERY_MD)
    write(tmp_path, "b.txt", ARCHIVE_TXT)
    script = (
        "import sys; from index.articles import read_articles; "
        f"assert len(list(read_articles({str(tmp_path)!r}))) == 2; "
        "print('trafilatura' in sys.modules)"
    )

    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )

    assert result.stdout.strip() == "False"


@given(st.binary(max_size=400), st.sampled_from(SUPPORTED_SUFFIXES))
def test_any_bytes_give_articles_or_a_clear_refusal(data, suffix):
    try:
        articles = read_bytes(f"upload{suffix}", data)
    except ArticleError as refused:
        assert refused.reason
        return
    assert articles
    for article in articles:
        assert article.text.strip() and article.title and len(article.title) <= 200
        assert article.published is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.published)


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.none()))
def test_normalised_dates_are_iso_or_none(value):
    published = normalise_date(value)

    assert published is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", published)


def test_fifo_in_folder_is_skipped_not_opened(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # opening a FIFO to read would wait for a writer forever
    write(tmp_path, "tram.md", TRAM_MD)

    found = list(read_articles(tmp_path))

    assert found[0] == Skipped("pipe.txt", "not a regular file")
    assert found[1].source == "tram.md"
