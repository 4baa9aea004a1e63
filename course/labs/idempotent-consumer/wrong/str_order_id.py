# Misconception: str() normalises any orderId, but it turns the number 5508 into an order id instead of failing the broken order.
# fails: dead-letter
import json

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    sqs.create_queue(QueueName="orders")
    sqs.create_queue(QueueName="shipments")
    dynamodb.create_table(
        TableName="processed-orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def order_id_of(body):
    """The order id of a well-formed order; raise ValueError for a broken one."""
    order_id = str(json.loads(body)["orderId"])
    if not order_id:
        raise ValueError(f"broken order: {body[:80]}")
    return order_id


def handler(event, context):
    shipments = sqs.get_queue_url(QueueName="shipments")["QueueUrl"]
    for record in event["Records"]:
        order_id = order_id_of(record["body"])
        try:
            dynamodb.put_item(
                TableName="processed-orders",
                Item={"orderId": {"S": order_id}},
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            print(f"{order_id} already handled, skipping")
            continue
        sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order_id}))
