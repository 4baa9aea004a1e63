# Misconception: str() normalises any orderId, but it turns a numeric orderId into an order id instead of failing the broken order.
# fails: dead-letter

import json
import time

import boto3

sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")

TABLE = "processed-orders"
CLAIM_SECONDS = 300  # longer than any one invocation runs; a crashed claim lapses after this


def setup():
    sqs.create_queue(QueueName="orders")
    sqs.create_queue(QueueName="shipments")
    dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def order_id_of(body):
    """The order id of a well-formed order; raise ValueError for a broken one."""
    order = json.loads(body)
    order_id = str(order.get("orderId", "")) if isinstance(order, dict) else ""
    if not order_id:
        raise ValueError(f"broken order: {body[:80]}")
    return order_id


def claim(order_id):
    """True if this invocation now holds the order: no item yet, or a claim that lapsed.
    One conditional write, so two invocations can never both win."""
    now = int(time.time())
    try:
        dynamodb.put_item(
            TableName=TABLE,
            Item={"orderId": {"S": order_id}, "status": {"S": "CLAIMED"}, "expiresAt": {"N": str(now + CLAIM_SECONDS)}},
            ConditionExpression="attribute_not_exists(orderId) OR (#status = :claimed AND expiresAt < :now)",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":claimed": {"S": "CLAIMED"}, ":now": {"N": str(now)}},
        )
        return True
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False


def is_done(order_id):
    item = dynamodb.get_item(TableName=TABLE, Key={"orderId": {"S": order_id}}, ConsistentRead=True).get("Item", {})
    return item.get("status", {}).get("S") == "DONE"


def handler(event, context):
    shipments = sqs.get_queue_url(QueueName="shipments")["QueueUrl"]
    for record in event["Records"]:
        order_id = order_id_of(record["body"])
        if not claim(order_id):
            if is_done(order_id):
                print(f"{order_id} already shipped, skipping")
                continue
            # Someone else holds a live claim and has not shipped yet: if we let this
            # message be deleted and they crash, the order is lost. Fail, and SQS
            # delivers it again later.
            raise RuntimeError(f"{order_id} is being handled by another invocation; retry later")
        sqs.send_message(QueueUrl=shipments, MessageBody=json.dumps({"orderId": order_id}))
        dynamodb.update_item(
            TableName=TABLE,
            Key={"orderId": {"S": order_id}},
            UpdateExpression="SET #status = :done REMOVE expiresAt",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":done": {"S": "DONE"}},
        )
