# Misconception: writing the order and then its outbox row with two put_item calls is as good as one transaction; but when the second write fails, the order exists and its event never will.
# fails: atomic-commit
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
    dynamodb.put_item(
        TableName="orders",
        Item={"orderId": {"S": order["orderId"]}, "customer": {"S": order["customer"]},
              "amount": {"N": str(order["amount"])}, "status": {"S": "PLACED"}},
        ConditionExpression="attribute_not_exists(orderId)",
    )
    dynamodb.put_item(
        TableName="outbox",
        Item={"eventId": {"S": event["eventId"]}, "orderId": {"S": order["orderId"]},
              "status": {"S": "PENDING"}, "payload": {"S": json.dumps(event)}},
    )


def relay():
    url = sqs.get_queue_url(QueueName="order-events")["QueueUrl"]
    rows = dynamodb.scan(
        TableName="outbox", FilterExpression="#s = :p",
        ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":p": {"S": "PENDING"}},
    )["Items"]
    for row in rows:
        sqs.send_message(QueueUrl=url, MessageBody=row["payload"]["S"])
        dynamodb.update_item(
            TableName="outbox", Key={"eventId": row["eventId"]}, UpdateExpression="SET #s = :sent",
            ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":sent": {"S": "SENT"}},
        )
