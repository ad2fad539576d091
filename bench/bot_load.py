"""The real bot under load: simulated users send questions at once through the test Bot API server on 127.0.0.1.

    .venv/bin/python bench/bot_load.py [--users 200] [--messages 10000] [--group-questions 60] [--overall-rate 0]

The test server (`python -m tests.botapi`) and the bot (`python -m bot`, as in production, rate limiter included)
run as two subprocesses over a library built from sample/. Private questions go out in two waves, one question from
every user per round, all without waiting for answers; group questions (the bot answers them by quoting them) go
out with the first wave. Each reply is matched to its question: in groups by reply_to_message_id, in private chats
(where the bot does not quote) by its text, which the bench works out beforehand for every question it asks.
Prints markdown tables: answered messages per second, reply time p50/p99 (from injecting a question to the bot's
sendMessage being recorded), lost and duplicated replies, the bot's RSS, and the most replies one chat got within
a second (private chats) or a minute (groups).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Run as `python bench/bot_load.py` (make load): the checkout's own bot, index and tests come first.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bot.replies import render_result
from index import Library
from tests.botapi.validate import formatted_text

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "4242424242:LOAD-bench_token_0123456789abcdef"
BOT_USERNAME = "citebot_load_bot"
NOT_IN_THE_LIBRARY = (
    "What is the capital of Mongolia?",
    "Who won the chess olympiad in 1998?",
    "How deep is Lake Baikal?",
    "When does the night ferry to Orkney leave?",
    "What did the mayor of Lisbon say about trams?",
)


def sample_questions(folder: Path) -> list[str]:
    """Questions made of the sample's own sentences (the first dozen words of each), then some it cannot answer."""
    questions = []
    for path in sorted(folder.glob("*.md")):
        for sentence in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")):
            words = re.findall(r"[A-Za-z][A-Za-z'-]*", sentence)
            if len(words) >= 6:
                questions.append(" ".join(words[:12]) + "?")
    return [*questions, *NOT_IN_THE_LIBRARY]


def expected_replies(library: Library, questions: list[str]) -> list[tuple[str, str]]:
    """(question, the text of the bot's reply as Telegram stores it), one question for each distinct reply."""
    pool: dict[str, str] = {}
    for question in questions:
        html = render_result(library.query(question, 3))
        text, _ = formatted_text({"text": html, "parse_mode": "HTML"})
        pool.setdefault(text, question)
    return [(question, text) for text, question in pool.items()]


