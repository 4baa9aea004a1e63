"""Grader for eventbridge-routing. Trusted code: see docs/labs.md for the Run API."""

import json

BUS = "orders-bus"
RULES = {"high-value-orders": "high-value", "eu-orders": "eu-orders"}


def _rule_problem(events, rule, queue_arn, *, transformed):
    """None if `rule` is on orders-bus targeting the queue as required, else what is wrong."""
    try:
        events.describe_rule(Name=rule, EventBusName=BUS)
    except events.exceptions.ResourceNotFoundException:
        try:
            events.describe_rule(Name=rule)
            return f"rule {rule} is on the default bus; it must be on {BUS}"
        except events.exceptions.ResourceNotFoundException:
            return f"there is no rule {rule} on {BUS}"
    targets = events.list_targets_by_rule(Rule=rule, EventBusName=BUS)["Targets"]
    mine = [t for t in targets if t["Arn"] == queue_arn]
    if not mine:
        return f"rule {rule} has no target for the queue {queue_arn.rsplit(':', 1)[-1]} (targets: {[t['Arn'] for t in targets] or 'none'})"
    target = mine[0]
    if transformed and "InputTransformer" not in target:
        return f"rule {rule}'s target has no InputTransformer"
    if not transformed and any(k in target for k in ("InputTransformer", "Input", "InputPath")):
        return f"rule {rule}'s target changes the event; it should deliver it as is"
    return None


def _sentence(text):
    return text[:1].upper() + text[1:] + "."


def _order_id(body):
    try:
        data = json.loads(body)
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, data
    detail = data.get("detail")
    if isinstance(detail, dict) and "orderId" in detail:
        return detail["orderId"], data
    return data.get("orderId"), data


def grade(run):
    events_client, sqs = run.client("events"), run.client("sqs")
    sent = run.inputs["events"]
    labels = {e["orderId"]: e["label"] for e in sent}
    urls = {q: run.queue_url(q) for q in RULES.values()}
    arns = {q: run.queue_arn(u) for q, u in urls.items() if u}
    bus_exists = any(b["Name"] == BUS for b in events_client.list_event_buses()["EventBuses"])

    problems = [] if bus_exists else [f"there is no event bus named {BUS}"]
    problems += [f"queue {q} does not exist" for q, u in urls.items() if not u]
    if bus_exists:
        for rule, queue in RULES.items():
            if queue in arns:
                problem = _rule_problem(events_client, rule, arns[queue], transformed=(rule == "eu-orders"))
                if problem:
                    problems.append(problem)
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "rules", "Both rules exist on orders-bus with the right targets", 2, not problems,
        "high-value-orders targets high-value as is; eu-orders targets eu-orders through a transformer." if not problems
        else _sentence("; ".join(problems)) + setup_note,
    )

    # Put the hidden events, one at a time so a bad entry is easy to spot.
    for event in sent:
        detail = {k: event[k] for k in ("orderId", "total", "tier", "region")}
        entry = {"Source": event.get("source", "com.shop.orders"), "DetailType": event.get("detail_type", "OrderPlaced"), "Detail": json.dumps(detail)}
        if event.get("bus", BUS) != "default":
            if not bus_exists:
                continue
            entry["EventBusName"] = BUS
        put = events_client.put_events(Entries=[entry])["Entries"][0]
        if put.get("EventId"):
            # "queue:": the eu-orders rule shares its name with its queue.
            run.label(put["EventId"], event["label"], reach=[f"queue:{q}" for q in event["to"]],
                      avoid=[f"queue:{q}" for q in RULES.values() if q not in event["to"]])

    arrived = {q: {} for q in RULES.values()}
    for queue, url in urls.items():
        if url:
            for message in run.drain(url):
                order_id, data = _order_id(message["Body"])
                arrived[queue].setdefault(order_id, []).append(data)

    by_id = {e["orderId"]: e for e in sent}
    for queue, check_id, points in (("high-value", "high-value-routing", 3), ("eu-orders", "eu-routing", 2)):
        expected = [e["orderId"] for e in sent if queue in e["to"]]
        got = arrived[queue]
        missing = [i for i in expected if i not in got]
        extra = [i for i in got if i not in expected]
        twice = [i for i, copies in got.items() if len(copies) > 1]
        changed = []
        if queue == "high-value":
            for order_id, copies in got.items():
                event = by_id.get(order_id)
                if event and not (isinstance(copies[0], dict) and copies[0].get("detail", {}).get("total") == event["total"] and copies[0].get("source") == "com.shop.orders"):
                    changed.append(order_id)
        ok = urls[queue] is not None and not missing and not extra and not twice and not changed
        if ok:
            feedback = f"{queue} received exactly its {len(expected)} events" + (", unchanged." if queue == "high-value" else ".")
        else:
            parts = [f"{queue} should receive {len(expected)} of the {len(sent)} events; it received {sum(len(c) for c in got.values())}"]
            if missing:
                parts.append("missing: " + "; ".join(labels[i] for i in missing))
            if extra:
                parts.append("should not have arrived: " + "; ".join(labels.get(i, str(i)) for i in extra))
            if twice:
                parts.append("arrived more than once: " + "; ".join(labels.get(i, str(i)) for i in twice))
            if changed:
                parts.append("arrived changed instead of as the original event: " + "; ".join(labels.get(i, str(i)) for i in changed))
            if missing:
                parts += [f"EventBridge could not deliver to {queue}: {reason}" for reason in run.undeliverable(queue)[:2]]
            feedback = ". ".join(parts) + "."
        run.check(check_id, f"{queue} receives exactly the right events", points, ok, feedback)

    shapes = []
    for order_id, copies in arrived["eu-orders"].items():
        event = by_id.get(order_id)
        for data in copies:
            want = {"orderId": order_id, "region": event["region"]} if event else None
            if data != want:
                shapes.append(f"expected {json.dumps(want)}, got {json.dumps(data)[:160]}")
    ok = bool(arrived["eu-orders"]) and not shapes
    run.check(
        "transformed-shape", "eu-orders messages are exactly {orderId, region}", 2, ok,
        "Every eu-orders message is exactly {\"orderId\": ..., \"region\": ...}." if ok
        else "Nothing reached eu-orders, so the transformed shape could not be checked." if not arrived["eu-orders"]
        else "Each eu-orders message should be exactly {\"orderId\": ..., \"region\": ...}; " + "; ".join(shapes[:3]) + ".",
    )
