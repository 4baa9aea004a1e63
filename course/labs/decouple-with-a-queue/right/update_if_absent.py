"""UpdateItem with a condition creates the item only when it is absent; errors are checked by code."""

import json

import boto3
from botocore.exceptions import ClientError

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")


def setup():
    dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dlq_url = sqs.create_queue(QueueName="order-intake-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["All"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName="order-intake")["QueueUrl"]
    sqs.set_queue_attributes(
        QueueUrl=url, Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})}
    )


def place_order(order):
    sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="order-intake")["QueueUrl"], MessageBody=json.dumps(order))
    return {"accepted": order["orderId"]}


def worker(event, context):
    for record in event["Records"]:
        order = json.loads(record["body"])
        if not isinstance(order.get("orderId"), str) or not order["orderId"]:
            raise ValueError(f"not an order: {record['body'][:80]}")
        try:
            dynamodb.update_item(
                TableName="orders",
                Key={"orderId": {"S": order["orderId"]}},
                UpdateExpression="SET customerId = :c, #t = :t, #s = :s",
                ConditionExpression="attribute_not_exists(orderId)",
                ExpressionAttributeNames={"#t": "total", "#s": "status"},
                ExpressionAttributeValues={":c": {"S": order["customerId"]}, ":t": {"N": str(order["total"])}, ":s": {"S": "PLACED"}},
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
