"""Run.invoke calls a learner's worker function and the trace follows the
records it reads into what it sends; Run.learner_calls counts its API calls."""

import json

from moto import mock_aws

from grader.inprocess import grade_in_process

GRADER = '''
def grade(run):
    kinesis, sqs = run.client("kinesis"), run.client("sqs")
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    for order in ("o-1", "o-2", "o-3"):
        kinesis.put_record(StreamName="orders", Data=json.dumps({"orderId": order, "amount": 5}).encode(), PartitionKey=order)
    shard = kinesis.list_shards(StreamName="orders")["Shards"][0]["ShardId"]
    try:
        result = run.invoke("consume", shard, 3, reads="orders")
    except LearnerError as error:
        result = error.describe()
    run.check("called", "called", 1, True, json.dumps({
        "result": result,
        "sends": run.learner_calls("sqs", "SendMessage"),
        "gets": run.learner_calls("kinesis", "GetRecords"),
    }))
'''

LEARNER = '''
import json
import boto3

kinesis, sqs = boto3.client("kinesis"), boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="processed")


def consume(shard_id, limit):
    url = sqs.get_queue_url(QueueName="processed")["QueueUrl"]
    iterator = kinesis.get_shard_iterator(StreamName="orders", ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator, Limit=limit)["Records"]
    for record in records:
        order = json.loads(record["Data"])
        if order["orderId"] == CRASH_AT:
            raise RuntimeError("crashed at " + CRASH_AT)
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"orderId": order["orderId"]}))
    return len(records)
'''


def grade(crash_at: str) -> dict:
    lab = {"slug": "invoke", "time_limit_s": 20, "grader_files": {"grader.py": "import json\nfrom grader import LearnerError\n" + GRADER}}
    with mock_aws():
        return grade_in_process(lab, LEARNER.replace("CRASH_AT", repr(crash_at))).to_dict()


def test_each_record_read_steps_into_the_function_and_its_send_joins_it():
    verdict = grade(crash_at="none")
    assert json.loads(verdict["checkpoints"][0]["feedback"]) == {"result": 3, "sends": 3, "gets": 1}
    [first, *_] = verdict["trace"]
    assert [(h["action"], h["resource"], h.get("source")) for h in first["hops"]] == [
        ("put-record", "orders", "grader:grader"),
        ("read", "consume", "stream:orders"),
        ("sent", "processed", "function:consume"),
    ]
    assert first["hops"][2]["detail"] == '{"orderId": "o-1"}' and first["hops"][1]["by"] == "learner"
    assert len(verdict["trace"]) == 3  # the sends joined their records instead of starting entries


def test_a_failed_invocation_marks_the_records_it_read_and_did_not_answer():
    verdict = grade(crash_at="o-2")
    assert "RuntimeError: crashed at o-2" in json.loads(verdict["checkpoints"][0]["feedback"])["result"]
    failed = {entry["body"][:20]: [h["action"] for h in entry["hops"]][-1] for entry in verdict["trace"]}
    assert list(failed.values()) == ["sent", "failed", "failed"]
