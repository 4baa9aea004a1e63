"""A right answer: one rule per event type, and the wallet item itself remembers which orders
it paid and refunded (string sets), so each step is one conditional update_item."""

import json

import boto3

events = boto3.client("events")
sqs = boto3.client("sqs")
ddb = boto3.client("dynamodb")

ROUTES = [  # (event type, source that puts it, queue that reacts)
    ("OrderPlaced", "shop.orders", "payments-queue"),
    ("InventoryFailed", "shop.inventory", "payments-queue"),
    ("PaymentReserved", "shop.payments", "inventory-queue"),
    ("InventoryReserved", "shop.inventory", "orders-queue"),
    ("PaymentFailed", "shop.payments", "orders-queue"),
    ("PaymentRefunded", "shop.payments", "orders-queue"),
]


def setup():
    events.create_event_bus(Name="shop")
    urls, arns, senders = {}, {}, {}
    for queue in ("payments-queue", "inventory-queue", "orders-queue"):
        urls[queue] = sqs.create_queue(QueueName=queue)["QueueUrl"]
        arns[queue] = sqs.get_queue_attributes(QueueUrl=urls[queue], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for detail_type, source, queue in ROUTES:
        name = f"{detail_type}-to-{queue}"
        rule_arn = events.put_rule(Name=name, EventBusName="shop",
                                   EventPattern=json.dumps({"source": [source], "detail-type": [detail_type]}))["RuleArn"]
        senders.setdefault(queue, []).append(rule_arn)
        events.put_targets(Rule=name, EventBusName="shop", Targets=[{"Id": "queue", "Arn": arns[queue]}])
    for queue, rule_arns in senders.items():  # each queue lets in exactly the rules that target it
        statement = {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
                     "Resource": arns[queue], "Condition": {"ArnEquals": {"aws:SourceArn": rule_arns}}}
        sqs.set_queue_attributes(QueueUrl=urls[queue], Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})})


def put(source, detail_type, detail):
    events.put_events(Entries=[{"EventBusName": "shop", "Source": source, "DetailType": detail_type, "Detail": json.dumps(detail)}])


def records(event):
    for record in event["Records"]:
        body = json.loads(record["body"])
        yield body["detail-type"], body["detail"]


def wallet_update(order, expression, condition):
    try:
        ddb.update_item(
            TableName="wallets", Key={"customerId": {"S": order["customerId"]}},
            UpdateExpression=expression, ConditionExpression=condition,
            ExpressionAttributeValues={":a": {"N": str(order["amount"])}, ":o": {"S": order["orderId"]},
                                       ":os": {"SS": [order["orderId"]]}},
        )
        return True
    except ddb.exceptions.ConditionalCheckFailedException:
        return False


def payments_handler(event, context):
    for kind, order in records(event):
        if kind == "OrderPlaced":
            if wallet_update(order, "SET balance = balance - :a ADD paid :os",
                             "balance >= :a AND NOT contains(paid, :o)"):
                put("shop.payments", "PaymentReserved", order)
            else:
                put("shop.payments", "PaymentFailed", order)
        elif kind == "InventoryFailed":
            # Only an order this wallet paid for and has not refunded yet: one update checks and credits.
            if wallet_update(order, "SET balance = balance + :a ADD refunded :os",
                             "contains(paid, :o) AND NOT contains(refunded, :o)"):
                put("shop.payments", "PaymentRefunded", order)


def inventory_handler(event, context):
    for kind, order in records(event):
        if kind != "PaymentReserved":
            continue
        try:
            ddb.update_item(
                TableName="stock", Key={"sku": {"S": order["sku"]}},
                UpdateExpression="ADD available :minus", ConditionExpression="available >= :q",
                ExpressionAttributeValues={":minus": {"N": str(-order["quantity"])}, ":q": {"N": str(order["quantity"])}},
            )
            put("shop.inventory", "InventoryReserved", order)
        except ddb.exceptions.ConditionalCheckFailedException:
            put("shop.inventory", "InventoryFailed", order)


def orders_handler(event, context):
    for kind, order in records(event):
        new_status = "CONFIRMED" if kind == "InventoryReserved" else "CANCELLED"
        ddb.put_item(TableName="orders", Item={"orderId": {"S": order["orderId"]}, "status": {"S": new_status}})
