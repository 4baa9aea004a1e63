#!/usr/bin/env python
"""How fast Redrive grades, end to end, beside a cold in-process baseline.

    .venv/bin/python bench/grading.py --json

What it runs (loopback only, bounded by --deadline, cleans up after itself):
- its own database: PostgreSQL `redrive_bench_grading` (or --database-name; created and dropped)
  when a server answers at --postgres, else a SQLite file in a temp folder;
- its own Redis database (--redis, flushed before and after);
- a real `celery -A redrive worker` subprocess at its default concurrency,
  with the real sandbox (DEBUG off, so SANDBOX_REQUIRE_ISOLATION is on);
- per lab (--labs: every active lab with a solution by default), --runs sequential submissions of the lab's solution, each
  timed from the row's created_at to its finished_at (DB timestamps);
- per timed lab, --baseline-runs cold baselines: a fresh `python` that imports
  boto3 and moto and grades the same solution in-process under mock_aws, no
  sandbox, through the engine's `grader.inprocess.grade_in_process`;
- sustained throughput and worker memory: after a warm-up of 2 x --inflight
  gradings (so every worker process has started its engine), --rss-gradings
  submissions (all labs, round robin) kept --inflight deep; the worker's process
  tree is measured at rest before and after (RSS, and PSS, which splits the
  pages forked processes share, so it adds up across the tree);
- what the learner sees (bench/browser.py): --browser-runs clicks on Run & grade
  for sns-filter-fanout in headless chromium, timed to the verdict drawn on the
  page, once with the production set-up (granian in front of the same database,
  Redis and worker) and once with `make run`'s (runserver, SQLite, file-system
  broker, a worker with beat, under a var/ folder of their own). With the
  machine's load average, since other work on it shows in these figures.
Prints one JSON object; exits 1 if any solution did not pass or a target was missed.
--parts picks what to run (default: all of engine, throughput, browser).
"""

import argparse
import io
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAUNCH_LABS = ("sqs-dlq", "sns-filter-fanout", "eventbridge-routing", "sqs-dlq-redrive")
BENCH_DB = "redrive_bench_grading"
TARGETS = {
    "ratio_p50_max": 0.25, "throughput_per_s_min": 6, "rss_growth_pct_max": 10,  # issue 18: every launch lab, twice issue 3's throughput
    "browser_p50_ms_max": 500, "browser_p95_ms_max": 900,  # issue 18, in both set-ups
}
PARTS = ("engine", "throughput", "browser")
SETTLE_S = 3  # after the last grading: spare sandboxes and emulators are refilled by then
sys.path.insert(0, str(REPO))  # run as a script from anywhere, like manage.py

from bench import browser  # noqa: E402
from bench.support import BenchDatabase, log, percentile, require_loopback, run_bench  # noqa: E402
from grader.sandbox.zygote import descendants  # noqa: E402

