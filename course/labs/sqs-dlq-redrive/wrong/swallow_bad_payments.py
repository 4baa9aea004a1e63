# Misconception: a fixed consumer should never fail, so it logs a bad payment and returns; the message is deleted instead of going back to the DLQ.
# fails: bad-back-in-dlq
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
        try:
            parse_amount(payment.get("amount"))
        except ValueError as error:
            print("dropping a bad payment:", error)
            continue
        sqs.send_message(QueueUrl=processed, MessageBody=json.dumps({"paymentId": payment["paymentId"]}))


def redrive():
    dlq_url = sqs.get_queue_url(QueueName="payments-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # No DestinationArn: each message returns to the queue it was dead-lettered from.
    return sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
