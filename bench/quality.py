"""Answer quality on the public question sets: citebot beside a plain rank-bm25 baseline, in one table.

Usage: python bench/quality.py [--verbose] [--qa ../shared/qa] [--corpus ../shared/corpus]
Prints one markdown table; the figures also go to bench/results/quality-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

# Run as `python bench/quality.py` (make quality): the checkout's own bench and index come first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rank_bm25 import BM25Okapi

from bench import qa_sets as qa
from bench.qa_sets import Quote, SeedTally, SquadTally
from index import Answer, Library, wordnet
from index.analysis import analyze
from index.articles import read_articles
from index.models import Article
from index.passages import split_passages, split_sentences

SHARED = Path(__file__).resolve().parents[2] / "shared"
RESULTS = Path(__file__).resolve().parent / "results"
K = 3  # answers read per question on the seed and SQuAD sets: P@1 and R@3
COVERAGE_THRESHOLDS = tuple(round(0.3 + 0.05 * i, 2) for i in range(11))
T = TypeVar("T")


class Baseline:
    """rank-bm25's BM25Okapi over sentences, the obvious first try: top-scored sentences, abstaining only when
    nothing scores above 0, each citing the one article it stands in (duplicates are not folded)."""

    def __init__(self, units: list[tuple[str, str]]) -> None:
        analysed = [(sentence, source, analyze(sentence)) for sentence, source in units]
        kept = [unit for unit in analysed if unit[2]]  # a sentence without terms can never be found
        self._quotes = [Quote(sentence, (source,)) for sentence, source, _ in kept]
        self._bm25 = BM25Okapi([terms for _, _, terms in kept]) if kept else None  # it divides by the count

    def rank(self, question: str) -> list[tuple[Quote, float]]:
        """Every sentence, best first, with its score."""
        if self._bm25 is None:
            return []
        scores = self._bm25.get_scores(analyze(question))
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [(self._quotes[i], float(scores[i])) for i in order]


def answers_of(ranked: list[tuple[Quote, float]], k: int) -> list[Quote]:
    return [quote for quote, score in ranked[:k] if score > 0]


@dataclass(slots=True)
class SetRun:
    """One system on one set, filled question by question."""

    latencies_ms: list[float] = field(default_factory=list)
    seeds: SeedTally = field(default_factory=SeedTally)
    squad: SquadTally = field(default_factory=SquadTally)
    per_article: dict[str, SquadTally] = field(default_factory=dict)
    # WikiQA, one (AP, RR) pair per question: of the answers as given, and of the full ranking.
    given: list[tuple[float, float]] = field(default_factory=list)
    ranked: list[tuple[float, float]] = field(default_factory=list)
    set_order: list[float] = field(default_factory=list)  # WikiQA: AP of the candidates in the set's order
    coverage: list[tuple[str, float | None]] = field(default_factory=list)  # citebot on SQuAD: (group, coverage)


def timed(latencies: list[float], call: Callable[..., T], *args: object) -> T:
    start = time.perf_counter()
    value = call(*args)
    latencies.append((time.perf_counter() - start) * 1000)
    return value


# The three sets ------------------------------------------------------------------------------------------


def run_seeds(qa_dir: Path, corpus_dir: Path) -> tuple[SetRun, SetRun]:
    questions = qa.read_seed_questions(qa_dir / "seed_questions.jsonl")
    articles = [item for item in read_articles(corpus_dir) if isinstance(item, Article)]
    baseline = Baseline([(s, a.source) for a in articles for p in split_passages(a.text) for s in split_sentences(p)])
    citebot, plain = SetRun(), SetRun()
    with Library.open(":memory:") as library:
        library.add_path(corpus_dir)
        for question in questions:
            result = timed(citebot.latencies_ms, library.query, question.question, K)
            citebot.seeds += qa.judge_seed(question, qa.quotes_of(result.answers))
            ranked = timed(plain.latencies_ms, baseline.rank, question.question)
            plain.seeds += qa.judge_seed(question, answers_of(ranked, K))
    return citebot, plain


def run_squad(qa_dir: Path) -> tuple[SetRun, SetRun]:
    """Each article is a library of its own, one paragraph per added article, as the set is meant to be used."""
    citebot, plain = SetRun(), SetRun()
    for article in qa.read_squad(qa_dir / "squad-public.json"):
        sources = [qa.squad_source(article.title, i) for i in range(len(article.paragraphs))]
        units = [(s, source) for p, source in zip(article.paragraphs, sources, strict=True) for s in split_sentences(p)]
        baseline, ours, theirs = Baseline(units), SquadTally(), SquadTally()
        with Library.open(":memory:") as library:
            for i, paragraph in enumerate(article.paragraphs):
                library.add_text(paragraph, title=f"{article.title} ¶{i}", source=sources[i])
            for question in article.questions:
                result = timed(citebot.latencies_ms, library.query, question.question, K)
                ranking = qa.quotes_of(library.query(question.question, K, abstain=False).answers)
                ours += qa.judge_squad(article, question, qa.quotes_of(result.answers), ranking)
                best = result.answers[0] if result.answers else result.closest
                top = qa.quotes_of([best])[0] if best is not None else None
                citebot.coverage.append(_coverage_point(article, question, best, top))
                ranked = timed(plain.latencies_ms, baseline.rank, question.question)
                theirs += qa.judge_squad(article, question, answers_of(ranked, K), [quote for quote, _ in ranked[:K]])
        citebot.per_article[article.title], plain.per_article[article.title] = ours, theirs
        citebot.squad += ours
        plain.squad += theirs
    return citebot, plain


def _coverage_point(
    article: qa.SquadArticle, question: qa.SquadQuestion, best: Answer | None, top: Quote | None
) -> tuple[str, float | None]:
    """The evidence the "I don't know" rule weighed for the best sentence found, and whether that sentence
    was right: what the threshold has to separate."""
    coverage = best.why.coverage if best is not None and best.why is not None else None
    if question.impossible:
        return "impossible", coverage
    right = top is not None and qa.covers_gold_span(top, article, question)
    return ("answerable_right" if right else "answerable_wrong"), coverage


def run_wikiqa(qa_dir: Path) -> tuple[SetRun, SetRun]:
    """Each question is a library of its own, one candidate per article; answers map back by source."""
    citebot, plain = SetRun(), SetRun()
    for question in qa.read_wikiqa(qa_dir / "wikiqa-dev.jsonl"):
        count, relevant = len(question.candidates), qa.relevant_candidates(question)
        citebot.set_order.append(qa.set_order_average_precision(question))
        with Library.open(":memory:") as library:
            for i, candidate in enumerate(question.candidates):
                library.add_text(candidate, title=f"{question.id} #{i}", source=qa.candidate_source(i))
            given = timed(citebot.latencies_ms, library.query, question.question, count).answers
            ranked = library.query(question.question, count, abstain=False).answers
        _score_rankings(citebot, qa.quotes_of(given), qa.quotes_of(ranked), count, relevant)
        baseline = Baseline([(candidate, qa.candidate_source(i)) for i, candidate in enumerate(question.candidates)])
        scored = timed(plain.latencies_ms, baseline.rank, question.question)
        _score_rankings(plain, answers_of(scored, count), [quote for quote, _ in scored], count, relevant)
    return citebot, plain


def _score_rankings(run: SetRun, given: list[Quote], ranked: list[Quote], count: int, relevant: set[int]) -> None:
    for quotes, scores in ((given, run.given), (ranked, run.ranked)):
        order = qa.ranked_candidates(quotes, count)
        scores.append((qa.average_precision(order, relevant), qa.reciprocal_rank(order, relevant)))


# The table -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One metric for both systems, and the target citebot is held to: (">=" or "<=", bound)."""

    metric: str
    citebot: float
    baseline: float
    unit: str = "share"  # or "count" (out of `of`), or "ms"
    of: int = 0
    target: tuple[str, float] | None = None

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        op, bound = self.target
        return self.citebot >= bound if op == ">=" else self.citebot <= bound