BASELINE = r"""
import json, sys, time
started = time.perf_counter()
import boto3, moto  # the cold part the baseline pays for
from moto import mock_aws
from grader.inprocess import grade_in_process
payload = json.load(sys.stdin)
with mock_aws():
    verdict = grade_in_process(payload["lab"], payload["code"])
print(json.dumps({"status": verdict.status.value, "ms": (time.perf_counter() - started) * 1000}))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--runs", type=int, default=30, help="sequential gradings per lab (latency)")
    parser.add_argument("--baseline-runs", type=int, default=10, help="cold in-process baselines per lab")
    parser.add_argument("--rss-gradings", type=int, default=300, help="gradings for throughput and memory")
    parser.add_argument("--inflight", type=int, default=8, help="submissions kept queued during the throughput run")
    parser.add_argument("--warmup", type=int, default=6, help="unmeasured gradings before measuring")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="server to create the bench database on; 'none' for SQLite")
    parser.add_argument("--database-name", default=BENCH_DB, help="the bench database's name on that server (created and dropped)")
    parser.add_argument("--browser-runs", type=int, default=30, help="timed clicks on Run & grade per set-up (browser part)")
    parser.add_argument(
        "--labs", default="all",
        help="labs timed by the engine part: 'all' (every active lab with a solution, as issue 18 asks), 'launch', or comma-separated slugs",
    )
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    parser.add_argument("--deadline", type=float, default=1800, help="seconds before the bench gives up")
    return parser.parse_args()


def _field_kb(path: Path, name: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_kb(pid: int) -> dict[str, int]:
    """Resident (RSS) and proportional (PSS) memory of a process and all its
    descendants. RSS counts a page shared by forked processes once per process;
    PSS splits it between them, so only PSS adds up across a forking tree."""
    pids = [pid, *descendants(pid)]
    return {
        "rss": sum(_field_kb(Path(f"/proc/{p}/status"), "VmRSS") for p in pids),
        "pss": sum(_field_kb(Path(f"/proc/{p}/smaps_rollup"), "Pss") for p in pids),
        "processes": len(pids),
    }


def growth_pct(start: int, end: int) -> float:
    return round(100 * (end - start) / start, 2) if start else 0.0


class Bench:
    def __init__(self, args):
        self.args = args
        self.deadline = time.monotonic() + args.deadline
        self.tmp = Path(tempfile.mkdtemp(prefix="redrive-bench-"))
        self.worker = None
        self.servers: list[subprocess.Popen] = []  # the browser part's web servers and make_run's worker
        self.database = None
        self.env = {}

    # --- set-up and clean-up -------------------------------------------------
    def prepare(self):
        require_loopback(self.args.redis, "bench/grading.py")
        import redis

        self.redis = redis.Redis.from_url(self.args.redis)
        self.redis.ping()
        self.redis.flushdb()
        self.database = BenchDatabase(
            self.args.postgres, self.args.database_name, script="bench/grading.py", sqlite_path=self.tmp / "bench.sqlite3", log_to=self.args
        )
        self.env = {
            "DJANGO_SETTINGS_MODULE": "redrive.settings",
            "DATABASE_URL": self.database.url,
            "REDIS_URL": self.args.redis,
            "REDRIVE_VAR_DIR": str(self.tmp / "var"),
            "DEBUG": "0",  # production settings: real isolation, no query log growing in the worker
            "SECRET_KEY": secrets.token_urlsafe(40),
            "LAB_RATE_LIMIT_PER_MINUTE": "100000",
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(self.env)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        # The bench grades the labs itself; stdout is for the JSON result alone.
        call_command("sync_course", "--skip-lab-grading", verbosity=0, stdout=io.StringIO())

    def start_worker(self):
        self.worker = subprocess.Popen(
            [str(REPO / ".venv/bin/celery"), "-A", "redrive", "worker", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=REPO, env={**os.environ, **self.env}, stdout=(self.tmp / "worker.log").open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        from redrive.celery import app

        while not app.control.ping(timeout=0.5):
            self.check_deadline("the worker to start")
            if self.worker.poll() is not None:
                sys.exit("worker exited:\n" + (self.tmp / "worker.log").read_text()[-3000:])

    @staticmethod
    def stop(process):
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def cleanup(self):
        for process in [*self.servers, self.worker]:
            self.stop(process)
        try:
            self.redis.flushdb()
        except Exception:
            pass
        if self.database is not None:
            self.database.drop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def check_deadline(self, what):
        if time.monotonic() > self.deadline:
            raise TimeoutError(f"bench deadline passed while waiting for {what}")
        # Latency comes from the rows' own timestamps, so polling need not be
        # tight; a tighter loop would only take CPU from the worker it measures.
        time.sleep(0.02)

    # --- measuring -------------------------------------------------------------
    def user(self, name):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get_or_create(username=name)[0]

    def grade_one(self, user, lab):
        from labs.models import Submission
        from labs.services.submissions import submission_create

        submission = submission_create(user=user, lab=lab, code=lab.solution_code)
        while True:
            row = Submission.objects.filter(id=submission.id).values("status", "created_at", "finished_at").get()
            if row["finished_at"] and row["status"] not in Submission.ACTIVE:
                return row["status"], (row["finished_at"] - row["created_at"]).total_seconds() * 1000
            self.check_deadline(f"submission {submission.id}")

    def baseline(self, lab):
        payload = json.dumps({"lab": {"slug": lab.slug, "time_limit_s": lab.time_limit_s, "grader_files": lab.grader_files}, "code": lab.solution_code})
        times = []
        for _ in range(self.args.baseline_runs):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", BASELINE], input=payload, capture_output=True, text=True, cwd=REPO,
                env={k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "REDIS"))}, timeout=120,
            )
            elapsed = (time.perf_counter() - started) * 1000
            if done.returncode != 0:
                raise RuntimeError(f"baseline for {lab.slug} failed:\n{done.stderr[-2000:]}")
            if json.loads(done.stdout.strip().splitlines()[-1])["status"] != "passed":
                raise RuntimeError(f"baseline for {lab.slug}: the solution did not pass in-process")
            times.append(elapsed)
        return statistics.median(times)

    def load(self, labs, users, count):
        """Grade `count` solutions, keeping `inflight` queued (one per user and lab).
        Returns ({status: n}, first created_at, last finished_at)."""
        from labs.models import Submission
        from labs.services.submissions import submission_create

        pending, done, statuses, n = set(), 0, {}, 0
        first_created = last_finished = None
        while done < count:
            while len(pending) < self.args.inflight and n < count:
                lab = labs[n % len(labs)]
                user = users[n % len(users)]
                if Submission.objects.filter(user=user, lab=lab, status__in=Submission.ACTIVE).exists():
                    break
                submission = submission_create(user=user, lab=lab, code=lab.solution_code)
                first_created = first_created or submission.created_at
                pending.add(submission.id)
                n += 1
            finished = Submission.objects.filter(id__in=pending, finished_at__isnull=False).exclude(status__in=Submission.ACTIVE)
            for row in finished.values("id", "status", "finished_at"):
                pending.discard(row["id"])
                statuses[row["status"]] = statuses.get(row["status"], 0) + 1
                last_finished = max(last_finished or row["finished_at"], row["finished_at"])
                done += 1
            self.check_deadline("the throughput run")
        return statuses, first_created, last_finished

    def settled_memory(self):
        """The worker tree's memory once its pools have refilled after the last grading."""
        time.sleep(SETTLE_S)
        return tree_memory_kb(self.worker.pid)

    def throughput_and_memory(self, labs):
        """Sustained throughput over rss_gradings, and how much the worker's memory
        grew across them. Memory is sampled at rest, after a warm-up that makes
        every worker process start its engine, so the figure is growth, not start-up."""
        users = [self.user(f"bench-load-{i}") for i in range(self.args.inflight)]
        self.load(labs, users, 2 * self.args.inflight)
        start = self.settled_memory()
        statuses, first_created, last_finished = self.load(labs, users, self.args.rss_gradings)
        span = (last_finished - first_created).total_seconds()
        end = self.settled_memory()
        return self.args.rss_gradings / span, statuses, start, end

    def browser_latency(self, lab):
        """bench/browser.py in both set-ups; the production one uses this bench's worker."""
        from playwright.sync_api import sync_playwright

        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
        production_env = {
            **os.environ, **self.env, "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: in production a TLS proxy stands in front.
            "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_SSL_REDIRECT": "0",
        }
        unset = ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "LOG_LEVEL")
        make_run_env = {k: v for k, v in os.environ.items() if k not in unset}
        make_run_env.update(REDRIVE_VAR_DIR=str(self.tmp / "make-run-var"), LAB_RATE_LIMIT_PER_MINUTE="100000")
        results = {}
        with sync_playwright() as playwright:
            chromium = browser.launch(playwright)
            try:
                server, port = browser.serve_granian(REPO, production_env, self.tmp)
                self.servers.append(server)
                log(self.args, f"browser, production set-up: {self.args.browser_runs} runs")
                results["production"] = self.with_load(
                    lambda: browser.measure(chromium, f"http://127.0.0.1:{port}", "bench-browser-prod", lab.solution_code, self.args.browser_runs)
                )
                results["production"]["server"] = browser.server_side(browser.rows_in_django("bench-browser-prod"), self.args.browser_runs)
                self.stop(server)
                processes, port = browser.serve_make_run(REPO, make_run_env, self.tmp)
                self.servers.extend(processes)
                log(self.args, f"browser, make run set-up: {self.args.browser_runs} runs")
                results["make_run"] = self.with_load(
                    lambda: browser.measure(chromium, f"http://127.0.0.1:{port}", "bench-browser-dev", lab.solution_code, self.args.browser_runs)
                )
                results["make_run"]["server"] = browser.server_side(
                    browser.rows_in_sqlite(self.tmp / "make-run-var" / "redrive.sqlite3", "bench-browser-dev"), self.args.browser_runs
                )
                for process in processes:
                    self.stop(process)
            finally:
                chromium.close()
        return results

    def timed_labs(self, active):
        if self.args.labs == "all":
            return active
        wanted = LAUNCH_LABS if self.args.labs == "launch" else [slug.strip() for slug in self.args.labs.split(",") if slug.strip()]
        unknown = set(wanted) - {lab.slug for lab in active}
        if unknown:
            sys.exit(f"--labs: no active lab with a solution is called {', '.join(sorted(unknown))}")
        return [lab for lab in active if lab.slug in wanted]

    @staticmethod
    def with_load(measure):
        """measure(), with the machine's 1-minute load average before and after."""
        before = os.getloadavg()[0]
        result = measure()
        result["loadavg_1m"] = [round(before, 2), round(os.getloadavg()[0], 2)]
        return result

    def run(self):
        parts = {part.strip() for part in self.args.parts.split(",") if part.strip()}
        if not parts or parts - set(PARTS):
            sys.exit(f"--parts takes some of {', '.join(PARTS)}")
        self.prepare()
        from labs.models import Lab

        active = Lab.objects.filter(is_active=True).exclude(solution_code="").order_by("slug")
        labs = [lab for lab in active if lab.slug in LAUNCH_LABS]  # the throughput mix, as issue 3 measured it
        if not labs:
            sys.exit("no launch labs after sync_course: the course has none of " + ", ".join(LAUNCH_LABS))
        timed = self.timed_labs(list(active))
        log(self.args, f"labs timed: {', '.join(lab.slug for lab in timed)}; starting the worker")
        self.start_worker()
        warm = self.user("bench-warmup")
        for i in range(self.args.warmup):
            self.grade_one(warm, labs[i % len(labs)])
        result = {"labs": {}, "all_passed": True, "parts": sorted(parts), "loadavg_at_start": [round(v, 2) for v in os.getloadavg()]}
        for lab in timed if "engine" in parts else []:
            user = self.user(f"bench-{lab.slug}")
            statuses, times = [], []
            for _ in range(self.args.runs):
                status, ms = self.grade_one(user, lab)
                statuses.append(status)
                times.append(ms)
            log(self.args, f"{lab.slug}: p50 {statistics.median(times):.0f} ms; measuring the cold baseline")
            baseline = self.baseline(lab)
            p50 = statistics.median(times)
            result["labs"][lab.slug] = {
                "runs": len(times),
                "passed": statuses.count("passed"),
                "p50_ms": round(p50, 1),
                "p95_ms": round(percentile(times, 95), 1),
                "baseline_p50_ms": round(baseline, 1),
                "ratio_p50": round(p50 / baseline, 3),
            }
            result["all_passed"] &= statuses.count("passed") == len(times)
        if "browser" in parts:
            sns_lab = next((lab for lab in labs if lab.slug == browser.LAB), None)
            if sns_lab is None:
                sys.exit(f"the browser part needs the {browser.LAB} lab")
            result["browser"] = self.browser_latency(sns_lab)
            result["all_passed"] &= all(r["passed"] == r["runs"] for r in result["browser"].values())
        from django.conf import settings

        if "throughput" in parts:
            log(self.args, f"throughput and memory over {self.args.rss_gradings} gradings")
            throughput, statuses, memory_start, memory_end = self.throughput_and_memory(labs)
            result["all_passed"] &= statuses.get("passed", 0) == sum(statuses.values())
            result.update(
                throughput_per_s=round(throughput, 2),
                rss_growth_pct=growth_pct(memory_start["rss"], memory_end["rss"]),
                pss_growth_pct=growth_pct(memory_start["pss"], memory_end["pss"]),
                memory_kb={"start": memory_start, "end": memory_end},
                load_statuses=statuses,
            )
        result.update(
            worker_concurrency=settings.CELERY_WORKER_CONCURRENCY,
            database=settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            targets=TARGETS,
            loadavg_at_end=[round(v, 2) for v in os.getloadavg()],
        )
        met = {}
        if "engine" in parts:
            for slug, figures in result["labs"].items():
                met[f"{slug}_ratio_p50"] = figures.get("ratio_p50", 1e9) <= TARGETS["ratio_p50_max"]
        if "throughput" in parts:
            met["throughput_per_s"] = result["throughput_per_s"] >= TARGETS["throughput_per_s_min"]
            met["rss_growth_pct"] = result["rss_growth_pct"] < TARGETS["rss_growth_pct_max"]
        for setup, figures in result.get("browser", {}).items():
            met[f"browser_{setup}"] = figures["p50_ms"] <= TARGETS["browser_p50_ms_max"] and figures["p95_ms"] <= TARGETS["browser_p95_ms_max"]
        result["targets_met"] = met
        return result


def main():
    args = parse_args()
    return run_bench(Bench(args), args, lambda result: result["all_passed"] and all(result["targets_met"].values()))


if __name__ == "__main__":
    sys.exit(main())
