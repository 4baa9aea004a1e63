"""The emulator child's side of the channel to the learner's process."""

import socket
import time

import pytest

from grader import protocol
from grader.emulator.child import SandboxLearner


@pytest.fixture
def pair():
    child_end, harness_end = socket.socketpair()
    harness_end.settimeout(5)
    yield child_end, harness_end
    child_end.close()
    harness_end.close()


def test_work_given_to_a_load_runs_after_the_module_was_sent_and_before_its_answer(pair):
    child_end, harness_end = pair
    learner = SandboxLearner(child_end, deadline=time.monotonic() + 5, time_limit_message="too long")
    seen = []

    def meanwhile():
        seen.append(protocol.recv_frame(harness_end))  # already sent: the sandbox imports it while this runs
        protocol.send_frame(harness_end, {"ok": True})

    learner.load("import boto3\n", meanwhile=meanwhile)
    assert seen == [{"op": "load", "code": "import boto3\n"}]


def test_a_load_that_fails_still_ran_the_work_given_to_it(pair):
    child_end, harness_end = pair
    learner = SandboxLearner(child_end, deadline=time.monotonic() + 5, time_limit_message="too long")
    ran = []

    def meanwhile():
        ran.append(True)
        harness_end.close()  # the learner's process dies while its module loads

    with pytest.raises(Exception) as raised:
        learner.load("import os\nos._exit(1)\n", meanwhile=meanwhile)
    assert ran == [True]
    assert raised.value.kind == "crashed"
