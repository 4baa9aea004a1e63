"""Grader for idempotent-consumer. Trusted code: see docs/labs.md for the Run API."""

import json

QUEUES = ("orders", "shipments")
TABLE, DLQ = "processed-orders", "orders-dlq"
MAX_RECEIVES = 3
FIRST_BATCH_SIZE = 4
LAPSE_S = 16 * 60  # the clock moves past any claim a Lambda function could still be running under (15 minutes at most)
READ_DELAY_S = 0.3  # the learner's GetItem answers are held back this long while duplicates race
CRASH = ("KmsDisabled", "The request was rejected because the specified KMS key is disabled.")


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


def _table_items(run):
    """{orderId: the item as DynamoDB returns it} for every item."""
    dynamodb = run.client("dynamodb")
    items = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=TABLE):
        for item in page.get("Items", []):
            value = item.get("orderId", {})
            items[value.get("S", json.dumps(value))] = item
    return items


def _status(item):
    return (item or {}).get("status", {}).get("S", "")


def grade(run):
    sqs = run.client("sqs")
    first, crash = run.inputs["first"], run.inputs["crash_batch"]
    concurrent, crash_order, late = run.inputs["concurrent"], run.inputs["crash_order"], run.inputs["late_duplicate"]
    messages = first + crash + concurrent + [crash_order, late]
    valid_ids = list(dict.fromkeys(_order_id(m["body"]) for m in messages if not m.get("broken")))
    broken = [m for m in messages if m.get("broken")]
    urls = {name: run.queue_url(name) for name in QUEUES}

    for node_id, label, kind in (
        ("shop", "order service (grader)", "service"),
        ("orders", "orders", "queue"),
        ("handler", "your handler", "function"),
        ("table", TABLE, "store"),
        ("shipments", "shipments", "queue"),
        ("skipped", "skipped: already shipped", "dropped"),
        ("dlq", DLQ, "dlq"),
    ):
        run.flow_node(node_id, label, kind)

    missing = [name for name in QUEUES if urls[name] is None]
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "queues", "The queues orders and shipments exist", 1, not missing,
        "orders and shipments both exist." if not missing else f"Missing queue(s): {', '.join(missing)}.{setup_note}",
    )
    table_exists = _check_table(run)

    # The platform's dead-letter queue, then four rounds of delivery.
    dlq = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
    invocations, crash_invocations, race_invocations, lapse_invocations, late_invocations = [], [], [], [], []
    has_handler = run.learner.has("handler")
    if urls["orders"]:
        orders = urls["orders"]
        policy = json.dumps({"deadLetterTargetArn": run.queue_arn(dlq), "maxReceiveCount": str(MAX_RECEIVES)})
        sqs.set_queue_attributes(QueueUrl=orders, Attributes={"RedrivePolicy": policy})
        # 1. Orders in batches, two of them sent twice.
        for message in first:
            sqs.send_message(QueueUrl=orders, MessageBody=message["body"])
        if has_handler:
            invocations += run.deliver_sqs(orders, function="handler", batch_size=FIRST_BATCH_SIZE, max_batches=30)
        # 2. A batch that crashes on a broken order after two good ones, retried whole.
        for message in crash:
            sqs.send_message(QueueUrl=orders, MessageBody=message["body"])
        if has_handler:
            crash_invocations = run.deliver_sqs(orders, function="handler", batch_size=len(crash), max_batches=1)
            crash_invocations += run.deliver_sqs(orders, function="handler", batch_size=1, max_batches=30)
            invocations += crash_invocations
        # 3. The same order to two invocations at the same time; reads answer slowly.
        for message in concurrent:
            sqs.send_message(QueueUrl=orders, MessageBody=message["body"])
        if has_handler:
            slow_reads = run.faults.delay("dynamodb", "GetItem", seconds=READ_DELAY_S)
            race_invocations = run.deliver_sqs(orders, function="handler", batch_size=1, concurrency=2, duplicate=True, max_batches=10)
            slow_reads.stop()
            invocations += race_invocations
        # 4. Two at once again; whoever claims it crashes before shipping. Then the clock
        #    moves past any claim, the order comes back, and a long-shipped one arrives again.
        sqs.send_message(QueueUrl=orders, MessageBody=crash_order["body"])
        if has_handler:
            crashed_send = run.faults.fail("sqs", "SendMessage", code=CRASH[0], message=CRASH[1])
            lapse_invocations = run.deliver_sqs(orders, function="handler", batch_size=1, concurrency=2, duplicate=True, max_batches=1)
            crashed_send.stop()
            run.advance(LAPSE_S)
            lapse_invocations += run.deliver_sqs(orders, function="handler", batch_size=1, max_batches=10)
            invocations += lapse_invocations
        sqs.send_message(QueueUrl=orders, MessageBody=late["body"])
        if has_handler:
            late_invocations = run.deliver_sqs(orders, function="handler", batch_size=1, max_batches=10)
            invocations += late_invocations
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

    broken_bodies = {m["body"] for m in broken}
    items = _table_items(run) if table_exists else {}
    crash_id, late_id = _order_id(crash_order["body"]), _order_id(late["body"])

    # Shipped exactly once
    wrong = [f"{oid} shipped {_times(shipped.get(oid, 0)) if shipped.get(oid) else 'never'}" for oid in valid_ids if shipped.get(oid, 0) != 1]
    extra = [oid for oid in shipped if oid not in valid_ids] + odd_shipments
    ok = not wrong and not extra
    if ok:
        feedback = (
            f"All {len(valid_ids)} orders were shipped exactly once, though {len(messages) - len(broken) - len(valid_ids)} were sent twice, "
            "a crashed batch came back, duplicates raced and one handler crashed mid-way."
        )
    else:
        parts = []
        if wrong:
            parts.append("; ".join(wrong))
        if extra:
            parts.append(f"unexpected shipments: {_list(extra)}")
        feedback = f"Each of the {len(valid_ids)} orders should reach shipments exactly once as {{\"orderId\": ...}}: " + "; ".join(parts) + "." + note
        if shipped.get(late_id, 0) > 1 and late_id in items and _status(items[late_id]) != "DONE":
            feedback += (
                f" {late_id} arrived again {LAPSE_S // 60} minutes later, after its claim had lapsed, and was shipped again: "
                "once an order is shipped, mark its item DONE, so a later duplicate is skipped however old the claim."
            )
        elif any(shipped.get(oid, 0) > 1 for oid in valid_ids):
            feedback += " Ship only after the conditional put into processed-orders succeeds, and key it on the order id, not the message id."
    run.check("shipped-once", "Every order shipped exactly once", 3, ok, feedback)

    # Two deliveries at the same time
    title = "The same order delivered to two invocations at once ships once"
    race_ids = [_order_id(m["body"]) for m in concurrent]
    twice = [oid for oid in race_ids if shipped.get(oid, 0) > 1]
    never = [oid for oid in race_ids if not shipped.get(oid)]
    if not race_invocations:
        run.check("concurrent-once", title, 2, False, "No delivery reached your handler." + note)
    elif not twice and not never:
        run.check("concurrent-once", title, 2, True,
                  f"{_list(race_ids)} each went to two invocations at the same time and shipped once.")
    else:
        parts = [f"{oid} shipped {_times(shipped[oid])}" for oid in twice] + [f"{oid} never shipped" for oid in never]
        feedback = f"Each of {_list(race_ids)} went to two invocations at the same time and should ship once: " + "; ".join(parts) + "."
        if twice:
            feedback += (
                " Both invocations shipped it. If each looks in processed-orders and then writes, both can look before "
                "either writes; claim the order with one conditional put_item instead, which only one of them can win."
            )
        run.check("concurrent-once", title, 2, False, feedback)

    # A crash between claim and ship
    title = "An order whose handler died after claiming it is shipped once the claim lapses"
    pair, after = lapse_invocations[:2], lapse_invocations[2:]
    crash_in_dlq = crash_order["body"] in in_dlq
    if not lapse_invocations:
        run.check("crash-recovered", title, 2, False, "No delivery reached your handler." + note)
    elif shipped.get(crash_id, 0) == 1:
        run.check("crash-recovered", title, 2, True,
                  f"{crash_id}'s first handler died between its claim and the send; after {LAPSE_S // 60} minutes the claim had lapsed "
                  "and the redelivery shipped it once.")
    else:
        feedback = (
            f"{crash_id} went to two invocations at once; the one that claimed it died on its send to shipments "
            f"(the grader failed that call with {CRASH[0]}). It should still ship once, when it comes back after the claim lapses; "
            f"it shipped {_times(shipped[crash_id]) if shipped.get(crash_id) else 'never'}."
        )
        if not shipped.get(crash_id) and _status(items.get(crash_id)) == "DONE":
            feedback += (
                f" Its item in {TABLE} says DONE, but it was never shipped: the item was written before the send, and the send never "
                "happened. Record first, ship second loses the order if the process dies between the two; claim (with an expiry), "
                "ship, then mark DONE."
            )
        elif any(inv.ok for inv in pair):
            feedback += (
                " The other invocation returned normally while the claim's holder had not shipped, so SQS deleted the message "
                "and nobody was left to ship it: when another invocation holds a live claim on an order that is not DONE, raise, so the message comes back."
            )
        elif crash_in_dlq:
            feedback += (
                f" It was retried until it reached {DLQ}: the claim never lapsed. Store an expiry with the claim (expiresAt) "
                "and let a claim whose expiry has passed be taken over."
            )
        elif any(inv.ok for inv in after) and not shipped.get(crash_id):
            feedback += (
                " When it came back, your handler skipped it because an item existed: an item that was only claimed is not an order "
                "shipped. Record first, ship second loses the order if the process dies between the two; claim, ship, then mark DONE."
            )
        run.check("crash-recovered", title, 2, False, feedback)

    # What the table remembers
    title = f"{TABLE} holds exactly the ids of the orders handled, each marked DONE"
    if not table_exists:
        run.check("table-contents", title, 2, False, f"There is no {TABLE} table to look in.")
    else:
        absent = [oid for oid in valid_ids if oid not in items]
        foreign = [i for i in items if i not in valid_ids]
        not_done = [f"{oid} ({_status(items[oid]) or 'no status'})" for oid in valid_ids if oid in items and _status(items[oid]) != "DONE"]
        ok = not absent and not foreign and not not_done
        if ok:
            feedback = f"{TABLE} holds the {len(valid_ids)} order ids, one item each, all DONE."
        else:
            parts = []
            if absent:
                parts.append(f"missing: {_list(absent)}")
            if foreign:
                looks_like_ids = any(len(i) == 36 and i.count("-") == 4 for i in foreign)
                parts.append(f"not order ids: {_list(foreign, 3)}" + (" (these look like message ids: a re-sent order has a new one)" if looks_like_ids else ""))
            if not_done:
                parts.append(f"not marked DONE: {_list(not_done, 3)}; after shipping, set status to DONE")
            feedback = f"{TABLE} should hold exactly the {len(valid_ids)} order ids as orderId, each with status DONE; " + "; ".join(parts) + "." + note
        run.check("table-contents", title, 2, ok, feedback)

    # Duplicates of shipped orders never raise (racing ones may: that is how a live claim says "not yet")
    title = "A duplicate of an order already shipped never made the handler raise"
    racing = {id(inv) for inv in race_invocations + lapse_invocations}
    loud = [inv for inv in invocations if id(inv) not in racing and inv.error is not None and not broken_bodies & set(inv.bodies)]
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
            f"{len(loud)} batch{'es' if len(loud) != 1 else ''} with only well-formed orders failed; the first: {shown}. A duplicate of an "
            "order already DONE is expected: skip the record. A failed batch is retried whole and "
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

    # Flow drawing: one line per message sent, plus redeliveries after the crash.
    seen = set()
    for message in messages:
        body, label = message["body"], message["label"]
        order_id = _order_id(body)
        if message.get("broken"):
            if body in in_dlq:
                run.flow_event(label, ["shop", "orders", "handler", "dlq"], "dlq", f"raised, retried, moved to {DLQ} after {MAX_RECEIVES} receives")
            else:
                run.flow_event(label, ["shop", "orders", "handler"], "bad", "should have raised and reached orders-dlq")
            continue
        n = shipped.get(order_id, 0)
        if body in in_dlq:
            run.flow_event(label, ["shop", "orders", "handler", "dlq"], "bad", "its batch kept failing, so it was dead-lettered")
        elif order_id not in seen:
            done = "claimed, shipped, marked DONE"
            if order_id == crash_id:
                done = f"its first handler died after claiming it; shipped after the claim lapsed ({LAPSE_S // 60} min)"
            run.flow_event(label, ["shop", "orders", "handler", "table", "shipments"], "ok" if n == 1 else "bad",
                           done if n == 1 else f"shipped {_times(n) if n else 'never'}")
        else:
            run.flow_event(label, ["shop", "orders", "handler", "skipped"] if n == 1 else ["shop", "orders", "handler", "shipments"],
                           "dropped" if n == 1 else "bad", "already DONE: skipped" if n == 1 else f"shipped {_times(n)} in all")
        seen.add(order_id)
    for message in concurrent:
        n = shipped.get(_order_id(message["body"]), 0)
        run.flow_event(f"{message['label']} (the same delivery, at the same time)",
                       ["orders", "handler", "skipped"] if n == 1 else ["orders", "handler", "shipments"],
                       "dropped" if n == 1 else "bad", "lost the race for the claim: not shipped again" if n == 1 else f"shipped {_times(n)} in all")
    for message in crash:
        if message.get("broken"):
            continue
        again = any(message["body"] in inv.bodies and count > 1 for inv in crash_invocations for count in inv.receive_counts
                    if len(inv.bodies) == 1)
        if again:
            n = shipped.get(_order_id(message["body"]), 0)
            run.flow_event(f"{message['label']} (redelivered after the crash)",
                           ["orders", "handler", "skipped"] if n == 1 else ["orders", "handler", "shipments"],
                           "dropped" if n == 1 else "bad", "already DONE: skipped" if n == 1 else f"shipped {_times(n)} in all")
    run.flow_summary(
        f"{len(messages)} messages: {len(valid_ids)} orders, {len(messages) - len(broken) - len(valid_ids)} sent twice, "
        f"{len(broken)} broken; one batch crashed after shipping two orders and came back whole; "
        f"{len(concurrent) + 1} delivered to two invocations at once, one of them to a handler that died before shipping"
    )
