#!/usr/bin/env python
"""Flashcard reviews at a fixed offered rate: what latency learners get, and
the highest rate served within the target.

    .venv/bin/python bench/review.py --json

What it does (loopback only, cleans up after itself):
- creates its own PostgreSQL database `redrive_bench_review` (dropped at the end)
  and fills it: --learners learners, each with --cards cards, all started
  (--due-share of them due), --reviews review logs over the past year and an
  API token;
- serves the site with granian (WSGI; production settings, DEBUG off; one
  worker process per CPU, two threads each, as docs/deploy.md runs it);
- offers round trips in an open loop: arrivals come at --rates per second
  (a Poisson process, as many learners reviewing at human pace would, each
  arrival independent of how fast the previous ones were answered), each step
  for --seconds. A round trip is what a reviewing client does: POST
  /api/flashcards/reviews/ (rate the card it holds, naming the version it
  read), then GET /api/flashcards/due/ (the next card). Each arrival goes to a
  learner not in the middle of a round trip. Its latency runs from the moment
  it was due to arrive, so time spent waiting for a free client or learner
  counts, as a learner would feel it.
Prints one JSON object: offered_rate_per_s, achieved_rate_per_s, p50_ms, p95_ms
and errors at --target-rate, max_rate_within_target_per_s (the highest offered
rate whose p95 was at most --target-p95-ms with no errors), every step, and
the machine's load. Exits 1 if the target rate missed its p95 or had errors.
"""

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DB = "redrive_bench_review"
sys.path.insert(0, str(REPO))  # run as a script from anywhere, like manage.py

from bench.support import BenchDatabase, cpu_times, log, percentile, run_bench, steal_pct  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--cards", type=int, default=5000, help="cards, all started by every learner")
    parser.add_argument("--reviews", type=int, default=50000, help="review logs in each learner's history")
    parser.add_argument("--learners", type=int, default=60, help="learners with data; an arrival takes one not mid-round-trip")
    parser.add_argument("--due-share", type=float, default=0.15, help="share of each learner's cards due at the start")
    parser.add_argument("--rates", default="50,100,150,200,250,300,400", help="offered round trips per second, stepped up in turn")
    parser.add_argument("--target-rate", type=float, default=150, help="the rate the target is stated for (stepped through whatever --rates says)")
    parser.add_argument("--target-p95-ms", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=10, help="measured time per step")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds at the first rate")
    parser.add_argument("--clients", type=int, default=64, help="client threads, each with a kept-alive connection")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="granian worker processes (default: one per CPU)")
    parser.add_argument("--threads", type=int, default=2, help="threads per granian worker running the app (--blocking-threads), as docs/deploy.md runs it")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="server to create the bench database on")
    return parser.parse_args(argv)


def rates_to_offer(rates: str, target: float) -> list[float]:
    """The rates stepped through, in increasing order, the target's included."""
    return sorted({float(r) for r in rates.split(",") if r.strip()} | {float(target)})


def arrival_times(rate: float, seconds: float, rng: random.Random) -> list[float]:
    """Offsets in [0, seconds) of a Poisson process of `rate` arrivals per second:
    independent arrivals, as of many learners each at their own pace."""
    times, t = [], rng.expovariate(rate)
    while t < seconds:
        times.append(t)
        t += rng.expovariate(rate)
    return times


def step_summary(offered: float, seconds: float, latencies: list[float], errors: list[str], span: float) -> dict:
    """One step's figures. `span`: from the first arrival due to the last answer."""
    return {
        "offered_rate_per_s": offered,
        "achieved_rate_per_s": round(len(latencies) / span, 1) if span > 0 else 0.0,
        "round_trips": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "seconds": seconds,
    }


def within_target(step: dict, target_p95_ms: float) -> bool:
    return step["errors"] == 0 and step["p95_ms"] is not None and step["p95_ms"] <= target_p95_ms


def max_rate_within_target(steps: list[dict], target_p95_ms: float) -> float | None:
    """The highest offered rate that met the target, or None if none did."""
    met = [step["offered_rate_per_s"] for step in steps if within_target(step, target_p95_ms)]
    return max(met) if met else None