@dataclass
class Wave:
    """Questions sent in one wave, and what became of them."""

    mark: int = 0
    private: dict[int, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    groups: dict[tuple[int, int], float] = field(default_factory=dict)  # (chat, message id) -> sent at
    latencies: list[float] = field(default_factory=list)  # private chats
    group_latencies: list[float] = field(default_factory=list)
    lost: int = 0
    duplicated: int = 0
    unexpected: int = 0
    seconds: float = 0.0  # from the first private question sent to the last private reply
    per_second_in_a_chat: int = 0  # most replies to one private chat within a second
    per_minute_in_a_group: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds each process used during the wave

    @property
    def questions(self) -> int:
        return sum(map(len, self.private.values())) + len(self.groups)


class Control:
    """The test server's control API over HTTP."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=f"{url}/test/", timeout=None, trust_env=False)

    def call(self, operation: str, **args: Any) -> Any:
        answer = self.client.post(operation, json=args).json()
        if not answer["ok"]:
            raise RuntimeError(f"{operation}: {answer['description']}")
        return answer["result"]

    def batch(self, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        return self.call("batch", calls=[{"op": op, "args": args} for op, args in calls])


def send_wave(
    control: Control, rounds: list[list[tuple[int, str, str]]], groups: list[tuple[int, int, str]], every: float = 0
) -> Wave:
    """Inject the wave's questions, a round each `every` seconds (0: as fast as the server takes them);
    nothing waits for an answer."""
    wave = Wave(mark=control.call("mark"))
    for chat, user, question in groups:
        sent_at = time.time()
        (message,) = control.batch([("send_text", {"chat": chat, "user": user, "text": question})])
        wave.groups[(chat, message["message_id"])] = sent_at
    start = time.monotonic()
    for number, questions in enumerate(rounds):
        time.sleep(max(0.0, start + number * every - time.monotonic()))
        sent_at = time.time()
        control.batch([("send_text", {"chat": user, "user": user, "text": q}) for user, q, _ in questions])
        for user, _, expected in questions:
            wave.private[user].append((sent_at, expected))
    return wave


def most_within(times: list[float], window: float) -> int:
    """The most of `times` (sorted) that fall within any `window` seconds."""
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def score_wave(control: Control, wave: Wave, timeout: float) -> Wave:
    """Wait for every reply (or the timeout), then match each reply to its question."""
    try:
        control.call("wait_sent", chat_id=None, count=wave.questions, timeout=timeout, since=wave.mark)
    except RuntimeError as error:
        print(f"wave incomplete: {str(error).splitlines()[0]}", file=sys.stderr)
    time.sleep(1.0)  # a duplicate still on its way would land now
    replies = sorted(control.call("sent", method="sendMessage", since=wave.mark), key=lambda call: call["time"])
    waiting = {chat: defaultdict(deque) for chat in wave.private}
    for chat, asked in wave.private.items():
        for sent_at, expected in asked:
            waiting[chat][expected].append(sent_at)
    answered_groups: set[tuple[int, int]] = set()
    by_chat: dict[int, list[float]] = defaultdict(list)
    for call in replies:
        chat, message = call["chat_id"], call["result"]
        by_chat[chat].append(call["time"])
        if chat in waiting:
            queue = waiting[chat].get(message.get("text", ""))
            if queue:
                wave.latencies.append(call["time"] - queue.popleft())
            elif queue is not None:
                wave.duplicated += 1
            else:
                wave.unexpected += 1
            continue
        key = (chat, message.get("reply_to_message", {}).get("message_id"))
        if key in answered_groups:
            wave.duplicated += 1
        elif key in wave.groups:
            answered_groups.add(key)
            wave.group_latencies.append(call["time"] - wave.groups[key])
        else:
            wave.unexpected += 1
    wave.lost = (
        sum(len(q) for chat in waiting.values() for q in chat.values()) + len(wave.groups) - len(answered_groups)
    )
    first = min(t for chat in wave.private.values() for t, _ in chat)
    wave.seconds = max(t for chat, times in by_chat.items() if chat in waiting for t in times) - first
    private_chats = [times for chat, times in by_chat.items() if chat > 0]
    group_chats = [times for chat, times in by_chat.items() if chat < 0]
    wave.per_second_in_a_chat = max((most_within(t, 1.0) for t in private_chats), default=0)
    wave.per_minute_in_a_group = max((most_within(t, 60.0) for t in group_chats), default=0)
    return wave


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PeakRss(threading.Thread):
    """Samples a process's RSS four times a second and keeps the highest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.25):
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return  # the process has ended


def start_processes(base: Path, library: Path, args: argparse.Namespace) -> tuple[subprocess.Popen, ...]:
    """The test server (its base URL is the first line it prints), then `python -m bot` with every setting it
    reads given here, so a developer's .env cannot change the run."""
    command = [sys.executable, "-m", "tests.botapi", "--port", "0", "--token", TOKEN, "--bot-username", BOT_USERNAME]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    base_url = server.stdout.readline().strip() if server.stdout else ""
    settings = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "TELEGRAM_API_FILE_URL": "",
        "CITEBOT_LIBRARY": str(library),
        "CITEBOT_ARTICLES": "",
        "ADMIN_USER_IDS": "",
        "WEBHOOK_URL": "",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_PER_SECOND": str(args.overall_rate),
        "RATE_LIMIT_GROUP_PER_MINUTE": str(args.group_rate),
        "FLOOD_LIMIT": "10",
        "CONCURRENT_UPDATES": str(args.concurrency),
    }
    with (base / "bot.log").open("w") as log:
        bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env={**os.environ, **settings}, stderr=log)
    return server, bot, base_url


