"""SNS and EventBridge deliver to a queue only when the queue's policy (and KMS key) lets the topic or rule in."""

import json

import pytest
from botocore.exceptions import ClientError

from tests.grader.emulator.moto_fixes.conftest import upstream_bug

ACCOUNT = "123456789012"


def fan_out(aws, *topic_names, queue="inbox", attributes=None):
    sns, sqs = aws("sns"), aws("sqs")
    topics = [sns.create_topic(Name=name)["TopicArn"] for name in topic_names]
    url = sqs.create_queue(QueueName=queue, Attributes=attributes or {})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for topic in topics:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    return sns, sqs, topics, url, arn


def set_policy(sqs, url, *statements):
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})})


def allow(arn, *, principal=None, action="sqs:SendMessage", condition=None, effect="Allow"):
    statement = {"Effect": effect, "Principal": principal or {"Service": "sns.amazonaws.com"}, "Action": action, "Resource": arn}
    if condition is not None:
        statement["Condition"] = condition
    return statement


def publish_each(sns, topics):
    for topic in topics:
        sns.publish(TopicArn=topic, Message=topic.rsplit(":", 1)[-1])


def bodies(sqs, url):
    return sorted(m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []))


def test_a_queue_without_a_policy_receives_nothing_from_sns(aws):
    sns, sqs, topics, url, _ = fan_out(aws, "orders")
    publish_each(sns, topics)
    assert bodies(sqs, url) == []


def test_only_the_topic_named_in_source_arn_delivers(aws):
    sns, sqs, (orders, rogue), url, arn = fan_out(aws, "orders", "orders-replay")
    set_policy(sqs, url, allow(arn, condition={"ArnEquals": {"aws:SourceArn": orders}}))
    publish_each(sns, [orders, rogue])
    assert bodies(sqs, url) == ["orders"]


