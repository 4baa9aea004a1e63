# Misconception: reporting failures is enough on its own, but without a redrive policy a bad payment comes back forever.
# fails: redrive-policy
import json

import boto3

sqs = boto3.client("sqs")


def setup():
    dlq_url = sqs.create_queue(QueueName="payments-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(QueueName="payments")
    sqs.create_queue(QueueName="ledger")


def parse_payment(body):
    """Return the payment id of a valid payment; raise ValueError for anything else."""
    payment = json.loads(body)  # json.JSONDecodeError is a ValueError
    if not isinstance(payment, dict):
        raise ValueError("a payment must be a JSON object")
    payment_id, amount = payment.get("paymentId"), payment.get("amount")
    if not isinstance(payment_id, str) or not payment_id:
        raise ValueError(f"bad paymentId: {payment_id!r}")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValueError(f"bad amount: {amount!r}")
    return payment_id


def handler(event, context):
    ledger = sqs.get_queue_url(QueueName="ledger")["QueueUrl"]
    failures = []
    for record in event["Records"]:
        try:
            payment_id = parse_payment(record["body"])
        except ValueError as error:
            print(f"payment {record['messageId']} failed: {error}")
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        sqs.send_message(QueueUrl=ledger, MessageBody=json.dumps({"paymentId": payment_id}))
    return {"batchItemFailures": failures}
