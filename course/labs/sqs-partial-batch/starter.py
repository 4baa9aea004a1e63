"""Report batch item failures: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json

import boto3

sqs = boto3.client("sqs")


def setup():
    sqs.create_queue(QueueName="payments-dlq")
    # TODO: give `payments` a redrive policy that moves a message to
    # `payments-dlq` after 3 receives (you need the DLQ's ARN).
    sqs.create_queue(QueueName="payments")
    sqs.create_queue(QueueName="ledger")


def handler(event, context):
    ledger = sqs.get_queue_url(QueueName="ledger")["QueueUrl"]
    for record in event["Records"]:
        payment = json.loads(record["body"])
        # TODO: a valid payment has a non-empty string paymentId and an integer
        #       amount of at least 1 (not a boolean). Only valid ones go to ledger.
        # TODO: an invalid payment (broken JSON included) must not stop the
        #       others: remember its record["messageId"] and carry on.
        sqs.send_message(QueueUrl=ledger, MessageBody=json.dumps({"paymentId": payment["paymentId"]}))
    # TODO: return {"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}
    #       naming exactly the invalid records.
