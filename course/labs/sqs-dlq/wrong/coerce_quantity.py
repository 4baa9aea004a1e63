# Misconception: converting with int() validates the quantity, so "2" and 2.5 pass.
# fails: dead-letters
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


def handler(event, context):
    confirmations = sqs.get_queue_url(QueueName="order-confirmations")["QueueUrl"]
    for record in event["Records"]:
        order = json.loads(record["body"])
        order_id = order["orderId"]
        if not isinstance(order_id, str) or not order_id:
            raise ValueError("bad orderId")
        if int(order["quantity"]) < 1:
            raise ValueError("bad quantity")
        sqs.send_message(QueueUrl=confirmations, MessageBody=json.dumps({"orderId": order_id}))
