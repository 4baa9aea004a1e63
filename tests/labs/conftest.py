"""Fixtures for labs' services, views and tasks: Lab rows made directly (no
course sync), a submission factory, and a stand-in engine for tests of the
pipeline itself. Tests that need the real sandbox use labs.engine unpatched."""

import contextlib
import copy
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from grader.trace import Hop, TraceEntry
from grader.verdict import Checkpoint, Verdict
from labs.models import Submission
from tests.conftest import LAB_SOLUTION, LAB_STARTER


STARTER, SOLUTION = LAB_STARTER, LAB_SOLUTION


@pytest.fixture
def lab(make_lab):
    return make_lab(slug="queue-basics", title="Queue basics")


@pytest.fixture
def make_submission(db):
    def make(*, user, lab, status=Submission.Status.QUEUED, **fields) -> Submission:
        attempt = Submission.objects.filter(user=user, lab=lab).count() + 1
        return Submission.objects.create(user=user, lab=lab, status=status, attempt=attempt, code=fields.pop("code", STARTER), **fields)

    return make


def _judged(entry: TraceEntry) -> TraceEntry:
    entry.judge()
    return entry


def verdict(*, passed: bool, output: str = "") -> Verdict:
    """What the engine returns for a two-checkpoint lab: score 1.0 or 0.5."""
    return Verdict(
        checkpoints=[
            Checkpoint(id="queue", title="Queue exists", passed=True, points=1, feedback="orders exists."),
            Checkpoint(
                id="sent",
                title="Order sent",
                passed=passed,
                points=1,
                feedback="One message in orders." if passed else "Expected 1 message in orders, found 0.",
            ),
        ],
        output=output,
        duration_ms=321,
        trace=[
            _judged(TraceEntry(
                label="order o-1",
                body='{"orderId": "o-1"}',
                hops=[Hop("sent", "orders", kind="queue", source="grader:grader", by="grader")]
                + ([Hop("received", "orders", kind="queue", by="lambda", count=1)] if passed else []),
                expect_reach=["orders"] if passed else ["orders", "confirmations"],
            ))
        ],
    )


class FakeEngine:
    """Records what it was asked to grade; returns a copy of `.result` (a Verdict) or raises `.raises`."""

    def __init__(self):
        self.calls: list[tuple[int, str]] = []
        self.seeds: list[int] = []  # the variant of each call
        self.result = verdict(passed=True)
        self.raises: Exception | None = None

    def grade_lab(self, lab, code, *, seed=0):
        self.calls.append((lab.id, code))
        self.seeds.append(seed)
        if self.raises:
            raise self.raises
        return copy.deepcopy(self.result)


@pytest.fixture
def fake_engine(monkeypatch):
    fake = FakeEngine()
    monkeypatch.setattr("labs.engine.grade_lab", fake.grade_lab)
    return fake


class Broker:
    def __init__(self):
        self.sent: list[int] = []
        self.down = False

    def apply_async(self, args, **options):
        if self.down:
            from kombu.exceptions import OperationalError

            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.sent.append(args[0])


@pytest.fixture
def broker(monkeypatch):
    """Records grading tasks instead of sending them; `.down = True` refuses like a dead Redis."""
    fake = Broker()
    monkeypatch.setattr("labs.tasks.grade_submission.apply_async", fake.apply_async)
    return fake


# --- Real brokers and workers ------------------------------------------------


REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def broker_at(url: str, transport_options: dict | None = None):
    """Point this process's Celery app at another broker for one test, then back.
    The app caches its connection and producer pools, so both are dropped."""
    from redrive.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options)

    def reset():
        from kombu import pools

        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        # Celery takes its producer pool from kombu's process-wide registry, keyed
        # by broker URL: a worker that shut down closed the one for this URL, and
        # the next test on the same URL would get it back ("Acquire on closed pool").
        pools.reset()

    app.conf.broker_url, app.conf.broker_transport_options = url, transport_options or {}
    reset()
    try:
        yield app
    finally:
        reset()
        app.conf.broker_url, app.conf.broker_transport_options = saved


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A private redis-server on loopback that a test may stop and start again."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def database_url_for_subprocess() -> str:
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    """`celery -A redrive worker` as production runs it, on the test database."""

    def __init__(self, broker_url: str, tmp_path: Path):
        self.broker_url, self.tmp_path, self.process = broker_url, tmp_path, None
        self.log = tmp_path / "worker.log"

    def start(self, concurrency: int = 1):
        env = dict(os.environ, DATABASE_URL=database_url_for_subprocess(), REDIS_URL=self.broker_url, REDRIVE_VAR_DIR=str(self.tmp_path / "var"))
        self.process = subprocess.Popen(
            [str(REPO / ".venv/bin/celery"), "-A", "redrive", "worker", "-c", str(concurrency), "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=REPO, env=env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )

    def kill(self):
        """SIGKILL the whole worker (parent and pool children), as an OOM killer or a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_factory(tmp_path):
    workers = []

    def make(broker_url):
        worker = WorkerProcess(broker_url, tmp_path)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
