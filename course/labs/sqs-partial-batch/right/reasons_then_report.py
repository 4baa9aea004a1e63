"""A right answer: a checker that says why a payment is invalid; the handler logs it and reports the record."""

import json
import logging

import boto3

logger = logging.getLogger(__name__)
sqs = boto3.client("sqs")
QUEUES = {}


def setup():
    for name in ("payments-dlq", "ledger"):
        QUEUES[name] = sqs.create_queue(QueueName=name)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=QUEUES["payments-dlq"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    QUEUES["payments"] = sqs.create_queue(
        QueueName="payments",
        Attributes={"RedrivePolicy": json.dumps({"maxReceiveCount": 3, "deadLetterTargetArn": dlq_arn})},
    )["QueueUrl"]


def why_invalid(payment):
    if not isinstance(payment, dict):
        return "the body is not a JSON object"
    if not isinstance(payment.get("paymentId"), str) or not payment["paymentId"]:
        return f"paymentId {payment.get('paymentId')!r} is not a non-empty string"
    amount = payment.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        return f"amount {amount!r} is not an integer"
    if amount < 1:
        return f"amount {amount} is below 1"
    return None


def handler(event, context):
    ledger = QUEUES.get("ledger") or sqs.get_queue_url(QueueName="ledger")["QueueUrl"]
    batch_item_failures = []
    for record in event["Records"]:
        try:
            payment = json.loads(record["body"])
        except ValueError:
            payment = None
        reason = why_invalid(payment) if payment is not None else "the body is not JSON"
        if reason:
            logger.warning("payment %s rejected: %s", record["messageId"], reason)
            batch_item_failures.append({"itemIdentifier": record["messageId"]})
            continue
        sqs.send_message(QueueUrl=ledger, MessageBody=json.dumps({"paymentId": payment["paymentId"]}))
    return {"batchItemFailures": batch_item_failures}
