import json

import pytest

from grader.emulator.moto_fixes.events_delivery import MISSING, render_template
from tests.grader.emulator.moto_fixes.conftest import upstream_bug
from tests.grader.emulator.service_access import allow_eventbridge, allow_topic

PATTERN = json.dumps({"source": ["com.shop"], "detail-type": ["OrderPlaced"]})


def setup_rule(aws, **target_options):
    sqs, events = aws("sqs"), aws("events")
    url = sqs.create_queue(QueueName="out")["QueueUrl"]
    arn = allow_eventbridge(sqs, url)
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": arn, **target_options}])
    return sqs, events, url


def put(events, detail, **extra):
    return events.put_events(Entries=[{"Source": "com.shop", "DetailType": "OrderPlaced", "Detail": json.dumps(detail), **extra}])


def bodies(sqs, url):
    return [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])]


def test_unquoted_string_placeholders_are_quoted_for_you(aws):
    sqs, events, url = setup_rule(
        aws,
        InputTransformer={
            "InputPathsMap": {"id": "$.detail.orderId", "total": "$.detail.total", "tags": "$.detail.tags"},
            "InputTemplate": '{"orderId": <id>, "total": <total>, "tags": <tags>, "text": "order <id> for <total>"}',
        },
    )
    put(events, {"orderId": "o-\"7\"", "total": 12.5, "tags": ["a", "b"]})
    [body] = bodies(sqs, url)
    assert json.loads(body) == {"orderId": 'o-"7"', "total": 12.5, "tags": ["a", "b"], "text": 'order o-"7" for 12.5'}


def test_a_path_that_matches_nothing_gives_null(aws):
    sqs, events, url = setup_rule(
        aws, InputTransformer={"InputPathsMap": {"region": "$.detail.region"}, "InputTemplate": '{"region": <region>, "note": "in <region>"}'}
    )
    put(events, {"orderId": "o-1"})
    assert json.loads(bodies(sqs, url)[0]) == {"region": None, "note": "in "}


def test_a_plain_text_template_is_delivered_as_text(aws):
    sqs, events, url = setup_rule(
        aws, InputTransformer={"InputPathsMap": {"id": "$.detail.orderId"}, "InputTemplate": "Order <id> was placed"}
    )
    put(events, {"orderId": "o-9"})
    assert bodies(sqs, url) == ["Order o-9 was placed"]


def test_without_a_transformer_the_full_envelope_arrives(aws):
    sqs, events, url = setup_rule(aws)
    put(events, {"orderId": "o-2"})
    event = json.loads(bodies(sqs, url)[0])
    assert set(event) == {"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"}
    assert event["account"] == "123456789012" and event["time"].endswith("Z")


def test_input_and_input_path_are_honoured(aws):
    sqs, events, url = setup_rule(aws, InputPath="$.detail")
    put(events, {"orderId": "o-3"})
    assert json.loads(bodies(sqs, url)[0]) == {"orderId": "o-3"}
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": events.list_targets_by_rule(Rule="r")["Targets"][0]["Arn"], "Input": '{"fixed": true}'}])
    put(events, {"orderId": "o-4"})
    assert bodies(sqs, url) == ['{"fixed": true}']


def test_a_disabled_rule_delivers_nothing(aws):
    sqs, events, url = setup_rule(aws)
    events.disable_rule(Name="r")
    put(events, {"orderId": "o-5"})
    assert bodies(sqs, url) == []


