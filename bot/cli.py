"""The `citebot` console script: add, ask, remove, sources, stats, rebuild, feedback, chat and run."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from dotenv import load_dotenv

from index import Answer, CitebotError, Library

from .settings import ingest_processes
from .terminal import format_result, format_source

DEFAULT_LIBRARY = "data/library.sqlite3"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citebot", description="Answer questions from your articles.")
    parser.add_argument("--library", help=f"library file (default: $CITEBOT_LIBRARY or {DEFAULT_LIBRARY})")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = commands.add_parser("add", help="add files or folders (.txt .md .html .jsonl)")
    add.add_argument("paths", nargs="+", metavar="PATH")
    add.add_argument("--collection", default="global", help="collection to add to (default: global)")
    ask = commands.add_parser("ask", help="ask a question")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=3, help="how many answers at most (default 3)")
    ask.add_argument("--json", action="store_true", help="print JSON; an empty answers list means I don't know")
    ask.add_argument("--explain", action="store_true", help="say why each answer was chosen")
    ask.add_argument("--source", action="append", default=[], help="only from sources matching NAME")
    ask.add_argument("--after", help="only articles published on or after YYYY-MM-DD")
    ask.add_argument("--before", help="only articles published on or before YYYY-MM-DD")
    ask.add_argument("--collection", action="append", help="collections to search (default: global)")
    remove = commands.add_parser("remove", help="remove an article by its source or link")
    remove.add_argument("source")
    remove.add_argument("--collection", default="global")
    sources = commands.add_parser("sources", help="list articles, newest first")
    sources.add_argument("--limit", type=int, default=50)
    commands.add_parser("stats", help="count articles, passages and sentences")
    commands.add_parser("rebuild", help="rebuild the search index from the library file")
    feedback = commands.add_parser("feedback", help="list 👍/👎 given to answers in Telegram")
    feedback.add_argument("--limit", type=int, default=50)
    commands.add_parser("chat", help="terminal chat over the library")
    commands.add_parser("run", help="run the Telegram bot (terminal chat without a token)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    load_dotenv()
    args = _parser().parse_args(argv)
    if args.command == "run":
        from .__main__ import main as run_main

        return run_main()
    path = args.library or os.environ.get("CITEBOT_LIBRARY") or DEFAULT_LIBRARY
    try:
        with Library.open(path, workers=_ingest_workers()) as library:
            return COMMANDS[args.command](library, args)
    except CitebotError as error:
        print(f"citebot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _ingest_workers() -> int:
    """INGEST_WORKERS from the environment (0, unset or not a number: one per core)."""
    try:
        workers = int(os.environ.get("INGEST_WORKERS", "0"))
    except ValueError:
        workers = 0
    return ingest_processes(workers)


def _add(library: Library, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    failed = False
    for path in args.paths:
        if not Path(path).exists():
            print(f"citebot: {path}: no such file or folder", file=sys.stderr)
            failed = True
            continue
        with tqdm(desc=f"adding {path}", unit="article", disable=None, file=sys.stderr) as bar:

            def progress(done: int, total: int, bar: tqdm = bar) -> None:
                bar.total = total
                bar.update(done - bar.n)

            report = library.add_path(path, collection=args.collection, progress=progress)
        for skipped in report.skipped:
            print(f"citebot: skipped {skipped.name}: {skipped.reason}", file=sys.stderr)
        print(
            f"{path}: {len(report.added)} article(s) added ({report.sentences} sentences),"
            f" {len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
        )
        failed = failed or (report.skipped and not (report.added or report.unchanged))
    return 1 if failed else 0


def _answer_json(answer: Answer, explain: bool) -> dict:
    data = {
        "sentence": answer.sentence,
        "score": answer.score,
        "sources": [{k: v for k, v in asdict(s).items() if k != "collection"} for s in answer.sources],
        "context": {"before": list(answer.before), "after": list(answer.after)},
    }
    if explain and answer.why is not None:
        data["why"] = asdict(answer.why)
    return data


def _ask(library: Library, args: argparse.Namespace) -> int:
    if args.k < 1:
        print("citebot: -k must be at least 1", file=sys.stderr)
        return 2
    if library.stats().articles == 0:
        print("citebot: the library is empty: add articles with `citebot add PATH`", file=sys.stderr)
    result = library.query(
        args.question,
        args.k,
        collections=args.collection or ("global",),
        sources=tuple(args.source),
        after=args.after,
        before=args.before,
    )
    if args.json:
        print(
            json.dumps(
                {
                    "question": args.question,
                    "answers": [_answer_json(a, args.explain) for a in result.answers],
                    "hints": list(result.hints),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(format_result(result, explain=args.explain))
    return 0


def _remove(library: Library, args: argparse.Namespace) -> int:
    if library.remove(args.source, collection=args.collection):
        print(f"removed {args.source}")
        return 0
    print(f"citebot: no article with source {args.source!r} in {args.collection}", file=sys.stderr)
    return 1


def _sources(library: Library, args: argparse.Namespace) -> int:
    for source in library.sources(None, limit=args.limit):
        print(f"{source.source}\t{format_source(source)}")
    return 0


def _stats(library: Library, args: argparse.Namespace) -> int:
    stats = library.stats()
    span = f", published {stats.oldest} to {stats.newest}" if stats.oldest else ""
    print(
        f"{stats.articles} articles, {stats.passages} passages, {stats.sentences} sentences{span}"
        f"; languages: {', '.join(stats.languages) or 'none'}"
    )
    return 0


def _rebuild(library: Library, args: argparse.Namespace) -> int:
    print(f"search index rebuilt: {library.rebuild()} passages")
    return 0


def _feedback(library: Library, args: argparse.Namespace) -> int:
    for entry in library.feedback(args.limit):
        print(f"{entry.created}\t{'👍' if entry.vote > 0 else '👎'}\t{entry.question}\t{entry.sentence}")
    return 0


def _chat(library: Library, args: argparse.Namespace) -> int:
    from .chat import run_chat

    run_chat(library)
    return 0


COMMANDS = {
    "add": _add,
    "ask": _ask,
    "remove": _remove,
    "sources": _sources,
    "stats": _stats,
    "rebuild": _rebuild,
    "feedback": _feedback,
    "chat": _chat,
}

if __name__ == "__main__":
    sys.exit(main())
