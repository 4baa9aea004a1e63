"""A right answer: exact type checks (type(x) is int rules out bool and float)."""

import json

import boto3

sqs = boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="order-confirmations")
    dlq = sqs.create_queue(QueueName="orders-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": arn, "maxReceiveCount": "3"}
    orders = sqs.create_queue(QueueName="orders")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=orders, Attributes={"RedrivePolicy": json.dumps(redrive)})


def handler(event, context):
    url = sqs.get_queue_url(QueueName="order-confirmations")["QueueUrl"]
    for record in event["Records"]:
        order = json.loads(record["body"])
        if type(order) is not dict:
            raise TypeError("not an object")
        if type(order.get("orderId")) is not str or order["orderId"] == "":
            raise ValueError("orderId must be a non-empty string")
        if type(order.get("quantity")) is not int or order["quantity"] < 1:
            raise ValueError("quantity must be an integer of at least 1")
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"orderId": order["orderId"]}))
