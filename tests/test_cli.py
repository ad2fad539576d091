"""The citebot command as a user runs it: a subprocess with a library file in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def citebot(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CITEBOT_LIBRARY": str(tmp_path / "lib.sqlite3"), "PYTHONPATH": str(REPO)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ferry.md").write_text(
        "---\ntitle: Ferry returns\nurl: https://news.example/ferry\npublished: 2024-04-02\n---\n\n"
        "The island ferry resumed service on Monday after six weeks of repairs.\n\n"
        "Tickets cost 12 euros for adults.\n",
        encoding="utf-8",
    )
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe")
    return folder


def test_add_then_ask_json_prints_the_sentence_with_its_source(tmp_path, articles):
    added = citebot(tmp_path, "add", str(articles))
    assert added.returncode == 0, added.stderr
    assert "1 article(s) added" in added.stdout
    assert "skipped broken.txt" in added.stderr
    asked = citebot(tmp_path, "ask", "When did the ferry resume service?", "--json")
    assert asked.returncode == 0, asked.stderr
    data = json.loads(asked.stdout)
    assert data["question"] == "When did the ferry resume service?"
    [first, *_] = data["answers"]
    assert first["sentence"] == "The island ferry resumed service on Monday after six weeks of repairs."
    assert first["sources"] == [
        {"title": "Ferry returns", "source": "ferry.md", "url": "https://news.example/ferry", "published": "2024-04-02"}
    ]
    assert first["context"] == {"before": [], "after": []}


def test_unanswerable_question_prints_an_empty_answers_list_and_exits_zero(tmp_path, articles):
    citebot(tmp_path, "add", str(articles))
    asked = citebot(tmp_path, "ask", "What is the capital of France?", "--json")
    assert asked.returncode == 0
    assert json.loads(asked.stdout)["answers"] == []


def test_plain_ask_quotes_the_sentence_and_names_the_source(tmp_path, articles):
    citebot(tmp_path, "add", str(articles))
    asked = citebot(tmp_path, "ask", "How much do tickets cost?")
    assert asked.stdout.splitlines()[:2] == [
        "> Tickets cost 12 euros for adults.",
        "  — Ferry returns · 2024-04-02 · https://news.example/ferry",
    ]


def test_explain_says_why_the_answer_was_chosen(tmp_path, articles):
    citebot(tmp_path, "add", str(articles))
    asked = citebot(tmp_path, "ask", "How much do tickets cost?", "--explain")
    assert "why: matched cost, ticket" in asked.stdout


def test_remove_stats_and_sources(tmp_path, articles):
    citebot(tmp_path, "add", str(articles))
    assert citebot(tmp_path, "stats").stdout.startswith("1 articles, 2 passages, 2 sentences")
    assert "ferry.md\tFerry returns" in citebot(tmp_path, "sources").stdout
    assert citebot(tmp_path, "remove", "ferry.md").returncode == 0
    assert citebot(tmp_path, "stats").stdout.startswith("0 articles")
    missing = citebot(tmp_path, "remove", "ferry.md")
    assert missing.returncode == 1 and "no article with source 'ferry.md'" in missing.stderr


def test_adding_a_missing_path_fails_with_one_line(tmp_path):
    result = citebot(tmp_path, "add", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("nowhere: no such file or folder")


def test_corrupt_library_file_gives_a_clear_error(tmp_path):
    (tmp_path / "lib.sqlite3").write_bytes(b"not a database at all" * 200)
    result = citebot(tmp_path, "stats")
    assert result.returncode == 1
    assert "not a citebot library or corrupt" in result.stderr and "rebuild" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_non_zero(tmp_path):
    assert citebot(tmp_path, "ask").returncode == 2
    assert citebot(tmp_path, "frobnicate").returncode == 2


def test_rebuild_keeps_answers(tmp_path, articles):
    citebot(tmp_path, "add", str(articles))
    assert "search index rebuilt: 2 passages" in citebot(tmp_path, "rebuild").stdout
    assert "Tickets cost 12 euros" in citebot(tmp_path, "ask", "ticket price").stdout


def test_chat_answers_each_line_and_ends_at_end_of_input(tmp_path, articles):
    citebot(tmp_path, "add", str(articles))
    result = citebot(tmp_path, "chat", stdin="How much do tickets cost?\n\nhello\n")
    assert result.returncode == 0
    assert "> Tickets cost 12 euros for adults." in result.stdout
    assert "I don't know" in result.stdout


def test_seed_corpus_question_cites_both_articles(tmp_path, corpus_dir):
    assert citebot(tmp_path, "add", str(corpus_dir)).returncode == 0
    asked = citebot(tmp_path, "ask", "How many Taliban prisoners must the government release?", "--json")
    [first, *_] = json.loads(asked.stdout)["answers"]
    assert "release up to 5,000 Taliban prisoners" in first["sentence"]
    assert sorted(s["source"] for s in first["sources"]) == ["000_46e840f1c2db252b.txt", "001_af9604bf552b5bc3.txt"]


def test_chat_reads_he_in_a_follow_up_as_whom_the_last_answer_named(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "envoy.md").write_text(
        "# US envoy arrives\n\nZalmay Khalilzad is the US envoy for peace."
        " Khalilzad arrived in Kabul on Tuesday to meet officials of the government.\n"
    )
    (folder / "president.md").write_text(
        "# President returns\n\nAshraf Ghani is the president. Ghani arrived in Kabul on Monday.\n"
    )
    citebot(tmp_path, "add", str(folder))
    result = citebot(tmp_path, "chat", stdin="Who is the US envoy?\nWhen did he arrive in Kabul?\n")
    assert result.returncode == 0, result.stderr
    assert "> Khalilzad arrived in Kabul on Tuesday to meet officials of the government." in result.stdout
