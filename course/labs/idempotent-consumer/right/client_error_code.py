"""A right answer: the conditional put's failure recognised by its error code."""

import json

import boto3
from botocore.exceptions import ClientError

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


class BrokenOrder(Exception):
    pass


def setup():
    sqs.create_queue(QueueName="shipments")
    sqs.create_queue(QueueName="orders")
    dynamodb.create_table(
        TableName="processed-orders",
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


def first_time(order_id):
    """Record the order id; False when it was already recorded."""
    try:
        dynamodb.put_item(
            TableName="processed-orders",
            Item={"orderId": {"S": order_id}},
            ConditionExpression="attribute_not_exists(#id)",
            ExpressionAttributeNames={"#id": "orderId"},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise
    return True


def handler(event, context):
    shipments = sqs.get_queue_url(QueueName="shipments")["QueueUrl"]
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
        except ValueError as error:
            raise BrokenOrder(record["body"][:80]) from error
        order_id = order.get("orderId") if isinstance(order, dict) else None
        if type(order_id) is not str or not order_id:
            raise BrokenOrder(record["body"][:80])
        if first_time(order_id):
            sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order_id}))
