"""Per-account order with a FIFO queue: starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json
import uuid

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    sqs.create_queue(
        QueueName="payments.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"},
    )
    dynamodb.create_table(
        TableName="balances",
        KeySchema=[{"AttributeName": "accountId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "accountId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def publish(events):
    url = sqs.get_queue_url(QueueName="payments.fifo")["QueueUrl"]
    for event in events:
        sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps(event),
            # TODO: one group for everything keeps order, but one slow account
            # then holds up all the others. Which field should decide the group?
            MessageGroupId="payments",
            # TODO: a fresh id per send means a retried publish is never
            # recognised as the same event. Build the id from the event itself.
            MessageDeduplicationId=str(uuid.uuid4()),
        )


def handler(event, context):
    for record in event["Records"]:
        movement = json.loads(record["body"])
        key = {"accountId": {"S": movement["accountId"]}}
        item = dynamodb.get_item(TableName="balances", Key=key).get("Item")
        balance = int(item["balance"]["N"]) if item else 0
        # TODO: a deposit adds the amount; a withdrawal subtracts it only when
        # the balance covers it (otherwise it is declined and nothing changes).
        balance += movement["amount"]
        dynamodb.put_item(TableName="balances", Item={**key, "balance": {"N": str(balance)}})
