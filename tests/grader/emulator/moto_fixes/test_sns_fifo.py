"""SNS FIFO topics: deduplication on the topic, content-based ids, sequence numbers."""

import hashlib
import json

import pytest
from botocore.exceptions import ClientError

from grader.emulator import clock
from tests.grader.emulator.moto_fixes.conftest import upstream_bug
from tests.grader.emulator.service_access import allow_topic


@pytest.fixture(autouse=True)
def fresh_clock():
    clock.reset()
    yield
    clock.reset()


def fifo_fanout(aws, *, topic_attributes=None, raw=True):
    """order-events.fifo with billing.fifo (raw unless told), shipping.fifo (never raw) and a standard queue,
    each with a policy letting the topic send (without one SNS delivers nothing, as on AWS)."""
    sns, sqs = aws("sns"), aws("sqs")
    attributes = {"FifoTopic": "true", **(topic_attributes or {})}
    topic = sns.create_topic(Name="order-events.fifo", Attributes=attributes)["TopicArn"]
    urls = {}
    for name, queue_attributes, subscription in (
        ("billing.fifo", {"FifoQueue": "true"}, {"RawMessageDelivery": "true" if raw else "false"}),
        ("shipping.fifo", {"FifoQueue": "true"}, {}),
        ("analytics", {}, {"RawMessageDelivery": "true"}),
    ):
        url = sqs.create_queue(QueueName=name, Attributes=queue_attributes)["QueueUrl"]
        arn = allow_topic(sqs, url, topic)
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=subscription)
        urls[name] = url
    return sns, sqs, topic, urls


def drain(sqs, url):
    messages = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]).get("Messages", []):
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def test_a_retry_after_every_copy_was_consumed_is_accepted_and_not_delivered(aws):
    sns, sqs, topic, urls = fifo_fanout(aws)
    first = sns.publish(TopicArn=topic, Message='{"orderId": "o-1"}', MessageGroupId="o-1", MessageDeduplicationId="evt-1")
    assert all(len(drain(sqs, url)) == 1 for url in urls.values())
    clock.advance(60)
    retry = sns.publish(TopicArn=topic, Message='{"orderId": "o-1"}', MessageGroupId="o-1", MessageDeduplicationId="evt-1")
    assert (retry["MessageId"], retry["SequenceNumber"]) == (first["MessageId"], first["SequenceNumber"])
    assert {name: drain(sqs, url) for name, url in urls.items()} == {name: [] for name in urls}


def test_the_same_id_is_delivered_again_after_the_five_minute_interval(aws):
    sns, sqs, topic, urls = fifo_fanout(aws)
    sns.publish(TopicArn=topic, Message="a", MessageGroupId="g", MessageDeduplicationId="evt-1")
    clock.advance(299)
    sns.publish(TopicArn=topic, Message="a", MessageGroupId="g", MessageDeduplicationId="evt-1")
    assert len(drain(sqs, urls["billing.fifo"])) == 1
    clock.advance(2)
    sns.publish(TopicArn=topic, Message="a", MessageGroupId="g", MessageDeduplicationId="evt-1")
    assert len(drain(sqs, urls["billing.fifo"])) == 1


