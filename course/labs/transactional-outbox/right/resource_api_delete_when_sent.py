"""A right answer: the resource API for the relay, an event id derived from the order id,
and rows deleted once sent instead of marked."""

import json

import boto3
from boto3.dynamodb.conditions import Attr
from boto3.dynamodb.types import TypeSerializer

resource = boto3.resource("dynamodb")
client = boto3.client("dynamodb")
sqs = boto3.client("sqs")
to_dynamo = TypeSerializer().serialize


def setup():
    for name, key in (("orders", "orderId"), ("outbox", "eventId")):
        resource.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        ).wait_until_exists()
    sqs.create_queue(QueueName="order-events")


def place_order(order):
    # One order, one OrderPlaced: the id can be derived from the order id and is just as stable.
    event = {"eventId": f"{order['orderId']}/OrderPlaced", "type": "OrderPlaced",
             "orderId": order["orderId"], "customer": order["customer"], "amount": order["amount"]}
    order_item = {**order, "status": "PLACED"}
    outbox_item = {"eventId": event["eventId"], "orderId": order["orderId"], "status": "PENDING", "payload": json.dumps(event)}
    client.transact_write_items(TransactItems=[
        {"Put": {"TableName": "orders", "Item": {k: to_dynamo(v) for k, v in order_item.items()},
                 "ConditionExpression": "attribute_not_exists(orderId)"}},
        {"Put": {"TableName": "outbox", "Item": {k: to_dynamo(v) for k, v in outbox_item.items()},
                 "ConditionExpression": "attribute_not_exists(eventId)"}},
    ])


def relay():
    outbox = resource.Table("outbox")
    queue = sqs.get_queue_url(QueueName="order-events")["QueueUrl"]
    scan = {"FilterExpression": Attr("status").eq("PENDING"), "ConsistentRead": True}
    rows = []
    while True:
        page = outbox.scan(**scan)
        rows += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    for row in rows:
        sqs.send_message(QueueUrl=queue, MessageBody=row["payload"])
        outbox.delete_item(Key={"eventId": row["eventId"]})  # sent: nothing left to relay
