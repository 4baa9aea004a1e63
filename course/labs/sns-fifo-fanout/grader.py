"""Grader for sns-fifo-fanout. Trusted code: see docs/labs.md for the Run API."""

import json

from grader import LearnerError

TOPIC = "order-events.fifo"
QUEUES = ("billing.fifo", "shipping.fifo")
HOLD_S = 120  # billing's first message stays in flight this long (a worker that died on it)
RETRY_AFTER_S = 60  # the relay's retry comes this long after the hold ends: inside the 5-minute window


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _times(n):
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _payload(body):
    """(the published message as JSON data or None, whether the body was raw)."""
    try:
        data = json.loads(body)
    except (TypeError, ValueError):
        return None, True
    if isinstance(data, dict) and data.get("Type") == "Notification" and isinstance(data.get("Message"), str):
        try:
            return json.loads(data["Message"]), False
        except ValueError:
            return None, False
    return data, True


def _find_topic(sns):
    arns = [t["TopicArn"] for p in sns.get_paginator("list_topics").paginate() for t in p["Topics"]]
    fifo = next((a for a in arns if a.rsplit(":", 1)[-1] == TOPIC), None)
    standard = next((a for a in arns if a.rsplit(":", 1)[-1] == TOPIC.removesuffix(".fifo")), None)
    return fifo, standard


def _check_topic(run, sns, topic_arn, standard_arn):
    title = f"{TOPIC} is a FIFO topic"
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    if topic_arn is None:
        feedback = f"There is no topic called {TOPIC}. setup() should create it with the attribute FifoTopic \"true\".{setup_note}"
        if standard_arn:
            feedback += (
                f" There is a standard topic {TOPIC.removesuffix('.fifo')}: a standard topic keeps no order and drops no duplicates, "
                "and FIFO queues cannot subscribe to it. A FIFO topic's name ends in .fifo."
            )
        return run.check("topic", title, 1, False, feedback)
    attributes = sns.get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    ok = str(attributes.get("FifoTopic", "")).lower() == "true"
    return run.check("topic", title, 1, ok, f"{TOPIC} is a FIFO topic." if ok else f"{TOPIC} should have FifoTopic \"true\".")


def _subscriptions(run, sns, sqs, topic_arn):
    """{queue: (url, subscription attributes or None)} and a list of what is missing."""
    found, problems = {}, []
    subscriptions = []
    if topic_arn:
        for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
            subscriptions += page["Subscriptions"]
    for name in QUEUES:
        url = run.queue_url(name)
        if url is None:
            problems.append(f"there is no queue {name}")
            found[name] = (None, None)
            continue
        attributes = run.queue_attributes(url)
        if attributes.get("FifoQueue") != "true":
            problems.append(f"{name} is not a FIFO queue")
        arn = attributes["QueueArn"]
        subscription = next((s for s in subscriptions if s["Protocol"] == "sqs" and s["Endpoint"] == arn), None)
        if subscription is None:
            problems.append(f"{name} is not subscribed to {TOPIC}" if topic_arn else f"{name} cannot be subscribed: there is no {TOPIC}")
            found[name] = (url, None)
        else:
            found[name] = (url, sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])["Attributes"])
    return found, problems


def _topic_arn_for(queue_arn):
    """The ARN order-events.fifo has (or would have) in the queue's account and region."""
    _, partition, _, region, account, _ = queue_arn.split(":", 5)
    return f"arn:{partition}:sns:{region}:{account}:{TOPIC}"


def _sns_may_send(run, policy, queue_arn, topic_arn):
    """The decision on SNS delivering a message of `topic_arn` to the queue (as the emulator judges it)."""
    return run.policy_decision(
        policy, principal={"Service": "sns.amazonaws.com"}, action="sqs:SendMessage", resource=queue_arn,
        context={"aws:SourceArn": topic_arn, "aws:SourceAccount": topic_arn.split(":")[4], "aws:SecureTransport": "true"},
    )


