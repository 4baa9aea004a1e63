# Misconception: SourceArn takes the queue's URL like every other SQS call, so the move task never starts.
# fails: move-task
import json
from decimal import Decimal, InvalidOperation

import boto3

sqs = boto3.client("sqs")


def parse_amount(text):
    """A positive, finite Decimal, or ValueError."""
    try:
        amount = Decimal(text)
    except (InvalidOperation, TypeError):
        raise ValueError(f"amount {text!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"amount {text!r} is not positive")
    return amount


def handler(event, context):
    processed = sqs.get_queue_url(QueueName="payments-processed")["QueueUrl"]
    for record in event["Records"]:
        payment = json.loads(record["body"])
        parse_amount(payment["amount"])
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"paymentId": payment["paymentId"]}))


def redrive():
    dlq_url = sqs.get_queue_url(QueueName="payments-dlq")["QueueUrl"]
    return sqs.start_message_move_task(SourceArn=dlq_url)["TaskHandle"]
