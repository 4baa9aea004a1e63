"""The pipeline with a real `celery worker` process, a real Redis and PostgreSQL
(the worker must see the test's committed rows, which SQLite's in-memory test
database cannot share): graded end to end, a broker that is down at submit,
and a worker killed in the middle of a grading."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from labs.models import Lab, Submission
from labs.services.submissions import submission_create
from labs.services.sweeps import submissions_sweep
from tests.labs.conftest import broker_at, wait_for

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process needs a database it can share: run with DATABASE_URL=postgres://..."),
    pytest.mark.django_db(transaction=True),
]

def _real_lab() -> Lab:
    """A launch lab from the bundled course, graded by the real sandbox."""
    call_command("sync_course", str(settings.COURSE_DIR), "--skip-lab-grading")
    return Lab.objects.get(slug="sqs-dlq")


def _finished(submission_id):
    submission = Submission.objects.get(id=submission_id)
    return submission if submission.is_finished else None


def test_a_real_worker_grades_a_submission_end_to_end(alice, private_redis, worker_factory):
    lab = _real_lab()
    with broker_at(private_redis.url):
        submission = submission_create(user=alice, lab=lab, code=lab.solution_code)
    worker = worker_factory(private_redis.url)
    worker.start()
    done = wait_for(lambda: _finished(submission.id), timeout=60, what="the verdict")
    assert (done.dispatch_count, done.run_count) == (1, 1)
    assert done.status == "passed" and done.score == 1.0 and done.checkpoints and done.trace


def test_a_submission_made_while_the_broker_is_down_is_graded_once_it_is_back(alice, private_redis, worker_factory):
    lab = _real_lab()
    private_redis.stop()
    with broker_at(private_redis.url):
        submission = submission_create(user=alice, lab=lab, code=lab.solution_code)
        submission.refresh_from_db()
        assert (submission.status, submission.dispatch_count) == ("queued", 0)
        submissions_sweep(now=timezone.now() + timedelta(seconds=10))  # still down: nothing lost, nothing failed
        assert Submission.objects.get(id=submission.id).status == "queued"

        private_redis.start()
        worker = worker_factory(private_redis.url)
        worker.start()
        result = submissions_sweep(now=timezone.now() + timedelta(seconds=10))
    assert result.dispatched == 1
    done = wait_for(lambda: _finished(submission.id), timeout=60, what="the verdict")
    assert done.dispatch_count == 1 and done.run_count == 1


def test_a_worker_killed_mid_grade_leaves_nothing_stuck(alice, private_redis, worker_factory):
    lab = _real_lab()
    Lab.objects.filter(id=lab.id).update(time_limit_s=5)
    lab.refresh_from_db()
    worker = worker_factory(private_redis.url)
    worker.start()
    with broker_at(private_redis.url):
        submission = submission_create(user=alice, lab=lab, code="import time\ntime.sleep(60)\n")
        wait_for(lambda: Submission.objects.filter(id=submission.id, status="running").exists(), timeout=30, what="the claim")
        worker.kill()
        # The sweep (every 10 s under beat) notices once the lab's time limit and grace have passed.
        result = submissions_sweep(now=timezone.now() + timedelta(seconds=lab.time_limit_s + 16))
        assert result.requeued == 1
        replacement = worker_factory(private_redis.url)
        replacement.start()
        done = wait_for(lambda: _finished(submission.id), timeout=60, what="the verdict after the requeue")
    assert done.status == "timeout" and done.run_count == 2


def _descendant_commands(pid: int) -> list[str]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    commands, stack = [], list(children.get(pid, []))
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            commands.append(Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            pass
    return commands


def test_each_grading_process_starts_its_engine_before_the_first_submission(private_redis, worker_factory):
    worker = worker_factory(private_redis.url)
    worker.start()
    # No submission yet: the warm emulator and the sandbox zygote (whose forks
    # are the spare sandboxes) already run under the worker.
    commands = wait_for(
        lambda: (lambda found: found if any("grader.emulator.zygote" in c for c in found) and any("/harness/zygote.py" in c for c in found) else None)(
            _descendant_commands(worker.process.pid)
        ),
        timeout=30,
        what="the engine's warm emulator and sandbox zygote",
    )
    assert any("bwrap" in c for c in commands)