Table = list[str | Row]  # a str heads a section


def summarize(runs: dict[str, tuple[SetRun, SetRun]]) -> Table:
    (seed_c, seed_b), (squad_c, squad_b), (wiki_c, wiki_b) = runs["seeds"], runs["squad"], runs["wikiqa"]
    s, t, q = seed_c.seeds, seed_b.seeds, squad_c.squad
    n = s.answerable
    return [
        f"Seed questions ({s.answerable} answerable, {s.unanswerable} unanswerable)",
        Row("answerable right (top sentence contains the answer)", s.right, t.right, "count", n),
        Row("... and citing every expected source", s.right_with_sources, t.right_with_sources, "count", n, (">=", n)),
        Row("unanswerable refused", s.refused, t.refused, "count", s.unanswerable, (">=", s.unanswerable)),
        *latency_rows(seed_c, seed_b),
        f"SQuAD 2.0, 6 articles ({q.answerable} answerable, {q.impossible} impossible)",
        *squad_rows(squad_c.squad, squad_b.squad),
        *latency_rows(squad_c, squad_b),
        f"WikiQA dev ({len(wiki_c.given)} questions; the candidates in the set's order alone score MAP "
        f"{statistics.fmean(wiki_c.set_order):.3f})",
        Row("MAP, answers as given (abstaining)", _mean(wiki_c.given, 0), _mean(wiki_b.given, 0), target=(">=", 0.66)),
        Row("MRR, answers as given (abstaining)", _mean(wiki_c.given, 1), _mean(wiki_b.given, 1)),
        Row("MAP, full ranking (abstain=False)", _mean(wiki_c.ranked, 0), _mean(wiki_b.ranked, 0), target=(">=", 0.66)),
        Row("MRR, full ranking (abstain=False)", _mean(wiki_c.ranked, 1), _mean(wiki_b.ranked, 1)),
        *latency_rows(wiki_c, wiki_b),
    ]


