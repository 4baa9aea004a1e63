"""A right answer: deposits with an atomic ADD, withdrawals with a conditional update."""

import json

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    sqs.create_queue(QueueName="payments.fifo", Attributes={"FifoQueue": "true"})  # content-based deduplication is off by default
    dynamodb.create_table(
        TableName="balances",
        KeySchema=[{"AttributeName": "accountId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "accountId", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )


def publish(events):
    url = sqs.get_queue_url(QueueName="payments.fifo")["QueueUrl"]
    for event in events:
        account, seq = event["accountId"], event["seq"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event), MessageGroupId=account, MessageDeduplicationId=f"{account}:{seq}")


def handler(event, context):
    for record in event["Records"]:
        movement = json.loads(record["body"])
        key = {"accountId": {"S": movement["accountId"]}}
        amount = {":amount": {"N": str(movement["amount"])}}
        if movement["type"] == "deposit":
            dynamodb.update_item(TableName="balances", Key=key, UpdateExpression="ADD balance :amount", ExpressionAttributeValues=amount)
            continue
        try:
            dynamodb.update_item(
                TableName="balances",
                Key=key,
                UpdateExpression="SET balance = balance - :amount",
                ConditionExpression="balance >= :amount",
                ExpressionAttributeValues=amount,
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            print(f"declined: {movement}")