def overloaded(step: dict, target_p95_ms: float) -> bool:
    """Stepping higher would only measure a growing queue: stop."""
    return step["p95_ms"] is None or step["p95_ms"] > 4 * target_p95_ms or step["achieved_rate_per_s"] < 0.8 * step["offered_rate_per_s"]


class Learners:
    """The learners' tokens and the card each holds; an arrival takes one that
    is not mid-round-trip, round robin, and gives it back when answered. When
    every learner is mid-round-trip (the server has fallen far behind), an
    arrival waits for one, its latency still counted from when it was due."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.cards: list[dict | None] = [None] * len(tokens)
        self.idle = list(range(len(tokens)))
        self.done: set[int] = set()  # no card left to review
        self.freed = threading.Condition()

    def take(self, timeout: float = 0) -> int | None:
        """An idle learner, waiting up to `timeout` seconds for one; None if none came."""
        with self.freed:
            self.freed.wait_for(lambda: self.idle, timeout=timeout)
            return self.idle.pop(0) if self.idle else None

    def give_back(self, learner: int, card: dict | None, *, fetched: bool) -> None:
        with self.freed:
            self.cards[learner] = card
            if fetched and card is None:
                self.done.add(learner)  # out of cards: takes no more arrivals
            else:
                self.idle.append(learner)
                self.freed.notify()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="redrive-bench-review-"))
        self.database = None
        self.servers: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}

    # --- database -------------------------------------------------------------
    def prepare(self):
        # PostgreSQL only: the target is stated for a production server.
        self.database = BenchDatabase(self.args.postgres, BENCH_DB, script="bench/review.py")
        self.env = {
            "DJANGO_SETTINGS_MODULE": "redrive.settings",
            "DATABASE_URL": self.database.url,
            "REDRIVE_VAR_DIR": str(self.tmp / "var"),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
        }
        os.environ.update(self.env)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)

    def populate(self) -> tuple[list[str], int]:
        """--learners learners, each with --cards cards all started (--due-share
        of them due) and --reviews review logs over the past year. Returns
        (their API tokens, review logs of one learner)."""
        from django.contrib.auth import get_user_model
        from django.db import connection

        from flashcards.models import Card, Deck, ReviewLog, StudyPreferences
        from accounts.services.tokens import api_token_create

        User = get_user_model()
        learners = User.objects.bulk_create(
            User(username=f"bench-learner-{i:03d}") for i in range(self.args.learners)
        )
        tokens = [api_token_create(user=learner, name="bench")[1] for learner in learners]
        StudyPreferences.objects.bulk_create(StudyPreferences(user=learner, new_per_day=20, reviews_per_day=100_000) for learner in learners)
        decks = [Deck.objects.create(stable_id=f"bench-deck-{i}", slug=f"bench-{i}", title=f"Bench deck {i}", position=i) for i in range(5)]
        per_deck = -(-self.args.cards // len(decks))
        Card.objects.bulk_create(
            (
                Card(
                    deck=decks[i // per_deck], stable_id=f"bench-card-{i}", front=f"Question {i}?", back=f"Answer {i}.",
                    front_html=f"<p>Question {i}: what does <code>ReceiveMessage</code> return when the queue is empty?</p>",
                    back_html=f"<p>Answer {i}: an empty list, after WaitTimeSeconds.</p>", tags=["bench"], position=i,
                )
                for i in range(self.args.cards)
            ),
            batch_size=2000,
        )
        for deck in decks:  # what a course sync counts
            Deck.objects.filter(pk=deck.pk).update(card_count=Card.objects.filter(deck=deck).count())
        ids = [learner.id for learner in learners]
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [self.args.seed / 1000])
            # Every card started; --due-share of them due now (overdue by up to 30 days), the
            # rest due over the next 60: a learner who keeps up has about 15% due.
            cursor.execute(
                """INSERT INTO flashcards_cardstate (user_id, card_id, state, step, stability, difficulty, due, last_review,
                       last_review_ts, reps, lapses, suspended, buried_until, is_leech, studied, version)
                   SELECT u, c.id, 2, NULL, 0.5 + random() * 120, 1 + random() * 9,
                          CASE WHEN random() < %s THEN now() - random() * interval '30 days'
                               ELSE now() + (1 + random() * 59) * interval '1 day' END,
                          x.lr, extract(epoch FROM x.lr), 3 + (random() * 17)::int, (random() * 3)::int, false, NULL, false, true, 0
                   FROM unnest(%s::bigint[]) AS u CROSS JOIN flashcards_card c
                   CROSS JOIN LATERAL (SELECT now() - (0.5 + random() * 199.5 + 0 * c.id) * interval '1 day' AS lr) x""",
                [self.args.due_share, ids],
            )
            # The per-row tally trigger off for the bulk insert (3 million rows),
            # and the day tallies counted once after, as migration 0007 does.
            cursor.execute("ALTER TABLE flashcards_reviewlog DISABLE TRIGGER USER")
            cursor.execute(
                """INSERT INTO flashcards_reviewlog (user_id, card_id, rating, reviewed_at, duration_ms, state_after,
                       stability_after, difficulty_after, due_after, state_before, before)
                   SELECT u, (SELECT min(id) FROM flashcards_card) + g %% %s, (ARRAY[1, 2, 3, 3, 3, 3, 4])[1 + (random() * 6)::int],
                          x.at, 1500 + (random() * 18500)::int, 2, 1 + random() * 99, 1 + random() * 9,
                          x.at + (1 + random() * 59) * interval '1 day', 2, '{}'::jsonb
                   FROM unnest(%s::bigint[]) AS u CROSS JOIN generate_series(0, %s - 1) AS g
                   CROSS JOIN LATERAL (SELECT now() - (1 + random() * 364 + 0 * g) * interval '1 day' AS at) x""",
                [self.args.cards, ids, self.args.reviews],
            )
            cursor.execute("ALTER TABLE flashcards_reviewlog ENABLE TRIGGER USER")
            cursor.execute(
                """INSERT INTO flashcards_reviewday (user_id, day, reviews, new_reviews, review_reviews)
                   SELECT user_id, (reviewed_at AT TIME ZONE 'UTC')::date, COUNT(*),
                          COUNT(*) FILTER (WHERE state_before = 0), COUNT(*) FILTER (WHERE state_before = 2)
                   FROM flashcards_reviewlog GROUP BY 1, 2"""
            )
            # What autovacuum leaves a database in after a while: statistics, and a
            # visibility map (index-only scans skip the heap for pages all-visible).
            cursor.execute("VACUUM ANALYZE")
        connection.close()
        return tokens, ReviewLog.objects.filter(user=learners[0]).count()

    # --- servers --------------------------------------------------------------
    def serve(self, module: str) -> int:
        port = free_port()
        command = [
            str(REPO / ".venv" / "bin" / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(self.args.workers), "--blocking-threads", str(self.args.threads), "--working-dir", str(REPO),
            "--backlog", "256", "--log-level", "warning", "--no-access-log", module,
        ]
        env = {**os.environ, **self.env, "PYTHONPATH": os.pathsep.join([str(REPO), str(self.tmp)])}
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
        self.servers.append(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return port
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"granian {module} did not start")

    def stop_servers(self):
        for server in self.servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
        self.servers = []

    # --- load -----------------------------------------------------------------
    @staticmethod
    def _call(connection, method: str, path: str, headers: dict, body: bytes | None = None) -> dict:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:160]!r}")
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
        return json.loads(data)

    def round_trip(self, connection, learners: Learners, learner: int, rng: random.Random) -> None:
        """Rate the card the learner holds (fetching one first if it holds none), then fetch the next."""
        headers = {"Authorization": f"Bearer {learners.tokens[learner]}", "Content-Type": "application/json"}
        card = learners.cards[learner]
        try:
            if card is None:
                card = self._call(connection, "GET", "/api/flashcards/due/", headers)["card"]
                if card is None:
                    learners.give_back(learner, None, fetched=True)
                    raise RuntimeError(f"learner {learner} has no card left: raise --learners or --due-share")
            rating = rng.choices((1, 2, 3, 4), weights=(10, 10, 70, 10))[0]
            body = {"card_id": card["id"], "rating": rating, "version": card["version"], "duration_ms": rng.randint(1500, 9000)}
            self._call(connection, "POST", "/api/flashcards/reviews/", headers, json.dumps(body).encode())
            card = self._call(connection, "GET", "/api/flashcards/due/", headers)["card"]
        except Exception:
            if learner not in learners.done:
                learners.give_back(learner, None, fetched=False)  # read afresh next time
            raise
        learners.give_back(learner, card, fetched=True)

    def step(self, port: int, learners: Learners, rate: float, *, seconds: float, warmup: float) -> dict:
        """Offer `rate` round trips per second for warmup + seconds; the measured
        ones are those due after the warmup."""
        rng = random.Random(f"{self.args.seed}-{rate}")
        arrivals = arrival_times(rate, warmup + seconds, rng)
        work: queue.Queue = queue.Queue()
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        start = time.monotonic() + 0.2
        last_answer = [start]

        def client(seed: int):
            client_rng = random.Random(seed)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                due = work.get()
                if due is None:
                    break
                measured = due - start >= warmup
                learner = learners.take(timeout=30)
                try:
                    if learner is None:
                        raise RuntimeError("no learner free for 30 s")
                    self.round_trip(connection, learners, learner, client_rng)
                except Exception as exc:  # counted and reported, never hidden
                    connection.close()
                    if measured:
                        with lock:
                            errors.append(repr(exc)[:240])
                    continue
                ended = time.monotonic()
                if measured:
                    with lock:
                        latencies.append((ended - due) * 1000)
                        last_answer[0] = max(last_answer[0], ended)

        threads = [threading.Thread(target=client, args=(hash((rate, i)) & 0xFFFF,)) for i in range(self.args.clients)]
        for thread in threads:
            thread.start()
        cpu_before, load_before = cpu_times(), os.getloadavg()[0]
        for offset in arrivals:  # the arrivals keep their times, whatever the answers do
            due = start + offset
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            work.put(due)
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
        summary = step_summary(rate, seconds, latencies, errors, last_answer[0] - (start + warmup))
        summary["steal_pct"] = steal_pct([(cpu_before, cpu_times())])
        summary["load_avg_1m"] = round(max(load_before, os.getloadavg()[0]), 2)
        return summary

    def cleanup(self):
        self.stop_servers()
        if self.database is not None:
            self.database.drop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self) -> dict:
        args = self.args
        log(args, f"creating {BENCH_DB} and migrating")
        self.prepare()
        log(args, f"populating: {args.learners} learners, {args.cards} cards and {args.reviews} review logs each")
        tokens, reviews = self.populate()
        log(args, f"serving with granian: {args.workers} workers x {args.threads} thread(s)")
        port = self.serve("redrive.wsgi:application")
        learners = Learners(tokens)
        steps = []
        load_at_start = os.getloadavg()
        for i, rate in enumerate(rates_to_offer(args.rates, args.target_rate)):
            step = self.step(port, learners, rate, seconds=args.seconds, warmup=args.warmup if i == 0 else 1)
            log(args, f"  {step}")
            steps.append(step)
            if overloaded(step, args.target_p95_ms) and rate >= args.target_rate:
                break
        target = next(step for step in steps if step["offered_rate_per_s"] == float(args.target_rate))
        return {
            "offered_rate_per_s": target["offered_rate_per_s"],
            "achieved_rate_per_s": target["achieved_rate_per_s"],
            "p50_ms": target["p50_ms"],
            "p95_ms": target["p95_ms"],
            "errors": target["errors"],
            "max_rate_within_target_per_s": max_rate_within_target(steps, args.target_p95_ms),
            "target": f"p95 <= {args.target_p95_ms:g} ms, no errors, at {args.target_rate:g} round trips/s",
            "round_trip": "POST /api/flashcards/reviews/ then GET /api/flashcards/due/",
            "steps": steps,
            "cards": args.cards,
            "reviews_per_learner": reviews,
            "learners": args.learners,
            "learners_out_of_cards": len(learners.done),
            "server": f"granian (WSGI) {args.workers} workers x {args.threads} thread(s), PostgreSQL, DEBUG off",
            "cpus": os.cpu_count(),
            "load_avg_at_start": [round(v, 2) for v in load_at_start],
        }


def main():
    args = parse_args()
    return run_bench(
        Bench(args),
        args,
        lambda result: result["p95_ms"] is not None and result["p95_ms"] <= args.target_p95_ms and not result["errors"],
    )


if __name__ == "__main__":
    sys.exit(main())
