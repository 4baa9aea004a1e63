"""Injected faults as boto3 sees them: each kind's wire shape, under mock_aws
with the in-process learner marker and over HTTP through the emulator child's
guard (which marks every request on its socket as the learner's)."""

import json
import threading

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from grader.emulator import child, clock, faults, moto_fixes
from tests.grader.emulator.service_access import allow_eventbridge

REGION = "us-east-1"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@pytest.fixture(scope="module")
def guarded_server():
    """moto behind the emulator child's guard, as the sandbox reaches it."""
    moto_fixes.apply()
    mock = mock_aws()
    mock.start()
    server = make_server("127.0.0.1", 0, child.guard(DomainDispatcherApplication(create_backend_app)), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    mock.stop()


class World:
    """learner(service) makes the learner's calls; grader(service) the grader's own."""

    def __init__(self, mode, endpoint=None):
        self.mode, self.endpoint = mode, endpoint
        self.faults = faults.install(faults.Faults())

    def learner(self, service, config=NO_RETRIES):
        if self.mode == "server":
            return boto3.client(service, region_name=REGION, endpoint_url=self.endpoint, config=config)
        client = boto3.client(service, region_name=REGION, config=config)
        client.meta.events.register("before-call", lambda **kw: _enter(), unique_id="learner-in")
        client.meta.events.register("after-call", lambda **kw: _leave(), unique_id="learner-out")
        client.meta.events.register("after-call-error", lambda **kw: _leave(), unique_id="learner-err")
        return client

    def grader(self, service):
        return boto3.client(service, region_name=REGION)


_marks = threading.local()


def _enter():
    _marks.block = faults.learner_calls()
    _marks.block.__enter__()


def _leave():
    block = getattr(_marks, "block", None)
    if block is not None:
        _marks.block = None
        block.__exit__(None, None, None)


@pytest.fixture(params=["in-process", "server"])
def world(request, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    moto_fixes.apply()
    clock.reset()
    if request.param == "in-process":
        with mock_aws():
            _reset_backends()  # the server's mock may be active too: start from empty backends
            yield World("in-process")
    else:
        endpoint = request.getfixturevalue("guarded_server")
        _reset_backends()
        yield World("server", endpoint)
    faults.install(faults.Faults())
    clock.reset()


def _reset_backends():
    from moto.backends import get_backend

    for name in ("sqs", "kinesis", "events", "sns", "dynamodb"):
        get_backend(name).reset()


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def stream(world, name="clicks", shards=2):
    world.grader("kinesis").create_stream(StreamName=name, ShardCount=shards)
    return name


def stream_records(world, name):
    kinesis = world.grader("kinesis")
    found = []
    for shard in kinesis.list_shards(StreamName=name)["Shards"]:
        iterator = kinesis.get_shard_iterator(StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        found += [r["Data"].decode() for r in kinesis.get_records(ShardIterator=iterator)["Records"]]
    return sorted(found)


# --- throttling ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "service, action, call, expected",
    [
        ("kinesis", "PutRecord", lambda c: c.put_record(StreamName="clicks", Data=b"x", PartitionKey="k"), ("ProvisionedThroughputExceededException", 400)),
        ("sqs", "SendMessage", lambda c: c.send_message(QueueUrl=c.create_queue(QueueName="q")["QueueUrl"], MessageBody="m"), ("RequestThrottled", 400)),
        ("events", "PutEvents", lambda c: c.put_events(Entries=[{"Source": "s", "DetailType": "d", "Detail": "{}"}]), ("ThrottlingException", 400)),
        ("sns", "Publish", lambda c: c.publish(TopicArn=c.create_topic(Name="t")["TopicArn"], Message="m"), ("Throttled", 429)),
        ("dynamodb", "GetItem", lambda c: c.get_item(TableName="t", Key={"k": {"S": "a"}}), ("ProvisionedThroughputExceededException", 400)),
    ],
)
def test_a_throttled_call_gets_the_services_own_error(world, service, action, call, expected):
    if service == "kinesis":
        stream(world)
    if service == "dynamodb":
        world.grader("dynamodb").create_table(
            TableName="t", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )
    world.faults.throttle(service, action)
    client = world.learner(service)
    code, status, message = error_of(lambda: call(client))
    assert (code, status) == expected and message
    call(client)  # times=1: the next call goes through
    assert [(f["fault"], f["service"], f["target"]) for f in world.faults.injected] == [("throttle", service, action)]


def test_the_kinesis_throttle_names_the_stream(world):
    stream(world)
    world.faults.throttle("kinesis", "PutRecords")
    code, _, message = error_of(world.learner("kinesis").put_records, StreamName="clicks", Records=[{"Data": b"x", "PartitionKey": "k"}])
    assert message == "Rate exceeded for stream clicks under account 123456789012."


def test_boto3s_own_retries_absorb_a_single_throttle_as_on_aws(world):
    stream(world)
    world.faults.throttle("kinesis", "PutRecord")
    client = world.learner("kinesis", config=Config(retries={"mode": "standard", "max_attempts": 3}))
    response = client.put_record(StreamName="clicks", Data=b"x", PartitionKey="k")
    assert response["ResponseMetadata"]["RetryAttempts"] == 1


def test_a_fault_skips_the_first_calls_with_after_and_fires_times_times(world):
    url = world.grader("sqs").create_queue(QueueName="q")["QueueUrl"]
    world.faults.fail("sqs", "SendMessage", code="KMS.DisabledException", message="The KMS key is disabled.", after=1, times=2)
    client = world.learner("sqs")
    client.send_message(QueueUrl=url, MessageBody="1")
    assert error_of(client.send_message, QueueUrl=url, MessageBody="2")[:2] == ("KMS.DisabledException", 400)
    assert error_of(client.send_message, QueueUrl=url, MessageBody="3")[0] == "KMS.DisabledException"
    client.send_message(QueueUrl=url, MessageBody="4")
    left = world.grader("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in left) == ["1", "4"]


def test_the_graders_own_calls_are_never_faulted(world):
    url = world.grader("sqs").create_queue(QueueName="q")["QueueUrl"]
    world.faults.throttle("sqs", "SendMessage", times=5)
    world.grader("sqs").send_message(QueueUrl=url, MessageBody="grader")
    assert world.faults.injected == []


# --- partial failures -------------------------------------------------------------------
def test_failed_kinesis_records_are_not_written_and_report_their_shard(world):
    stream(world)
    world.faults.fail_records("kinesis", "PutRecords", select=lambda i, record: record["Data"] in ("b", "d"))
    records = [{"Data": d.encode(), "PartitionKey": d} for d in "abcd"]
    response = world.learner("kinesis").put_records(StreamName="clicks", Records=records)
    assert response["FailedRecordCount"] == 2
    results = response["Records"]
    assert [("ErrorCode" in r) for r in results] == [False, True, False, True]
    assert all(r["SequenceNumber"] and r["ShardId"] for r in (results[0], results[2]))
    failed = results[1]
    assert failed["ErrorCode"] == "ProvisionedThroughputExceededException"
    assert failed["ErrorMessage"].startswith("Rate exceeded for shard shardId-00000000000")
    assert failed["ErrorMessage"].endswith(" in stream clicks under account 123456789012.")
    assert stream_records(world, "clicks") == ["a", "c"]
    [injected] = world.faults.injected
    assert [f["index"] for f in injected["detail"]["failed"]] == [1, 3]


def test_the_failed_records_shard_is_the_one_its_key_hashes_to(world):
    stream(world)
    kinesis = world.learner("kinesis")
    shard = kinesis.put_record(StreamName="clicks", Data=b"probe", PartitionKey="user-7")["ShardId"]
    world.faults.fail_records("kinesis", "PutRecords", select=lambda i, record: True)
    response = kinesis.put_records(StreamName="clicks", Records=[{"Data": b"x", "PartitionKey": "user-7"}])
    assert response["FailedRecordCount"] == 1
    assert f"Rate exceeded for shard {shard} in stream clicks" in response["Records"][0]["ErrorMessage"]


def test_failed_sqs_batch_entries_come_back_in_failed(world):
    url = world.grader("sqs").create_queue(QueueName="q")["QueueUrl"]
    world.faults.fail_records("sqs", "SendMessageBatch", select=lambda i, entry: entry["Id"] == "b")
    response = world.learner("sqs").send_message_batch(QueueUrl=url, Entries=[{"Id": i, "MessageBody": i} for i in "abc"])
    assert sorted(s["Id"] for s in response["Successful"]) == ["a", "c"]
    assert response["Failed"] == [{"Id": "b", "SenderFault": False, "Code": "InternalError", "Message": "An internal error occurred."}]
    left = world.grader("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in left) == ["a", "c"]


def test_failed_eventbridge_entries_keep_their_place_and_are_not_delivered(world):
    sqs, events = world.grader("sqs"), world.grader("events")
    url = sqs.create_queue(QueueName="target")["QueueUrl"]
    arn = allow_eventbridge(sqs, url)
    events.put_rule(Name="all", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="all", Targets=[{"Id": "1", "Arn": arn}])
    world.faults.fail_records("events", "PutEvents", select=lambda i, entry: i == 0)
    entries = [{"Source": "shop", "DetailType": "order", "Detail": json.dumps({"n": n})} for n in (1, 2)]
    response = world.learner("events").put_events(Entries=entries)
    assert response["FailedEntryCount"] == 1
    assert response["Entries"][0] == {"ErrorCode": "ThrottlingException", "ErrorMessage": "Rate exceeded"}
    assert "EventId" in response["Entries"][1]
    delivered = [json.loads(m["Body"])["detail"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert delivered == [{"n": 2}]


def test_when_every_record_fails_nothing_is_written(world):
    stream(world)
    world.faults.fail_records("kinesis", "PutRecords", select=lambda i, record: True)
    response = world.learner("kinesis").put_records(StreamName="clicks", Records=[{"Data": b"a", "PartitionKey": "a"}])
    assert response["FailedRecordCount"] == 1 and stream_records(world, "clicks") == []


def test_fail_records_only_takes_batch_actions():
    with pytest.raises(ValueError):
        faults.Faults().fail_records("sqs", "SendMessage", select=lambda i, e: True)


# --- deliveries ---------------------------------------------------------------------------
def test_a_duplicate_is_delivered_again_after_the_first_delivery_was_deleted(world):
    sqs = world.grader("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="o-1")
    world.faults.duplicate("orders")
    consumer = world.learner("sqs")
    [first] = consumer.receive_message(QueueUrl=url)["Messages"]
    consumer.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    [again] = consumer.receive_message(QueueUrl=url)["Messages"]
    assert (again["MessageId"], again["Body"]) == (first["MessageId"], "o-1")
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    assert consumer.receive_message(QueueUrl=url).get("Messages", []) == []  # times=1


def test_a_later_duplicate_waits_for_the_emulator_clock(world):
    sqs = world.grader("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="o-1")
    sqs.send_message(QueueUrl=url, MessageBody="o-2")
    world.faults.duplicate("orders", select=lambda body: body == "o-2", delay_s=120)
    for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    clock.advance(121)
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["o-2"]
    assert world.faults.injected[0]["detail"]["delay_s"] == 120


def test_reorder_shuffles_a_standard_queue_and_leaves_fifo_alone(world):
    sqs = world.grader("sqs")
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    fifo = sqs.create_queue(QueueName="orders.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
    sent = [f"o-{i}" for i in range(8)]
    for body in sent:
        sqs.send_message(QueueUrl=url, MessageBody=body)
        sqs.send_message(QueueUrl=fifo, MessageBody=body, MessageGroupId="g")
    world.faults.reorder("orders")
    world.faults.reorder("orders.fifo")
    got = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert sorted(got) == sent and got != sent
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]] == sent
    assert [f["target"] for f in world.faults.injected] == ["orders"]


def test_the_verdict_carries_the_injected_faults():
    from grader.run import Run, run_grader

    class NoLearner:
        def has(self, name):
            return False

    run = Run(learner=NoLearner(), client_factory=lambda s: None)
    run.faults.record("throttle", "kinesis", "PutRecords", {"code": "ProvisionedThroughputExceededException"})

    def grade(run):
        run.check("x", "x", 1, True, "ok")

    verdict = run_grader(run, grade)
    assert verdict.faults[0]["fault"] == "throttle"
    faults.install(faults.Faults())


def test_kinesis_data_reaches_select_as_text(world):
    stream(world)
    seen = []
    world.faults.fail_records("kinesis", "PutRecords", select=lambda i, record: seen.append(record["Data"]) or False)
    world.learner("kinesis").put_records(StreamName="clicks", Records=[{"Data": json.dumps({"id": 1}).encode(), "PartitionKey": "u"}])
    assert seen == ['{"id": 1}']


def test_select_can_see_the_whole_call_to_fail_the_first_record_of_each_repeated_key(world):
    stream(world)

    def first_of_repeated_key(i, record, records):
        keys = [r["PartitionKey"] for r in records]
        return keys.count(record["PartitionKey"]) > 1 and keys.index(record["PartitionKey"]) == i

    world.faults.fail_records("kinesis", "PutRecords", select=first_of_repeated_key)
    records = [{"Data": f"{user}-{seq}".encode(), "PartitionKey": user} for user, seq in (("ann", 1), ("bob", 1), ("ann", 2), ("cy", 1), ("bob", 2))]
    response = world.learner("kinesis").put_records(StreamName="clicks", Records=records)
    assert [("ErrorCode" in r) for r in response["Records"]] == [True, True, False, False, False]
    assert stream_records(world, "clicks") == ["ann-2", "bob-2", "cy-1"]


# --- slow calls ---------------------------------------------------------------------
def parts_table(world):
    world.grader("dynamodb").create_table(
        TableName="parts", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )


def test_a_slow_call_moves_the_emulator_clock_by_its_seconds_in_turn(world):
    parts_table(world)
    world.faults.slow("dynamodb", "PutItem", seconds=[12, 20])
    client = world.learner("dynamodb")
    before = clock.offset()
    client.put_item(TableName="parts", Item={"k": {"S": "1"}})
    assert clock.offset() - before == pytest.approx(12)
    client.put_item(TableName="parts", Item={"k": {"S": "2"}})
    assert clock.offset() - before == pytest.approx(32)
    client.put_item(TableName="parts", Item={"k": {"S": "3"}})  # the list is spent: no more time
    assert clock.offset() - before == pytest.approx(32)
    assert world.grader("dynamodb").scan(TableName="parts")["Count"] == 3
    assert [(f["fault"], f["detail"]) for f in world.faults.injected] == [("slow", {"seconds": 12.0}), ("slow", {"seconds": 20.0})]


def test_a_slow_call_lets_a_visibility_timeout_run_out_while_it_runs(world):
    parts_table(world)
    sqs = world.grader("sqs")
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="job")
    assert sqs.receive_message(QueueUrl=url)["Messages"]
    world.faults.slow("dynamodb", "PutItem", seconds=31)  # one number: every call
    world.learner("dynamodb").put_item(TableName="parts", Item={"k": {"S": "1"}})
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url).get("Messages", [])] == ["job"]


def test_the_graders_own_calls_are_never_slow(world):
    parts_table(world)
    world.faults.slow("dynamodb", "PutItem", seconds=60)
    before = clock.offset()
    world.grader("dynamodb").put_item(TableName="parts", Item={"k": {"S": "1"}})
    assert clock.offset() == before and world.faults.injected == []


def test_slow_refuses_negative_seconds():
    with pytest.raises(ValueError):
        faults.Faults().slow("dynamodb", "PutItem", seconds=[3, -1])


def test_every_answer_over_the_socket_carries_the_clock_offset(guarded_server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    clock.reset()
    registry = faults.install(faults.Faults())
    try:
        client = boto3.client("sqs", region_name=REGION, endpoint_url=guarded_server, config=NO_RETRIES)
        seen = []
        client.meta.events.register("after-call", lambda http_response, **kw: seen.append(http_response.headers.get(clock.OFFSET_HEADER)))
        client.list_queues()
        clock.advance(42)
        registry.slow("sqs", "ListQueues", seconds=8)
        client.list_queues()  # the offset after the call: the slow call's own 8 s included
        assert [float(offset) for offset in seen] == [0.0, pytest.approx(50)]
    finally:
        faults.install(faults.Faults())
        clock.reset()
