"""Decouple with a queue: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    # TODO: create order-intake-dlq, then order-intake with a RedrivePolicy that
    # moves a message to order-intake-dlq after 5 receives.
    sqs.create_queue(QueueName="order-intake")
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def place_order(order):
    # TODO: this writes straight to the table, so when the table is down the
    # customer gets an error. Send the order to order-intake instead.
    dynamodb.put_item(
        TableName="orders",
        Item={
            "orderId": {"S": order["orderId"]},
            "customerId": {"S": order["customerId"]},
            "total": {"N": str(order["total"])},
            "status": {"S": "PLACED"},
        },
    )


def worker(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        # TODO: write the order to the orders table (status PLACED), but only if it
        # is not there yet (a ConditionExpression on orderId). When it is already
        # there, skip the record; let any other error raise.
        print("would store", order)
