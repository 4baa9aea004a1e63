"""Redrive the dead-letter queue after the fix: starter."""

import json
from decimal import Decimal

import boto3

sqs = boto3.client("sqs")


def handler(event, context):
    processed = sqs.get_queue_url(QueueName="payments-processed")["QueueUrl"]
    for record in event["Records"]:
        payment = json.loads(record["body"])
        # TODO: this is yesterday's bug: int() rejects "12.50". Parse the amount
        # as a Decimal, and raise unless it is a positive number.
        amount = int(payment["amount"])
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"paymentId": payment["paymentId"]}))


def redrive():
    # TODO: look up the ARN of payments-dlq and start a message move task on it.
    pass
