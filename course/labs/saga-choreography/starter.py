"""A choreographed order saga on EventBridge. Starter.

Run & grade at any time: every checkpoint tells you what it expected.
"""

import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")

BUS = "shop"


def setup():
    events.create_event_bus(Name=BUS)
    for service in ("payments", "inventory", "orders"):
        sqs.create_queue(QueueName=f"{service}-queue")
    # TODO: one rule per service on the bus shop, matching the detail-types it reacts to,
    # each targeting its queue (put_rule and put_targets, both with EventBusName=BUS):
    #   payments-queue:  OrderPlaced, InventoryFailed
    #   inventory-queue: PaymentReserved
    #   orders-queue:    InventoryReserved, PaymentFailed, PaymentRefunded


def emit(source, detail_type, order):
    events.put_events(Entries=[{"EventBusName": BUS, "Source": source, "DetailType": detail_type, "Detail": json.dumps(order)}])


def each_event(event):
    for record in event["Records"]:
        envelope = json.loads(record["body"])  # the whole EventBridge event
        yield envelope["detail-type"], envelope["detail"]


def payments_handler(event, context):
    for detail_type, order in each_event(event):
        if detail_type == "OrderPlaced":
            # TODO: record the payment in `payments` (status RESERVED) and take order["amount"] from the
            # customer's wallet in ONE transaction, only if the balance covers it; then emit PaymentReserved.
            # If the balance is short, change nothing and emit PaymentFailed.
            emit("shop.payments", "PaymentReserved", order)
        elif detail_type == "InventoryFailed":
            # TODO: the compensation. Refund the payment (status RESERVED -> REFUNDED, the amount back to the
            # wallet) exactly once, even when this event arrives twice at the same moment; then emit PaymentRefunded.
            pass


def inventory_handler(event, context):
    for detail_type, order in each_event(event):
        if detail_type == "PaymentReserved":
            # TODO: take order["quantity"] from `stock` only if enough is available; emit InventoryFailed if not.
            emit("shop.inventory", "InventoryReserved", order)


def orders_handler(event, context):
    # TODO: set the order's status in `orders`: CONFIRMED on InventoryReserved,
    # CANCELLED on PaymentFailed or PaymentRefunded.
    pass
