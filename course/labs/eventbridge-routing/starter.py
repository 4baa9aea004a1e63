"""Routing order events with EventBridge rules: starter."""

import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")


def queue_arn(name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def setup():
    events.create_event_bus(Name="orders-bus")
    high_value_arn = queue_arn("high-value")
    eu_orders_arn = queue_arn("eu-orders")

    # TODO: narrow this pattern: detail.total > 1000 and detail.tier premium or enterprise.
    pattern = {"source": ["com.shop.orders"], "detail-type": ["OrderPlaced"]}
    events.put_rule(Name="high-value-orders", EventBusName="orders-bus", EventPattern=json.dumps(pattern))
    events.put_targets(Rule="high-value-orders", EventBusName="orders-bus", Targets=[{"Id": "high-value", "Arn": high_value_arn}])

    # TODO: rule `eu-orders` on orders-bus for detail.region starting with "eu-",
    #       targeting eu_orders_arn through an InputTransformer that delivers
    #       {"orderId": ..., "region": ...}.
