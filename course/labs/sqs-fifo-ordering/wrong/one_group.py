# Misconception: a FIFO queue needs one message group to keep order, so every account shares the group "ledger" and waits behind the others.
# fails: groups
import json

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
            MessageGroupId="ledger",
            MessageDeduplicationId=f"{event['accountId']}-{event['seq']}",
        )


def apply(balance, event):
    if event["type"] == "deposit":
        return balance + event["amount"]
    if event["type"] == "withdrawal" and event["amount"] <= balance:
        return balance - event["amount"]
    return balance  # a declined withdrawal


def handler(event, context):
    for record in event["Records"]:
        movement = json.loads(record["body"])
        key = {"accountId": {"S": movement["accountId"]}}
        item = dynamodb.get_item(TableName="balances", Key=key).get("Item")
        balance = int(item["balance"]["N"]) if item else 0
        balance = apply(balance, movement)
        dynamodb.put_item(TableName="balances", Item={**key, "balance": {"N": str(balance)}})
