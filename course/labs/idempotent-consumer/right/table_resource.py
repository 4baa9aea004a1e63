"""A right answer: DynamoDB's resource API, with the claim's condition built from Attr."""

import json
import time

import boto3
from boto3.dynamodb.conditions import Attr

sqs = boto3.client("sqs")
dynamodb = boto3.resource("dynamodb")
CLAIM_FOR = 120  # seconds: far longer than this handler ever runs


def setup():
    for name in ("orders", "shipments"):
        sqs.create_queue(QueueName=name)
    table = dynamodb.create_table(
        TableName="processed-orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    table.wait_until_exists()


def handler(event, context):
    table = dynamodb.Table("processed-orders")
    shipments = sqs.get_queue_url(QueueName="shipments")["QueueUrl"]
    for record in event["Records"]:
        order = json.loads(record["body"])
        if not isinstance(order, dict) or not isinstance(order.get("orderId"), str) or order["orderId"] == "":
            raise ValueError("an order needs a non-empty string orderId")
        order_id = order["orderId"]
        now = int(time.time())
        free = Attr("orderId").not_exists() | (Attr("status").eq("CLAIMED") & Attr("expiresAt").lt(now))
        try:
            table.put_item(Item={"orderId": order_id, "status": "CLAIMED", "expiresAt": now + CLAIM_FOR}, ConditionExpression=free)
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            current = table.get_item(Key={"orderId": order_id}, ConsistentRead=True).get("Item", {})
            if current.get("status") == "DONE":
                continue
            raise RuntimeError(f"{order_id} is still claimed; SQS will deliver it again") from None
        sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order_id}))
        table.update_item(
            Key={"orderId": order_id},
            UpdateExpression="SET #s = :done REMOVE expiresAt",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":done": "DONE"},
        )
