"""Grader for eventbridge-archive-replay. Trusted code: see docs/labs.md for the Run API.

The grader plays the shop (putting events on shop-events over about an hour of
emulator time), the invoicing consumer (which drops what arrives during the two
bug windows), the analytics team (its own rule to-analytics) and an unreliable
invoicing queue (run.faults.fail_delivery). Then it asks the learner to replay
each window.
"""

import datetime
import json

from grader import LearnerError

BUS = "shop-events"
RULE = "to-invoicing"
ARCHIVE = "orders-archive"
QUEUES = ("invoicing", "invoicing-dlq")
RETRY_POLICY = {"MaximumRetryAttempts": 50, "MaximumEventAgeInSeconds": 900}


def _iso(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat()


def _order_id(message):
    try:
        body = json.loads(message["Body"])
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    detail = body.get("detail") if isinstance(body.get("detail"), dict) else {}
    return detail.get("orderId"), body


def _sentence(text):
    return text[:1].upper() + text[1:] + "."


def _lets_only(run, policy_text, queue_arn, rule_arn):
    """Does the queue policy let EventBridge send for this rule, and refuse it
    for another rule of the same account? (The emulator's own judge, which
    also decides each delivery.)"""
    def allowed(source_arn):
        return run.policy_decision(
            policy_text, principal={"Service": "events.amazonaws.com"}, action="sqs:SendMessage", resource=queue_arn,
            context={"aws:SourceArn": source_arn, "aws:SourceAccount": source_arn.split(":")[4], "aws:SecureTransport": "true"},
        ).allowed
    return allowed(rule_arn) and not allowed(rule_arn.rsplit("/", 1)[0] + "/some-other-rule")


def _allow_rule(sqs, queue_url, queue_arn, rule_arn):
    """The analytics team's own queue policy (the grader plays that team)."""
    statement = {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
                 "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}}}
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})})