def test_targets_that_cannot_receive_do_not_break_put_events_or_the_other_targets(aws):
    sqs, events, url = setup_rule(aws)
    dlq = sqs.create_queue(QueueName="rule-dlq")["QueueUrl"]
    dlq_arn = allow_eventbridge(sqs, dlq)
    events.put_targets(
        Rule="r",
        Targets=[
            {"Id": "fn", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:process", "DeadLetterConfig": {"Arn": dlq_arn}},
            {"Id": "gone", "Arn": "arn:aws:sqs:us-east-1:123456789012:deleted-queue"},
            {"Id": "stream", "Arn": "arn:aws:kinesis:us-east-1:123456789012:stream/orders"},
        ],
    )
    response = put(events, {"orderId": "o-6"})
    assert response["FailedEntryCount"] == 0 and response["Entries"][0]["EventId"]
    assert len(bodies(sqs, url)) == 1
    [dead] = sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"])["Messages"]
    assert dead["MessageAttributes"]["TARGET_ARN"]["StringValue"].endswith("function:process")
    assert dead["MessageAttributes"]["RULE_ARN"]["StringValue"].endswith("rule/r")
    assert json.loads(dead["Body"])["detail"] == {"orderId": "o-6"}


def test_an_sns_target_publishes_to_the_topic(aws):
    sqs, events, _ = setup_rule(aws)
    sns = aws("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    fan = sqs.create_queue(QueueName="fan")["QueueUrl"]
    fan_arn = allow_topic(sqs, fan, topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=fan_arn, Attributes={"RawMessageDelivery": "true"})
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic}]}))
    events.put_targets(Rule="r", Targets=[{"Id": "topic", "Arn": topic, "InputPath": "$.detail"}])
    assert put(events, {"orderId": "o-8"})["FailedEntryCount"] == 0
    assert bodies(sqs, fan) == ['{"orderId": "o-8"}']


def test_a_topic_whose_policy_does_not_let_eventbridge_publish_gets_nothing(aws):
    sqs, events, _ = setup_rule(aws)
    sns = aws("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]  # the default policy: only the owner account's principals
    fan = sqs.create_queue(QueueName="fan")["QueueUrl"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=allow_topic(sqs, fan, topic), Attributes={"RawMessageDelivery": "true"})
    dlq = sqs.create_queue(QueueName="rule-dlq")["QueueUrl"]
    events.put_targets(Rule="r", Targets=[{"Id": "topic", "Arn": topic, "DeadLetterConfig": {"Arn": allow_eventbridge(sqs, dlq)}}])
    put(events, {"orderId": "o-9"})
    assert bodies(sqs, fan) == []
    [dead] = sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"])["Messages"]
    assert dead["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "NO_PERMISSIONS"
    assert "orders' access policy does not let rule r publish" in dead["MessageAttributes"]["ERROR_MESSAGE"]["StringValue"]


@pytest.mark.parametrize(
    "template, expected",
    [
        ('{"a": <s>}', '{"a": "x\\ty"}'),
        ('["<s>", <n>]', '["x\\ty", 3]'),
        ('"<s> and <n>"', '"x\\ty and 3"'),
        ('{"a": "<missing>", "b": <missing>}', '{"a": "", "b": null}'),
        ('{"a": "<unknown>"}', '{"a": "<unknown>"}'),
        ('{"a": "quote \\" <n>"}', '{"a": "quote \\" 3"}'),
    ],
)
def test_render_template_fills_by_position(template, expected):
    assert render_template(template, {"s": "x\ty", "n": 3, "missing": MISSING}) == expected


@upstream_bug
def test_plain_moto_fills_an_input_transformer_placeholder_as_json(plain_moto):
    assert plain_moto["events.transformer.put"] == ["ok", 0]
    assert plain_moto["events.transformer.bodies"] == ["ok", ['{"orderId": "o-1"}']]


@upstream_bug
def test_plain_moto_delivers_a_targets_constant_input(plain_moto):
    assert plain_moto["events.input.bodies"] == ["ok", ['{"fixed": true}']]


@upstream_bug
def test_plain_moto_delivers_a_targets_input_path(plain_moto):
    assert plain_moto["events.input_path.bodies"] == ["ok", ['{"a": 1}']]


@upstream_bug
def test_plain_moto_delivers_nothing_for_a_disabled_rule(plain_moto):
    assert plain_moto["events.disabled.bodies"] == ["ok", []]


@upstream_bug
def test_plain_moto_delivers_to_an_sns_target(plain_moto):
    assert plain_moto["events.sns_target.put"] == ["ok", 0]
    assert plain_moto["events.sns_target.bodies"] == ["ok", 1]


@upstream_bug
def test_plain_moto_accepts_put_events_when_a_target_cannot_receive(plain_moto):
    assert plain_moto["events.missing_target.put"] == ["ok", 0]
