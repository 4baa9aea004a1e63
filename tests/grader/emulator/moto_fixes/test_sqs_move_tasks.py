import json
import time

import pytest
from botocore.exceptions import ClientError

from tests.grader.emulator.moto_fixes.conftest import upstream_bug


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def dead_letter(sqs, url, bodies):
    """Send, then receive without deleting until the redrive policy (maxReceiveCount 1) moves them."""
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}})
    for _ in range(len(bodies) * 2 + 2):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)


def pipe(sqs, name="work", dlq=None):
    dlq_url = dlq or sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn_of(sqs, dlq_url), "maxReceiveCount": "1"})
    url = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": policy})["QueueUrl"]
    return url, dlq_url


def bodies_in(sqs, url):
    found = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", []):
        found += [m["Body"] for m in batch]
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return sorted(found)


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_messages_go_back_to_their_source_queue_and_the_task_completes(aws):
    sqs = aws("sqs")
    url, dlq = pipe(sqs)
    dead_letter(sqs, url, ["a", "b", "c"])
    assert bodies_in(sqs, url) == []
    handle = sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))["TaskHandle"]
    assert handle
    [task] = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"]
    assert task["Status"] == "COMPLETED"
    assert (task["ApproximateNumberOfMessagesMoved"], task["ApproximateNumberOfMessagesToMove"]) == (3, 3)
    assert "DestinationArn" not in task and "TaskHandle" not in task
    assert bodies_in(sqs, dlq) == []
    assert bodies_in(sqs, url) == ["a", "b", "c"]


def test_moved_messages_start_their_receive_count_afresh(aws):
    sqs = aws("sqs")
    url, dlq = pipe(sqs)
    dead_letter(sqs, url, ["again"])
    sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))
    [message] = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"])["Messages"]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert message["MessageAttributes"]["kind"]["StringValue"] == "test"


def test_each_message_returns_to_the_queue_it_failed_in(aws):
    sqs = aws("sqs")
    first, dlq = pipe(sqs, "first")
    second, _ = pipe(sqs, "second", dlq=dlq)
    dead_letter(sqs, first, ["from-first"])
    dead_letter(sqs, second, ["from-second"])
    sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq))
    assert bodies_in(sqs, first) == ["from-first"]
    assert bodies_in(sqs, second) == ["from-second"]


def test_an_explicit_destination_receives_everything(aws):
    sqs = aws("sqs")
    url, dlq = pipe(sqs)
    other = sqs.create_queue(QueueName="elsewhere")["QueueUrl"]
    dead_letter(sqs, url, ["x", "y"])
    sqs.start_message_move_task(SourceArn=arn_of(sqs, dlq), DestinationArn=arn_of(sqs, other))
    [task] = sqs.list_message_move_tasks(SourceArn=arn_of(sqs, dlq))["Results"]
    assert task["DestinationArn"] == arn_of(sqs, other)
    assert bodies_in(sqs, other) == ["x", "y"]


def test_a_queue_that_is_nobodys_dead_letter_queue_is_refused(aws):
    sqs = aws("sqs")
    plain = sqs.create_queue(QueueName="plain")["QueueUrl"]
    assert error_of(sqs.start_message_move_task, SourceArn=arn_of(sqs, plain)) == (
        "InvalidParameterValue",
        "Source queue must be configured as a Dead Letter Queue.",
    )


def test_missing_queues_are_resource_not_found(aws):
    sqs = aws("sqs")
    code, message = error_of(sqs.start_message_move_task, SourceArn="arn:aws:sqs:us-east-1:123456789012:nope")
    assert code == "ResourceNotFoundException" and "SourceArn" in message
    url, dlq = pipe(sqs)
    code, message = error_of(sqs.start_message_move_task, SourceArn=arn_of(sqs, dlq), DestinationArn="arn:aws:sqs:us-east-1:123456789012:gone")
    assert code == "ResourceNotFoundException" and "DestinationArn" in message


def test_a_rate_limited_task_runs_until_cancelled_and_a_second_start_is_refused(aws):
    sqs = aws("sqs")
    url, dlq = pipe(sqs)
    dead_letter(sqs, url, [f"m{i}" for i in range(5)])
    source = arn_of(sqs, dlq)
    handle = sqs.start_message_move_task(SourceArn=source, MaxNumberOfMessagesPerSecond=2)["TaskHandle"]
    [running] = sqs.list_message_move_tasks(SourceArn=source)["Results"]
    assert running["Status"] == "RUNNING" and running["TaskHandle"] == handle and running["MaxNumberOfMessagesPerSecond"] == 2
    assert running["ApproximateNumberOfMessagesToMove"] == 5
    code, message = error_of(sqs.start_message_move_task, SourceArn=source)
    assert code == "InvalidParameterValue" and "already a task running" in message
    time.sleep(0.3)
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert 1 <= moved < 5
    [cancelled] = sqs.list_message_move_tasks(SourceArn=source)["Results"]
    assert cancelled["Status"] == "CANCELLED" and "TaskHandle" not in cancelled
    assert error_of(sqs.cancel_message_move_task, TaskHandle=handle) == ("ResourceNotFoundException", "Task does not exist.")


def test_a_garbage_task_handle_is_invalid(aws):
    sqs = aws("sqs")
    assert error_of(sqs.cancel_message_move_task, TaskHandle="not-a-handle") == (
        "InvalidParameterValue",
        "Value for parameter TaskHandle is invalid.",
    )


def test_the_newest_task_is_listed_first_and_max_results_is_honoured(aws):
    sqs = aws("sqs")
    url, dlq = pipe(sqs)
    source = arn_of(sqs, dlq)
    dead_letter(sqs, url, ["one"])
    sqs.start_message_move_task(SourceArn=source)
    bodies_in(sqs, url)
    sqs.start_message_move_task(SourceArn=source)  # nothing left to move
    results = sqs.list_message_move_tasks(SourceArn=source, MaxResults=10)["Results"]
    assert [r["ApproximateNumberOfMessagesToMove"] for r in results] == [0, 1]
    assert len(sqs.list_message_move_tasks(SourceArn=source)["Results"]) == 1


def test_a_destination_deleted_mid_task_fails_it_with_the_reason(aws):
    sqs = aws("sqs")
    url, dlq = pipe(sqs)
    other = sqs.create_queue(QueueName="temporary")["QueueUrl"]
    dead_letter(sqs, url, ["p", "q", "r"])
    source = arn_of(sqs, dlq)
    sqs.start_message_move_task(SourceArn=source, DestinationArn=arn_of(sqs, other), MaxNumberOfMessagesPerSecond=5)
    sqs.delete_queue(QueueUrl=other)
    deadline = time.monotonic() + 5
    while (task := sqs.list_message_move_tasks(SourceArn=source)["Results"][0])["Status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert task["Status"] == "FAILED"
    assert task["FailureReason"] == "AWS.SimpleQueueService.NonExistentQueue"


def test_apply_is_idempotent():
    from grader.emulator import moto_fixes
    from moto.sqs.models import SQSBackend

    moto_fixes.apply()
    wrapped = SQSBackend.receive_message
    moto_fixes.apply()
    assert SQSBackend.receive_message is wrapped


@upstream_bug
def test_plain_moto_starts_a_message_move_task(plain_moto):
    assert plain_moto["sqs.start_message_move_task"] == ["ok", True]
