"""Through the real engine: concurrent invocations in the sandbox, the
emulator clock reaching the learner's time.time(), and faults hitting the
learner's calls (the child's guard marks them) but never the grader's."""

import json

import pytest

import labs.engine

pytestmark = pytest.mark.sandbox

GRADER = '''
import json

from grader import LearnerError


def grade(run):
    sqs = run.client("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="o-1")
    invocations = run.deliver_sqs(url, concurrency=2, duplicate=True)
    run.check("together", "two invocations ran at once", 1, [i.ok for i in invocations] == [True, True],
              json.dumps([i.error.describe() if i.error else "ok" for i in invocations]))

    before = run.learner.call("now")
    run.advance(3600)
    after = run.learner.call("now")
    run.check("clock", "the learner's clock moved with the emulator's", 1, 3590 < after - before < 3700, f"{after - before}")

    run.faults.throttle("sqs", "SendMessage", times=10)
    sqs.send_message(QueueUrl=url, MessageBody="grader's own")
    try:
        run.learner.call("send")
        error = "no error"
    except LearnerError as exc:
        error = exc.describe()
    left = [m["Body"] for m in run.drain(url)]
    run.check("fault", "the learner's send was throttled, the grader's was not", 1,
              "RequestThrottled" in error and left == ["grader's own"], f"{error} / {left}")
    run.check("recorded", "the faults are recorded", 1, len(run.faults.injected) >= 1, json.dumps(run.faults.injected))
'''

CODE = '''
import threading
import time

import boto3
from botocore.config import Config

barrier = threading.Barrier(2, timeout=3)
sqs = boto3.client("sqs", config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


def handler(event, context):
    barrier.wait()


def now():
    return time.time()


def send():
    url = sqs.get_queue_url(QueueName="orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="learner's")
'''


def test_concurrency_clock_and_faults_reach_the_sandbox(engine):
    verdict = labs.engine.grade_source(slug="concurrency-probe", time_limit_s=15, grader_files={"grader.py": GRADER}, code=CODE)
    data = verdict.to_dict()
    assert data["status"] == "passed", json.dumps(data["checkpoints"], indent=1) + data["error"] + data["output"]
    assert verdict.faults and verdict.faults[0]["fault"] == "throttle"  # carried from the emulator child
