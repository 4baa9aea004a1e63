#!/usr/bin/env python
"""How fast flashcard review round trips are under load, beside a bare Django view.

    .venv/bin/python bench/review.py --json

What it does (loopback only, cleans up after itself):
- creates its own PostgreSQL database `redrive_bench_review` (dropped at the end);
- fills it: --cards cards in 5 decks, and --learners-per-client learners for
  each client, each with every card started (--due-share of them due),
  --reviews review logs spread over the past year and an API token (learners of
  their own: 20 clients as one learner would all fetch, and fight over, the very
  same next card). A client reviews as its first learner until the API says
  that learner has no card left (a round trip like any other), then as its
  next: a fast machine gets through a learner's due cards within the run;
- serves the site with granian (WSGI; production settings, DEBUG off; one
  worker process per CPU) and, the same way in the same run, a bare Django
  view: the same settings and middleware, a URLconf with one view that reads
  the request and returns a small JSON object. Each client keeps its
  connection open (HTTP/1.1 keep-alive), as a browser does;
- runs --concurrency client threads for --seconds against each, in
  --slices alternating slices (baseline, app, baseline, app, ...) so that any
  other load on the machine weighs on both alike. A round
  trip is what a reviewing client does: POST /api/flashcards/reviews/ (rate
  the card it holds), then GET /api/flashcards/due/ (fetch the next card).
  Against the baseline a round trip is a POST and a GET of the bare view.
Prints one JSON object: cards, reviews, concurrency, p50_ms, p95_ms (of a
round trip), throughput_per_s, baseline_throughput_per_s and ratio (app
round trips per second over baseline round trips per second).
Exits 1 if p95_ms is over --target-p95-ms or ratio under --target-ratio.
"""

import argparse
import http.client
import json
import os
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

BASELINE_MODULE = '''"""A bare Django view behind the site's own settings and middleware."""
import django
from django.conf import settings
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

django.setup()


@csrf_exempt
def bare(request):
    request.body  # read, as any view taking a POST does: a kept-alive connection then carries on
    return JsonResponse({"due": 0, "new": 0, "card": None})


urlpatterns = [path("bare/", bare)]
settings.ROOT_URLCONF = __name__

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
'''


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--reviews", type=int, default=50000, help="review logs in the learner's history")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--learners-per-client", type=int, default=3, help="learners a client reviews as, one after the other, as each runs out of cards")
    parser.add_argument("--due-share", type=float, default=0.15, help="share of each learner's cards due at the start (0.85: back from a long break)")
    parser.add_argument("--seconds", type=float, default=30, help="measured time per server")
    parser.add_argument("--slices", type=int, default=3, help="alternate the servers this many times")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds first")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="granian worker processes (default: one per CPU)")
    parser.add_argument("--threads", type=int, default=1, help="threads per granian worker running the app (--blocking-threads)")
    parser.add_argument("--target-p95-ms", type=float, default=50)
    parser.add_argument("--target-ratio", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="server to create the bench database on")
    return parser.parse_args()


