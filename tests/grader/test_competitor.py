"""The competing consumer the grader plays (grader/competitor.py): it takes what
becomes visible whenever the emulator clock moves, also inside a learner's slow
call, and its calls are the grader's, never faulted."""

import boto3
import pytest

from grader import trace
from grader.competitor import Competitor
from grader.emulator import clock, faults
from tests.grader.emulator.moto_fixes.test_fault_hooks import guarded_server, world  # noqa: F401 (fixtures)


def jobs_queue(world):
    sqs = world.grader("sqs")
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    message_id = sqs.send_message(QueueUrl=url, MessageBody='{"jobId": "j-1"}')["MessageId"]
    return sqs, url, message_id


def test_it_takes_a_message_only_once_its_visibility_runs_out(world):
    sqs, url, message_id = jobs_queue(world)
    handle = world.learner("sqs").receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    competitor = Competitor(sqs, url).start()
    clock.advance(20)
    assert competitor.taken == [] and (competitor.polls[-1].visible, competitor.polls[-1].in_flight) == (0, 1)
    world.learner("sqs").change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=30)
    clock.advance(25)  # 45 s after the receive, 25 after the extension: still hidden
    assert competitor.taken == []
    clock.advance(10)
    assert [(t.message_id, t.receive_count) for t in competitor.taken] == [(message_id, 2)]
    assert competitor.taken[0].at == pytest.approx(clock.time_s(), abs=1)
    competitor.stop()
    polls = len(competitor.polls)
    clock.advance(60)
    assert len(competitor.polls) == polls


def test_it_polls_inside_a_learners_slow_call_unfaulted(world):
    sqs, url, message_id = jobs_queue(world)
    world.grader("dynamodb").create_table(
        TableName="parts", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )
    world.learner("sqs").receive_message(QueueUrl=url)
    competitor = Competitor(sqs, url).start()
    world.faults.throttle("sqs", "ReceiveMessage", times=10)  # the learner's receives only
    world.faults.slow("dynamodb", "PutItem", seconds=[31])
    world.learner("dynamodb").put_item(TableName="parts", Item={"k": {"S": "1"}})
    assert [t.message_id for t in competitor.taken] == [message_id]
    assert [f["fault"] for f in world.faults.injected] == ["slow"]
    competitor.stop()


def test_it_keeps_what_it_took_in_flight_and_never_deletes_it(world):
    sqs, url, _ = jobs_queue(world)
    competitor = Competitor(sqs, url, hold_s=40).start()
    competitor.poll()
    clock.advance(35)
    assert len(competitor.taken) == 1
    clock.advance(10)
    assert len(competitor.taken) == 2 and competitor.taken[1].receive_count == 2
    competitor.stop()


def test_the_trace_draws_the_other_worker_fed_by_the_queue():
    from moto import mock_aws

    from grader.emulator import trace_hooks

    trace_hooks.apply()
    clock.reset()
    recorder = trace.Recorder()
    trace.activate(recorder)
    try:
        with mock_aws():
            sqs = boto3.client("sqs", region_name="us-east-1")
            url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody="job")
            Competitor(sqs, url, name="worker-2").poll()
    finally:
        trace.activate(None)
    hops = recorder.export()[0].hops
    assert [(h.action, h.resource, h.by) for h in hops][-2:] == [("received", "jobs", "worker"), ("invoked", "worker-2", "worker")]
    assert hops[-1].source == "queue:jobs"
