# Misconception: marking the row SENT before sending it is the same as after; but when the send then fails, the row says sent and the event is never published.
# fails: published-at-least-once
import json
import uuid

import boto3

dynamodb = boto3.client("dynamodb")
sqs = boto3.client("sqs")


def setup():
    for table, key in (("orders", "orderId"), ("outbox", "eventId")):
        dynamodb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    sqs.create_queue(QueueName="order-events")


def place_order(order):
    """Store the order and its OrderPlaced event together, or neither. Publishes nothing."""
    event = {
        "eventId": str(uuid.uuid4()),  # made once, here: every copy the relay sends carries it
        "type": "OrderPlaced",
        "orderId": order["orderId"],
        "customer": order["customer"],
        "amount": order["amount"],
    }
    dynamodb.transact_write_items(
        TransactItems=[
            {
                "Put": {
                    "TableName": "orders",
                    "Item": {
                        "orderId": {"S": order["orderId"]},
                        "customer": {"S": order["customer"]},
                        "amount": {"N": str(order["amount"])},
                        "status": {"S": "PLACED"},
                    },
                    # A second order with this id cancels the whole transaction: no overwrite, no second event.
                    "ConditionExpression": "attribute_not_exists(orderId)",
                }
            },
            {
                "Put": {
                    "TableName": "outbox",
                    "Item": {
                        "eventId": {"S": event["eventId"]},
                        "orderId": {"S": order["orderId"]},
                        "status": {"S": "PENDING"},
                        "payload": {"S": json.dumps(event)},
                    },
                }
            },
        ]
    )


def pending_rows():
    rows = []
    for page in dynamodb.get_paginator("scan").paginate(
        TableName="outbox",
        FilterExpression="#s = :pending",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":pending": {"S": "PENDING"}},
        ConsistentRead=True,
    ):
        rows.extend(page["Items"])
    return rows


def relay():
    """Mark each pending row sent, then send it: a row is never sent twice."""
    url = sqs.get_queue_url(QueueName="order-events")["QueueUrl"]
    published = 0
    for row in pending_rows():
        dynamodb.update_item(
            TableName="outbox",
            Key={"eventId": row["eventId"]},
            UpdateExpression="SET #s = :sent",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":sent": {"S": "SENT"}},
        )
        sqs.send_message(QueueUrl=url, MessageBody=row["payload"]["S"])
        published += 1
    return published