def _policy_problems(run, found, topic_exists):
    """{queue: (what is wrong with its policy, whether SNS is refused)} for the queues that exist."""
    problems = {}
    for name, (url, _) in found.items():
        if url is None:
            continue
        attributes = run.queue_attributes(url)
        queue_arn, policy = attributes["QueueArn"], attributes.get("Policy")
        topic_arn = _topic_arn_for(queue_arn)
        ours = _sns_may_send(run, policy, queue_arn, topic_arn)
        if not ours.allowed:
            dropped = "so SNS dropped every message" if topic_exists else "so SNS would drop every message"
            problems[name] = (f"{name} has no queue policy letting {TOPIC} send, {dropped}" + (f" ({ours.reason})" if policy else ""), True)
            continue
        stranger = topic_arn.rsplit(":", 1)[0] + ":someone-elses-topic"
        if _sns_may_send(run, policy, queue_arn, stranger).allowed:
            problems[name] = (
                f"{name}'s policy lets any topic send, not only {TOPIC}: add the condition "
                f"{{\"ArnEquals\": {{\"aws:SourceArn\": \"{topic_arn}\"}}}}",
                False,
            )
    return problems


def _consume(run, url, records, phase):
    """Receive and delete everything visible in `url`, appending (phase, message) to records."""
    for message in run.drain(url):
        records.append((phase, message))