def squad_rows(q: SquadTally, r: SquadTally) -> list[Row]:
    def row(metric: str, name: str, of: str, target: tuple[str, float] | None = None) -> Row:
        shares = (_share(getattr(x, name), getattr(x, of)) for x in (q, r))
        return Row(metric, *shares, target=target)

    return [
        row("sentence P@1 (holds the gold span)", "right_at_1", "answerable", (">=", 0.80)),
        row("sentence P@1, loose (contains an answer text)", "loose_right_at_1", "answerable"),
        row("sentence P@1 of the ranking, abstention aside", "ranked_right_at_1", "answerable"),
        row("sentence R@3 (holds the gold span)", "right_at_3", "answerable", (">=", 0.92)),
        row("sentence R@3 of the ranking, abstention aside", "ranked_right_at_3", "answerable"),
        row("impossible refused", "refused", "impossible", (">=", 0.50)),
        row("false refusals (answerable refused)", "false_refusals", "answerable", ("<=", 0.05)),
    ]


def latency_rows(citebot: SetRun, baseline: SetRun) -> list[Row]:
    return [
        Row(
            f"latency p{q} (ms per question)",
            qa.percentile(citebot.latencies_ms, q),
            qa.percentile(baseline.latencies_ms, q),
            "ms",
            target=("<=", 50.0) if q == 99 else None,
        )
        for q in (50, 99)
    ]


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def _mean(pairs: list[tuple[float, float]], which: int) -> float:
    return statistics.fmean(pair[which] for pair in pairs) if pairs else 0.0


def _format(row: Row, value: float, sign: str = "") -> str:
    if row.unit == "count":
        return f"{value:{sign}.0f}" + ("" if sign else f"/{row.of}")
    return f"{value:{sign}.1f}" if row.unit == "ms" else f"{value:{sign}.3f}"


def render(table: Table) -> str:
    lines = ["| metric | citebot | rank-bm25 baseline | difference | target |", "|---|--:|--:|--:|---|"]
    for row in table:
        if isinstance(row, str):
            lines.append(f"| **{row}** | | | | |")
            continue
        target = ""
        if row.target is not None:
            op, bound = row.target
            target = f"{'≥' if op == '>=' else '≤'} {_format(row, bound)} {'✓' if row.met else '✗'}"
        cells = (_format(row, row.citebot), _format(row, row.baseline), _format(row, row.citebot - row.baseline, "+"))
        lines.append(f"| {row.metric} | {' | '.join(cells)} | {target} |")
    return "\n".join(lines)


