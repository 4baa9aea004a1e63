# Misconception: a rule's target is enough for EventBridge to reach a queue; the queue needs no policy letting events.amazonaws.com send.
# fails: routing
"""A choreographed order saga on EventBridge, with queues that let no rule in."""

import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")
dynamodb = boto3.client("dynamodb")

BUS = "shop"
# Each service's queue, its rule on the bus, and the events it reacts to.
SUBSCRIPTIONS = {
    "payments": ["OrderPlaced", "InventoryFailed"],
    "inventory": ["PaymentReserved"],
    "orders": ["InventoryReserved", "PaymentFailed", "PaymentRefunded"],
}


def setup():
    bus_arn = events.create_event_bus(Name=BUS)["EventBusArn"]
    for service, detail_types in SUBSCRIPTIONS.items():
        url = sqs.create_queue(QueueName=f"{service}-queue")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(
            Name=f"{service}-rule",
            EventBusName=BUS,
            EventPattern=json.dumps({"detail-type": detail_types}),
        )
        events.put_targets(Rule=f"{service}-rule", EventBusName=BUS, Targets=[{"Id": f"{service}-queue", "Arn": queue_arn}])
    return bus_arn


def emit(source, detail_type, order):
    result = events.put_events(Entries=[{
        "EventBusName": BUS, "Source": source, "DetailType": detail_type, "Detail": json.dumps(order),
    }])
    if result["FailedEntryCount"]:
        raise RuntimeError(f"{detail_type} for {order['orderId']} was not put: {result['Entries']}")


def cancelled_because(error):
    """The codes of a cancelled transaction's items, in order."""
    return [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]


def each_event(event):
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        yield envelope["detail-type"], envelope["detail"]


def payments_handler(event, context):
    for detail_type, order in each_event(event):
        oid, amount = order["orderId"], str(order["amount"])
        if detail_type == "OrderPlaced":
            try:
                # Record the payment and take the money together: both or neither.
                dynamodb.transact_write_items(TransactItems=[
                    {"Put": {"TableName": "payments",
                             "Item": {"orderId": {"S": oid}, "customerId": {"S": order["customerId"]},
                                      "amount": {"N": amount}, "status": {"S": "RESERVED"}},
                             "ConditionExpression": "attribute_not_exists(orderId)"}},
                    {"Update": {"TableName": "wallets", "Key": {"customerId": {"S": order["customerId"]}},
                                "UpdateExpression": "SET balance = balance - :a",
                                "ConditionExpression": "balance >= :a",
                                "ExpressionAttributeValues": {":a": {"N": amount}}}},
                ])
            except dynamodb.exceptions.TransactionCanceledException as error:
                reasons = cancelled_because(error)
                if reasons and reasons[0] == "ConditionalCheckFailed":
                    continue  # this order was handled before: a duplicate OrderPlaced
                if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                    emit("shop.payments", "PaymentFailed", order)
                    continue
                raise
            emit("shop.payments", "PaymentReserved", order)
        elif detail_type == "InventoryFailed":
            try:
                # The compensation: refund only a payment still RESERVED, and mark it REFUNDED in the same
                # transaction, so a second delivery (even at the same moment) finds nothing to refund.
                dynamodb.transact_write_items(TransactItems=[
                    {"Update": {"TableName": "payments", "Key": {"orderId": {"S": oid}},
                                "UpdateExpression": "SET #s = :refunded",
                                "ConditionExpression": "#s = :reserved",
                                "ExpressionAttributeNames": {"#s": "status"},
                                "ExpressionAttributeValues": {":refunded": {"S": "REFUNDED"}, ":reserved": {"S": "RESERVED"}}}},
                    {"Update": {"TableName": "wallets", "Key": {"customerId": {"S": order["customerId"]}},
                                "UpdateExpression": "SET balance = balance + :a",
                                "ExpressionAttributeValues": {":a": {"N": amount}}}},
                ])
            except dynamodb.exceptions.TransactionCanceledException:
                continue  # refunded already: a duplicate delivery
            emit("shop.payments", "PaymentRefunded", order)


def inventory_handler(event, context):
    for detail_type, order in each_event(event):
        if detail_type != "PaymentReserved":
            continue
        try:
            dynamodb.update_item(
                TableName="stock", Key={"sku": {"S": order["sku"]}},
                UpdateExpression="SET available = available - :q",
                ConditionExpression="available >= :q",
                ExpressionAttributeValues={":q": {"N": str(order["quantity"])}},
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            emit("shop.inventory", "InventoryFailed", order)
            continue
        emit("shop.inventory", "InventoryReserved", order)


def orders_handler(event, context):
    final = {"InventoryReserved": "CONFIRMED", "PaymentFailed": "CANCELLED", "PaymentRefunded": "CANCELLED"}
    for detail_type, order in each_event(event):
        if detail_type in final:
            dynamodb.update_item(
                TableName="orders", Key={"orderId": {"S": order["orderId"]}},
                UpdateExpression="SET #s = :s",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":s": {"S": final[detail_type]}},
            )
