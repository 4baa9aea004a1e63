"""The transactional outbox. Starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

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
    event = {"eventId": str(uuid.uuid4()), "type": "OrderPlaced", "orderId": order["orderId"],
             "customer": order["customer"], "amount": order["amount"]}
    dynamodb.put_item(
        TableName="orders",
        Item={"orderId": {"S": order["orderId"]}, "customer": {"S": order["customer"]},
              "amount": {"N": str(order["amount"])}, "status": {"S": "PLACED"}},
    )
    # TODO: this is the dual write an outbox removes. Instead of sending here, write the
    # order and an outbox row {"eventId", "orderId", "status": "PENDING", "payload": json.dumps(event)}
    # in ONE transact_write_items call, with a condition so an existing orderId is never overwritten.
    url = sqs.get_queue_url(QueueName="order-events")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))


def relay():
    # TODO: send the payload of every outbox row whose status is PENDING to order-events
    # (one send_message per row), and only after each send succeeds, set that row's status to SENT.
    return 0
