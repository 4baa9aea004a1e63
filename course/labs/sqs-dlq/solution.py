"""Poison messages and the dead-letter queue: a reference solution."""

import json

import boto3

sqs = boto3.client("sqs")


def setup():
    dlq_url = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(
        QueueName="orders",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})},
    )
    sqs.create_queue(QueueName="order-confirmations")


def parse_order(body):
    """Return the order id of a valid order; raise ValueError for anything else."""
    order = json.loads(body)
    if not isinstance(order, dict):
        raise ValueError("an order must be a JSON object")
    order_id, quantity = order.get("orderId"), order.get("quantity")
    if not isinstance(order_id, str) or not order_id:
        raise ValueError(f"bad orderId: {order_id!r}")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValueError(f"bad quantity: {quantity!r}")
    return order_id


def handler(event, context):
    confirmations = sqs.get_queue_url(QueueName="order-confirmations")["QueueUrl"]
    for record in event["Records"]:
        order_id = parse_order(record["body"])
        sqs.send_message(QueueUrl=confirmations, MessageBody=json.dumps({"orderId": order_id}))
