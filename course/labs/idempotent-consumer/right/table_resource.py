"""A right answer: DynamoDB's resource API, with the condition built from Attr."""

import json

import boto3
from boto3.dynamodb.conditions import Attr

sqs = boto3.client("sqs")
dynamodb = boto3.resource("dynamodb")


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
        try:
            table.put_item(Item={"orderId": order["orderId"]}, ConditionExpression=Attr("orderId").not_exists())
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            continue  # already recorded, so already shipped
        sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order["orderId"]}))
