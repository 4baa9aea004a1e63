# Misconception: InputPath "$.detail" trims the event to what the warehouse needs; it passes the whole detail, total and tier included.
# fails: transformed-shape
import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")

BUS = "orders-bus"
ORDER_PLACED = {"source": ["com.shop.orders"], "detail-type": ["OrderPlaced"]}


def create_queue(name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def allow_rule(queue_url, queue_arn, rule_arn):
    """The queue policy real AWS needs before EventBridge may deliver."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy)})


def setup():
    events.create_event_bus(Name=BUS)
    high_url, high_arn = create_queue("high-value")
    eu_url, eu_arn = create_queue("eu-orders")

    high_value = {**ORDER_PLACED, "detail": {"total": [{"numeric": [">", 1000]}], "tier": ["premium", "enterprise"]}}
    rule_arn = events.put_rule(Name="high-value-orders", EventBusName=BUS, EventPattern=json.dumps(high_value))["RuleArn"]
    events.put_targets(Rule="high-value-orders", EventBusName=BUS, Targets=[{"Id": "high-value-queue", "Arn": high_arn}])
    allow_rule(high_url, high_arn, rule_arn)

    european = {**ORDER_PLACED, "detail": {"region": [{"prefix": "eu-"}]}}
    rule_arn = events.put_rule(Name="eu-orders", EventBusName=BUS, EventPattern=json.dumps(european))["RuleArn"]
    events.put_targets(
        Rule="eu-orders",
        EventBusName=BUS,
        Targets=[
            {
                "Id": "eu-orders-queue",
                "Arn": eu_arn,
                "InputPath": "$.detail",
            }
        ],
    )
    allow_rule(eu_url, eu_arn, rule_arn)
