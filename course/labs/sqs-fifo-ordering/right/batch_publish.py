"""A right answer: publish in batches of ten, keep balances per batch and write each account once."""

import json

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    sqs.create_queue(QueueName="payments.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false"})
    dynamodb.create_table(
        TableName="balances",
        KeySchema=[{"AttributeName": "accountId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "accountId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def publish(events):
    url = sqs.get_queue_url(QueueName="payments.fifo")["QueueUrl"]
    for start in range(0, len(events), 10):
        entries = [
            {
                "Id": str(i),
                "MessageBody": json.dumps(e),
                "MessageGroupId": e["accountId"],
                "MessageDeduplicationId": f"{e['accountId']}.{e['seq']}",
            }
            for i, e in enumerate(events[start:start + 10])
        ]
        failed = sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed", [])
        if failed:
            raise RuntimeError(f"could not publish: {failed}")


def handler(event, context):
    balances = {}
    for record in event["Records"]:
        movement = json.loads(record["body"])
        account = movement["accountId"]
        if account not in balances:
            item = dynamodb.get_item(TableName="balances", Key={"accountId": {"S": account}}, ConsistentRead=True).get("Item")
            balances[account] = int(item["balance"]["N"]) if item else 0
        if movement["type"] == "deposit":
            balances[account] += movement["amount"]
        elif movement["amount"] <= balances[account]:
            balances[account] -= movement["amount"]
    for account, balance in balances.items():
        dynamodb.put_item(TableName="balances", Item={"accountId": {"S": account}, "balance": {"N": str(balance)}})