def test_content_based_deduplication_hashes_the_body_and_passes_the_hash_on(aws):
    sns, sqs, topic, urls = fifo_fanout(aws, topic_attributes={"ContentBasedDeduplication": "true"})
    body = json.dumps({"orderId": "o-1", "type": "item-added", "sku": "tea-01"})
    sns.publish(TopicArn=topic, Message=body, MessageGroupId="o-1", MessageAttributes={"n": {"DataType": "String", "StringValue": "1"}})
    sns.publish(TopicArn=topic, Message=body, MessageGroupId="o-1", MessageAttributes={"n": {"DataType": "String", "StringValue": "2"}})
    sns.publish(TopicArn=topic, Message=body + " ", MessageGroupId="o-1")
    billing = drain(sqs, urls["billing.fifo"])
    assert [m["Body"] for m in billing] == [body, body + " "]
    assert billing[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(body.encode()).hexdigest()


def test_an_explicit_id_wins_over_content_based_deduplication(aws):
    sns, sqs, topic, urls = fifo_fanout(aws, topic_attributes={"ContentBasedDeduplication": "true"})
    for event_id in ("evt-1", "evt-2"):
        sns.publish(TopicArn=topic, Message="same body", MessageGroupId="o-1", MessageDeduplicationId=event_id)
    assert [m["Attributes"]["MessageDeduplicationId"] for m in drain(sqs, urls["billing.fifo"])] == ["evt-1", "evt-2"]


def test_a_fifo_queue_without_a_policy_gets_nothing_while_its_siblings_get_the_message(aws):
    sns, sqs, topic, urls = fifo_fanout(aws)
    sqs.set_queue_attributes(QueueUrl=urls["billing.fifo"], Attributes={"Policy": ""})
    answer = sns.publish(TopicArn=topic, Message="a", MessageGroupId="g", MessageDeduplicationId="evt-1")
    assert "SequenceNumber" in answer  # the publisher is never told
    assert drain(sqs, urls["billing.fifo"]) == []
    assert len(drain(sqs, urls["shipping.fifo"])) == 1


def test_without_an_id_or_content_based_deduplication_publish_is_refused(aws):
    sns, _, topic, _ = fifo_fanout(aws)
    with pytest.raises(ClientError) as caught:
        sns.publish(TopicArn=topic, Message="a", MessageGroupId="g")
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"


def test_message_group_scope_deduplicates_within_each_group_only(aws):
    sns, sqs, topic, urls = fifo_fanout(aws, topic_attributes={"FifoThroughputScope": "MessageGroup"})
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["FifoThroughputScope"] == "MessageGroup"
    for group in ("g1", "g2", "g1"):
        sns.publish(TopicArn=topic, Message=group, MessageGroupId=group, MessageDeduplicationId="evt-1")
    # The standard queue shows what the topic delivered (a FIFO queue would also need
    # DeduplicationScope messageGroup, or it drops the second evt-1 itself).
    assert [m["Body"] for m in drain(sqs, urls["analytics"])] == ["g1", "g2"]


def test_topic_scope_is_the_default_and_spans_groups(aws):
    sns, sqs, topic, urls = fifo_fanout(aws)
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["FifoThroughputScope"] == "Topic"
    for group in ("g1", "g2"):
        sns.publish(TopicArn=topic, Message=group, MessageGroupId=group, MessageDeduplicationId="evt-1")
    assert [m["Body"] for m in drain(sqs, urls["analytics"])] == ["g1"]


def test_sequence_numbers_increase_and_reach_the_envelope_which_is_unsigned(aws):
    sns, sqs, topic, urls = fifo_fanout(aws)
    answers = [sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"e{i}") for i in range(3)]
    batch = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
        {"Id": str(i), "Message": f"b{i}", "MessageGroupId": "g", "MessageDeduplicationId": f"b{i}"} for i in range(2)
    ])
    numbers = [int(a["SequenceNumber"]) for a in answers] + [int(e["SequenceNumber"]) for e in batch["Successful"]]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5 and all(len(str(n)) == 20 for n in numbers)
    envelopes = [json.loads(m["Body"]) for m in drain(sqs, urls["shipping.fifo"])]
    assert [e["SequenceNumber"] for e in envelopes] == [str(n) for n in numbers]
    assert [e["Message"] for e in envelopes] == ["m0", "m1", "m2", "b0", "b1"]
    assert not {"Signature", "SignatureVersion", "SigningCertURL"} & set(envelopes[0])
    assert envelopes[0]["Type"] == "Notification" and envelopes[0]["TopicArn"] == topic


def test_group_and_deduplication_ids_reach_fifo_queues_but_not_standard_ones(aws):
    sns, sqs, topic, urls = fifo_fanout(aws)
    for i, group in enumerate(("o-1", "o-2", "o-1")):
        sns.publish(TopicArn=topic, Message=f"{group}#{i}", MessageGroupId=group, MessageDeduplicationId=f"evt-{i}")
    billing = drain(sqs, urls["billing.fifo"])
    assert [(m["Body"], m["Attributes"]["MessageGroupId"], m["Attributes"]["MessageDeduplicationId"]) for m in billing] == [
        ("o-1#0", "o-1", "evt-0"), ("o-2#1", "o-2", "evt-1"), ("o-1#2", "o-1", "evt-2"),
    ]
    analytics = drain(sqs, urls["analytics"])
    assert len(analytics) == 3
    assert not any({"MessageGroupId", "MessageDeduplicationId"} & set(m["Attributes"]) for m in analytics)


def test_a_standard_topic_is_untouched(aws):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="plain")["TopicArn"]
    url = sqs.create_queue(QueueName="plain-q")["QueueUrl"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=allow_topic(sqs, url, topic))
    answer = sns.publish(TopicArn=topic, Message="x")
    assert "SequenceNumber" not in answer
    (message,) = drain(sqs, url)
    assert "Signature" in json.loads(message["Body"])


@upstream_bug
def test_canary_plain_moto_delivers_a_retry_after_the_first_copy_was_consumed(plain_moto):
    assert plain_moto["sns.fifo.retry_delivered"] == ["ok", 0]


@upstream_bug
def test_canary_plain_moto_fails_content_based_publish_to_a_queue_without_it(plain_moto):
    assert plain_moto["sns.fifo.content_based_publish"] == ["ok", True]


@upstream_bug
def test_canary_plain_moto_answers_without_a_sequence_number(plain_moto):
    assert plain_moto["sns.fifo.sequence_number"] == ["ok", True]


@upstream_bug
def test_canary_plain_moto_signs_the_fifo_envelope_without_a_sequence_number(plain_moto):
    assert plain_moto["sns.fifo.envelope_keys"] == ["ok", [False, True]]


@upstream_bug
def test_canary_plain_moto_gives_a_standard_queue_the_group_id(plain_moto):
    assert plain_moto["sns.fifo.standard_queue_group"] == ["ok", False]
