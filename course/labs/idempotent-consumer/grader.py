"""Grader for idempotent-consumer. Trusted code: see docs/labs.md for the Run API."""

import json

QUEUES = ("orders", "shipments")
TABLE, DLQ = "processed-orders", "orders-dlq"
MAX_RECEIVES = 3
FIRST_BATCH_SIZE = 4


def _order_id(body):
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        return None
    order_id = value.get("orderId") if isinstance(value, dict) else None
    return order_id if isinstance(order_id, str) and order_id else None


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _times(n):
    return "once" if n == 1 else f"{n} times"


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


def _table_ids(run):
    dynamodb = run.client("dynamodb")
    ids = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=TABLE):
        for item in page.get("Items", []):
            value = item.get("orderId", {})
            ids.append(value.get("S", json.dumps(value)))
    return ids


def _send(run, url, message):
    """Send one order and name it: a broken one must end in the DLQ, the first
    copy of an order must be shipped, a copy sent again must not be."""
    sent = run.client("sqs").send_message(QueueUrl=url, MessageBody=message["body"])
    if message.get("broken"):
        run.label(sent["MessageId"], message["label"], reach=[DLQ], avoid=["shipments"])
    elif "(sent again)" in message["label"]:
        run.label(sent["MessageId"], message["label"], avoid=["shipments"])
    else:
        run.label(sent["MessageId"], message["label"], reach=["shipments"], avoid=[DLQ])


