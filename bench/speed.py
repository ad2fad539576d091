"""Measure the Library's speed and memory on synthetic libraries of 10k, 100k and 1M passages, and rank-bm25's.

    .venv/bin/python -m bench.speed [--sizes 10000 100000 1000000] [--profile]

Each size is measured in fresh subprocesses (build; open and ask; rank-bm25), so peak RSS is that step's own and
the open is a real restart. Prints a markdown table with growth ratios and targets; raw figures go to
bench/results/speed-<timestamp>.json. With --profile, the build and 200 asks also run under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import gc
import io
import itertools
import json
import logging
import math
import os
import pickle
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.synthetic import Question, SyntheticCorpus
from index import GLOBAL_COLLECTION, Answer, Library, wordnet
from index.analysis import analyze
from index.models import Article
from index.store import CLEAN_SUFFIX

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
LIBRARY_FILE = "library.sqlite3"
QUESTIONS, WARM_UP = 200, 20
BM25_SAMPLE_AT_1M = 10  # rank-bm25 scores every passage in Python: ~1 s a question at 1M
STREAM_ARTICLES = 1_000  # articles made and spilled at a time, so the build never holds the whole corpus
LIVE_CHANGES = 5
INGEST_ARTICLES = 10_000
INGEST_WORKERS = os.cpu_count() or 1  # as `citebot add` and the bot run by default (INGEST_WORKERS=0)
CHAT_COLLECTIONS = ("chat:1", "chat:2")  # one article in ten goes to a chat's collection, so scopes filter
SCOPES = (
    "no filter (every collection)",
    "collections=(global,), the default",
    "collections=(global, chat:1)",
    "sources=(one outlet,)",
    "after=2020-01-01",
)


@dataclass(frozen=True, slots=True)
class Change:
    """One live change to the library: seconds until the next question reflected it, and whether the question's
    article is cited afterwards (True after an add, False after a remove, when the change worked)."""

    seconds: float
    visible: bool


def cites(answers: Sequence[Answer], source: str | None) -> bool:
    return any(s.source == source for answer in answers for s in answer.sources)


def add_and_find(library: Library, article: Article, question: Question) -> Change:
    """Add one article to the live library and ask the question only it answers."""
    start = time.perf_counter()
    library.add_text(article.text, title=article.title, source=article.source, published=article.published)
    answers = library.ask(question.text)
    return Change(time.perf_counter() - start, cites(answers, article.source))


def remove_and_check(library: Library, question: Question) -> Change:
    """Remove the question's article from the live library and ask the question again."""
    start = time.perf_counter()
    library.remove(question.source or "")
    answers = library.ask(question.text)
    return Change(time.perf_counter() - start, cites(answers, question.source))


def ask_all(library: Library, questions: Sequence[Question], **filters) -> tuple[list[float], int, int]:
    """Seconds per question, how many got an answer, and how many cited the article they were drawn from."""
    latencies, answered, found = [], 0, 0
    for question in questions:
        start = time.perf_counter()
        answers = library.ask(question.text, **filters)
        latencies.append(time.perf_counter() - start)
        answered += bool(answers)
        found += cites(answers, question.source)
    return latencies, answered, found


def ask_during_ingest(
    library: Library, articles: Sequence[Article], questions: Sequence[Question]
) -> tuple[list[float], float]:
    """Ask questions in a loop while another thread adds the articles; (latencies, seconds the ingest took)."""
    failures: list[BaseException] = []

    def ingest() -> None:
        try:
            library.add_articles(articles)
        except BaseException as error:  # re-raised in the asking thread, which would otherwise loop on
            failures.append(error)

    thread = threading.Thread(target=ingest, name="bench-ingest")
    latencies, start = [], time.perf_counter()
    thread.start()
    while thread.is_alive():
        latencies += ask_all(library, [questions[len(latencies) % len(questions)]])[0]
    thread.join()
    if failures:
        raise failures[0]
    return latencies, time.perf_counter() - start


