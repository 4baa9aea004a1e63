"""Poison messages and the dead-letter queue: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json

import boto3

sqs = boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="orders-dlq")
    sqs.create_queue(QueueName="order-confirmations")
    # TODO: give `orders` a redrive policy that moves a message to `orders-dlq`
    # after 3 receives. You will need the DLQ's ARN.
    sqs.create_queue(QueueName="orders")


def handler(event, context):
    for record in event["Records"]:
        # TODO: parse record["body"] as JSON and check it is a valid order:
        #   orderId: a non-empty string; quantity: an integer >= 1.
        # TODO: send {"orderId": ...} to `order-confirmations` for a valid order.
        # TODO: raise an exception for anything else, so the message is retried
        #       and finally lands in `orders-dlq`.
        print("received", record["body"])
