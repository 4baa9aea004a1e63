"""A right answer: both rules described as data, created in one loop."""

import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")

SHOP = {"source": ["com.shop.orders"], "detail-type": ["OrderPlaced"]}
RULES = [
    {
        "name": "high-value-orders",
        "queue": "high-value",
        "pattern": {**SHOP, "detail": {"tier": ["enterprise", "premium"], "total": [{"numeric": [">", 1000]}]}},
        "target": {},
    },
    {
        "name": "eu-orders",
        "queue": "eu-orders",
        "pattern": {**SHOP, "detail": {"region": [{"prefix": "eu-"}]}},
        "target": {
            "InputTransformer": {
                "InputPathsMap": {"id": "$.detail.orderId", "where": "$.detail.region"},
                "InputTemplate": '{"orderId":<id>,"region":<where>}',
            }
        },
    },
]


def queue_policy(queue_arn, rule_arn):
    """EventBridge may send to the queue, for this rule only."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "rule-may-send",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["sqs:SendMessage"],
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }],
    })


def setup():
    bus = events.create_event_bus(Name="orders-bus")["EventBusArn"]
    for rule in RULES:
        url = sqs.create_queue(QueueName=rule["queue"])["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        rule_arn = events.put_rule(Name=rule["name"], EventBusName=bus, EventPattern=json.dumps(rule["pattern"]), State="ENABLED")["RuleArn"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": queue_policy(arn, rule_arn)})
        events.put_targets(Rule=rule["name"], EventBusName=bus, Targets=[{"Id": "1", "Arn": arn, **rule["target"]}])
