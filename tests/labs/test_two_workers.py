"""More machines, not a bigger one: two `celery worker` processes, each with its
own hostname, engine folder (TMPDIR) and var/ folder, as two machines sharing
only PostgreSQL and Redis, and `celery beat` as a third process.

Forty submissions from ten learners are each graded exactly once, by both
workers between them. Then one worker is killed with SIGKILL (parent, pool and
engine: a machine lost) while it grades, and its submission is graded by the
other within a minute, once: its message stays unacknowledged on the dead
worker, the sweep (beat, every LABS_SWEEP_EVERY_S) requeues the row once the
lab's time limit and LABS_RUNNING_GRACE_S have passed, and the claim turns the
old message into a no-op whenever Redis hands it out again.

Who graded what comes from each worker's log: labs.services.grading logs one
line per stored verdict."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from labs.models import Lab, Submission
from labs.services.submissions import submission_create
from tests.labs.conftest import REPO, broker_at, database_url_for_subprocess, wait_for

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers on two machines share PostgreSQL: run with DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]

LABS = ("sqs-dlq", "sns-filter-fanout", "eventbridge-routing", "sqs-dlq-redrive")
LEARNERS = 10
SWEEP_EVERY_S, RUNNING_GRACE_S = 2, 3
GRADED = re.compile(r"submission (\d+) graded: (\w+) in \d+ ms \(run (\d+)\)")


class Machine:
    """One worker host: `celery worker -n <name>@%h`, its own temporary
    directory (the engine makes its folder there) and var/ folder."""

    def __init__(self, name: str, broker_url: str, tmp_path: Path):
        self.name = name
        self.hostname = f"{name}@{os.uname().nodename}"
        # Under /tmp, not pytest's private tmp_path: the sandbox's uid must reach
        # the engine's run folders through every parent.
        self.engine_dir = Path(tempfile.mkdtemp(prefix=f"redrive-{name}-"))
        self.engine_dir.chmod(0o711)
        self.log = tmp_path / f"{name}.log"
        self.env = dict(
            os.environ,
            DATABASE_URL=database_url_for_subprocess(),
            REDIS_URL=broker_url,
            REDRIVE_VAR_DIR=str(tmp_path / f"var-{name}"),
            TMPDIR=str(self.engine_dir),
            LABS_SWEEP_EVERY_S=str(SWEEP_EVERY_S),
            LABS_RUNNING_GRACE_S=str(RUNNING_GRACE_S),
        )
        self.process = None

    def start(self, *command):
        self.process = subprocess.Popen(
            [str(REPO / ".venv/bin/celery"), "-A", "redrive", *command],
            cwd=REPO, env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        return self

    def start_worker(self):
        return self.start("worker", "-n", self.hostname, "-c", "1", "--without-gossip", "--without-mingle", "--loglevel=INFO")

    def graded(self) -> list[tuple[int, str, int]]:
        return [(int(m[1]), m[2], int(m[3])) for m in GRADED.finditer(self.log.read_text(errors="replace"))]

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        shutil.rmtree(self.engine_dir, ignore_errors=True)


@pytest.fixture
def machines(private_redis, tmp_path):
    started = []

    def make(name):
        machine = Machine(name, private_redis.url, tmp_path)
        started.append(machine)
        return machine

    yield make
    for machine in started:
        machine.stop()


def _learners():
    return [get_user_model().objects.create_user(f"learner{i}", password="x") for i in range(LEARNERS)]


def _all_finished(ids):
    return not Submission.objects.filter(id__in=ids).exclude(status__in=Submission.FINISHED).exists()


def test_two_workers_share_the_work_and_a_lost_one_is_made_good_by_the_other(private_redis, machines, tmp_path):
    call_command("sync_course", str(settings.COURSE_DIR), "--skip-lab-grading")
    labs = [Lab.objects.get(slug=slug) for slug in LABS]
    learners = _learners()
    one, two = machines("one").start_worker(), machines("two").start_worker()
    machines("beat").start("beat", "--loglevel=INFO", "-s", str(tmp_path / "celerybeat-schedule"))

    with broker_at(private_redis.url) as app:
        wait_for(lambda: len(app.control.ping(destination=[one.hostname, two.hostname], timeout=1)) == 2, timeout=60, what="both workers")

        # --- forty submissions, ten learners, two machines -------------------------
        started = time.monotonic()
        ids = [submission_create(user=user, lab=lab, code=lab.solution_code).id for user in learners for lab in labs]
        wait_for(lambda: _all_finished(ids), timeout=600, what="forty verdicts")
        took_s = time.monotonic() - started
        rows = {row.id: row for row in Submission.objects.filter(id__in=ids)}
        assert {row.status for row in rows.values()} == {"passed"}
        assert {(row.run_count, row.dispatch_count) for row in rows.values()} == {(1, 1)}  # claimed once, sent once
        by_machine = {machine.name: [g for g in machine.graded() if g[0] in rows] for machine in (one, two)}
        graded = Counter(g[0] for found in by_machine.values() for g in found)
        assert sorted(graded) == sorted(ids) and set(graded.values()) == {1}, "every submission graded exactly once"
        assert all(by_machine.values()), f"both machines graded: {({k: len(v) for k, v in by_machine.items()})}"
        for machine in (one, two):  # each engine worked in its own machine's folder
            assert any(p.name.startswith("redrive-engine-") for p in machine.engine_dir.iterdir()), machine.name
        print(f"\n40 submissions from {LEARNERS} learners graded in {took_s:.1f} s: "
              f"{len(by_machine['one'])} by {one.hostname}, {len(by_machine['two'])} by {two.hostname}")

        # --- a machine lost mid-grade ---------------------------------------------
        # Slow code (it sleeps before passing) gives both machines one grading
        # each, long enough to kill one of them in the middle.
        lab = labs[1]
        slow = "import time\ntime.sleep(6)\n" + lab.solution_code
        pending = [submission_create(user=user, lab=lab, code=slow).id for user in learners[:2]]

        def grading_on_one():
            active = (app.control.inspect(destination=[one.hostname], timeout=1).active() or {}).get(one.hostname) or []
            ids_there = [task["args"][0] for task in active]
            running = Submission.objects.filter(id__in=ids_there, status="running").values_list("id", flat=True)
            return list(running)

        lost_id = wait_for(grading_on_one, timeout=60, what=f"{one.hostname} to be grading")[0]
        one.kill()
        killed_at = time.monotonic()
        wait_for(lambda: _all_finished(pending), timeout=60, what="the lost grading to finish on the other machine")
        recovered_s = time.monotonic() - killed_at

    lost = Submission.objects.get(id=lost_id)
    assert (lost.status, lost.run_count) == ("passed", 2)  # the dead machine's run, then the survivor's
    assert [g for g in one.graded() if g[0] == lost_id] == []
    assert [g for g in two.graded() if g[0] == lost_id] == [(lost_id, "passed", 2)]
    everything = Counter(g[0] for machine in (one, two) for g in machine.graded())
    assert all(n == 1 for n in everything.values()), f"no verdict stored twice: {everything}"
    assert Submission.objects.filter(id__in=pending, status="passed").count() == 2
    print(f"{one.hostname} killed while grading submission {lost_id}; graded on {two.hostname} {recovered_s:.1f} s later (run 2)")
