"""A right answer: a gentle move task (MaxNumberOfMessagesPerSecond=1), as the lesson advises."""

import json
from decimal import Decimal

import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    processed = sqs.get_queue_url(QueueName="payments-processed")["QueueUrl"]
    for record in event["Records"]:
        payment = json.loads(record["body"])
        amount = Decimal(payment["amount"])  # raises InvalidOperation for text, KeyError when missing
        if not (amount.is_finite() and amount > 0):
            raise ValueError(f"{payment['paymentId']}: amount {payment['amount']!r} is not a positive number")
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"paymentId": payment["paymentId"]}))


def redrive():
    dlq = sqs.get_queue_url(QueueName="payments-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    task = sqs.start_message_move_task(SourceArn=arn, MaxNumberOfMessagesPerSecond=1)
    print("move task started:", task["TaskHandle"])