def render_coverage(report: dict) -> str:
    """The evidence behind "I don't know" on SQuAD: coverage deciles by group, then a threshold sweep."""
    lines = [
        "| coverage of the top sentence | n | min | p10 | p20 | p30 | p40 | p50 | p60 | p70 | p80 | p90 | max |",
        "|---|--:|" + "--:|" * 11,
    ]
    for group, values in report["deciles"].items():
        figures = " | ".join(f"{v:.2f}" for v in values)
        lines.append(f"| {group} | {report['questions'][group]} | {figures} |")
    lines += ["", "| MIN_COVERAGE | P@1 | false refusals | impossible refused |", "|--:|--:|--:|--:|"]
    for row in report["sweep"]:
        figures = " | ".join(f"{row[key]:.3f}" for key in ("p_at_1", "false_refusals", "impossible_refused"))
        lines.append(f"| {row['min_coverage']:.2f} | {figures} |")
    return "\n".join(lines)


# The run -------------------------------------------------------------------------------------------------


def write_results(
    folder: Path, table: Table, runs: dict[str, tuple[SetRun, SetRun]], coverage: dict, elapsed: float, synonyms: str
) -> Path:
    rows, section = [], ""
    for row in table:
        if isinstance(row, str):
            section = row
        else:
            rows.append({"section": section, **asdict(row), "met": row.met})
    citebot, baseline = runs["squad"]
    now = datetime.now(UTC)
    document = {
        "created": now.isoformat(timespec="seconds"),
        "elapsed_seconds": round(elapsed, 1),
        "synonyms": synonyms,
        "table": rows,
        "seeds": {"citebot": asdict(runs["seeds"][0].seeds), "baseline": asdict(runs["seeds"][1].seeds)},
        "squad": {"citebot": asdict(citebot.squad), "baseline": asdict(baseline.squad)},
        "squad_per_article": {
            title: {"citebot": asdict(tally), "baseline": asdict(baseline.per_article[title])}
            for title, tally in citebot.per_article.items()
        },
        "wikiqa_set_order_map": statistics.fmean(runs["wikiqa"][0].set_order),
        "squad_coverage": coverage,
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"quality-{now:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Answer quality on the public question sets, against rank-bm25.")
    parser.add_argument("--qa", type=Path, default=SHARED / "qa", help="the question sets (default ../shared/qa)")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus", help="the seed articles")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes (default bench/results)")
    parser.add_argument("--verbose", action="store_true", help="also SQuAD per article and the coverage evidence")
    parser.add_argument("--no-wordnet", action="store_true", help="no synonyms, as on a machine without WordNet")
    args = parser.parse_args(argv)
    if args.no_wordnet:
        wordnet.SEARCHED = ()
        wordnet.installed.cache_clear()
    lexicon = wordnet.installed()
    synonyms = f"WordNet at {lexicon.directory}" if lexicon else "none (WordNet is not installed)"
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    needed = [args.qa / n for n in ("seed_questions.jsonl", "squad-public.json", "wikiqa-dev.jsonl")]
    missing = [str(path) for path in [*needed, args.corpus] if not path.exists()]
    if missing:
        print(f"missing {', '.join(missing)}: the question sets come with the project's CI", file=sys.stderr)
        return 2
    started = time.perf_counter()
    steps = {
        "seeds": lambda: run_seeds(args.qa, args.corpus),
        "squad": lambda: run_squad(args.qa),
        "wikiqa": lambda: run_wikiqa(args.qa),
    }
    runs = {}
    for name, step in steps.items():
        runs[name] = step()
        print(f"{name}: done at {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    table = summarize(runs)
    coverage = qa.coverage_report(runs["squad"][0].coverage, COVERAGE_THRESHOLDS)
    print(render(table))
    print(f"\nSynonyms: {synonyms}.")
    if args.verbose:
        citebot, baseline = runs["squad"]
        per_article = [
            [title, *squad_rows(tally, baseline.per_article[title])] for title, tally in citebot.per_article.items()
        ]
        print("\n" + render([line for rows in per_article for line in rows]) + "\n\n" + render_coverage(coverage))
    elapsed = time.perf_counter() - started
    path = write_results(args.results, table, runs, coverage, elapsed, synonyms)
    met = [row.met for row in table if isinstance(row, Row) and row.met is not None]
    print(f"\n{sum(met)}/{len(met)} targets met in {elapsed:.0f} s; figures in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
