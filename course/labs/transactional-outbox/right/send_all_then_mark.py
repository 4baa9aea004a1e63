"""A right answer: a ClientRequestToken on the transaction, and a relay that sends a whole
pass first and marks the rows after (a crash then repeats more events, all with their ids)."""

import json
import uuid

import boto3

ddb = boto3.client("dynamodb")
sqs = boto3.client("sqs")
QUEUE = "order-events"


def setup():
    sqs.create_queue(QueueName=QUEUE)
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    ddb.create_table(
        TableName="outbox",
        KeySchema=[{"AttributeName": "eventId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "eventId", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )


def place_order(order):
    event_id = uuid.uuid4().hex
    payload = json.dumps({"eventId": event_id, "type": "OrderPlaced", "orderId": order["orderId"],
                          "customer": order["customer"], "amount": order["amount"]})
    try:
        ddb.transact_write_items(
            ClientRequestToken=f"place-{order['orderId']}-{event_id}"[:36],
            TransactItems=[
                {"Put": {"TableName": "outbox", "Item": {
                    "eventId": {"S": event_id}, "orderId": {"S": order["orderId"]},
                    "status": {"S": "PENDING"}, "payload": {"S": payload}}}},
                {"Put": {"TableName": "orders", "Item": {
                    "orderId": {"S": order["orderId"]}, "customer": {"S": order["customer"]},
                    "amount": {"N": str(order["amount"])}, "status": {"S": "PLACED"}},
                    "ConditionExpression": "attribute_not_exists(orderId)"}},
            ],
        )
    except ddb.exceptions.TransactionCanceledException as error:
        reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
        if "ConditionalCheckFailed" in reasons:
            raise ValueError(f"order {order['orderId']} exists already") from error
        raise


def relay():
    url = sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"]
    pending, start = [], None
    while True:
        kwargs = {"ExclusiveStartKey": start} if start else {}
        page = ddb.scan(TableName="outbox", ConsistentRead=True, **kwargs)
        pending += [row for row in page["Items"] if row.get("status", {}).get("S") == "PENDING"]
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    for row in pending:
        sqs.send_message(QueueUrl=url, MessageBody=row["payload"]["S"])
    for row in pending:
        ddb.update_item(
            TableName="outbox", Key={"eventId": row["eventId"]},
            UpdateExpression="SET #s = :sent", ConditionExpression="#s = :pending",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":sent": {"S": "SENT"}, ":pending": {"S": "PENDING"}},
        )
    return len(pending)
