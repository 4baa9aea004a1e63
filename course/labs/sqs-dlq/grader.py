"""Grader for sqs-dlq. Trusted code: see docs/labs.md for the Run API."""

import json

QUEUES = ("orders", "orders-dlq", "order-confirmations")
MAX_RECEIVES = 3


def _names(items):
    return ", ".join(sorted(items)) or "none"


def grade(run):
    sqs = run.client("sqs")
    orders = run.inputs["orders"]
    urls = {name: run.queue_url(name) for name in QUEUES}
    missing = [name for name in QUEUES if urls[name] is None]

    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "queues", "The three queues exist", 1, not missing,
        f"orders, orders-dlq and order-confirmations all exist." if not missing
        else f"Expected queues {', '.join(QUEUES)}; missing: {', '.join(missing)}.{setup_note}",
    )

    # Redrive policy
    policy_ok, policy_feedback = False, "orders does not exist, so it has no redrive policy."
    if urls["orders"] and urls["orders-dlq"]:
        raw = run.queue_attributes(urls["orders"]).get("RedrivePolicy")
        dlq_arn = run.queue_arn(urls["orders-dlq"])
        if not raw:
            policy_feedback = "orders has no RedrivePolicy attribute, so failed messages are retried forever and nothing reaches orders-dlq."
        else:
            policy = json.loads(raw)
            target, count = policy.get("deadLetterTargetArn"), int(policy.get("maxReceiveCount", 0))
            policy_ok = target == dlq_arn and count == MAX_RECEIVES
            if policy_ok:
                policy_feedback = "orders sends a message to orders-dlq after 3 receives."
            elif target != dlq_arn:
                policy_feedback = f"The redrive policy should point at {dlq_arn}; it points at {target}."
            else:
                policy_feedback = f"maxReceiveCount should be {MAX_RECEIVES}; it is {count}."
    run.check("redrive-policy", "orders has a redrive policy to orders-dlq after 3 receives", 2, policy_ok, policy_feedback)

    if urls["orders"]:
        for order in orders:
            sent = sqs.send_message(QueueUrl=urls["orders"], MessageBody=order["body"])
            if order["valid"]:
                run.label(sent["MessageId"], order["label"], reach=["handler", "order-confirmations"], avoid=["orders-dlq"])
            else:
                run.label(sent["MessageId"], order["label"], reach=["orders-dlq"], avoid=["order-confirmations"])
        if run.learner.has("handler"):
            run.deliver_sqs(urls["orders"], function="handler", batch_size=1)
    no_handler = "" if run.learner.has("handler") else " Your module has no handler(event, context) function."

    confirmed = {}
    if urls["order-confirmations"]:
        for message in run.drain(urls["order-confirmations"]):
            confirmed.setdefault(message["Body"], 0)
            confirmed[message["Body"]] += 1
    in_dlq = {}
    if urls["orders-dlq"]:
        for message in run.drain(urls["orders-dlq"]):
            in_dlq[message["Body"]] = int(message["Attributes"]["ApproximateReceiveCount"])
    left = run.drain(urls["orders"]) if urls["orders"] else []

    valid = [o for o in orders if o["valid"]]
    poison = [o for o in orders if not o["valid"]]

    # Confirmations
    expected_bodies = {json.dumps({"orderId": json.loads(o["body"])["orderId"]}): o for o in valid}
    wrong = []
    for body, order in expected_bodies.items():
        count = sum(n for got, n in confirmed.items() if _same_json(got, body))
        if count != 1:
            wrong.append(f"{json.loads(body)['orderId']} confirmed {count} times")
    unexpected = [got for got in confirmed if not any(_same_json(got, b) for b in expected_bodies)]
    ok = not wrong and not unexpected and bool(valid)
    if ok:
        feedback = f"All {len(valid)} valid orders were confirmed exactly once."
    else:
        parts = []
        if wrong:
            parts.append("; ".join(wrong))
        if unexpected:
            parts.append(f"confirmed but should have failed: {', '.join(_confirmed_label(poison, got) for got in sorted(unexpected)[:4])}")
        feedback = (
            f"Each of the {len(valid)} valid orders should be confirmed once as {{\"orderId\": ...}}. "
            + ". ".join(parts) + "." + no_handler
        )
    run.check("confirmations", "Every valid order is confirmed exactly once", 3, ok, feedback)

    # Dead-letter queue
    poison_bodies = {o["body"] for o in poison}
    missing_poison = [o["label"] for o in poison if o["body"] not in in_dlq]
    extra = [_label(orders, body) for body in in_dlq if body not in poison_bodies]
    early = [f"{_label(orders, b)} after {n}" for b, n in in_dlq.items() if b in poison_bodies and n != MAX_RECEIVES]
    ok = not missing_poison and not extra and not early
    if ok:
        feedback = f"orders-dlq holds exactly the {len(poison)} broken orders, each after 3 receives."
    else:
        parts = [f"orders-dlq should hold exactly the {len(poison)} broken orders, each after 3 receives; it holds {len(in_dlq)}"]
        if missing_poison:
            parts.append(f"missing: {', '.join(missing_poison)}")
        if extra:
            parts.append(f"should not be there: {', '.join(extra)}")
        if early:
            parts.append(f"wrong receive counts: {', '.join(early)}")
        feedback = "; ".join(parts) + "." + no_handler
    run.check("dead-letters", "orders-dlq holds exactly the broken orders", 3, ok, feedback)

    run.check(
        "orders-empty", "orders is empty at the end", 1, bool(urls["orders"]) and not left,
        "orders is empty at the end." if urls["orders"] and not left
        else f"orders should be empty at the end; {len(left)} message(s) were still in it: {_names(_label(orders, m['Body']) for m in left)}." if urls["orders"]
        else "orders does not exist.",
    )


def _same_json(a, b):
    try:
        return json.loads(a) == json.loads(b)
    except (TypeError, ValueError):
        return False


def _confirmed_label(poison, confirmation):
    """Name the broken order a confirmation came from, or show the confirmation."""
    try:
        order_id = json.loads(confirmation).get("orderId")
    except (AttributeError, TypeError, ValueError):
        return confirmation[:60]
    for order in poison:
        try:
            if json.loads(order["body"]).get("orderId") == order_id:
                return f"{order['label']} (sent {confirmation[:60]})"
        except (AttributeError, ValueError):
            continue
    return confirmation[:60]


def _label(orders, body):
    for order in orders:
        if order["body"] == body:
            return order["label"]
    return body[:40]
