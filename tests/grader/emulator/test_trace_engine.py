"""The trace through the real engine: the learner's requests reach the
emulator over HTTP from the sandbox, and what its handler sends is attributed
to the message the invocation was handling (the harness names the invocation
on each request of the invocation's thread; a thread the handler starts falls
back to the one invocation in progress)."""

import json

import pytest

import labs.engine

pytestmark = pytest.mark.sandbox

GRADER = '''
def grade(run):
    sqs = run.client("sqs")
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    policy = '{"deadLetterTargetArn": "%s", "maxReceiveCount": "1"}' % run.queue_arn(dlq)
    orders = sqs.create_queue(QueueName="orders", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    sqs.create_queue(QueueName="confirmations")
    for n in (1, 2, 3):
        sent = sqs.send_message(QueueUrl=orders, MessageBody='{"order": %d}' % n)
        run.label(sent["MessageId"], "order #%d" % n, reach=["confirmations"])
    invocations = run.deliver_sqs(orders, batch_size=1)
    run.check("delivered", "every order reached the handler", 1, len(invocations) >= 3, str(len(invocations)))
'''

LEARNER = '''
import json
import threading

import boto3

sqs = boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="learner-setup")
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="learner-setup")["QueueUrl"], MessageBody="hello from setup")


def handler(event, context):
    url = sqs.get_queue_url(QueueName="confirmations")["QueueUrl"]
    for record in event["Records"]:
        order = json.loads(record["body"])["order"]
        if order == 2:
            raise ValueError("order 2 is not confirmed")
        # From a thread of its own, and with a body that shares nothing with
        # the order: only the invocation can say which message it answers.
        worker = threading.Thread(target=sqs.send_message, kwargs={"QueueUrl": url, "MessageBody": "thanks #" + "x" * order})
        worker.start()
        worker.join()
'''


def test_what_the_handler_sends_is_a_hop_of_the_message_it_handled(settings):
    verdict = labs.engine.grade_source(slug="trace-probe", time_limit_s=10, grader_files={"grader.py": GRADER}, code=LEARNER)
    trace = {entry.label or entry.body: entry for entry in verdict.trace}
    assert verdict.checkpoints[0].passed, verdict.to_dict()

    sent = lambda label: [(h.resource, h.detail, h.source, h.by) for h in trace[label].hops if h.action == "sent" and h.by == "learner"]  # noqa: E731
    assert sent("order #1") == [("confirmations", "thanks #x", "function:handler", "learner")]
    assert sent("order #3") == [("confirmations", "thanks #xxx", "function:handler", "learner")]
    assert sent("order #2") == []
    assert trace["order #1"].outcome == "ok" and trace["order #2"].outcome == "bad"
    assert [h.action for h in trace["order #2"].hops] == ["sent", "received", "invoked", "failed", "visibility-changed", "dead-lettered"]
    assert "order 2 is not confirmed" in next(h.detail for h in trace["order #2"].hops if h.action == "failed")

    # What the learner's setup() sent outside any invocation is a message of its own.
    setup = trace["hello from setup"]
    assert [(h.action, h.resource, h.by) for h in setup.hops] == [("sent", "learner-setup", "learner")]


CONCURRENT_GRADER = '''
def grade(run):
    sqs = run.client("sqs")
    orders = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.create_queue(QueueName="confirmations")
    for n in (1, 2):
        sent = sqs.send_message(QueueUrl=orders, MessageBody='{"order": %d}' % n)
        run.label(sent["MessageId"], "order #%d" % n, reach=["confirmations"])
    invocations = run.deliver_sqs(orders, batch_size=1, concurrency=2)
    run.check("together", "both orders in one round", 1, [i.round for i in invocations] == [0, 0] and all(i.ok for i in invocations),
              str([(i.round, i.ok, i.error and i.error.describe()) for i in invocations]))
'''

CONCURRENT_LEARNER = '''
import json
import threading

import boto3

sqs = boto3.client("sqs")
barrier = threading.Barrier(2, timeout=5)


def handler(event, context):
    url = sqs.get_queue_url(QueueName="confirmations")["QueueUrl"]
    order = json.loads(event["Records"][0]["body"])["order"]
    barrier.wait()  # both invocations are running now, so two are in progress
    # The body shares nothing with the order: only the header can tell them apart.
    sqs.send_message(QueueUrl=url, MessageBody="thanks #" + "x" * order)
'''


def test_two_concurrent_invocations_each_name_their_own_message(settings):
    verdict = labs.engine.grade_source(slug="trace-probe", time_limit_s=10, grader_files={"grader.py": CONCURRENT_GRADER}, code=CONCURRENT_LEARNER)
    assert verdict.checkpoints[0].passed, verdict.to_dict()
    trace = {entry.label or entry.body: entry for entry in verdict.trace}
    sent = lambda label: [h.detail for h in trace[label].hops if h.action == "sent" and h.by == "learner"]  # noqa: E731
    assert sent("order #1") == ["thanks #x"]
    assert sent("order #2") == ["thanks #xx"]
    assert not any(entry.body.startswith("thanks") for entry in verdict.trace)  # no send became a message of its own


WORKER_GRADER = '''
import json


def grade(run):
    kinesis = run.client("kinesis")
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    for order in ("o-1", "o-2"):
        kinesis.put_record(StreamName="orders", Data=json.dumps({"orderId": order}).encode(), PartitionKey=order)
        run.label(json.dumps({"orderId": order}), order, reach=["consume", "processed"])
    shard = kinesis.list_shards(StreamName="orders")["Shards"][0]["ShardId"]
    processed = run.invoke("consume", shard, reads="orders")
    run.check("consumed", "consume read both", 1, processed == 2, str(processed))
'''

WORKER = '''
import json

import boto3

kinesis, sqs = boto3.client("kinesis"), boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="processed")


def consume(shard_id):
    url = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    iterator = kinesis.get_shard_iterator(StreamName="orders", ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    for record in reversed(records):  # the send joins the record it names, not the one read last
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"orderId": json.loads(record["Data"])["orderId"], "done": True}))
    return len(records)
'''


def test_a_worker_invocation_follows_each_record_it_reads_to_what_it_sends(settings):
    verdict = labs.engine.grade_source(slug="worker-probe", time_limit_s=10, grader_files={"grader.py": WORKER_GRADER}, code=WORKER)
    assert verdict.checkpoints[0].passed, verdict.to_dict()
    trace = {entry.label: entry for entry in verdict.trace}
    assert set(trace) == {"o-1", "o-2"} and {e.outcome for e in trace.values()} == {"ok"}
    for order, entry in trace.items():
        assert [(h.action, h.resource, h.source) for h in entry.hops] == [
            ("put-record", "orders", "grader:grader"), ("read", "consume", "stream:orders"), ("sent", "processed", "function:consume"),
        ]
        assert json.loads(entry.hops[2].detail)["orderId"] == order
