"""The transactional outbox: the order and its event in one transaction, and a relay. A reference solution."""

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
    """Publish every pending event, then mark it sent. A crash between the two
    leaves the row pending: the next run publishes it again, with the same
    eventId, so consumers can drop the copy."""
    url = sqs.get_queue_url(QueueName="order-events")["QueueUrl"]
    published = 0
    for row in pending_rows():
        sqs.send_message(QueueUrl=url, MessageBody=row["payload"]["S"])
        dynamodb.update_item(
            TableName="outbox",
            Key={"eventId": row["eventId"]},
            UpdateExpression="SET #s = :sent",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":sent": {"S": "SENT"}},
        )
        published += 1
    return published
