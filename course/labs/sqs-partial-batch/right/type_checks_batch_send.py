"""A right answer: exact type checks, and the batch's ledger entries sent in one SendMessageBatch."""

import json

import boto3

sqs = boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="ledger")
    dlq = sqs.create_queue(QueueName="payments-dlq")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]["QueueArn"]
    payments = sqs.create_queue(QueueName="payments")["QueueUrl"]
    sqs.set_queue_attributes(
        QueueUrl=payments,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "3"})},
    )


def valid_id(body):
    """The payment id, or None when the payment is not valid."""
    try:
        payment = json.loads(body)
    except json.JSONDecodeError:
        return None
    if type(payment) is not dict:
        return None
    payment_id, amount = payment.get("paymentId"), payment.get("amount")
    if type(payment_id) is not str or payment_id == "":
        return None
    if type(amount) is not int or amount < 1:
        return None
    return payment_id


def handler(event, context):
    entries, failed = [], []
    for record in event["Records"]:
        payment_id = valid_id(record["body"])
        if payment_id is None:
            failed.append(record["messageId"])
        else:
            entries.append({"Id": str(len(entries)), "MessageBody": json.dumps({"paymentId": payment_id})})
    if entries:
        ledger = sqs.get_queue_url(QueueName="ledger")["QueueUrl"]
        response = sqs.send_message_batch(QueueUrl=ledger, Entries=entries)
        if response.get("Failed"):
            raise RuntimeError(f"ledger refused {len(response['Failed'])} entries")
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
