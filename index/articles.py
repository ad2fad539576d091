"""Reading articles: files, folders, uploaded bytes and fetched pages become Articles."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath

from index.decoding import decode_html, decode_text
from index.errors import ArticleError
from index.models import Article, Skipped
from index.pages import read_html
from index.readers import parse_jsonl, parse_markdown, parse_text

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "parse_markdown",
    "read_articles",
    "read_bytes",
    "read_html",
]

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
MAX_FILE_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024
# Never opened: a small archive can unpack to terabytes (zip bombs), and a folder says what to add.
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst", ".7z", ".rar", ".jar", ".epub")
_ARCHIVE = "archives are not opened: unpack it and add the folder"


def read_articles(path: str | Path) -> Iterator[Article | Skipped]:
    """Every article in a file or a folder (recursively, in sorted order), and every file skipped, with why.

    Sources are paths relative to the folder, with '/' separators; a single file's source is its name.
    Hidden files and folders are passed over silently; symlinks are never followed out of the folder.
    """
    path = Path(path)
    if path.is_dir():
        yield from _read_folder(path, path.resolve(), ())
    elif path.exists():
        yield from _read_file(path, path.name)
    else:
        yield Skipped(path.name or str(path), "no such file or folder")


def read_bytes(name: str, data: bytes, *, url: str | None = None) -> list[Article]:
    """The articles in an uploaded document, its type from the suffix of `name`.

    Raises ArticleError for an unsupported type, binary or non-UTF-8 content, an empty or too large
    file, or a .jsonl file without one valid line. Bad .jsonl lines are logged and left out.
    """
    name = safe_name(name)
    found = _parse(name, data, url=url)
    skipped = [item for item in found if isinstance(item, Skipped)]
    if skipped:
        logger.warning("%s: left out %s", name, "; ".join(f"{s.name}: {s.reason}" for s in skipped))
    return [item for item in found if isinstance(item, Article)]


def safe_name(name: str) -> str:
    """The base name of an uploaded file, without directories, drive letters or control characters."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(char for char in base if char.isprintable()).strip()
    return base if base.strip(".") else "upload"


def _read_folder(folder: Path, root: Path, parts: tuple[str, ...]) -> Iterator[Article | Skipped]:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        yield Skipped("/".join(parts) or folder.name, f"cannot read the folder: {error.strerror}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        relative = (*parts, entry.name)
        source = "/".join(relative)
        if entry.is_symlink():
            target = Path(entry.path).resolve()
            if not target.exists():
                yield Skipped(source, "broken symlink")
                continue
            if not target.is_relative_to(root):
                yield Skipped(source, "symlink pointing outside the folder")
                continue
            if target.is_dir():
                continue  # its files are read where they really are, once, and no link can loop
        if entry.is_dir():
            yield from _read_folder(Path(entry.path), root, relative)
        else:
            yield from _read_file(Path(entry.path), source)


def _read_file(path: Path, source: str) -> Iterator[Article | Skipped]:
    reason = _refusal(source)
    if reason:
        yield Skipped(source, reason)
        return
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            yield Skipped(source, "not a regular file")
            return
        if info.st_size > MAX_FILE_BYTES:
            yield Skipped(source, _too_large(info.st_size))
            return
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    except OSError as error:
        yield Skipped(source, f"cannot read: {error.strerror}")
        return
    try:
        yield from _parse(source, data)
    except ArticleError as error:
        yield Skipped(source, error.reason)


def _parse(name: str, data: bytes, *, url: str | None = None) -> list[Article | Skipped]:
    """Articles, and Skipped bad .jsonl lines, from a file's bytes; ArticleError if there are none."""
    reason = _refusal(name)
    if reason:
        raise ArticleError(name, reason)
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(name, _too_large(len(data)))
    if not data.strip():
        raise ArticleError(name, "empty file")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".html", ".htm"):
        return [read_html(decode_html(name, data), url=url, name=name)]
    text = decode_text(name, data)
    if not text.strip():
        raise ArticleError(name, "empty file")
    if suffix == ".jsonl":
        articles, skipped = parse_jsonl(text, name)
        if not articles:
            lines = ", ".join(item.name.rsplit("#", 1)[1] for item in skipped)
            raise ArticleError(name, f"no valid lines (bad lines: {lines})")
        return [*articles, *skipped]
    article = parse_markdown(text, name) if suffix in (".md", ".markdown") else parse_text(text, name)
    if url:  # where it was fetched from is the honest source and link, whatever the text claims
        article = replace(article, source=url, url=url)
    if not article.text.strip():
        raise ArticleError(name, "no text besides the title")
    return [article]


def _refusal(name: str) -> str | None:
    """Why a file of this name is not read, or None when its type is supported."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return None
    if suffix in ARCHIVE_SUFFIXES:
        return _ARCHIVE
    supported = ", ".join(SUPPORTED_SUFFIXES)
    what = f"'{suffix}'" if suffix else "without a suffix"
    return f"unsupported file type {what} (supported: {supported})"


def _too_large(size: int) -> str:
    return f"too large ({size / _MB:.1f} MB, limit {MAX_FILE_BYTES // _MB} MB)"