def plan(pool: list[tuple[str, str]], args: argparse.Namespace) -> tuple[list, list, list, list[tuple[str, dict]]]:
    """Private rounds of (user, question, expected reply) for the bursts and for the steady wave (a tenth of a
    second's worth each), group questions (chat, user, question), and the control calls that create every user and
    chat. A user's consecutive questions have different replies."""
    users = [1_000_000 + n for n in range(args.users)]
    per_user = -(-args.messages // args.users)
    rounds = [
        [(user, *pool[(n * 7 + r) % len(pool)]) for n, user in enumerate(users)][: args.messages - r * args.users]
        for r in range(per_user)
    ]
    paced = [(users[i % len(users)], *pool[(i * 7 + per_user) % len(pool)]) for i in range(args.steady * 20)]
    chunk = max(1, args.steady // 10)
    steady = [paced[i : i + chunk] for i in range(0, len(paced), chunk)]
    setup = [op for user in users for op in (("user", {"user_id": user}), ("private_chat", {"user": user}))]
    groups = []
    for n in range(args.group_questions):
        chat, user = -1_002_000_000_000 - n % 2, 2_000_000 + n
        if n < 2:
            setup.append(("group", {"chat_id": chat, "title": f"Load group {n}"}))
        setup.append(("user", {"user_id": user}))
        groups.append((chat, user, f"@{BOT_USERNAME} {pool[n % len(pool)][0]}"))
    return rounds, steady, groups, setup


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 else 0.0


def report(args: argparse.Namespace, pool: int, waves: list[Wave], rss: list[float], peak: float) -> str:
    def row(name: str, each, total="") -> str:
        return f"| {name} | {' | '.join(str(each(w)) for w in waves)} | {total} |"

    def ms(values: list[float], share: float) -> str:
        return f"{percentile(values, share) * 1000:.0f}" if values else "–"

    names = ["burst 1", "burst 2", f"steady {args.steady}/s"][: len(waves)]
    private = [x for w in waves[:2] for x in w.latencies]
    grouped = [x for w in waves for x in w.group_latencies]
    answered = sum(len(w.latencies) + len(w.group_latencies) for w in waves)
    return "\n".join(
        [
            f"{args.users} users, {args.messages} private questions in two bursts, {args.group_questions} questions"
            f" in 2 groups, then {args.steady} questions/s for 20 s; {pool} distinct replies;"
            f" RATE_LIMIT_PER_SECOND={args.overall_rate:g}, RATE_LIMIT_GROUP_PER_MINUTE={args.group_rate:g},"
            f" CONCURRENT_UPDATES={args.concurrency}, {os.cpu_count()} CPUs\n",
            f"| figure | {' | '.join(names)} | all |",
            "|---|" + "---:|" * (len(waves) + 1),
            row("questions sent", lambda w: w.questions, sum(w.questions for w in waves)),
            row("answered exactly once", lambda w: len(w.latencies) + len(w.group_latencies), answered),
            row("lost", lambda w: w.lost, sum(w.lost for w in waves)),
            row("duplicated", lambda w: w.duplicated, sum(w.duplicated for w in waves)),
            row("unexpected replies", lambda w: w.unexpected, sum(w.unexpected for w in waves)),
            row(
                "private answers / s",
                lambda w: f"{len(w.latencies) / w.seconds:.0f}",
                f"bursts {len(private) / sum(w.seconds for w in waves[:2]):.0f}",
            ),
            row("private reply time p50 (ms)", lambda w: ms(w.latencies, 0.5)),
            row("private reply time p99 (ms)", lambda w: ms(w.latencies, 0.99)),
            row("group reply time p50 / max (s)", lambda w: _spread(w.group_latencies), _spread(grouped)),
            row("most replies to one private chat in 1 s", lambda w: w.per_second_in_a_chat),
            row("most replies to one group in 60 s", lambda w: w.per_minute_in_a_group),
            row("CPU seconds: bot / test server", lambda w: f"{w.cpu['bot']:.0f} / {w.cpu['server']:.0f}"),
            row(
                "bot RSS after (MB)", lambda w: f"{rss[waves.index(w) + 1]:.0f}", f"start {rss[0]:.0f}, peak {peak:.0f}"
            ),
        ]
    )


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {max(values):.0f}" if values else "–"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users in private chats")
    parser.add_argument("--messages", type=int, default=10_000, help="private questions in all, in two waves")
    parser.add_argument("--group-questions", type=int, default=60, help="questions in two groups, one per user")
    parser.add_argument("--overall-rate", type=float, default=0, help="RATE_LIMIT_PER_SECOND (0: off)")
    parser.add_argument("--group-rate", type=float, default=20, help="RATE_LIMIT_GROUP_PER_MINUTE")
    parser.add_argument("--concurrency", type=int, default=64, help="CONCURRENT_UPDATES")
    parser.add_argument("--steady", type=int, default=50, help="then questions/s for 20 s, for reply time (0: no)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds a wave may take at most")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="citebot-load-") as tmp:
        library_path = Path(tmp) / "library.sqlite3"
        with Library.open(library_path) as library:
            library.add_path(ROOT / "sample")
            pool = expected_replies(library, sample_questions(ROOT / "sample"))
        rounds, steady, groups, setup = plan(pool, args)
        server, bot, base_url = start_processes(Path(tmp), library_path, args)
        try:
            control = Control(base_url.removesuffix("/bot"))
            control.batch(setup)
            control.call("wait_sent", chat_id=None, count=3, method="setMyCommands", timeout=120)
            sampler = PeakRss(bot.pid)
            sampler.start()
            rss, waves, half = [rss_mb(bot.pid)], [], len(rounds) // 2
            plans = [(rounds[:half], groups, 0.0), (rounds[half:], [], 0.0), (steady, [], 0.1)]
            for wave_rounds, wave_groups, every in plans[: 3 if steady else 2]:
                before = {"bot": cpu_seconds(bot.pid), "server": cpu_seconds(server.pid)}
                wave = score_wave(control, send_wave(control, wave_rounds, wave_groups, every), args.timeout)
                wave.cpu = {
                    "bot": cpu_seconds(bot.pid) - before["bot"],
                    "server": cpu_seconds(server.pid) - before["server"],
                }
                waves.append(wave)
                rss.append(rss_mb(bot.pid))
            sampler.stopped.set()
            print(report(args, len(pool), waves, rss, max(sampler.peak, *rss)))
        except (OSError, RuntimeError, httpx.HTTPError) as error:
            print(f"bot_load: {error}; the bot's log:\n{(Path(tmp) / 'bot.log').read_text()[-3000:]}", file=sys.stderr)
            return 2
        finally:
            for process in (bot, server):
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    return 1 if any(w.lost or w.duplicated for w in waves) else 0


if __name__ == "__main__":
    sys.exit(main())
