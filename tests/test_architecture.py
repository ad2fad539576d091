"""The flow goes one way: bot uses index through its front door; index knows nothing of Telegram or the OS."""

from __future__ import annotations

import ast
from pathlib import Path

import index

REPO = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_INDEX = {"bot", "telegram", "asyncio", "dotenv", "httpx"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_index_imports_nothing_from_bot_telegram_or_asyncio():
    for path in sorted((REPO / "index").glob("*.py")):
        roots = {name.split(".")[0] for name in imported_modules(path)}
        assert not roots & FORBIDDEN_IN_INDEX, f"{path.name} imports {roots & FORBIDDEN_IN_INDEX}"


def test_index_reads_no_environment_variables():
    for path in sorted((REPO / "index").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, path.name


def test_bot_uses_only_the_front_door_of_index():
    for path in sorted((REPO / "bot").glob("*.py")):
        private = {name for name in imported_modules(path) if name.startswith("index.")}
        assert not private, f"{path.name} imports private modules {private}"


def test_front_door_all_is_sorted_and_every_name_exists():
    # ruff's order (RUF022): constants first, then the rest alphabetically.
    assert list(index.__all__) == sorted(index.__all__, key=lambda name: (not name.isupper(), name))
    for name in index.__all__:
        assert hasattr(index, name), name


def test_nltk_download_is_never_called():
    for folder in ("index", "bot"):
        for path in (REPO / folder).glob("*.py"):
            assert "nltk.download" not in path.read_text(encoding="utf-8"), path.name
