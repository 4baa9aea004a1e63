import json

import pytest

from tests.grader.emulator.service_access import allow_topic
from tests.grader.emulator.trace_hooks.conftest import actions, entries


def subscribed(aws, policy, *, name="payments", raw=True, scope=None):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="order-events")["TopicArn"]
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = allow_topic(sqs, url, topic)
    attributes = {"FilterPolicy": json.dumps(policy), "RawMessageDelivery": "true" if raw else "false"}
    if scope:
        attributes["FilterPolicyScope"] = scope
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attributes)
    return sns, topic


def number(value):
    return {"DataType": "Number", "StringValue": str(value)}


def test_a_filtered_out_message_carries_the_failing_clause_and_the_value_it_had(aws, recorder):
    sns, topic = subscribed(aws, {"amount": [{"numeric": [">=", 100]}]})
    published = sns.publish(TopicArn=topic, Message='{"order": 3}', MessageAttributes={"amount": number(99.99)})
    sns.publish(TopicArn=topic, Message='{"order": 4}', MessageAttributes={"amount": number(100)})
    low, enough = entries(recorder)
    assert actions(low) == [("published", "order-events"), ("filtered-out", "payments")]
    hop = low["hops"][1]
    assert (hop["clause"], hop["seen"], hop["source"]) == ("amount >= 100", "99.99", "topic:order-events")
    assert hop["detail"] == "payments' filter policy wanted amount >= 100; this message had 99.99"
    assert actions(enough) == [("published", "order-events"), ("delivered", "payments")]
    assert recorder.label(published["MessageId"], "order #3", reach=["payments"])
    [judged, _] = recorder.export()
    assert judged.outcome == "bad" and judged.problems == ["should have reached payments"]


@pytest.mark.parametrize(
    "policy, attributes, clause, seen",
    [
        ({"region": [{"prefix": "eu-"}]}, {"region": {"DataType": "String", "StringValue": "europe-west2"}},
         'region starts with "eu-"', "europe-west2"),
        ({"event_type": [{"anything-but": ["order.cancelled"]}]}, {"event_type": {"DataType": "String", "StringValue": "order.cancelled"}},
         "event_type is anything but order.cancelled", "order.cancelled"),
        ({"event_type": ["order.created", "order.refunded"]}, {}, "event_type is order.created or order.refunded", "no event_type attribute"),
    ],
)
def test_each_kind_of_clause_is_said_in_words(aws, recorder, policy, attributes, clause, seen):
    sns, topic = subscribed(aws, policy)
    sns.publish(TopicArn=topic, Message="m", MessageAttributes=attributes)
    hop = entries(recorder)[0]["hops"][1]
    assert (hop["action"], hop["clause"], hop["seen"]) == ("filtered-out", clause, seen)


def test_a_message_body_policy_names_the_nested_key(aws, recorder):
    sns, topic = subscribed(aws, {"order": {"total": [{"numeric": [">", 1000]}]}}, scope="MessageBody")
    sns.publish(TopicArn=topic, Message=json.dumps({"order": {"total": 1000}}))
    hop = entries(recorder)[0]["hops"][1]
    assert (hop["clause"], hop["seen"]) == ("order.total > 1000", "1000")


def test_delivery_says_whether_it_was_raw_or_wrapped(aws, recorder):
    sns, topic = subscribed(aws, {}, raw=False)
    sns.publish(TopicArn=topic, Message="hello")
    hop = entries(recorder)[0]["hops"][1]
    assert (hop["action"], hop["detail"]) == ("delivered", "wrapped in SNS's JSON envelope")


def test_a_subscription_whose_queue_is_gone_is_undeliverable_and_the_others_still_deliver(aws, recorder):
    sns, topic = subscribed(aws, {})
    sqs = aws("sqs")
    gone = sqs.create_queue(QueueName="gone")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=gone, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    sqs.delete_queue(QueueUrl=gone)
    sns.publish(TopicArn=topic, Message="m")
    assert actions(entries(recorder)[0]) == [("published", "order-events"), ("delivered", "payments"), ("undeliverable", "gone")]


def test_a_delivery_the_queue_policy_refuses_is_undeliverable_with_the_reason(aws, recorder):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="order-events")["TopicArn"]
    rogue = sns.create_topic(Name="order-events-replay")["TopicArn"]
    url = sqs.create_queue(QueueName="payments")["QueueUrl"]
    arn = allow_topic(sqs, url, topic)
    sns.subscribe(TopicArn=rogue, Protocol="sqs", Endpoint=arn)
    sns.publish(TopicArn=rogue, Message="m")
    entry = entries(recorder)[0]
    assert actions(entry) == [("published", "order-events-replay"), ("undeliverable", "payments")]
    hop = entry["hops"][1]
    assert hop["source"] == "topic:order-events-replay"
    assert hop["detail"] == (
        "payments' queue policy does not let topic order-events-replay send (sqs:SendMessage as sns.amazonaws.com): no statement allows it"
    )


def test_a_fifo_topic_drops_a_retried_publish_at_the_topic(aws, recorder):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="order-events.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url = sqs.create_queue(QueueName="billing.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    arn = allow_topic(sqs, url, topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    for _ in range(2):
        sns.publish(TopicArn=topic, Message='{"orderId": "o-1"}', MessageGroupId="o-1", MessageDeduplicationId="evt-1")
    first, retry = entries(recorder)
    assert actions(first) == [("published", "order-events.fifo"), ("delivered", "billing.fifo")]
    assert actions(retry) == [("published", "order-events.fifo"), ("deduplicated", "order-events.fifo")]
    assert retry["hops"][1]["detail"] == "a message with deduplication id evt-1 was published less than 5 minutes before"
    assert recorder.label('{"orderId": "o-1"}', "o-1 created", reach=["billing.fifo"])
    assert recorder.label('{"orderId": "o-1"}', "retry of o-1 created", avoid=["billing.fifo"])
    assert [e.outcome for e in recorder.export()] == ["ok", "ok"]
