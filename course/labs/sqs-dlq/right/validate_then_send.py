"""A right answer: validation collects reasons first, then one raise for all of them."""

import json

import boto3

sqs = boto3.client("sqs")
MAX_RECEIVES = 3


def setup():
    urls = {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in ("orders-dlq", "order-confirmations")}
    dlq_arn = sqs.get_queue_attributes(QueueUrl=urls["orders-dlq"], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.create_queue(
        QueueName="orders",
        Attributes={"RedrivePolicy": json.dumps({"maxReceiveCount": MAX_RECEIVES, "deadLetterTargetArn": dlq_arn})},
    )


def problems_with(order):
    if not isinstance(order, dict):
        return ["the body is not a JSON object"]
    reasons = []
    order_id = order.get("orderId")
    if not isinstance(order_id, str) or not order_id:
        reasons.append(f"orderId {order_id!r} is not a non-empty string")
    quantity = order.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        reasons.append(f"quantity {quantity!r} is not an integer of at least 1")
    return reasons


def handler(event, context):
    confirmations = None
    for record in event["Records"]:
        order = json.loads(record["body"])
        reasons = problems_with(order)
        if reasons:
            raise ValueError("; ".join(reasons))
        confirmations = confirmations or sqs.get_queue_url(QueueName="order-confirmations")["QueueUrl"]
        sqs.send_message(QueueUrl=confirmations, MessageBody=json.dumps({"orderId": order["orderId"]}))