@pytest.mark.parametrize(
    "condition, delivered",
    [
        (None, ["orders", "orders-replay"]),  # any topic anywhere: the confused deputy
        ({"StringEquals": {"aws:SourceAccount": ACCOUNT}}, ["orders", "orders-replay"]),
        ({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:orders*"}}, ["orders", "orders-replay"]),
        ({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{ACCOUNT}:orders"}}, ["orders"]),
        ({"StringLike": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:orders"}}, ["orders"]),
        ({"StringEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:orders*"}}, []),  # no wildcards in StringEquals
        ({"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:orders-replay"}}, ["orders-replay"]),
        ({"ArnEquals": {"AWS:SOURCEARN": [f"arn:aws:sns:us-east-1:{ACCOUNT}:orders", "arn:aws:sns:us-east-1:1:x"]}}, ["orders"]),
    ],
)
def test_conditions_on_the_source(aws, condition, delivered):
    sns, sqs, topics, url, arn = fan_out(aws, "orders", "orders-replay")
    set_policy(sqs, url, allow(arn, condition=condition))
    publish_each(sns, topics)
    assert bodies(sqs, url) == delivered


@pytest.mark.parametrize(
    "principal, action, resource, delivered",
    [
        ("*", "sqs:SendMessage", None, True),
        ({"AWS": "*"}, "sqs:*", None, True),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "sqs:SendMessage", None, False),  # SNS is not a principal of the account
        ({"Service": "events.amazonaws.com"}, "sqs:SendMessage", None, False),
        ({"Service": ["events.amazonaws.com", "sns.amazonaws.com"]}, "SQS:sendmessage", None, True),
        ({"Service": "sns.amazonaws.com"}, "sqs:ReceiveMessage", None, False),
        ({"Service": "sns.amazonaws.com"}, "sqs:Send*", None, True),
        ({"Service": "sns.amazonaws.com"}, "sqs:SendMessage", "*", True),
        ({"Service": "sns.amazonaws.com"}, "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:other", False),
    ],
)
def test_principal_action_and_resource(aws, principal, action, resource, delivered):
    sns, sqs, (orders,), url, arn = fan_out(aws, "orders")
    statement = allow(arn, principal=principal, action=action, condition={"ArnEquals": {"aws:SourceArn": orders}})
    if resource:
        statement["Resource"] = resource
    set_policy(sqs, url, statement)
    publish_each(sns, [orders])
    assert bodies(sqs, url) == (["orders"] if delivered else [])


def test_an_explicit_deny_wins_and_a_tls_only_deny_lets_sns_through(aws):
    sns, sqs, (orders, rogue), url, arn = fan_out(aws, "orders", "orders-replay")
    set_policy(
        sqs, url,
        allow(arn, principal="*", condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}),
        allow(arn, principal="*", action="sqs:*", effect="Deny", condition={"ArnEquals": {"aws:SourceArn": rogue}}),
        allow(arn, principal="*", action="sqs:*", effect="Deny", condition={"Bool": {"aws:SecureTransport": "false"}}),
    )
    publish_each(sns, [orders, rogue])
    assert bodies(sqs, url) == ["orders"]


def test_a_deny_on_tls_requests_keeps_sns_out(aws):
    sns, sqs, (orders,), url, arn = fan_out(aws, "orders")
    set_policy(
        sqs, url,
        allow(arn, condition={"ArnEquals": {"aws:SourceArn": orders}}),
        allow(arn, principal="*", action="sqs:*", effect="Deny", condition={"Bool": {"aws:SecureTransport": "true"}}),
    )
    publish_each(sns, [orders])
    assert bodies(sqs, url) == []


def test_the_aws_managed_key_keeps_sns_out_and_sse_sqs_does_not(aws):
    sns, sqs, (orders,), url, arn = fan_out(aws, "orders", attributes={"SqsManagedSseEnabled": "true"})
    set_policy(sqs, url, allow(arn, condition={"ArnEquals": {"aws:SourceArn": orders}}))
    publish_each(sns, [orders])
    assert bodies(sqs, url) == ["orders"]
    sqs.purge_queue(QueueUrl=url)
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": "alias/aws/sqs"})
    publish_each(sns, [orders])
    assert bodies(sqs, url) == []


def test_a_customer_key_must_let_sns_use_it(aws):
    kms = aws("kms")
    sns, sqs, (orders,), url, arn = fan_out(aws, "orders")
    set_policy(sqs, url, allow(arn, condition={"ArnEquals": {"aws:SourceArn": orders}}))
    admin = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
    closed = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [admin]}))["KeyMetadata"]["KeyId"]
    sns_may = {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}
    open_key = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [admin, sns_may]}))["KeyMetadata"]["KeyId"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": closed})
    publish_each(sns, [orders])
    assert bodies(sqs, url) == []
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"KmsMasterKeyId": open_key})
    publish_each(sns, [orders])
    assert bodies(sqs, url) == ["orders"]


@pytest.mark.parametrize("policy", ["{'Version': '2012-10-17'}", "[]", "not json"])
def test_a_policy_that_is_not_a_json_object_is_invalid_attribute_value(aws, policy):
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    with pytest.raises(ClientError) as caught:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    assert caught.value.response["Error"]["Code"] == "InvalidAttributeValue"
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="other", Attributes={"Policy": policy})
    assert caught.value.response["Error"]["Code"] == "InvalidAttributeValue"


def test_setting_other_attributes_keeps_the_policy(aws):
    sns, sqs, (orders,), url, arn = fan_out(aws, "orders")
    set_policy(sqs, url, allow(arn, condition={"ArnEquals": {"aws:SourceArn": orders}}))
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"SqsManagedSseEnabled": "true", "VisibilityTimeout": "40"})
    assert json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])["Statement"][0]["Resource"] == arn
    publish_each(sns, [orders])
    assert bodies(sqs, url) == ["orders"]


def test_a_filtered_out_message_is_not_judged_by_the_policy(aws):
    sns, sqs, (orders,), url, arn = fan_out(aws, "orders")
    set_policy(sqs, url, allow(arn, condition={"ArnEquals": {"aws:SourceArn": orders}}))
    subscription = sns.list_subscriptions_by_topic(TopicArn=orders)["Subscriptions"][0]["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy", AttributeValue='{"kind": ["a"]}')
    sns.publish(TopicArn=orders, Message="b", MessageAttributes={"kind": {"DataType": "String", "StringValue": "b"}})
    sns.publish(TopicArn=orders, Message="a", MessageAttributes={"kind": {"DataType": "String", "StringValue": "a"}})
    assert bodies(sqs, url) == ["a"]