class LearnersExhausted(RuntimeError):
    """A client reviewed every card of every learner it has: the run cannot go on as designed."""


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
        """--concurrency x --learners-per-client learners, each with --cards cards
        all started (--due-share of them due) and --reviews review logs over the
        past year. Returns (their API tokens, review logs of one learner).

        Learners of each client's own, because 20 clients reviewing as one
        learner would all fetch, and fight over, the very same card.
        """
        from django.contrib.auth import get_user_model
        from django.db import connection

        from flashcards.models import Card, Deck, ReviewLog, StudyPreferences
        from accounts.services.tokens import api_token_create

        User = get_user_model()
        learners = User.objects.bulk_create(
            User(username=f"bench-learner-{i:03d}") for i in range(self.args.concurrency * self.args.learners_per_client)
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
                       last_review_ts, reps, lapses, suspended, buried_until, is_leech, studied)
                   SELECT u, c.id, 2, NULL, 0.5 + random() * 120, 1 + random() * 9,
                          CASE WHEN random() < %s THEN now() - random() * interval '30 days'
                               ELSE now() + (1 + random() * 59) * interval '1 day' END,
                          x.lr, extract(epoch FROM x.lr), 3 + (random() * 17)::int, (random() * 3)::int, false, NULL, false, true
                   FROM unnest(%s::bigint[]) AS u CROSS JOIN flashcards_card c
                   CROSS JOIN LATERAL (SELECT now() - (0.5 + random() * 199.5 + 0 * c.id) * interval '1 day' AS lr) x""",
                [self.args.due_share, ids],
            )
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
                connection.request("GET", "/healthz" if module.startswith("redrive") else "/bare/")
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
    def load(self, port: int, round_trip, *, seconds: float, warmup: float, states: dict) -> dict:
        """Run round trips from --concurrency threads for `seconds` after `warmup`.
        `states` keeps each client's state (its learner, the card it holds) between slices."""
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        start = time.monotonic()
        measure_from = start + warmup
        stop_at = measure_from + seconds

        def client(seed: int):
            rng = random.Random(seed)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            state: dict = states.setdefault(seed, {"client": seed})
            mine: list[float] = []
            while True:
                began = time.monotonic()
                if began >= stop_at:
                    break
                try:
                    round_trip(connection, state, rng)
                except LearnersExhausted as exc:  # this client has nothing left to review: it stops
                    with lock:
                        errors.append(str(exc))
                    break
                except Exception as exc:  # counted and reported, never hidden
                    with lock:
                        errors.append(repr(exc)[:200])
                    connection.close()
                    continue
                ended = time.monotonic()
                if began >= measure_from and ended <= stop_at:
                    mine.append((ended - began) * 1000)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(self.args.concurrency)]
        cpu_before = cpu_times()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return {"latencies": latencies, "seconds": seconds, "errors": errors, "cpu": (cpu_before, cpu_times())}

    def measure(self, slices: list[dict]) -> dict:
        latencies = [ms for piece in slices for ms in piece["latencies"]]
        errors = [e for piece in slices for e in piece["errors"]]
        return {
            "round_trips": len(latencies),
            "throughput_per_s": len(latencies) / sum(piece["seconds"] for piece in slices),
            "p50_ms": statistics.median(latencies) if latencies else None,
            "p95_ms": percentile(latencies, 95) if latencies else None,
            "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "steal_pct": steal_pct([piece["cpu"] for piece in slices]),
        }

    @staticmethod
    def _call(connection, method: str, path: str, headers: dict, body: bytes | None = None) -> dict:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:120]!r}")
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
        return json.loads(data)

    def app_round_trip(self, tokens: list[str]):
        clients = self.args.concurrency

        def next_learner(connection, state):
            """Review as the client's next learner with a card (client i has tokens i, i + clients, ...)."""
            while state.get("card") is None:
                following = state.get("learner", -1) + 1
                index = state["client"] + clients * following
                if index >= len(tokens):
                    raise LearnersExhausted(
                        f"client {state['client']}: every learner it has ran out of cards to review: raise --learners-per-client or --due-share"
                    )
                state["learner"] = following
                state["headers"] = {"Authorization": f"Bearer {tokens[index]}", "Content-Type": "application/json"}
                card = self._call(connection, "GET", "/api/flashcards/due/", state["headers"])["card"]
                state["card"] = card["id"] if card else None

        def round_trip(connection, state, rng):
            if state.get("card") is None:
                next_learner(connection, state)
            rating = rng.choices((1, 2, 3, 4), weights=(10, 10, 70, 10))[0]
            body = json.dumps({"card_id": state["card"], "rating": rating, "duration_ms": rng.randint(1500, 9000)}).encode()
            self._call(connection, "POST", "/api/flashcards/reviews/", state["headers"], body)
            card = self._call(connection, "GET", "/api/flashcards/due/", state["headers"])["card"]
            state["card"] = card["id"] if card else None  # None: this learner is done; the next takes over

        return round_trip

    def baseline_round_trip(self):
        headers = {"Content-Type": "application/json"}

        def round_trip(connection, state, rng):
            body = json.dumps({"card_id": 1, "rating": 3, "duration_ms": 2000}).encode()
            self._call(connection, "POST", "/bare/", headers, body)
            self._call(connection, "GET", "/bare/", headers)

        return round_trip

    def cleanup(self):
        self.stop_servers()
        if self.database is not None:
            self.database.drop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run(self) -> dict:
        args = self.args
        log(args, f"creating {BENCH_DB} and migrating")
        self.prepare()
        log(args, f"populating: {args.cards} cards, {args.reviews} review logs")
        tokens, reviews = self.populate()
        (self.tmp / "bench_baseline.py").write_text(BASELINE_MODULE)
        log(args, f"serving both with granian: {args.workers} workers x {args.threads} thread(s)")
        app_port = self.serve("redrive.wsgi:application")
        base_port = self.serve("bench_baseline:application")
        # Alternate slices of the two, so that whatever else runs on the machine
        # weighs on both alike; each server warms up before its first slice.
        per_slice = args.seconds / args.slices
        base_slices, app_slices = [], []
        base_states: dict = {}
        app_states: dict = {}
        for i in range(args.slices):
            warmup = args.warmup if i == 0 else 0.5
            log(args, f"slice {i + 1}/{args.slices}: baseline, then app, {args.concurrency} clients, {per_slice:.1f}s each")
            base_slices.append(self.load(base_port, self.baseline_round_trip(), seconds=per_slice, warmup=warmup, states=base_states))
            app_slices.append(self.load(app_port, self.app_round_trip(tokens), seconds=per_slice, warmup=warmup, states=app_states))
        baseline, app = self.measure(base_slices), self.measure(app_slices)
        log(args, f"  baseline {baseline}")
        log(args, f"  app {app}")
        ratio = app["throughput_per_s"] / baseline["throughput_per_s"] if baseline["throughput_per_s"] else 0
        return {
            "cards": args.cards,
            "reviews": reviews,
            "learners": args.concurrency * args.learners_per_client,
            "learners_used": sum(state.get("learner", 0) + 1 for state in app_states.values()),
            "due_share": args.due_share,
            "concurrency": args.concurrency,
            "p50_ms": round(app["p50_ms"], 1) if app["p50_ms"] is not None else None,
            "p95_ms": round(app["p95_ms"], 1) if app["p95_ms"] is not None else None,
            "throughput_per_s": round(app["throughput_per_s"], 1),
            "baseline_throughput_per_s": round(baseline["throughput_per_s"], 1),
            "ratio": round(ratio, 3),
            "baseline_p50_ms": round(baseline["p50_ms"], 1) if baseline["p50_ms"] is not None else None,
            "baseline_p95_ms": round(baseline["p95_ms"], 1) if baseline["p95_ms"] is not None else None,
            "round_trips": app["round_trips"],
            "errors": app["errors"] + baseline["errors"],
            "first_error": app["first_error"] or baseline["first_error"],
            "round_trip": "POST /api/flashcards/reviews/ then GET /api/flashcards/due/",
            "server": f"granian (WSGI) {args.workers} workers x {args.threads} thread(s), PostgreSQL, DEBUG off",
            "seconds": args.seconds,
            "slices": args.slices,
            "cpus": os.cpu_count(),
            "steal_pct": app["steal_pct"],
            "baseline_steal_pct": baseline["steal_pct"],
        }


def main():
    args = parse_args()
    return run_bench(
        Bench(args),
        args,
        lambda result: (result["p95_ms"] or 1e9) <= args.target_p95_ms and result["ratio"] >= args.target_ratio and not result["errors"],
    )


if __name__ == "__main__":
    sys.exit(main())
