"""What the learner sees: from the click on Run & grade to the verdict drawn on
the lab page, in headless chromium through the real page (bench/grading.py's
`browser` part).

Two set-ups, each a web server, a worker and its own database:
- production: granian (WSGI, DEBUG off), PostgreSQL, Redis and the bench's own
  worker (bench/grading.py starts them; this module adds the web server);
- make_run: what `make run` starts, `manage.py runserver`, SQLite under a
  fresh var/ folder, the file-system broker, and a worker with beat.

Per set-up one learner signs up through the page, opens the lab, puts the lab's
solution in the editor's form (the textarea the form posts, whatever editor is
drawn over it), clicks Run & grade, and the page's own clock times the click
to the first frame drawn after a new verdict region arrived.
"""

import http.client
import os
import socket
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

from bench.support import percentile

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
LAB = "sns-filter-fanout"
PASSWORD = "a-long-pass-phrase-42"
WARMUP_RUNS = 3  # the first gradings of a fresh worker process start its engine

# Set up in the page before each click: the click's time, and the first frame
# after a verdict region (#run with data-verdict) other than the one already
# shown is in the document. Both on the page's own clock.
ARM = """() => {
  const bench = window.__bench = {click: null, verdict: null, status: null};
  const before = document.querySelector("#run");
  document.querySelector("#editor .run-button").addEventListener("click", () => { bench.click = performance.now(); }, {capture: true, once: true});
  const observer = new MutationObserver(() => {
    const run = document.querySelector("#run[data-verdict]");
    if (bench.click === null || run === null || run === before) return;
    observer.disconnect();
    bench.status = run.dataset.verdict;
    requestAnimationFrame(() => { bench.verdict = performance.now(); });
  });
  observer.observe(document.body, {childList: true, subtree: true, attributes: true, attributeFilter: ["data-verdict"]});
}"""

# The form posts the textarea named code. An editor drawn over it (CodeMirror)
# copies its text there; setting it directly is what that copy does.
FILL = """(code) => {
  const field = document.querySelector("#editor").elements.namedItem("code");
  field.value = code;
  field.dispatchEvent(new Event("input", {bubbles: true}));
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(port: int, process: subprocess.Popen, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer on port {port}")


def start(command, *, env, log: Path, cwd) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def serve_granian(repo: Path, env: dict, tmp: Path) -> tuple[subprocess.Popen, int]:
    """The production web tier as README runs it (one worker per CPU), on the bench's database."""
    subprocess.run([str(repo / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"], cwd=repo, env=env, check=True)
    port = free_port()
    server = start(
        [str(repo / ".venv/bin/granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(os.cpu_count() or 2), "--working-dir", str(repo), "--log-level", "warning", "--no-access-log",
         "redrive.wsgi:application"],
        env=env, log=tmp / "granian.log", cwd=repo,
    )
    wait_http(port, server, "granian")
    return server, port


def serve_make_run(repo: Path, env: dict, tmp: Path) -> tuple[list[subprocess.Popen], int]:
    """`make run`'s processes (runserver with its reloader, a worker with beat),
    on SQLite and the file-system broker under a var/ folder of their own."""
    python = str(repo / ".venv/bin/python")
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=repo, env=env, check=True)
    subprocess.run([python, "manage.py", "sync_course", "--skip-lab-grading", "-v0"], cwd=repo, env=env, check=True, stdout=subprocess.DEVNULL)
    worker = start(
        [str(repo / ".venv/bin/celery"), "-A", "redrive", "worker", "-B", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        env=env, log=tmp / "make-run-worker.log", cwd=repo,
    )
    port = free_port()
    web = start([python, "manage.py", "runserver", f"127.0.0.1:{port}"], env=env, log=tmp / "make-run-web.log", cwd=repo)
    wait_http(port, web, "runserver")
    return [worker, web], port


def sign_up(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    if page.get_by_role("button", name="Log out").count() + page.get_by_role("link", name="Log out").count() == 0:
        page.goto(base + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()


def run_once(page, code: str, timeout_ms: int) -> tuple[float, str]:
    page.evaluate(FILL, code)
    page.evaluate(ARM)
    page.locator("#editor .run-button").click()
    try:
        page.wait_for_function("() => window.__bench.verdict !== null", timeout=timeout_ms)
    except Exception as exc:
        shown = page.evaluate("() => (document.querySelector('#run') || document.body).outerHTML.slice(0, 1500)")
        raise RuntimeError(f"no verdict on the page {timeout_ms} ms after the click; #run shows:\n{shown}") from exc
    found = page.evaluate("() => window.__bench")
    return found["verdict"] - found["click"], found["status"]


def server_side(rows: list[tuple], runs: int) -> dict:
    """Where the server's share of the last `runs` gradings went, from the rows'
    own timestamps (created_at, started_at, finished_at): waiting for a worker
    to claim the row, then claim to verdict stored."""
    rows = rows[-runs:]
    pickup = [(started - created).total_seconds() * 1000 for created, started, _ in rows]
    grading = [(finished - started).total_seconds() * 1000 for _, started, finished in rows]
    return {
        "pickup_p50_ms": round(statistics.median(pickup), 1), "pickup_p95_ms": round(percentile(pickup, 95), 1),
        "grading_p50_ms": round(statistics.median(grading), 1), "grading_p95_ms": round(percentile(grading, 95), 1),
    }


def rows_in_django(username: str) -> list[tuple]:
    """(created_at, started_at, finished_at) of a learner's submissions, oldest first, through this process's Django."""
    from labs.models import Submission

    found = Submission.objects.filter(user__username=username).order_by("id").values_list("created_at", "started_at", "finished_at")
    return list(found)


def rows_in_sqlite(path: Path, username: str) -> list[tuple]:
    """The same from `make run`'s SQLite file (Django stores UTC as ISO text there)."""
    from datetime import datetime

    with sqlite3.connect(path) as db:
        found = db.execute(
            "SELECT s.created_at, s.started_at, s.finished_at FROM labs_submission s JOIN auth_user u ON u.id = s.user_id"
            " WHERE u.username = ? ORDER BY s.id",
            (username,),
        ).fetchall()
    return [tuple(datetime.fromisoformat(value) for value in row) for row in found]


def measure(browser, base: str, username: str, code: str, runs: int, timeout_ms: int = 120_000) -> dict:
    """`runs` timed gradings of `code` after WARMUP_RUNS untimed ones, by one learner."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        sign_up(page, base, username)
        page.goto(f"{base}/labs/{LAB}/")
        times, statuses = [], []
        for i in range(WARMUP_RUNS + runs):
            ms, status = run_once(page, code, timeout_ms)
            if i >= WARMUP_RUNS:
                times.append(ms)
                statuses.append(status)
    finally:
        context.close()
    return {
        "runs": len(times),
        "passed": statuses.count("passed"),
        "statuses": {status: statuses.count(status) for status in sorted(set(statuses))},
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
    }


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