def route_to(aws, *, queue="routed", dlq_policy=True, statement=None):
    """A rule `orders` on the default bus with the queue as its target and a
    dead-letter queue (given a policy letting EventBridge in, or none)."""
    sqs, events = aws("sqs"), aws("events")
    url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    dlq = sqs.create_queue(QueueName=f"{queue}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rule_arn = events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    events.put_targets(Rule="orders", Targets=[{"Id": "q", "Arn": arn, "DeadLetterConfig": {"Arn": dlq_arn}}])
    if statement is not None:
        set_policy(sqs, url, statement(arn, rule_arn))
    if dlq_policy:
        set_policy(sqs, dlq, allow(dlq_arn, principal={"Service": "events.amazonaws.com"}, condition={"ArnEquals": {"aws:SourceArn": rule_arn}}))
    events.put_events(Entries=[{"Source": "shop", "DetailType": "OrderPlaced", "Detail": json.dumps({"orderId": "o-1"})}])
    return sqs, url, dlq


def dead_letters(sqs, dlq):
    return [
        {k: v["StringValue"] for k, v in m["MessageAttributes"].items()}
        for m in sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages", [])
    ]


def test_an_eventbridge_target_queue_without_a_policy_gets_nothing_and_the_event_is_dead_lettered_unretried(aws):
    sqs, url, dlq = route_to(aws)
    assert bodies(sqs, url) == []
    [attributes] = dead_letters(sqs, dlq)
    assert attributes["ERROR_CODE"] == "NO_PERMISSIONS" and attributes["RETRY_ATTEMPTS"] == "0"
    assert "events.amazonaws.com" in attributes["ERROR_MESSAGE"] and "no queue policy" in attributes["ERROR_MESSAGE"]


def test_an_eventbridge_target_queue_that_lets_its_rule_in_receives_the_event(aws):
    rule_only = lambda arn, rule_arn: allow(arn, principal={"Service": "events.amazonaws.com"}, condition={"ArnEquals": {"aws:SourceArn": rule_arn}})
    sqs, url, dlq = route_to(aws, statement=rule_only)
    assert len(bodies(sqs, url)) == 1 and dead_letters(sqs, dlq) == []


@pytest.mark.parametrize(
    "statement",
    [
        lambda arn, rule_arn: allow(arn),  # lets SNS in, not EventBridge
        lambda arn, rule_arn: allow(arn, principal={"Service": "events.amazonaws.com"}, condition={"ArnEquals": {"aws:SourceArn": rule_arn + "-other"}}),
    ],
    ids=["sns-principal", "another-rule"],
)
def test_an_eventbridge_target_queue_whose_policy_names_someone_else_gets_nothing(aws, statement):
    sqs, url, dlq = route_to(aws, statement=statement)
    assert bodies(sqs, url) == []
    assert [a["ERROR_CODE"] for a in dead_letters(sqs, dlq)] == ["NO_PERMISSIONS"]


def test_a_dead_letter_queue_without_a_policy_loses_the_event(aws):
    sqs, url, dlq = route_to(aws, dlq_policy=False)
    assert bodies(sqs, url) == [] and dead_letters(sqs, dlq) == []


@upstream_bug
def test_plain_moto_keeps_eventbridge_out_of_a_queue_without_a_policy(plain_moto):
    assert plain_moto["sqs.queue_policy.events_no_policy_bodies"] == ["ok", 0]


@upstream_bug
def test_plain_moto_keeps_sns_out_of_a_queue_without_a_policy(plain_moto):
    assert plain_moto["sqs.queue_policy.no_policy_bodies"] == ["ok", 0]


@upstream_bug
def test_plain_moto_keeps_a_topic_the_policy_does_not_name_out(plain_moto):
    assert plain_moto["sqs.queue_policy.rogue_bodies"] == ["ok", ["orders"]]


@upstream_bug
def test_plain_moto_refuses_a_policy_that_is_not_json(plain_moto):
    assert plain_moto["sqs.queue_policy.not_json"] == ["client_error", "InvalidAttributeValue"]


@upstream_bug
def test_plain_moto_keeps_the_policy_when_other_attributes_are_set(plain_moto):
    assert plain_moto["sqs.queue_policy.kept"] == ["ok", True]
