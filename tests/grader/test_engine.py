"""grader.engine.amend_in_worker: what only the worker sees, added to the child's Verdict."""

import signal

from grader.engine import amend_in_worker
from grader.protocol import LearnerEnd, Result
from grader.runner import SIGNAL_EXIT, Finished
from grader.sandbox.limits import Limits
from grader.verdict import ENGINE_FAILED, Checkpoint, Status, Verdict

LIMITS = Limits(time_limit_s=20)


def _child_verdict() -> Verdict:
    return Verdict(checkpoints=[Checkpoint("a", "A", 1, True, "ok")], duration_ms=5)


def test_the_childs_verdict_gets_the_output_and_the_workers_wall_clock():
    finished = Finished(result=Result(_child_verdict()), output=b"hello\n", exit_code=0, killed_for_time=False)
    verdict = amend_in_worker(finished, LIMITS, duration_ms=1234)
    assert (verdict.status, verdict.output, verdict.duration_ms) == (Status.PASSED, "hello\n", 1234)


def test_no_answer_by_the_workers_deadline_is_a_timeout():
    finished = Finished(result=None, output=b"", exit_code=None, killed_for_time=True)
    verdict = amend_in_worker(finished, LIMITS, duration_ms=1)
    assert (verdict.status, verdict.error) == (Status.TIMEOUT, "Your code ran past the 20-second time limit.")


def test_no_answer_otherwise_is_our_failure():
    finished = Finished(result=None, output=b"partial", exit_code=None, killed_for_time=False)
    verdict = amend_in_worker(finished, LIMITS, duration_ms=1)
    assert (verdict.status, verdict.error, verdict.output) == (Status.ERROR, ENGINE_FAILED, "partial")


def test_a_crashed_learner_is_explained_by_the_sandboxs_exit_code():
    finished = Finished(
        result=Result(_child_verdict(), LearnerEnd(crashed=True)), output=b"", exit_code=SIGNAL_EXIT + signal.SIGXCPU, killed_for_time=False
    )
    verdict = amend_in_worker(finished, LIMITS, duration_ms=1)
    assert verdict.status == Status.ERROR
    assert verdict.error == "Your code used more than 10 seconds of CPU time (the CPU limit for this lab)."
    assert verdict.checkpoints[0].passed  # what was recorded is kept


def test_an_exit_code_is_not_read_when_the_learner_did_not_crash():
    finished = Finished(result=Result(_child_verdict()), output=b"", exit_code=SIGNAL_EXIT + signal.SIGKILL, killed_for_time=False)
    assert amend_in_worker(finished, LIMITS, duration_ms=1).status == Status.PASSED
