"""The resource layer: a Table with an Attr condition, queue URL looked up once."""

import json
from functools import lru_cache

import boto3
from boto3.dynamodb.conditions import Attr

sqs = boto3.resource("sqs")
table = boto3.resource("dynamodb").Table("orders")


def setup():
    client = boto3.client("dynamodb")
    client.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    dlq = sqs.create_queue(QueueName="order-intake-dlq")
    redrive = {"deadLetterTargetArn": dlq.attributes["QueueArn"], "maxReceiveCount": "5"}
    sqs.create_queue(QueueName="order-intake", Attributes={"RedrivePolicy": json.dumps(redrive)})


@lru_cache(maxsize=1)
def intake():
    return sqs.get_queue_by_name(QueueName="order-intake")


def place_order(order):
    intake().send_message(MessageBody=json.dumps(order))


def store(order):
    try:
        table.put_item(
            Item={"orderId": order["orderId"], "customerId": order["customerId"], "total": order["total"], "status": "PLACED"},
            ConditionExpression=Attr("orderId").not_exists(),
        )
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        print("already stored:", order["orderId"])


def worker(event, context):
    for record in event["Records"]:
        store(json.loads(record["body"]))
