import json

from grader import trace
from tests.grader.emulator.trace_hooks.conftest import actions, entries


def queue_with_dlq(sqs, max_receives=2):
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": str(max_receives)})
    return sqs.create_queue(QueueName="work", Attributes={"RedrivePolicy": policy})["QueueUrl"], dlq, arn


def test_a_message_is_followed_through_receives_to_its_dead_letter_queue(aws, recorder):
    sqs = aws("sqs")
    url, dlq, _ = queue_with_dlq(sqs)
    sent = sqs.send_message(QueueUrl=url, MessageBody="poison")
    for _ in range(3):
        for message in sqs.receive_message(QueueUrl=url).get("Messages", []):
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    [entry] = entries(recorder)
    assert entry["body"] == "poison"
    assert actions(entry) == [
        ("sent", "work"), ("received", "work"), ("visibility-changed", "work"),
        ("received", "work"), ("visibility-changed", "work"), ("dead-lettered", "work-dlq"),
    ]
    received = [hop["count"] for hop in entry["hops"] if hop["action"] == "received"]
    assert received == [1, 2]
    dead = entry["hops"][-1]
    assert dead["kind"] == "dlq" and dead["source"] == "queue:work" and "maxReceiveCount 2" in dead["detail"]
    assert recorder.label(sent["MessageId"], "the poison one")
    assert recorder.export()[0].label == "the poison one"


def test_a_deleted_message_and_a_batch_are_each_followed(aws, recorder):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="plain")["QueueUrl"]
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "one"}, {"Id": "b", "MessageBody": "two"}])
    for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert [actions(e) for e in entries(recorder)] == [[("sent", "plain"), ("received", "plain"), ("deleted", "plain")]] * 2
    assert [e["hops"][0]["by"] for e in entries(recorder)] == [trace.GRADER] * 2


def test_a_fifo_duplicate_is_traced_as_dropped(aws, recorder):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="ledger.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    for _ in range(2):
        sqs.send_message(QueueUrl=url, MessageBody="deposit", MessageGroupId="a", MessageDeduplicationId="a-1")
    first, again = entries(recorder)
    assert actions(first) == [("sent", "ledger.fifo")] and first["hops"][0]["kind"] == "fifo"
    assert actions(again) == [("sent", "ledger.fifo"), ("deduplicated", "ledger.fifo")]
    assert "a-1" in again["hops"][1]["detail"]
    assert recorder.label("deposit", "the deposit") and recorder.label("deposit", "its retry")
    assert [e.label for e in recorder.export()] == ["the deposit", "its retry"]


def test_a_move_task_moves_the_message_back_and_the_entry_follows_it(aws, recorder):
    sqs = aws("sqs")
    url, dlq, dlq_arn = queue_with_dlq(sqs, max_receives=1)
    sqs.send_message(QueueUrl=url, MessageBody="retry me")
    for _ in range(2):
        for message in sqs.receive_message(QueueUrl=url).get("Messages", []):
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    sqs.start_message_move_task(SourceArn=dlq_arn)
    import time

    for _ in range(100):
        if sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]["Status"] != "RUNNING":
            break
        time.sleep(0.05)
    [entry] = entries(recorder)
    assert actions(entry)[-2:] == [("dead-lettered", "work-dlq"), ("moved", "work")]
    assert entry["hops"][-1]["source"] == "dlq:work-dlq" and entry["hops"][-1]["by"] == trace.AWS