def grade(run):
    sns, sqs = run.client("sns"), run.client("sqs")
    events = run.inputs["events"]
    retried = [events[i] for i in run.inputs["retried"]]
    held_order, sibling = run.inputs["held_order"], run.inputs["sibling_order"]
    as_given = [{k: e[k] for k in ("eventId", "orderId", "customerId", "message")} for e in events]
    customer_of = {e["orderId"]: e["customerId"] for e in events}

    topic_arn, standard_arn = _find_topic(sns)
    _check_topic(run, sns, topic_arn, standard_arn)
    found, problems = _subscriptions(run, sns, sqs, topic_arn)
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "subscriptions", f"billing.fifo and shipping.fifo are FIFO queues subscribed to {TOPIC}", 1, not problems,
        f"billing.fifo and shipping.fifo are FIFO queues, both subscribed to {TOPIC}." if not problems
        else "Expected two FIFO queues, billing.fifo and shipping.fifo, each subscribed to the topic (protocol sqs): "
        + "; ".join(problems) + "." + setup_note,
    )

    policy_problems = _policy_problems(run, found, topic_arn is not None)
    existing = [name for name in QUEUES if found[name][0]]
    if not existing:
        run.check("queue-policy", f"Each queue lets only {TOPIC} send", 2, False, "There are no queues yet, so there is no queue policy." + setup_note)
    elif policy_problems:
        run.check(
            "queue-policy", f"Each queue lets only {TOPIC} send", 2, False,
            "; ".join(text for text, _ in policy_problems.values()) + ". SNS delivers to a queue as the service sns.amazonaws.com, and the queue "
            "takes the message only if its policy allows that principal sqs:SendMessage with aws:SourceArn = the topic's ARN; "
            "otherwise the message is dropped and the publisher is never told, as on AWS." + setup_note,
        )
    else:
        run.check(
            "queue-policy", f"Each queue lets only {TOPIC} send", 2, True,
            f"{' and '.join(existing)} each let {TOPIC} (and no other topic) send, as sns.amazonaws.com with aws:SourceArn.",
        )

    # 1. The relay publishes the events.
    publish_error = None
    if run.learner.has("publish"):
        try:
            run.learner.call("publish", as_given)
        except LearnerError as error:
            publish_error = f"publish(events) raised {error.describe()}"
    else:
        publish_error = "Your module has no publish(events) function"
    for event in events:
        run.label(event["message"], event["label"], reach=list(QUEUES))

    # 2. billing's first message is taken by a worker that dies on it: it stays in
    #    flight HOLD_S seconds while the other workers consume what they can.
    records = {name: [] for name in QUEUES}
    held = None
    billing_url, shipping_url = found["billing.fifo"][0], found["shipping.fifo"][0]
    if billing_url:
        taken = sqs.receive_message(QueueUrl=billing_url, MaxNumberOfMessages=1, VisibilityTimeout=HOLD_S,
                                    MessageSystemAttributeNames=["All"], WaitTimeSeconds=0).get("Messages", [])
        held = taken[0] if taken else None
        _consume(run, billing_url, records["billing.fifo"], "while-held")
        run.advance(HOLD_S + 1)
        _consume(run, billing_url, records["billing.fifo"], "after")
    else:
        run.advance(HOLD_S + 1)
    if shipping_url:
        _consume(run, shipping_url, records["shipping.fifo"], "after")

    # 3. The relay's first call had timed out on its side: it sends some events again.
    run.advance(RETRY_AFTER_S)
    retry_error = None
    if run.learner.has("publish"):
        try:
            run.learner.call("publish", [as_given[i] for i in run.inputs["retried"]])
        except LearnerError as error:
            retry_error = f"the retried publish(events) raised {error.describe()}"
    for event in retried:
        run.label(event["message"], f"retry of {event['label']}", avoid=list(QUEUES))
    for name, (url, _) in found.items():
        if url:
            _consume(run, url, records[name], "after-retry")

    notes = [n for n in (publish_error, retry_error) if n]
    note = (" " + "; ".join(notes) + ".") if notes else ""

    # What each queue's consumers processed, in the order they finished.
    processed = {}
    for name in QUEUES:
        processed[name] = []
        for phase, message in records[name]:
            data, raw = _payload(message["Body"])
            processed[name].append({"phase": phase, "data": data, "raw": raw, "body": message["Body"],
                                    "group": message.get("Attributes", {}).get("MessageGroupId")})

    expected = [json.loads(e["message"]) for e in events]

    def refused(name):
        """Whether SNS was refused by this subscribed queue's policy."""
        return topic_arn is not None and found[name][1] is not None and policy_problems.get(name, ("", False))[1]

    # Exactly once per queue
    title = "Each queue got every event exactly once; the retried publishes were dropped"
    parts = []
    for name in QUEUES:
        if found[name][0] is None:
            parts.append(f"{name} does not exist")
            continue
        got = [p["data"] for p in processed[name]]
        if not got:
            parts.append(f"{name} got none of them" + (" (its queue policy does not let the topic send)" if refused(name) else ""))
            continue
        for data in {json.dumps(d, sort_keys=True): d for d in expected}.values():
            want, have = expected.count(data), got.count(data)
            if want == have:
                continue
            labels = [e["label"] for e in events if json.loads(e["message"]) == data]
            if have > want:
                parts.append(f"{name} got {labels[0].split(' (')[0]} {_times(have)}" + ("" if want == 1 else f", {want} expected"))
            elif want == 2 and have == 1:
                parts.append(f"{name} got only one of the two events {labels[0].split(' (')[0]} (different events, the same body)")
            else:
                parts.append(f"{name} never got {labels[0]}")
        strangers = [p["body"][:60] for p in processed[name] if p["data"] not in expected]
        if strangers:
            parts.append(f"{name} got messages that are not one of the events: {_list(strangers, 2)}")
    ok = not parts and bool(processed["billing.fifo"])
    if ok:
        feedback = (
            f"billing.fifo and shipping.fifo each got all {len(events)} events once, the two with the same body included; "
            f"the {len(retried)} retried publishes were dropped by the topic."
        )
    else:
        feedback = "Each queue should get each of the " + str(len(events)) + " events exactly once: " + ("; ".join(parts) or "nothing arrived") + "."
        if any("times" in p or "twice" in p for p in parts):
            feedback += (
                " A retried publish is the same event: it must carry the same MessageDeduplicationId as the first time "
                "(the event's eventId), so the topic drops it."
            )
        if any("the same body" in p for p in parts):
            feedback += (
                " Two distinct events can have byte-for-byte the same message (the same item added twice): a deduplication id "
                "made from the body (content-based deduplication) or from the order and type drops the second. Use eventId."
            )
    run.check("exactly-once", title, 3, ok, feedback + note)

    # Order per order, in each queue
    title = "Each order's events were processed in the order published, in both queues"
    wrong = []
    for name in QUEUES:
        by_order = {}
        seen = []
        for p in processed[name]:
            data = p["data"]
            if isinstance(data, dict) and data in expected:
                if data in seen and seen.count(data) >= expected.count(data):
                    continue  # a duplicate: exactly-once says so
                seen.append(data)
                by_order.setdefault(data.get("orderId"), []).append(data)
        for order_id in dict.fromkeys(e["orderId"] for e in events):
            want = [d for d in expected if d.get("orderId") == order_id]
            got = by_order.get(order_id, [])
            if not _in_order(got, want):
                wrong.append(f"in {name}, {order_id} went " + " \u2192 ".join(d["type"] for d in got) + " (published " + " \u2192 ".join(d["type"] for d in want) + ")")
    if not any(processed.values()):
        run.check("order", title, 2, False, "No event reached the queues." + note)
    elif not wrong:
        run.check("order", title, 2, True, "Every order's events were processed in the order they were published, in both queues.")
    else:
        held_label = _label_of(events, held)
        feedback = "Each order's events must be processed in the order published: " + "; ".join(wrong[:3]) + "."
        if held_label:
            feedback += (
                f" While {held_label} was in flight in billing.fifo, later events of {held_order} went ahead of it: they were "
                "in other message groups. Everything that must stay in order needs one group: use the orderId as the MessageGroupId."
            )
        run.check("order", title, 2, False, feedback)

    # Parallelism: the other orders kept flowing while one was held
    title = "While one order's message was in flight, the other orders kept flowing"
    others = [e for e in events if e["orderId"] != held_order]
    flowed = [p["data"] for p in processed["billing.fifo"] if p["phase"] == "while-held"]
    stuck = [e for e in others if json.loads(e["message"]) not in flowed]
    held_label = _label_of(events, held)
    if billing_url is None or held is None:
        run.check("parallel", title, 2, False, "Nothing arrived in billing.fifo, so there was nothing to hold." + note)
    elif not stuck:
        run.check(
            "parallel", title, 2, True,
            f"While {held_label} waited {HOLD_S // 60} minutes in flight, the {len(others)} events of the other orders were processed; "
            f"only {held_order}'s later events waited behind it.",
        )
    else:
        held_group = (held.get("Attributes") or {}).get("MessageGroupId")
        stuck_orders = list(dict.fromkeys(e["orderId"] for e in stuck))
        feedback = (
            f"While {held_label} was in flight for {HOLD_S // 60} minutes (a worker died on it), the other orders' events should "
            f"have been processed; {len(stuck)} of {len(others)} waited: {_list(e['label'] for e in stuck)}."
        )
        if len(stuck) == len(others):
            feedback += (
                f" Every message had MessageGroupId {held_group!r}: one group for all orders makes the topic and queues strictly "
                "serial (one message at a time, and 300 per second at most per group), so one slow message stops everyone."
            )
        elif set(stuck_orders) == {sibling}:
            feedback += (
                f" {sibling} belongs to the same customer ({customer_of[sibling]}) as {held_order}, and shared its group "
                f"{held_group!r}: grouping by customer orders more than needed. Only one order's events must stay in order: "
                "group by orderId."
            )
        else:
            feedback += " Use the orderId as the MessageGroupId: one group per order."
        run.check("parallel", title, 2, False, feedback)

    # Raw delivery
    title = "Both queues get the raw message, not SNS's JSON envelope"
    wrapped = [name for name in QUEUES if any(not p["raw"] for p in processed[name])]
    settings = {name: (found[name][1] or {}).get("RawMessageDelivery", "false") for name in QUEUES if found[name][1] is not None}
    if not any(processed.values()):
        run.check("raw", title, 1, False, "Nothing arrived, so raw delivery could not be checked." + note)
    elif not wrapped:
        run.check("raw", title, 1, True, "billing.fifo and shipping.fifo receive each message exactly as published.")
    else:
        run.check(
            "raw", title, 1, False,
            f"{' and '.join(wrapped)} received SNS's JSON envelope ({{\"Type\": \"Notification\", \"Message\": ...}}) instead of the "
            "message: set the subscription attribute RawMessageDelivery to \"true\" (it is "
            + ", ".join(f"{n}: {v!r}" for n, v in settings.items()) + ").",
        )


def _in_order(got, want):
    """Whether `got` is `want` with some items left out (missing ones are exactly-once's to report)."""
    position = 0
    for item in got:
        while position < len(want) and want[position] != item:
            position += 1
        if position == len(want):
            return False
        position += 1
    return True


def _label_of(events, message):
    if message is None:
        return None
    data, _ = _payload(message["Body"])
    for event in events:
        if json.loads(event["message"]) == data:
            return event["label"].split(" (")[0]
    return "billing's first message"
