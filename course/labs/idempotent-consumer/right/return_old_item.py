"""A right answer: one conditional put that also returns the item it lost to, a claim
token so only the claim's holder marks it done, and datetime for the clock."""

import json
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")
LEASE_SECONDS = 600


def setup():
    sqs.create_queue(QueueName="orders")
    sqs.create_queue(QueueName="shipments")
    dynamodb.create_table(
        TableName="processed-orders",
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def valid_order_id(body):
    try:
        order = json.loads(body)
    except ValueError:
        order = None
    if isinstance(order, dict) and isinstance(order.get("orderId"), str) and order["orderId"]:
        return order["orderId"]
    raise ValueError("an order needs a non-empty string orderId")


def handler(event, context):
    shipments = sqs.get_queue_url(QueueName="shipments")["QueueUrl"]
    for record in event["Records"]:
        order_id = valid_order_id(record["body"])
        now = int(datetime.now(timezone.utc).timestamp())
        token = f"{context.aws_request_id}:{record['messageId']}"
        try:
            dynamodb.put_item(
                TableName="processed-orders",
                Item={
                    "orderId": {"S": order_id},
                    "status": {"S": "CLAIMED"},
                    "claimedBy": {"S": token},
                    "expiresAt": {"N": str(now + LEASE_SECONDS)},
                },
                ConditionExpression="attribute_not_exists(orderId) OR (#s = :claimed AND expiresAt < :now)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":claimed": {"S": "CLAIMED"}, ":now": {"N": str(now)}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            holder = error.response.get("Item", {})
            if holder.get("status", {}).get("S") == "DONE":
                continue  # shipped before: a duplicate
            raise RuntimeError(f"{order_id} is claimed by another invocation until {holder.get('expiresAt', {}).get('N')}")
        sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order_id}))
        dynamodb.update_item(
            TableName="processed-orders",
            Key={"orderId": {"S": order_id}},
            UpdateExpression="SET #s = :done REMOVE expiresAt, claimedBy",
            ConditionExpression="claimedBy = :me",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":done": {"S": "DONE"}, ":me": {"S": token}},
        )
