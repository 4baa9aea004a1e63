"""A right answer: event patterns written as JSON text, queues created first,
each letting any rule on orders-bus send to it."""

import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")

HIGH_VALUE = """
{
  "source": ["com.shop.orders"],
  "detail-type": ["OrderPlaced"],
  "detail": {
    "total": [{"numeric": [">", 1000]}],
    "tier": ["premium", "enterprise"]
  }
}
"""
EUROPEAN = """
{
  "source": ["com.shop.orders"],
  "detail-type": ["OrderPlaced"],
  "detail": {"region": [{"prefix": "eu-"}]}
}
"""


def queue_arn(name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]["QueueArn"]
    _, _, _, region, account, _ = arn.split(":")
    rules_on_bus = f"arn:aws:events:{region}:{account}:rule/orders-bus/*"
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": arn,
            "Condition": {"ArnLike": {"aws:SourceArn": rules_on_bus}},
        }],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return arn


def setup():
    high_value, european = queue_arn("high-value"), queue_arn("eu-orders")
    events.create_event_bus(Name="orders-bus")

    events.put_rule(Name="high-value-orders", EventBusName="orders-bus", EventPattern=HIGH_VALUE)
    events.put_targets(Rule="high-value-orders", EventBusName="orders-bus", Targets=[{"Id": "hv", "Arn": high_value}])

    events.put_rule(Name="eu-orders", EventBusName="orders-bus", EventPattern=EUROPEAN)
    transformer = {
        "InputPathsMap": {"orderId": "$.detail.orderId", "region": "$.detail.region"},
        "InputTemplate": '{"region": <region>, "orderId": <orderId>}',
    }
    events.put_targets(
        Rule="eu-orders", EventBusName="orders-bus", Targets=[{"Id": "eu", "Arn": european, "InputTransformer": transformer}]
    )
