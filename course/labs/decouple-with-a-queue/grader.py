"""Grader for decouple-with-a-queue. Trusted code: see docs/labs.md for the Run API."""

import json

from grader import LearnerError

QUEUE, DLQ, TABLE = "order-intake", "order-intake-dlq", "orders"
MAX_RECEIVES = 5
WRITES = ("PutItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems")
# DynamoDB's answer when it fails on its side (HTTP 500). boto3 retries it with a
# 25 ms backoff, where a throttling error waits up to seconds: the run stays short.
OUTAGE = {"code": "InternalServerError", "message": "Internal server error", "status": 500}
REDELIVERY_AFTER_S = 120  # the at-least-once copy of one order shows up this long after its first receive


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _cut(text, limit=160):
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _check_redrive(run, urls):
    title = f"{QUEUE} sends a message to {DLQ} after {MAX_RECEIVES} receives"
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    missing = [name for name in (QUEUE, DLQ) if urls[name] is None]
    if missing:
        return run.check("redrive", title, 1, False, f"Expected queues {QUEUE} and {DLQ}; missing: {', '.join(missing)}.{setup_note}")
    raw = run.queue_attributes(urls[QUEUE]).get("RedrivePolicy")
    if not raw:
        return run.check("redrive", title, 1, False,
                         f"{QUEUE} has no RedrivePolicy: a message no worker can handle would be retried until it expires.")
    policy = json.loads(raw)
    target, count = policy.get("deadLetterTargetArn"), int(policy.get("maxReceiveCount", 0))
    dlq_arn = run.queue_arn(urls[DLQ])
    if target != dlq_arn:
        return run.check("redrive", title, 1, False, f"The redrive policy should point at {dlq_arn}; it points at {target}.")
    if count != MAX_RECEIVES:
        extra = (
            " Too few: while the table is failing, a good order can need several receives, and it would be dead-lettered."
            if count < MAX_RECEIVES else ""
        )
        return run.check("redrive", title, 1, False, f"maxReceiveCount should be {MAX_RECEIVES}; it is {count}.{extra}")
    return run.check("redrive", title, 1, True, f"{QUEUE} dead-letters a message to {DLQ} after {MAX_RECEIVES} receives.")


def _check_table(run):
    dynamodb = run.client("dynamodb")
    title = f"{TABLE} exists with the partition key orderId"
    try:
        table = dynamodb.describe_table(TableName=TABLE)["Table"]
    except dynamodb.exceptions.ResourceNotFoundException:
        setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
        run.check("table", title, 1, False, f"There is no DynamoDB table called {TABLE}.{setup_note}")
        return False
    keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    ok = keys == {"HASH": "orderId"} and types.get("orderId") == "S"
    if ok:
        feedback = f"{TABLE} is keyed by orderId (a string)."
    else:
        shown = ", ".join(f"{name} ({'partition' if kind == 'HASH' else 'sort'} key, type {types.get(name, '?')})" for kind, name in keys.items())
        feedback = f"{TABLE} should have exactly one key, the partition key orderId of type S; it has {shown}."
    run.check("table", title, 1, ok, feedback)
    return True


def _items(run):
    dynamodb = run.client("dynamodb")
    items = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=TABLE, ConsistentRead=True):
        for item in page.get("Items", []):
            key = item.get("orderId", {}).get("S")
            items[key] = {name: next(iter(value.values())) for name, value in item.items()}
    return items


def _label(order):
    return f"{order['orderId']} ({order['customerId']}, {order['total']})"


