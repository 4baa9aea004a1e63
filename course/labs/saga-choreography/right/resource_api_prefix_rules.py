"""A right answer: the resource API, rules that also pin the source with a prefix, and the
payment steps as transactions whose items come in the other order (the wallet first)."""

import json

import boto3

events = boto3.client("events")
sqs = boto3.resource("sqs")
dynamodb = boto3.resource("dynamodb")
client = dynamodb.meta.client  # takes plain Python values, like the Table API

SERVICES = {
    "payments": ["OrderPlaced", "InventoryFailed"],
    "inventory": ["PaymentReserved"],
    "orders": ["InventoryReserved", "PaymentFailed", "PaymentRefunded"],
}


def setup():
    events.create_event_bus(Name="shop")
    for service, kinds in SERVICES.items():
        queue = sqs.create_queue(QueueName=f"{service}-queue")
        rule = f"{service}-reacts"
        rule_arn = events.put_rule(Name=rule, EventBusName="shop", State="ENABLED", EventPattern=json.dumps(
            {"source": [{"prefix": "shop."}], "detail-type": kinds}))["RuleArn"]
        queue.set_attributes(Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": queue.attributes["QueueArn"], "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
        }]})})
        events.put_targets(Rule=rule, EventBusName="shop", Targets=[{"Id": "1", "Arn": queue.attributes["QueueArn"]}])


def emit(service, kind, order):
    answer = events.put_events(Entries=[{"EventBusName": "shop", "Source": f"shop.{service}", "DetailType": kind, "Detail": json.dumps(order)}])
    assert answer["FailedEntryCount"] == 0, answer


def payments_handler(event, context):
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        kind, order = envelope["detail-type"], envelope["detail"]
        wallet = {"TableName": "wallets", "Key": {"customerId": order["customerId"]}}
        try:
            if kind == "OrderPlaced":
                client.transact_write_items(TransactItems=[
                    {"Update": {**wallet, "UpdateExpression": "SET balance = balance - :a", "ConditionExpression": "balance >= :a",
                                "ExpressionAttributeValues": {":a": order["amount"]}}},
                    {"Put": {"TableName": "payments", "ConditionExpression": "attribute_not_exists(orderId)",
                             "Item": {"orderId": order["orderId"], "customerId": order["customerId"], "amount": order["amount"], "status": "RESERVED"}}},
                ])
                emit("payments", "PaymentReserved", order)
            elif kind == "InventoryFailed":
                client.transact_write_items(TransactItems=[
                    {"Update": {**wallet, "UpdateExpression": "SET balance = balance + :a", "ExpressionAttributeValues": {":a": order["amount"]}}},
                    {"Update": {"TableName": "payments", "Key": {"orderId": order["orderId"]},
                                "UpdateExpression": "SET #s = :new", "ConditionExpression": "#s = :old",
                                "ExpressionAttributeNames": {"#s": "status"},
                                "ExpressionAttributeValues": {":new": "REFUNDED", ":old": "RESERVED"}}},
                ])
                emit("payments", "PaymentRefunded", order)
        except client.exceptions.TransactionCanceledException as error:
            codes = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if kind == "OrderPlaced" and codes[:1] == ["ConditionalCheckFailed"] and codes[1:] != ["ConditionalCheckFailed"]:
                emit("payments", "PaymentFailed", order)
            # otherwise: a duplicate (paid or refunded already), nothing to do


def inventory_handler(event, context):
    stock = dynamodb.Table("stock")
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        if envelope["detail-type"] != "PaymentReserved":
            continue
        order = envelope["detail"]
        try:
            stock.update_item(Key={"sku": order["sku"]}, UpdateExpression="SET available = available - :q",
                              ConditionExpression="available >= :q", ExpressionAttributeValues={":q": order["quantity"]})
        except stock.meta.client.exceptions.ConditionalCheckFailedException:
            emit("inventory", "InventoryFailed", order)
        else:
            emit("inventory", "InventoryReserved", order)


def orders_handler(event, context):
    orders = dynamodb.Table("orders")
    outcome = {"InventoryReserved": "CONFIRMED", "PaymentFailed": "CANCELLED", "PaymentRefunded": "CANCELLED"}
    for record in event["Records"]:
        envelope = json.loads(record["body"])
        if envelope["detail-type"] in outcome:
            orders.update_item(Key={"orderId": envelope["detail"]["orderId"]}, UpdateExpression="SET #s = :s",
                               ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": outcome[envelope["detail-type"]]})
