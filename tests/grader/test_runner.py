"""A sandbox that fails to start once (a busy machine) is retried; one that
keeps failing ends the waiting run with the failure instead of a long hang.
A run's sandbox and emulator child share one CPU (grader/cores.py)."""

import os

import pytest

import labs.engine
from grader import engine as grader_engine
from grader.runner import FAILURES_BEFORE_GIVING_UP, Engine
from tests.grader.conftest import GOOD, grade

pytestmark = pytest.mark.sandbox


@pytest.fixture
def failing_starts(monkeypatch, sandbox_session):
    """Make the next `n` sandbox starts fail, in a fresh engine."""
    grader_engine.shutdown_engine()
    real = Engine._make_slot
    left = {"n": 0}

    def make_slot(self):
        if left["n"] > 0:
            left["n"] -= 1
            raise OSError("the machine is too busy to start a sandbox")
        return real(self)

    monkeypatch.setattr(Engine, "_make_slot", make_slot)
    yield left
    grader_engine.shutdown_engine()  # the next test builds a normal one again


def test_one_failed_start_is_retried_and_the_run_grades(failing_starts):
    failing_starts["n"] = 1
    assert grade(GOOD).verdict.score == 1.0


def test_a_start_that_keeps_failing_ends_the_run_with_the_failure(failing_starts):
    failing_starts["n"] = 1000
    with pytest.raises(OSError, match="too busy"):
        grade(GOOD)
    assert failing_starts["n"] >= 1000 - FAILURES_BEFORE_GIVING_UP - 1


# The grader reads the CPUs the emulator child may use, and asks the learner's
# module for the sandbox's: both processes of the run, as they grade.
WHERE_GRADER = """
import os


def grade(run):
    learner = run.learner.call("cpus")
    run.check("cpus", "where the run ran", 1, True, repr([sorted(os.sched_getaffinity(0)), learner]))
"""
WHERE_CODE = """
import os
import threading


def cpus():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(sorted(os.sched_getaffinity(0))))
    thread.start()
    thread.join()
    return [sorted(os.sched_getaffinity(0)), seen[0]]
"""


def test_a_runs_sandbox_and_emulator_child_share_one_cpu(engine):
    verdict = labs.engine.grade_source(
        slug="cpu-probe", time_limit_s=5, code=WHERE_CODE,
        grader_files={"grader.py": WHERE_GRADER, "variants.py": "def variants(seed):\n    return {}\n"},
    )
    child, (learner, learner_thread) = eval(verdict.checkpoints[0].feedback)
    if len(os.sched_getaffinity(0)) > 1:
        assert len(child) == 1
        assert learner == learner_thread == child
    else:
        assert learner == child