def grade(run):
    sqs = run.client("sqs")
    first, crash = run.inputs["first"], run.inputs["crash_batch"]
    messages = first + crash
    valid_ids = list(dict.fromkeys(_order_id(m["body"]) for m in messages if not m.get("broken")))
    broken = [m for m in messages if m.get("broken")]
    urls = {name: run.queue_url(name) for name in QUEUES}

    missing = [name for name in QUEUES if urls[name] is None]
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "queues", "The queues orders and shipments exist", 1, not missing,
        "orders and shipments both exist." if not missing else f"Missing queue(s): {', '.join(missing)}.{setup_note}",
    )
    table_exists = _check_table(run)

    # The platform's dead-letter queue, then the two rounds of delivery.
    dlq = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
    invocations, crash_invocations = [], []
    has_handler = run.learner.has("handler")
    if urls["orders"]:
        policy = json.dumps({"deadLetterTargetArn": run.queue_arn(dlq), "maxReceiveCount": str(MAX_RECEIVES)})
        sqs.set_queue_attributes(QueueUrl=urls["orders"], Attributes={"RedrivePolicy": policy})
        for message in first:
            _send(run, urls["orders"], message)
        if has_handler:
            invocations += run.deliver_sqs(urls["orders"], function="handler", batch_size=FIRST_BATCH_SIZE, max_batches=30)
        for message in crash:
            _send(run, urls["orders"], message)
        if has_handler:
            crash_invocations = run.deliver_sqs(urls["orders"], function="handler", batch_size=len(crash), max_batches=1)
            crash_invocations += run.deliver_sqs(urls["orders"], function="handler", batch_size=1, max_batches=30)
            invocations += crash_invocations
    problems = []
    if urls["orders"] is None:
        problems.append("orders does not exist, so no order was delivered.")
    if not has_handler:
        problems.append("Your module has no handler(event, context) function.")
    note = (" " + " ".join(problems)) if problems else ""

    shipped = {}
    odd_shipments = []
    if urls["shipments"]:
        for message in run.drain(urls["shipments"]):
            order_id = _order_id(message["Body"])
            if order_id is None:
                odd_shipments.append(message["Body"][:60])
            else:
                shipped[order_id] = shipped.get(order_id, 0) + 1
    in_dlq = [m["Body"] for m in run.drain(dlq)]
    left = run.drain(urls["orders"]) if urls["orders"] else []

    # Shipped exactly once
    wrong = [f"{oid} shipped {_times(shipped.get(oid, 0)) if shipped.get(oid) else 'never'}" for oid in valid_ids if shipped.get(oid, 0) != 1]
    extra = [oid for oid in shipped if oid not in valid_ids] + odd_shipments
    ok = not wrong and not extra
    if ok:
        feedback = f"All {len(valid_ids)} orders were shipped exactly once, though {len(messages) - len(broken) - len(valid_ids)} were sent twice and a crashed batch came back."
    else:
        parts = []
        if wrong:
            parts.append("; ".join(wrong))
        if extra:
            parts.append(f"unexpected shipments: {_list(extra)}")
        feedback = f"Each of the {len(valid_ids)} orders should reach shipments exactly once as {{\"orderId\": ...}}: " + "; ".join(parts) + "." + note
        if any(shipped.get(oid, 0) > 1 for oid in valid_ids):
            feedback += " Ship only after the conditional put into processed-orders succeeds, and key it on the order id, not the message id."
    run.check("shipped-once", "Every order shipped exactly once", 3, ok, feedback)

    # What the table remembers
    title = f"{TABLE} holds exactly the ids of the orders handled"
    if not table_exists:
        run.check("table-contents", title, 2, False, f"There is no {TABLE} table to look in.")
    else:
        ids = _table_ids(run)
        absent = [oid for oid in valid_ids if oid not in ids]
        foreign = [i for i in ids if i not in valid_ids]
        ok = not absent and not foreign
        if ok:
            feedback = f"{TABLE} holds the {len(valid_ids)} order ids, one item each."
        else:
            parts = []
            if absent:
                parts.append(f"missing: {_list(absent)}")
            if foreign:
                looks_like_ids = any(len(i) == 36 and i.count("-") == 4 for i in foreign)
                parts.append(f"not order ids: {_list(foreign, 3)}" + (" (these look like message ids: a re-sent order has a new one)" if looks_like_ids else ""))
            feedback = f"{TABLE} should hold exactly the {len(valid_ids)} order ids as orderId; " + "; ".join(parts) + "." + note
        run.check("table-contents", title, 2, ok, feedback)

    # Duplicates never raise
    title = "Duplicates never made the handler raise"
    broken_bodies = {m["body"] for m in broken}
    labels = {}
    for m in messages:
        labels.setdefault(m["body"], m["label"])
    loud = [inv for inv in invocations if inv.error is not None and not broken_bodies & set(inv.bodies)]
    if not invocations:
        run.check("quiet-duplicates", title, 2, False, "No batch reached your handler." + note)
    elif not loud:
        redelivered = sum(
            1 for inv in crash_invocations for body, n in zip(inv.bodies, inv.receive_counts) if n > 1 and body not in broken_bodies
        )
        run.check("quiet-duplicates", title, 2, True,
                  "Every batch without a broken order returned normally"
                  + (f", duplicates and {redelivered} redeliveries after the crash included." if redelivered else "."))
    else:
        first_loud = loud[0]
        shown = f"the batch of {', '.join(_order_id(b) or b[:30] for b in first_loud.bodies)} raised {first_loud.error.describe()}"
        run.check(
            "quiet-duplicates", title, 2, False,
            f"{len(loud)} batch{'es' if len(loud) != 1 else ''} with only well-formed orders failed; the first: {shown}. A duplicate is expected: "
            "catch ConditionalCheckFailedException and skip the record. A failed batch is retried whole and "
            "finally dead-lettered, good orders included.",
        )

    # Dead letters
    title = "Only the broken orders ended in orders-dlq"
    missing_broken = [m["label"] for m in broken if m["body"] not in in_dlq]
    good_in_dlq = list(dict.fromkeys(_order_id(b) or b[:30] for b in in_dlq if b not in broken_bodies))
    ok = bool(invocations) and not missing_broken and not good_in_dlq and not left
    if ok:
        feedback = f"orders-dlq holds only the {len(broken)} broken orders, each after {MAX_RECEIVES} failed receives; orders is empty."
    else:
        parts = []
        if missing_broken:
            swallowed = [m["label"] for m in broken if any(m["body"] in inv.bodies and inv.ok for inv in invocations)]
            parts.append(
                f"the queue orders-dlq should hold the {len(broken)} broken orders; missing: {_list(missing_broken)}"
                + (f"; your handler returned normally for {_list(swallowed)}, so {'it was' if len(swallowed) == 1 else 'they were'} deleted: raise for an order "
                   "whose orderId is not a non-empty string" if swallowed else "")
            )
        if good_in_dlq:
            parts.append(f"good orders dead-lettered because their batch kept failing: {_list(good_in_dlq)}")
        if left:
            parts.append(f"orders still holds {len(left)} message(s)")
        feedback = "; ".join(parts) + "." if parts else "No batch reached your handler."
        feedback = feedback[0].upper() + feedback[1:] + note
    run.check("dead-letter", title, 1, ok, feedback)