def grade(run):
    events_client, sqs = run.client("events"), run.client("sqs")
    inputs = run.inputs
    start = int(run.now())
    urls = {name: run.queue_url(name) for name in QUEUES}
    buses = [b["Name"] for b in events_client.list_event_buses()["EventBuses"]]
    bus_ok = BUS in buses
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""

    # --- the target: DLQ and retry policy ------------------------------------------
    problems, rule_arn, target = [], None, None
    problems += [f"queue {name} does not exist" for name, url in urls.items() if not url]
    if not bus_ok:
        problems.append(f"there is no event bus {BUS}")
    else:
        try:
            rule_arn = events_client.describe_rule(Name=RULE, EventBusName=BUS)["Arn"]
        except events_client.exceptions.ResourceNotFoundException:
            problems.append(f"there is no rule {RULE} on {BUS}")
    if rule_arn and urls["invoicing"]:
        invoicing_arn = run.queue_arn(urls["invoicing"])
        targets = events_client.list_targets_by_rule(Rule=RULE, EventBusName=BUS)["Targets"]
        target = next((t for t in targets if t["Arn"] == invoicing_arn), None)
        if target is None:
            problems.append(f"{RULE} has no target for the queue invoicing")
        else:
            dlq_arn = run.queue_arn(urls["invoicing-dlq"]) if urls["invoicing-dlq"] else None
            dead = (target.get("DeadLetterConfig") or {}).get("Arn")
            if dead != dlq_arn:
                problems.append(f"the invoicing target's DeadLetterConfig should name invoicing-dlq; it is {dead or 'not set'}")
            policy = target.get("RetryPolicy") or {}
            if {k: policy.get(k) for k in RETRY_POLICY} != RETRY_POLICY:
                problems.append(f"the invoicing target's RetryPolicy should be {json.dumps(RETRY_POLICY)}; it is {json.dumps(policy) if policy else 'not set'}")
    run.check(
        "target", "to-invoicing delivers to invoicing with a DLQ and a retry policy", 2, not problems,
        "to-invoicing targets invoicing, with invoicing-dlq as its dead-letter queue and the retry policy asked for."
        if not problems else _sentence("; ".join(problems)) + setup_note,
    )

    dlq_policy_ok = bool(rule_arn and urls["invoicing-dlq"] and _lets_only(
        run, run.queue_attributes(urls["invoicing-dlq"]).get("Policy"), run.queue_arn(urls["invoicing-dlq"]), rule_arn))
    run.check(
        "dlq-policy", "invoicing-dlq lets EventBridge send, for to-invoicing only", 1, dlq_policy_ok,
        "invoicing-dlq's policy allows events.amazonaws.com to SendMessage when aws:SourceArn is to-invoicing's ARN."
        if dlq_policy_ok else
        "invoicing-dlq needs a queue policy allowing events.amazonaws.com to sqs:SendMessage with a condition on "
        f"aws:SourceArn equal to the rule's ARN ({rule_arn or 'the to-invoicing rule'}); without it AWS drops what should be dead-lettered. "
        + ("It has no policy." if urls["invoicing-dlq"] and not run.queue_attributes(urls["invoicing-dlq"]).get("Policy") else "Its policy does not say that."),
    )

    # --- the analytics team's rule, added after setup() ---------------------------------
    analytics_url = sqs.create_queue(QueueName="analytics")["QueueUrl"]
    if bus_ok:
        analytics_rule = events_client.put_rule(Name="to-analytics", EventBusName=BUS, EventPattern=json.dumps({"source": ["com.shop.orders"]}))["RuleArn"]
        _allow_rule(sqs, analytics_url, run.queue_arn(analytics_url), analytics_rule)
        events_client.put_targets(Rule="to-analytics", EventBusName=BUS, Targets=[{"Id": "analytics", "Arn": run.queue_arn(analytics_url)}])

    # --- an hour of shop events -----------------------------------------------------------
    windows = [(start + a, start + b) for a, b in inputs["windows"]]
    by_id, when = {}, {}
    faults = []
    for event in inputs["events"]:
        order_id = event["detail"]["orderId"]
        if event["fault"] == "transient":
            faults.append(run.faults.fail_delivery("invoicing", select=lambda body, o=order_id: o in body, times=3))
        elif event["fault"] == "permanent":
            faults.append(run.faults.fail_delivery("invoicing", select=lambda body, o=order_id: o in body))
    invoiced, lost = {}, []

    def consume():
        if urls["invoicing"]:
            for message in run.drain(urls["invoicing"]):
                order_id, _ = _order_id(message)
                if any(a <= when.get(order_id, -1) < b for a, b in windows):
                    lost.append(order_id)  # the buggy consumer: deleted, never invoiced
                else:
                    invoiced[order_id] = invoiced.get(order_id, 0) + 1
        run.drain(analytics_url)

    permanent_at = None
    for event in inputs["events"]:
        target_time = start + event["at"]
        if run.now() < target_time:
            run.advance(target_time - run.now())
        consume()
        order_id = event["detail"]["orderId"]
        by_id[order_id] = event
        when[order_id] = run.now()
        if not bus_ok:
            continue
        put = events_client.put_events(Entries=[{
            "Source": event["source"], "DetailType": event["type"], "Detail": json.dumps(event["detail"]), "EventBusName": BUS,
        }])["Entries"][0]
        invoiceable = event["source"] == "com.shop.orders" and event["type"] == "OrderPlaced"
        in_window = any(a <= run.now() < b for a, b in windows)
        if event["fault"] == "permanent":
            permanent_at = run.now()
            reach, avoid = ["queue:invoicing-dlq"], []
        elif invoiceable:
            reach, avoid = ["queue:invoicing"], ["queue:invoicing-dlq"]
        else:
            reach, avoid = [], ["queue:invoicing"]
        label = f"{order_id}: {event['type']}, {event['note']}" + (" (dropped by the buggy consumer)" if in_window and invoiceable else "")
        if put.get("EventId"):
            run.label(put["EventId"], label, reach=reach, avoid=avoid)
    if permanent_at is not None and run.now() < permanent_at + 960:
        run.advance(permanent_at + 960 - run.now())
    consume()
    for fault in faults:
        fault.stop()
    dead = run.drain(urls["invoicing-dlq"]) if urls["invoicing-dlq"] else []

    # --- the archive ---------------------------------------------------------------------
    archived = [e for e in inputs["events"] if e["source"] == "com.shop.orders"]
    problems = []
    try:
        archive = events_client.describe_archive(ArchiveName=ARCHIVE)
    except events_client.exceptions.ResourceNotFoundException:
        archive = None
        problems.append(f"there is no archive {ARCHIVE}")
    if archive:
        bus_arn = f"arn:aws:events:{run.region}:123456789012:event-bus/{BUS}"
        if archive.get("EventSourceArn") != bus_arn:
            problems.append(f"{ARCHIVE} should record {BUS}; it records {archive.get('EventSourceArn')}")
        if int(archive.get("RetentionDays") or 0) != 30:
            problems.append(f"{ARCHIVE} should keep events 30 days; RetentionDays is {archive.get('RetentionDays') or 0} (0 keeps them forever)")
        count = int(archive.get("EventCount") or 0)
        if count != len(archived):
            kinds = sorted({e["type"] for e in archived})
            problems.append(
                f"{ARCHIVE} should hold the {len(archived)} events from com.shop.orders ({', '.join(kinds)}) and nothing else; it holds {count}"
                + (" (payment events carry card data and must not be archived)" if count > len(archived) else "")
            )
    run.check(
        "archive", "orders-archive keeps every order event, and only those, for 30 days", 2, not problems,
        f"{ARCHIVE} holds the {len(archived)} order events and no payment events, kept 30 days." if not problems
        else _sentence("; ".join(problems)),
    )

    # --- retries and the DLQ ----------------------------------------------------------------
    transient = next(e["detail"]["orderId"] for e in inputs["events"] if e["fault"] == "transient")
    permanent = next(e["detail"]["orderId"] for e in inputs["events"] if e["fault"] == "permanent")
    dead_ids = [_order_id(m)[0] for m in dead]
    ok = invoiced.get(transient) == 1 and transient not in dead_ids
    run.check(
        "retries", "an order whose delivery failed 3 times is retried and arrives", 2, ok,
        f"{transient} arrived in invoicing after its failed deliveries were retried." if ok
        else f"{transient}'s first 3 deliveries failed (invoicing throttled); retried, it should have arrived once in invoicing; "
        + ("it went to invoicing-dlq instead: the retry policy allows too few retries." if transient in dead_ids
           else f"it arrived {invoiced.get(transient, 0)} times."),
    )
    mine = [m for m in dead if _order_id(m)[0] == permanent]
    attributes = {k: v.get("StringValue") for k, v in (mine[0].get("MessageAttributes") or {}).items()} if mine else {}
    ok = len(mine) == 1 and attributes.get("RULE_ARN") == rule_arn and bool(attributes.get("ERROR_CODE"))
    run.check(
        "dead-letter", "an order that can never be delivered is in invoicing-dlq within 15 minutes", 2, ok,
        f"{permanent} reached invoicing-dlq after {attributes.get('RETRY_ATTEMPTS')} retries, with ERROR_CODE {attributes.get('ERROR_CODE')} "
        f"and EXHAUSTED_RETRY_CONDITION {attributes.get('EXHAUSTED_RETRY_CONDITION')}." if ok
        else f"Every delivery of {permanent} to invoicing failed; 16 minutes later it should be in invoicing-dlq (a target dead-letter "
        f"queue, after at most 15 minutes of retries); invoicing-dlq holds {len(dead)} message(s)"
        + ("" if mine else f" and not {permanent}: a redrive policy on invoicing does not catch what EventBridge cannot deliver, and without MaximumEventAgeInSeconds EventBridge keeps retrying for 24 hours") + ".",
    )

    # --- the fix is deployed: replay both windows ---------------------------------------
    replayed, errors, analytics_after = [], [], 0
    for a, b in windows:
        try:
            run.learner.call("replay_outage", _iso(a), _iso(b))
        except LearnerError as error:
            if error.kind == "timeout":
                raise
            errors.append(f"replay_outage({_iso(a)}, {_iso(b)}) failed: {error.describe()}")
        if urls["invoicing"]:
            for message in run.drain(urls["invoicing"]):
                order_id, body = _order_id(message)
                replayed.append((order_id, (body or {}).get("replay-name")))
        analytics_after += len(run.drain(analytics_url))
    expected = [o for o, e in by_id.items() if e["source"] == "com.shop.orders" and e["type"] == "OrderPlaced"
                and any(a <= when[o] < b for a, b in windows) and e["fault"] == ""]
    got = [o for o, _ in replayed]
    missing = [o for o in expected if o not in got]
    extra = sorted({o for o in got if o not in expected})
    twice = sorted({o for o in got if got.count(o) > 1})
    unnamed = [o for o, name in replayed if not name]
    ok = not errors and not missing and not extra and not twice and not unnamed
    parts = [f"After the fix, invoicing should receive again exactly the {len(expected)} orders the buggy consumer dropped in the two windows; it received {len(got)}"]
    if errors:
        parts.append("; ".join(errors))
    if missing:
        parts.append("missing: " + ", ".join(f"{o} ({by_id[o]['note']})" for o in missing))
    if extra:
        parts.append("replayed although already invoiced (duplicates): " + ", ".join(f"{o} ({by_id[o]['note'] if o in by_id else 'unknown'})" for o in extra))
    if twice:
        parts.append("replayed more than once: " + ", ".join(twice))
    if unnamed:
        parts.append("arrived without replay-name, so not from a replay: " + ", ".join(unnamed))
    run.check(
        "replayed-window", "each replay brings back exactly its window's dropped orders", 3, ok,
        f"Both replays brought back exactly the {len(expected)} dropped orders, each once." if ok else ". ".join(parts) + ".",
    )
    ok = analytics_after == 0 and not errors and bool(got)
    run.check(
        "replay-rules", "the replays reach to-invoicing only", 2, ok,
        "The replays went to to-invoicing only; analytics, which never lost anything, saw none of them." if ok
        else "Nothing was replayed, so which rules a replay reaches could not be checked." if not got and not analytics_after
        else f"The analytics queue received {analytics_after} replayed event(s): without Destination FilterArns naming to-invoicing, "
        "a replay goes to every rule on the bus, and consumers that were fine process the window twice.",
    )
