# Misconception: looking the order up, then shipping and recording it, is safe; but two invocations handling the same message at once both look before either records.
# fails: concurrent-once

import json
import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")

TABLE = "processed-orders"


def setup():
    sqs.create_queue(QueueName="orders")
    sqs.create_queue(QueueName="shipments")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def order_id_of(body):
    """The order id of a well-formed order; raise ValueError for a broken one."""
    order = json.loads(body)
    order_id = order.get("orderId") if isinstance(order, dict) else None
    if not isinstance(order_id, str) or not order_id:
        raise ValueError(f"broken order: {body[:80]}")
    return order_id


def handler(event, context):
    shipments = sqs.get_queue_url(QueueName="shipments")["QueueUrl"]
    for record in event["Records"]:
        order_id = order_id_of(record["body"])
        if "Item" in dynamodb.get_item(TableName=TABLE, Key={"orderId": {"S": order_id}}):
            continue  # already handled
        sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order_id}))
        dynamodb.put_item(TableName=TABLE, Item={"orderId": {"S": order_id}, "status": {"S": "DONE"}})