def scope_filters(corpus: SyntheticCorpus) -> dict[str, dict]:
    """Each scope of SCOPES as ask() filters. The baseline has none; the source and date filters search every
    collection, so their figures are the cost of that filter alone."""
    baseline, default, collections, sources, after = SCOPES
    return {
        baseline: {"collections": None},
        default: {},
        collections: {"collections": (GLOBAL_COLLECTION, "chat:1")},
        sources: {"collections": None, "sources": (corpus.outlets[0],)},
        after: {"collections": None, "after": "2020-01-01"},
    }


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def rss_mb() -> tuple[float, float]:
    """(peak, current) resident memory of this process in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    status = Path("/proc/self/status").read_text()
    current = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
    return peak, current


def cpu_seconds() -> tuple[float, float]:
    """(this process, its ended child processes) CPU time so far, user and system, in seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def top_functions(profiler: cProfile.Profile, lines: int = 10) -> str:
    """The top functions by cumulative time (what dominates), then by own time (where it is spent)."""
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return stream.getvalue()


def collection_of(index: int) -> str:
    turn = index % 20
    return CHAT_COLLECTIONS[turn - 18] if turn >= 18 else GLOBAL_COLLECTION


def spill_articles(corpus: SyntheticCorpus, workdir: Path) -> dict[str, Path]:
    """Every article of the corpus pickled to a file of its collection, a thousand at a time."""
    names = (GLOBAL_COLLECTION, *CHAT_COLLECTIONS)
    paths = {name: workdir / f"articles-{name.replace(':', '-')}.pickle" for name in names}
    files = {name: path.open("wb") for name, path in paths.items()}
    try:
        for start in range(0, corpus.article_count, STREAM_ARTICLES):
            groups: dict[str, list[Article]] = {}
            for index in range(start, min(start + STREAM_ARTICLES, corpus.article_count)):
                groups.setdefault(collection_of(index), []).append(corpus.article(index))
            for name, articles in groups.items():
                pickle.dump(articles, files[name], pickle.HIGHEST_PROTOCOL)
    finally:
        for file in files.values():
            file.close()
    return paths


def read_spilled(path: Path) -> Iterator[Article]:
    with path.open("rb") as file:
        while True:
            try:
                yield from pickle.load(file)
            except EOFError:
                return


# Workers: each runs in its own process and writes <workdir>/<step>.json --------------------------------------


def measure_build(corpus: SyntheticCorpus, workdir: Path, profile: bool) -> dict:
    """One add per collection, each streaming its articles from a file as `citebot add` streams a folder. Making
    the synthetic articles costs about half the CPU adding them does, and would compete with the add for the
    cores, so they are made and spilled to disk beforehand, untimed."""
    _, before = rss_mb()
    spilled = spill_articles(corpus, workdir)
    profiler = cProfile.Profile() if profile else None
    library = Library.open(workdir / LIBRARY_FILE, workers=INGEST_WORKERS)
    seconds, started, cpu_before = 0.0, time.perf_counter(), cpu_seconds()
    for collection, path in spilled.items():

        def progress(done: int, _total: int | None, collection: str = collection) -> None:
            if done % 10_000 < 1_000:
                logger.info("%s: added %d articles in %.0f s", collection, done, time.perf_counter() - started)

        add = functools.partial(library.add_articles, read_spilled(path), collection=collection, progress=progress)
        seconds += _timed(add, profiler)
        path.unlink()
    _, retained = rss_mb()
    stats = library.stats()
    seconds += _timed(library.close, profiler)  # the workers end here, so their CPU time is counted
    writing_cpu, workers_cpu = (after - before for after, before in zip(cpu_seconds(), cpu_before, strict=True))
    return {
        "seconds": seconds,
        "writing_cpu_seconds": writing_cpu,
        "workers_cpu_seconds": workers_cpu,
        "wall_seconds": time.perf_counter() - started,
        "rss_before_mb": before,
        "peak_rss_mb": rss_mb()[0],
        "retained_rss_mb": retained,
        "sqlite_bytes": sum(p.stat().st_size for p in workdir.glob(f"{LIBRARY_FILE}*") if p.is_file()),
        "tantivy_bytes": sum(p.stat().st_size for p in workdir.glob(f"{LIBRARY_FILE}.tantivy/**/*") if p.is_file()),
        "articles": stats.articles,
        "passages": stats.passages,
        "sentences": stats.sentences,
        "languages": list(stats.languages),
        "profile": top_functions(profiler) if profiler else None,
    }


