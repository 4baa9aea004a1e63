import json

import pytest
from botocore.exceptions import ClientError

from tests.grader.emulator.moto_fixes.conftest import upstream_bug
from tests.grader.emulator.service_access import allow_topic


def topic_and_queue(aws):
    sns, sqs = aws("sns"), aws("sqs")
    topic = sns.create_topic(Name="events")["TopicArn"]
    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    arn = allow_topic(sqs, url, topic)
    return sns, sqs, topic, url, arn


def bodies(sqs, url):
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]


def test_a_filter_policy_that_is_not_json_is_invalid_parameter_and_creates_nothing(aws):
    sns, _, topic, _, arn = topic_and_queue(aws)
    with pytest.raises(ClientError) as caught:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"FilterPolicy": "{event_type: [order.created]}"})
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"
    assert "FilterPolicy" in caught.value.response["Error"]["Message"]
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


def test_a_filter_policy_that_is_not_an_object_is_invalid_parameter(aws):
    sns, _, topic, _, arn = topic_and_queue(aws)
    subscription = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    with pytest.raises(ClientError) as caught:
        sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy", AttributeValue='["order.created"]')
    assert caught.value.response["Error"]["Code"] == "InvalidParameter"


def test_or_in_message_body_scope_matches_either_branch(aws):
    sns, sqs, topic, url, arn = topic_and_queue(aws)
    policy = {"kind": ["order"], "$or": [{"total": [{"numeric": [">=", 100]}]}, {"customer": {"tier": ["gold"]}}]}
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"FilterPolicy": json.dumps(policy), "FilterPolicyScope": "MessageBody", "RawMessageDelivery": "true"},
    )
    messages = [
        {"kind": "order", "total": 150},  # first branch
        {"kind": "order", "total": 5, "customer": {"tier": "gold"}},  # second branch
        {"kind": "order", "total": 5, "customer": {"tier": "basic"}},  # neither
        {"kind": "refund", "total": 500},  # fails the key outside $or
        {"kind": "order"},  # branches' keys missing
    ]
    for message in messages:
        sns.publish(TopicArn=topic, Message=json.dumps(message))
    assert sorted(json.loads(b)["total"] for b in bodies(sqs, url)) == [5, 150]


def test_a_subscription_to_a_missing_queue_does_not_break_publish_for_others(aws):
    sns, sqs, topic, url, arn = topic_and_queue(aws)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint="arn:aws:sqs:us-east-1:123456789012:never-created")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    assert sns.publish(TopicArn=topic, Message="hello")["MessageId"]
    assert bodies(sqs, url) == ["hello"]


@upstream_bug
def test_plain_moto_refuses_a_filter_policy_that_is_not_json(plain_moto):
    assert plain_moto["sns.filter_not_json"] == ["client_error", "InvalidParameter"]


@upstream_bug
def test_plain_moto_refuses_a_filter_policy_that_is_not_an_object(plain_moto):
    assert plain_moto["sns.filter_not_object"] == ["client_error", "InvalidParameter"]


@upstream_bug
def test_plain_moto_matches_either_branch_of_or_in_message_body_scope(plain_moto):
    assert plain_moto["sns.or_in_body.matched"] == ["ok", 2]


@upstream_bug
def test_plain_moto_publishes_despite_a_subscription_to_a_missing_queue(plain_moto):
    assert plain_moto["sns.missing_queue.publish"] == ["ok", True]