def grade(run):
    sqs, dynamodb = run.client("sqs"), run.client("dynamodb")
    orders = run.inputs["orders"]
    broken = run.inputs["broken"]
    redelivered = orders[run.inputs["redelivered"]]
    paid = [orders[i] for i in run.inputs["paid"]]
    ids = [o["orderId"] for o in orders]

    urls = {name: run.queue_url(name) for name in (QUEUE, DLQ)}
    _check_redrive(run, urls)
    table_exists = _check_table(run)

    # 1. Orders arrive while the orders table refuses every write.
    outage = [run.faults.fail("dynamodb", action, times=1_000_000, **OUTAGE) for action in WRITES]
    raised, place_error = [], None
    if run.learner.has("place_order"):
        for order in orders:
            try:
                run.learner.call("place_order", dict(order))
            except LearnerError as error:
                raised.append(order)
                place_error = place_error or _cut(error.describe())
                if error.kind != "exception":
                    break
    writes_during = {rule.action: rule.fired for rule in outage if rule.fired}
    for rule in outage:
        rule.stop()
    for order in orders:
        run.label(json.dumps(order), _label(order), reach=[QUEUE, "worker"], avoid=[DLQ])

    # Checkpoint: the front door stayed open.
    title = "place_order accepted every order while the table was down, without touching it"
    if not run.learner.has("place_order"):
        run.check("accepts-during-outage", title, 2, False, "Your module has no place_order(order) function.")
    elif not raised and not writes_during:
        run.check("accepts-during-outage", title, 2, True,
                  f"All {len(orders)} orders were accepted while the {TABLE} table failed every write: place_order never waited on it.")
    else:
        parts = []
        if raised:
            parts.append(f"place_order raised for {len(raised)} of {len(orders)} orders ({place_error}): those customers saw an error")
        if writes_during:
            parts.append(
                f"place_order called the table itself ({', '.join(f'{a} {n} times' for a, n in writes_during.items())}, "
                "counting boto3's retries), so each order waited on a table that was down"
            )
        run.check(
            "accepts-during-outage", title, 2, False,
            f"While the {TABLE} table was failing every write, place_order should only have sent each order to {QUEUE}: "
            + "; ".join(parts) + ". Send the order to the queue and return; the worker writes it when the table is back.",
        )

    # 2. A message the worker can never store.
    if urls[QUEUE]:
        sent = sqs.send_message(QueueUrl=urls[QUEUE], MessageBody=broken["body"])
        run.label(sent["MessageId"], broken["label"], reach=[DLQ], avoid=[])

    # 3. The table recovers slowly: the next writes still fail. One order's
    #    message will come again later (at least once), after it was paid.
    has_worker = run.learner.has("worker")
    invocations = []
    if urls[QUEUE] and has_worker:
        recovering = [run.faults.fail("dynamodb", action, times=run.inputs["failed_writes"], **OUTAGE) for action in WRITES]
        copy = run.faults.duplicate(QUEUE, select=lambda body, oid=redelivered["orderId"]: oid in body, delay_s=REDELIVERY_AFTER_S)
        invocations += run.deliver_sqs(urls[QUEUE], function="worker", batch_size=1, max_batches=80)
        for rule in recovering:
            rule.stop()
        # The payment service marks two orders PAID.
        for order in paid:
            try:
                dynamodb.update_item(
                    TableName=TABLE, Key={"orderId": {"S": order["orderId"]}}, UpdateExpression="SET #s = :paid",
                    ConditionExpression="attribute_exists(orderId)",
                    ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":paid": {"S": "PAID"}},
                )
            except (dynamodb.exceptions.ConditionalCheckFailedException, dynamodb.exceptions.ResourceNotFoundException):
                pass
        run.advance(REDELIVERY_AFTER_S + 1)
        invocations += run.deliver_sqs(urls[QUEUE], function="worker", batch_size=1, max_batches=20)
        copy.stop()
    problems = []
    if urls[QUEUE] is None:
        problems.append(f"{QUEUE} does not exist, so no order reached a worker.")
    if not has_worker:
        problems.append("Your module has no worker(event, context) function.")
    note = (" " + " ".join(problems)) if problems else ""

    in_dlq = run.drain(urls[DLQ]) if urls[DLQ] else []
    left = run.drain(urls[QUEUE]) if urls[QUEUE] else []
    items = _items(run) if table_exists else {}
    paid_ids = {o["orderId"] for o in paid}
    swallowed = [oid for inv in invocations if inv.ok for body in inv.bodies for oid in ids if oid in body and oid not in items]

    # Checkpoint: every order stored, as placed.
    title = f"Every order is in {TABLE}, as it was placed"
    absent = [_label(o) for o in orders if o["orderId"] not in items]
    wrong = []
    for order in orders:
        item = items.get(order["orderId"])
        if item is None:
            continue
        if item.get("customerId") != order["customerId"] or str(item.get("total")) != str(order["total"]):
            wrong.append(f"{order['orderId']} has customerId {item.get('customerId')!r} and total {item.get('total')!r}")
        elif order["orderId"] not in paid_ids and item.get("status") != "PLACED":
            wrong.append(f"{order['orderId']} has status {item.get('status')!r}, not 'PLACED'")
    extra = [k for k in items if k not in ids]
    ok = table_exists and not absent and not wrong and not extra
    if ok:
        run.check("all-stored", title, 3, True,
                  f"All {len(orders)} orders reached the {TABLE} table, though it was down when they arrived and still failing when the worker began.")
    else:
        parts = []
        if not table_exists:
            parts.append(f"there is no {TABLE} table")
        if absent:
            parts.append(f"missing: {_list(absent)}")
        if wrong:
            parts.append("; ".join(wrong[:3]))
        if extra:
            parts.append(f"items that are not orders: {_list(str(k) for k in extra)}")
        feedback = f"Each of the {len(orders)} orders should end up in {TABLE} with its customerId, total and status PLACED: " + "; ".join(parts) + "."
        if absent and swallowed:
            feedback += (
                " Your worker returned normally for a message whose write had failed, so SQS deleted it and the order is gone: "
                "let a failed write raise, and SQS will deliver the message again."
            )
        elif absent and any(o["orderId"] in m["Body"] for o in orders for m in in_dlq):
            feedback += f" Some orders were dead-lettered while the table was failing: give them {MAX_RECEIVES} receives."
        run.check("all-stored", title, 3, False, feedback + note)

    # Checkpoint: the late copy changed nothing.
    title = "A redelivered order did not overwrite what happened to it since"
    oid = redelivered["orderId"]
    status = (items.get(oid) or {}).get("status")
    if oid not in items:
        run.check("redelivery", title, 2, False, f"{oid} never reached {TABLE}, so its redelivery could not be checked." + note)
    elif status == "PAID":
        run.check("redelivery", title, 2, True,
                  f"{oid} was paid, then its message came again {REDELIVERY_AFTER_S // 60} minutes later; it is still PAID.")
    else:
        run.check(
            "redelivery", title, 2, False,
            f"{oid} was marked PAID by the payment service; then SQS delivered its message again (at least once), "
            f"and now it says {status!r}: the worker's write replaced the item, and the payment is forgotten. "
            "Write with ConditionExpression \"attribute_not_exists(orderId)\" and skip the record when the condition fails: "
            "the order is already stored.",
        )

    # Checkpoint: exactly the broken message dead-lettered, after 5 receives.
    title = f"{DLQ} holds only the message no worker could store, after {MAX_RECEIVES} receives"
    broken_in = [m for m in in_dlq if m["Body"] == broken["body"]]
    good_in = list(dict.fromkeys(next((o["orderId"] for o in orders if o["orderId"] in m["Body"]), m["Body"][:40])
                                 for m in in_dlq if m["Body"] != broken["body"]))
    counts = [int(m["Attributes"]["ApproximateReceiveCount"]) for m in broken_in]
    ok = urls[DLQ] is not None and len(broken_in) == 1 and counts == [MAX_RECEIVES] and not good_in
    if ok:
        run.check("dead-letters", title, 2, True, f"{DLQ} holds only {broken['label']}, after {MAX_RECEIVES} receives.")
    else:
        parts = []
        if not broken_in:
            handled = any(broken["body"] in inv.bodies and inv.ok for inv in invocations)
            parts.append(
                f"{broken['label']} is not there"
                + ("; your worker returned normally for it, so it was deleted: raise when a message is not an order you can store" if handled else "")
            )
        elif counts != [MAX_RECEIVES]:
            parts.append(f"{broken['label']} arrived after {counts[0]} receives")
        if good_in:
            parts.append(f"good orders are there: {_list(good_in)}")
            if oid in good_in and status == "PAID":
                parts.append(
                    f"{oid} is a redelivered copy of an order already stored: when the conditional write fails, skip the record "
                    "instead of raising, or every redelivery ends as a dead letter"
                )
        run.check("dead-letters", title, 2, False,
                  f"{DLQ} should hold only {broken['label']}, after {MAX_RECEIVES} receives: " + "; ".join(parts) + "." + note)

    run.check(
        "queue-empty", f"{QUEUE} is empty at the end", 1, bool(urls[QUEUE]) and bool(invocations) and not left,
        f"{QUEUE} is empty: every message was handled or dead-lettered." if urls[QUEUE] and invocations and not left
        else f"{QUEUE} should be empty at the end; {len(left)} message(s) were still in it." if urls[QUEUE] and invocations
        else f"Nothing was delivered from {QUEUE}." + note,
    )
