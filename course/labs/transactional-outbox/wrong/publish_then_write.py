# Misconception: publishing the event first and then storing the order is safe because the send succeeded; but when the write then fails, consumers hear of an order that does not exist.
# fails: no-publish-in-place-order
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
    event = {"eventId": str(uuid.uuid4()), "type": "OrderPlaced", **order}
    url = sqs.get_queue_url(QueueName="order-events")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": "orders",
                 "Item": {"orderId": {"S": order["orderId"]}, "customer": {"S": order["customer"]},
                          "amount": {"N": str(order["amount"])}, "status": {"S": "PLACED"}},
                 "ConditionExpression": "attribute_not_exists(orderId)"}},
        {"Put": {"TableName": "outbox",
                 "Item": {"eventId": {"S": event["eventId"]}, "orderId": {"S": order["orderId"]},
                          "status": {"S": "SENT"}, "payload": {"S": json.dumps(event)}}}},
    ])


def relay():
    return 0  # place_order already published everything