def measure_crash_open(corpus: SyntheticCorpus, workdir: Path, profile: bool) -> dict:
    """Opening in a fresh process as after a crash: no record of a clean close, so the file is checked in full."""
    path = workdir / LIBRARY_FILE
    Path(f"{path}{CLEAN_SUFFIX}").unlink(missing_ok=True)
    return {"seconds": _timed(lambda: Library.open(path, workers=INGEST_WORKERS).close(), None)}


def measure_cold_open(corpus: SyntheticCorpus, workdir: Path, profile: bool) -> dict:
    """Opening in a fresh process as after a reboot: closed cleanly, but its files no longer in memory."""
    path = workdir / LIBRARY_FILE
    if not _out_of_memory(path):
        return {"seconds": math.nan}
    seconds = _timed(lambda: Library.open(path, workers=INGEST_WORKERS).close(), None)
    for file in _library_files(path):  # read back in, so the questions timed next find it as the build left it
        with open(file, "rb") as stream:
            while stream.read(1 << 20):
                pass
    return {"seconds": seconds}


def _out_of_memory(path: Path) -> bool:
    """Drop the library's files from the page cache, as a reboot would; False where the system cannot."""
    if not hasattr(os, "posix_fadvise"):
        return False
    for file in _library_files(path):
        descriptor = os.open(file, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # only pages already on disk can be dropped
            os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(descriptor)
    return True


def _library_files(path: Path) -> list[Path]:
    return [file for file in [path, *Path(f"{path}.tantivy").rglob("*")] if file.is_file()]


def _timed(step: Callable[[], object], profiler: cProfile.Profile | None) -> float:
    start = time.perf_counter()
    if profiler is None:
        step()
    else:
        profiler.runcall(step)
    return time.perf_counter() - start


def measure_serving(corpus: SyntheticCorpus, workdir: Path, profile: bool) -> dict:
    questions = corpus.questions(WARM_UP + QUESTIONS)
    warm_up, questions = questions[:WARM_UP], questions[WARM_UP:]
    start = time.perf_counter()
    library = Library.open(workdir / LIBRARY_FILE, workers=INGEST_WORKERS)
    open_seconds = time.perf_counter() - start
    ask_all(library, warm_up)
    latencies, answered, found = ask_all(library, questions)
    scoped: dict[str, list[float]] = {name: [] for name in SCOPES}
    filters = scope_filters(corpus)
    for number, question in enumerate(questions):
        # Each question under every scope in turn, rotated so no scope always meets cold caches or a busy machine.
        for name in SCOPES[number % len(SCOPES) :] + SCOPES[: number % len(SCOPES)]:
            scoped[name] += ask_all(library, [question], **filters[name])[0]
    live = [corpus.live_article(number) for number in range(LIVE_CHANGES)]
    added = [add_and_find(library, article, question) for article, question in live]
    removed = [remove_and_check(library, question) for _, question in live]
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(ask_all, library, questions)
    ingest_size = min(INGEST_ARTICLES, corpus.article_count)
    extra = [corpus.article(corpus.article_count + i) for i in range(ingest_size)]
    during, ingest_seconds = ask_during_ingest(library, extra, questions)
    library.close()
    return {
        "open_seconds": open_seconds,
        "ask_seconds": latencies,
        "answered": answered,
        "found_own_article": found,
        "drawn_from_articles": sum(q.source is not None for q in questions),
        "scoped_seconds": scoped,
        "add_seconds": [c.seconds for c in added],
        "added_visible": sum(c.visible for c in added),
        "remove_seconds": [c.seconds for c in removed],
        "removed_still_visible": sum(c.visible for c in removed),
        "ingest_articles": ingest_size,
        "ingest_passages": ingest_size * 10,
        "ingest_seconds": ingest_seconds,
        "during_ingest_seconds": during,
        "profile": top_functions(profiler) if profile else None,
    }


def measure_rank_bm25(corpus: SyntheticCorpus, workdir: Path, profile: bool) -> dict:
    import numpy as np
    from rank_bm25 import BM25Okapi

    questions = corpus.questions(WARM_UP + QUESTIONS)[WARM_UP:]
    sample = questions if corpus.passage_count < 1_000_000 else questions[:: QUESTIONS // BM25_SAMPLE_AT_1M]
    _, before = rss_mb()
    tokenized, tokenize_seconds = [], 0.0
    for article in corpus.articles():
        start = time.perf_counter()
        tokenized += [analyze(passage, "en") for passage in article.text.split("\n\n")]
        tokenize_seconds += time.perf_counter() - start
    start = time.perf_counter()
    model = BM25Okapi(tokenized)
    build_seconds = time.perf_counter() - start
    del tokenized
    gc.collect()
    peak, retained = rss_mb()
    latencies = []
    for question in [*sample[:2], *sample]:  # the first two warm up
        start = time.perf_counter()
        scores = model.get_scores(analyze(question.text, "en"))
        np.argpartition(scores, -3)[-3:]
        latencies.append(time.perf_counter() - start)
    return {
        "tokenize_seconds": tokenize_seconds,
        "build_seconds": build_seconds,
        "rss_before_mb": before,
        "peak_rss_mb": peak,
        "retained_rss_mb": retained,
        "ask_seconds": latencies[2:],
        "questions": len(sample),
    }


# The report: one row per measure, one column per size, growth ratios, and targets ----------------------------


def _ms(values: Sequence[float], share: float) -> float:
    return percentile(values, share) * 1000


def _overhead(scope: str) -> Callable[[dict], float]:
    def overhead(result: dict) -> float:
        scoped = result["serve"]["scoped_seconds"]
        return (percentile(scoped[scope], 0.5) / percentile(scoped[SCOPES[0]], 0.5) - 1) * 100

    return overhead


MB = 1024 * 1024
# (measure, figure from one size's results, format, target as (comparison, threshold, size it is checked at))
ROWS: list[tuple[str, Callable[[dict], float], str, tuple[str, float, int] | None]] = [
    ("passages", lambda r: r["build"]["passages"], "{:,.0f}", None),
    ("articles", lambda r: r["build"]["articles"], "{:,.0f}", None),
    ("build: add every article + close (s)", lambda r: r["build"]["seconds"], "{:,.1f}", ("≤", 60, 1_000_000)),
    ("build rate (passages/s)", lambda r: r["build"]["passages"] / r["build"]["seconds"], "{:,.0f}", None),
    ("  CPU time of the writing process (s)", lambda r: r["build"]["writing_cpu_seconds"], "{:,.1f}", None),
    ("  CPU time of the ingest workers (s)", lambda r: r["build"]["workers_cpu_seconds"], "{:,.1f}", None),
    ("build peak RSS (MB)", lambda r: r["build"]["peak_rss_mb"], "{:,.0f}", ("≤", 1024, 1_000_000)),
    ("RSS retained after build (MB)", lambda r: r["build"]["retained_rss_mb"], "{:,.0f}", None),
    ("RSS before opening the library (MB)", lambda r: r["build"]["rss_before_mb"], "{:,.0f}", None),
    (
        "library file: SQLite + tantivy (MB)",
        lambda r: (r["build"]["sqlite_bytes"] + r["build"]["tantivy_bytes"]) / MB,
        "{:,.0f}",
        None,
    ),
    ("  of which tantivy (MB)", lambda r: r["build"]["tantivy_bytes"] / MB, "{:,.0f}", None),
    ("open after restart (s)", lambda r: r["serve"]["open_seconds"], "{:.2f}", ("≤", 3, 1_000_000)),
    ("  the files not in memory, as after a reboot (s)", lambda r: r["cold_open"]["seconds"], "{:.2f}", None),
    ("  after a crash: the file checked in full (s)", lambda r: r["crash_open"]["seconds"], "{:.2f}", None),
    ("ask p50 (ms)", lambda r: _ms(r["serve"]["ask_seconds"], 0.5), "{:.2f}", ("≤", 2, 1_000_000)),
    ("ask p99 (ms)", lambda r: _ms(r["serve"]["ask_seconds"], 0.99), "{:.2f}", ("≤", 20, 1_000_000)),
    ("questions answered (of 200)", lambda r: r["serve"]["answered"], "{:.0f}", None),
    (
        "answer cites the article the question came from (of 150)",
        lambda r: r["serve"]["found_own_article"],
        "{:.0f}",
        None,
    ),
    (
        "add one article → next ask finds it (ms, median of 5)",
        lambda r: _ms(r["serve"]["add_seconds"], 0.5),
        "{:.0f}",
        ("≤", 1000, 1_000_000),
    ),
    ("  added articles found (of 5)", lambda r: r["serve"]["added_visible"], "{:.0f}", None),
    (
        "remove one article → next ask (ms, median of 5)",
        lambda r: _ms(r["serve"]["remove_seconds"], 0.5),
        "{:.0f}",
        None,
    ),
    ("  removed articles still cited (of 5)", lambda r: r["serve"]["removed_still_visible"], "{:.0f}", None),
    ("background ingest during questions (articles)", lambda r: r["serve"]["ingest_articles"], "{:,.0f}", None),
    (
        "  its rate (passages/s)",
        lambda r: r["serve"]["ingest_passages"] / r["serve"]["ingest_seconds"],
        "{:,.0f}",
        None,
    ),
    ("  questions asked meanwhile", lambda r: len(r["serve"]["during_ingest_seconds"]), "{:,.0f}", None),
    ("  question p50 during ingest (ms)", lambda r: _ms(r["serve"]["during_ingest_seconds"], 0.5), "{:.1f}", None),
    (
        "  question p99 during ingest (ms)",
        lambda r: _ms(r["serve"]["during_ingest_seconds"], 0.99),
        "{:.1f}",
        ("≤", 50, 1_000_000),
    ),
    (
        "ask p50, no filter, every collection (ms)",
        lambda r: _ms(r["serve"]["scoped_seconds"][SCOPES[0]], 0.5),
        "{:.2f}",
        None,
    ),
    *((f"  overhead of {scope} (%)", _overhead(scope), "{:+.0f}", ("≤", 20, 100_000)) for scope in SCOPES[1:]),
    ("rank-bm25: questions timed", lambda r: r["bm25"]["questions"], "{:.0f}", None),
    ("rank-bm25: analyze every passage (s)", lambda r: r["bm25"]["tokenize_seconds"], "{:,.1f}", None),
    ("rank-bm25: BM25Okapi build (s)", lambda r: r["bm25"]["build_seconds"], "{:,.1f}", None),
    ("rank-bm25: peak RSS (MB)", lambda r: r["bm25"]["peak_rss_mb"], "{:,.0f}", None),
    ("rank-bm25: RSS retained, tokens freed (MB)", lambda r: r["bm25"]["retained_rss_mb"], "{:,.0f}", None),
    ("rank-bm25: p50 (ms)", lambda r: _ms(r["bm25"]["ask_seconds"], 0.5), "{:,.1f}", None),
    ("rank-bm25: p99 (ms)", lambda r: _ms(r["bm25"]["ask_seconds"], 0.99), "{:,.1f}", None),
    (
        "speed-up: rank-bm25 p50 / citebot ask p50 (×)",
        lambda r: _ms(r["bm25"]["ask_seconds"], 0.5) / _ms(r["serve"]["ask_seconds"], 0.5),
        "{:,.1f}",
        ("≥", 1000, 1_000_000),
    ),
]


def size_name(size: int) -> str:
    for unit, name in ((1_000_000, "M"), (1_000, "k")):
        if size >= unit and size % unit == 0:
            return f"{size // unit}{name}"
    return f"{size:,}"


def report(results: dict[int, dict]) -> str:
    """The markdown table of every measure, with growth from each size to the next and the targets."""
    sizes = sorted(results)
    steps = list(itertools.pairwise(sizes))
    header = ["measure", *map(size_name, sizes), *(f"{size_name(a)}→{size_name(b)}" for a, b in steps), "target", "met"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, figure, style, target in ROWS:
        values = {size: figure(results[size]) for size in sizes}
        cells = [label, *(style.format(values[size]) for size in sizes)]
        cells += [f"×{values[b] / values[a]:.1f}" if values[a] > 0 and values[b] > 0 else "—" for a, b in steps]
        if target is None:
            cells += ["", ""]
        else:
            comparison, threshold, at = target
            cells.append(f"{comparison} {threshold:g} at {size_name(at)}")
            if at not in values:
                cells.append("not run")
            else:
                met = values[at] <= threshold if comparison == "≤" else values[at] >= threshold
                cells.append("✓" if met else "✗")
        lines.append("| " + " | ".join(cells) + " |")
    notes = [
        f"rank-bm25 at 1M times {BM25_SAMPLE_AT_1M} of the 200 questions (every {QUESTIONS // BM25_SAMPLE_AT_1M}th).",
        f"The background ingest adds {INGEST_ARTICLES:,} articles of 10 passages, or as many articles as the library"
        " has when it is smaller (at 10k: about 1,000, doubling it).",
        "Overheads compare p50 with the filter against p50 with no filter at all (collections=None).",
        f"Synonyms: {synonyms_in_use()}.",
    ]
    return "\n".join([*lines, "", *notes])


def synonyms_in_use() -> str:
    lexicon = wordnet.installed()
    return f"WordNet at {lexicon.directory}" if lexicon else "none (WordNet is not installed)"


def print_report(results: dict[int, dict]) -> None:
    print(report(results))
    for size in sorted(results):
        for step, what in (("build", "the build"), ("serve", f"{QUESTIONS} asks")):
            if results[size][step].get("profile"):
                print(f"\ncProfile of {what} at {size_name(size)}: top 10 by cumulative time, then by own time\n")
                print(results[size][step]["profile"])


WORKERS = {
    "build": measure_build,
    "crash_open": measure_crash_open,
    "cold_open": measure_cold_open,
    "serve": measure_serving,  # last of the opens: its own is as after a plain restart, the file in memory
    "bm25": measure_rank_bm25,
}


def run_worker(step: str, size: int, workdir: Path, seed: int, profile: bool) -> dict:
    command = [sys.executable, "-m", "bench.speed", "--worker", step, "--sizes", str(size), "--seed", str(seed)]
    command += ["--workdir", str(workdir), *(["--profile"] if profile else [])]
    subprocess.run(command, cwd=ROOT, check=True)
    return json.loads((workdir / f"{step}.json").read_text())


def code_version() -> str:
    """The commit measured, marked "+changes" when index/ differs from it (figures depend on uncommitted work)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        changes = subprocess.run(["git", "status", "--porcelain", "index"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return commit.stdout.strip() + ("+changes" if changes.stdout.strip() else "") or "unknown"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", action="store_true", help="run the build and 200 asks under cProfile too")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results", help="folder for the JSON")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("index").setLevel(logging.WARNING)
    if args.worker:
        corpus = SyntheticCorpus(args.sizes[0], args.seed)
        result = WORKERS[args.worker](corpus, args.workdir, args.profile)
        (args.workdir / f"{args.worker}.json").write_text(json.dumps(result))
        return
    results: dict[int, dict] = {}
    code = code_version()  # before the run: other work may land while it goes on
    for size in args.sizes:
        workdir = Path(tempfile.mkdtemp(prefix=f"citebot-speed-{size}-"))
        try:
            results[size] = {step: run_worker(step, size, workdir, args.seed, args.profile) for step in WORKERS}
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    print_report(results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    out = args.results / f"speed-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = {"seed": args.seed, "code": code, "machine": machine, "synonyms": synonyms_in_use(), "sizes": results}
    out.write_text(json.dumps(saved, indent=1))
    print(f"\nraw results: {out}")


if __name__ == "__main__":
    main()
