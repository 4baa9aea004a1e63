"""deliver_sqs playing several of Lambda's pollers at once, and the same
message handed to two invocations at the same time, as at-least-once
delivery allows. In-process here; tests/grader/emulator/test_concurrency.py
runs the same through the sandbox."""

import pytest
from moto import mock_aws

from grader.inprocess import grade_in_process

GRADER = '''
import json


def grade(run):
    sqs = run.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    for body in run.inputs["bodies"]:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    invocations = run.deliver_sqs(url, concurrency=run.inputs["concurrency"], duplicate=run.inputs["duplicate"])
    rounds = {}
    for invocation in invocations:
        rounds.setdefault(invocation.round, []).append(invocation.bodies)
    left = run.drain(url)
    run.check("rounds", "rounds", 1, True, json.dumps({
        "rounds": [rounds[r] for r in sorted(rounds)],
        "ok": [i.ok for i in invocations],
        "errors": [i.error.describe() if i.error else None for i in invocations],
        "left": [m["Body"] for m in left],
    }))
'''

# Both invocations must be inside handler at once, or the barrier breaks.
TOGETHER = """
import threading

barrier = threading.Barrier(2, timeout=2)


def handler(event, context):
    barrier.wait()
    return None
"""


def outcome(code, bodies, *, concurrency, duplicate):
    import json

    inputs = {"bodies": bodies, "concurrency": concurrency, "duplicate": duplicate}
    variants = f"def variants(seed):\n    return {inputs!r}\n"
    with mock_aws():
        verdict = grade_in_process({"slug": "probe", "time_limit_s": 20, "grader_files": {"grader.py": GRADER, "variants.py": variants}}, code)
    assert verdict.error == "", verdict.error
    return json.loads(verdict.checkpoints[0].feedback)


def test_a_duplicate_goes_to_two_invocations_running_at_the_same_time():
    seen = outcome(TOGETHER, ["o-1"], concurrency=2, duplicate=True)
    assert seen["rounds"] == [[["o-1"], ["o-1"]]]
    assert seen["ok"] == [True, True] and seen["left"] == []


def test_two_pollers_take_different_messages_at_the_same_time():
    seen = outcome(TOGETHER, ["o-1", "o-2"], concurrency=2, duplicate=False)
    assert sorted(b for batch in seen["rounds"][0] for b in batch) == ["o-1", "o-2"]
    assert seen["ok"] == [True, True]


def test_a_duplicate_that_fails_in_one_invocation_is_deleted_by_the_other():
    code = """
import threading

lock = threading.Lock()
calls = []


def handler(event, context):
    with lock:
        calls.append(1)
        first = len(calls) == 1
    if first:
        raise RuntimeError("already being handled")
"""
    seen = outcome(code, ["o-1"], concurrency=2, duplicate=True)
    assert sorted(seen["ok"]) == [False, True]
    assert any("already being handled" in (e or "") for e in seen["errors"])
    assert seen["left"] == []


def test_a_duplicate_that_fails_everywhere_is_retried():
    code = """
calls = []


def handler(event, context):
    calls.append(1)
    if len(calls) <= 2:
        raise RuntimeError("down")
"""
    seen = outcome(code, ["o-1"], concurrency=2, duplicate=True)
    assert seen["ok"][:2] == [False, False] and True in seen["ok"][2:]
    assert seen["left"] == []


def test_concurrency_must_be_positive():
    from grader.run import Run

    class NoLearner:
        def has(self, name):
            return False

    with pytest.raises(ValueError):
        Run(learner=NoLearner(), client_factory=lambda s: None).deliver_sqs("url", concurrency=0)


def test_in_process_each_concurrent_invocation_sends_as_part_of_its_own_message():
    # The sandbox's version is tests/grader/emulator/test_trace_engine.py.
    from tests.grader.emulator.test_trace_engine import CONCURRENT_GRADER, CONCURRENT_LEARNER

    with mock_aws():
        verdict = grade_in_process({"slug": "probe", "time_limit_s": 20, "grader_files": {"grader.py": CONCURRENT_GRADER}}, CONCURRENT_LEARNER)
    assert verdict.checkpoints[0].passed, verdict.to_dict()
    trace = {entry.label or entry.body: entry for entry in verdict.trace}
    sent = lambda label: [h.detail for h in trace[label].hops if h.action == "sent" and h.by == "learner"]  # noqa: E731
    assert (sent("order #1"), sent("order #2")) == (["thanks #x"], ["thanks #xx"])
