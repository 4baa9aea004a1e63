"""A right answer: the move task names payments as its destination, and the amount is checked with a regular expression first."""

import json
import re
from decimal import Decimal

import boto3

sqs = boto3.client("sqs")
DECIMAL = re.compile(r"\d+(\.\d+)?")


def queue_arn(name):
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def is_payable(amount):
    return isinstance(amount, str) and DECIMAL.fullmatch(amount) is not None and Decimal(amount) > 0


def handler(event, context):
    processed = sqs.get_queue_url(QueueName="payments-processed")["QueueUrl"]
    for record in event["Records"]:
        payment = json.loads(record["body"])
        if not is_payable(payment.get("amount")):
            raise ValueError(f"cannot pay {payment!r}")
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"paymentId": payment["paymentId"]}))


def redrive():
    sqs.start_message_move_task(SourceArn=queue_arn("payments-dlq"), DestinationArn=queue_arn("payments"))
