# Misconception: IAM permission to call PutTargets is all EventBridge needs; the queues need no policy letting events.amazonaws.com send.
# fails: high-value-routing
"""Both rules and their targets, and no queue policies."""

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


def setup():
    events.create_event_bus(Name=BUS)
    _, high_arn = create_queue("high-value")
    _, eu_arn = create_queue("eu-orders")

    high_value = {**ORDER_PLACED, "detail": {"total": [{"numeric": [">", 1000]}], "tier": ["premium", "enterprise"]}}
    events.put_rule(Name="high-value-orders", EventBusName=BUS, EventPattern=json.dumps(high_value))
    events.put_targets(Rule="high-value-orders", EventBusName=BUS, Targets=[{"Id": "high-value-queue", "Arn": high_arn}])

    european = {**ORDER_PLACED, "detail": {"region": [{"prefix": "eu-"}]}}
    events.put_rule(Name="eu-orders", EventBusName=BUS, EventPattern=json.dumps(european))
    events.put_targets(
        Rule="eu-orders",
        EventBusName=BUS,
        Targets=[
            {
                "Id": "eu-orders-queue",
                "Arn": eu_arn,
                "InputTransformer": {
                    "InputPathsMap": {"orderId": "$.detail.orderId", "region": "$.detail.region"},
                    "InputTemplate": '{"orderId": <orderId>, "region": <region>}',
                },
            }
        ],
    )
