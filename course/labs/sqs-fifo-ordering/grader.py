"""Grader for sqs-fifo-ordering. Trusted code: see docs/labs.md for the Run API."""

import json

from grader import LearnerError

QUEUE, TABLE = "payments.fifo", "balances"
BATCH_SIZE = 10
HOLD_S = 120  # the held message stays in flight until the grader lets it go


class _Recorder:
    """Stands in for run.learner during delivery and keeps every event the
    handler was given, so the grader can read the records' FIFO attributes."""

    def __init__(self, learner):
        self.learner, self.phase, self.records = learner, "", []

    def has(self, name):
        return self.learner.has(name)

    def call(self, name, *args):
        if name == "handler" and args and isinstance(args[0], dict):
            self.records.extend((self.phase, record) for record in args[0].get("Records", []))
        return self.learner.call(name, *args)


def _key(body):
    """(accountId, seq) of a message body, or None when it is not an event."""
    try:
        event = json.loads(body)
        return (str(event["accountId"]), int(event["seq"]))
    except (TypeError, ValueError, KeyError):
        return None


def _label(event):
    return f"{event['accountId']} #{event['seq']} {event['type']} {event['amount']}"


def _expected_balances(events):
    balances = {}
    for event in events:
        balance = balances.get(event["accountId"], 0)
        if event["type"] == "deposit":
            balance += event["amount"]
        elif event["amount"] <= balance:
            balance -= event["amount"]
        balances[event["accountId"]] = balance
    return balances


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _check_queue(run, url):
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    if url is None:
        feedback = f"There is no queue called {QUEUE}. setup() should create it with FifoQueue \"true\".{setup_note}"
        if run.queue_url("payments"):
            feedback += " There is a queue called payments: a FIFO queue's name must end in .fifo."
        return run.check("fifo-queue", f"{QUEUE} is a FIFO queue without content-based deduplication", 1, False, feedback)
    attributes = run.queue_attributes(url)
    fifo, content = attributes.get("FifoQueue") == "true", attributes.get("ContentBasedDeduplication", "false")
    ok = fifo and content == "false"
    if ok:
        feedback = f"{QUEUE} is a FIFO queue; deduplication ids come from the publisher."
    elif not fifo:
        feedback = f"{QUEUE} should have FifoQueue \"true\"."
    else:
        feedback = (
            f"{QUEUE} should have ContentBasedDeduplication \"false\"; it is {content}. "
            "Give every message its own MessageDeduplicationId instead of a hash of its body."
        )
    return run.check("fifo-queue", f"{QUEUE} is a FIFO queue without content-based deduplication", 1, ok, feedback)


def _check_table(run):
    dynamodb = run.client("dynamodb")
    title = f"{TABLE} exists with the partition key accountId"
    try:
        table = dynamodb.describe_table(TableName=TABLE)["Table"]
    except dynamodb.exceptions.ResourceNotFoundException:
        setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
        run.check("balances-table", title, 1, False, f"There is no DynamoDB table called {TABLE}.{setup_note}")
        return False
    keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    ok = keys == {"HASH": "accountId"} and types.get("accountId") == "S"
    if ok:
        feedback = f"{TABLE} is keyed by accountId (a string)."
    else:
        shown = ", ".join(f"{name} ({'partition' if kind == 'HASH' else 'sort'} key, type {types.get(name, '?')})" for kind, name in keys.items())
        feedback = f"{TABLE} should have exactly one key, the partition key accountId of type S; it has {shown}."
    run.check("balances-table", title, 1, ok, feedback)
    return True


def _publish(run, events, republish):
    if not run.learner.has("publish"):
        return "Your module has no publish(events) function."
    for batch, what in ((events, "publish(events)"), (republish, "the retried publish(events)")):
        try:
            run.learner.call("publish", batch)
        except LearnerError as error:
            return f"{what} raised {error.describe()}"
    return None


def _scan_balances(run):
    dynamodb = run.client("dynamodb")
    balances, odd = {}, []
    try:
        pages = dynamodb.get_paginator("scan").paginate(TableName=TABLE)
        for page in pages:
            for item in page.get("Items", []):
                account = item.get("accountId", {}).get("S")
                raw = item.get("balance", {}).get("N")
                if raw is None:
                    odd.append(account or "an item without accountId")
                    continue
                try:
                    balances[account] = int(float(raw)) if float(raw).is_integer() else float(raw)
                except ValueError:
                    odd.append(account)
    except dynamodb.exceptions.ResourceNotFoundException:
        return None, []
    return balances, odd


def grade(run):
    sqs = run.client("sqs")
    events = run.inputs["events"]
    retried = [events[i] for i in run.inputs["republish"]]
    by_key = {(e["accountId"], e["seq"]): e for e in events}
    accounts = list(dict.fromkeys(e["accountId"] for e in events))

    url = run.queue_url(QUEUE)
    _check_queue(run, url)
    table_exists = _check_table(run)

    publish_error = _publish(run, events, retried)
    # Your publish() sent these: name each event, then each retry (the same body, sent later).
    for event in events:
        run.label(json.dumps(event), _label(event), reach=["handler"])
    for event in retried:
        run.label(json.dumps(event), f"retry of {_label(event)}", avoid=["handler"])
    problems = [publish_error] if publish_error else []
    if url is None:
        problems.append(f"{QUEUE} does not exist, so nothing could be delivered.")
    if not run.learner.has("handler"):
        problems.append("Your module has no handler(event, context) function.")
    note = (" " + " ".join(problems)) if problems else ""

    # Hold the first message in flight (another invocation is "busy" with it),
    # deliver everything else, then let it go and deliver the rest.
    recorder = _Recorder(run.learner)
    held_key, invocations = None, []
    if url is not None:
        held = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=HOLD_S, MessageSystemAttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        if held:
            held_key = _key(held[0]["Body"])
        if run.learner.has("handler"):
            run.learner = recorder
            try:
                recorder.phase = "while-held"
                invocations += run.deliver_sqs(url, function="handler", batch_size=BATCH_SIZE, max_batches=30)
                if held:
                    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=held[0]["ReceiptHandle"], VisibilityTimeout=0)
                recorder.phase = "after-release"
                invocations += run.deliver_sqs(url, function="handler", batch_size=BATCH_SIZE, max_batches=30)
            finally:
                run.learner = recorder.learner
        elif held:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=held[0]["ReceiptHandle"], VisibilityTimeout=0)

    failed_ids = {mid for inv in invocations if inv.error is not None for mid in inv.message_ids}
    errors = [inv.error.describe() for inv in invocations if inv.error is not None]
    error_note = f" Your handler raised {errors[0]}" + (f" (and {len(errors) - 1} more times)" if len(errors) > 1 else "") + "." if errors else ""
    records = recorder.records
    held_label = _label(by_key[held_key]) if held_key in by_key else None

    # Message groups
    title = "Each message's group is its account, so accounts flow in parallel"
    wrong_groups = []
    for _, record in records:
        key = _key(record["body"])
        group = record.get("attributes", {}).get("MessageGroupId")
        if key is not None and group != key[0]:
            wrong_groups.append((key, group))
    groups = {group for _, group in wrong_groups}
    while_held = [_key(r["body"]) for phase, r in records if phase == "while-held"]
    if not records:
        run.check("groups", title, 2, False, "No message reached your handler, so there are no groups to look at." + note)
    elif not wrong_groups:
        flowed = (
            f": while {held_label} was held, {len(while_held)} events of the other accounts went through"
            if held_label and while_held else ""
        )
        run.check("groups", title, 2, True, f"Every message's MessageGroupId was its accountId{flowed}.")
    elif len(groups) == 1 and len({k[0] for k, _ in wrong_groups}) > 1:
        group = next(iter(groups))
        run.check(
            "groups", title, 2, False,
            f"Every message used MessageGroupId {group!r}: one group for all {len(accounts)} accounts, so they queue behind "
            f"each other. While {held_label or 'the first message'} was held in flight, {len(while_held)} other events could be "
            "delivered. Use the event's accountId as the group.",
        )
    else:
        shown = [f"{_label(by_key[k]) if k in by_key else k} had {g!r}" for k, g in wrong_groups]
        run.check(
            "groups", title, 2, False,
            f"MessageGroupId should be the event's accountId; {len(wrong_groups)} of {len(records)} messages had another: {_list(shown, 3)}.",
        )

    # Order per account
    title = "Each account's events reached the handler in seq order"
    seen, arrived = set(), {}
    for _, record in records:
        key = _key(record["body"])
        if key is not None and key not in seen:
            seen.add(key)
            arrived.setdefault(key[0], []).append(key[1])
    out_of_order = {a: seqs for a, seqs in arrived.items() if seqs != sorted(seqs)}
    if not records:
        run.check("order", title, 2, False, "No message reached your handler." + note)
    elif not out_of_order:
        run.check("order", title, 2, True, f"Every account's events arrived in seq order ({len(arrived)} account{'s' if len(arrived) != 1 else ''}).")
    else:
        shown = [f"{a} got {', '.join(f'#{s}' for s in seqs)}" for a, seqs in out_of_order.items()]
        held_hint = (
            f" {held_label} was held in flight and the account's later events overtook it: only a message group per account stops that."
            if held_key and held_key[0] in out_of_order else ""
        )
        run.check("order", title, 2, False, f"Each account's events should arrive in seq order; {'; '.join(shown)}.{held_hint}")

    # Exactly once
    title = "Every event reached the handler exactly once; the retried publish was dropped"
    counts, unexpected = {}, []
    for _, record in records:
        if record["messageId"] in failed_ids:
            continue
        key = _key(record["body"])
        if key in by_key:
            counts[key] = counts.get(key, 0) + 1
        else:
            unexpected.append(record["body"][:60])
    missing = [_label(e) for e in events if counts.get((e["accountId"], e["seq"]), 0) == 0]
    twice = [f"{_label(e)} {counts[k]} times" for k, e in by_key.items() if counts.get(k, 0) > 1]
    ok = bool(records) and not missing and not twice and not unexpected
    if ok:
        feedback = f"All {len(events)} events were handled once; the {len(retried)} retried publishes were dropped as duplicates."
    else:
        parts = []
        if twice:
            parts.append(
                f"handled more than once: {_list(twice)} (a retried publish of the same event must carry the same "
                "MessageDeduplicationId so SQS drops it)"
            )
        if missing:
            parts.append(
                f"never handled: {_list(missing)}"
                + (" (two different events with the same MessageDeduplicationId: the second is dropped as a duplicate)" if records else "")
            )
        if unexpected:
            parts.append(f"bodies that are not one of the events as JSON: {_list(unexpected, 2)}")
        feedback = f"Each of the {len(events)} events should be handled exactly once; " + "; ".join(parts) + "." + error_note + note
    run.check("exactly-once", title, 2, ok, feedback)

    # Balances
    title = "The final balances are right"
    expected = _expected_balances(events)
    actual, odd = _scan_balances(run) if table_exists else (None, [])
    if actual is None:
        run.check("balances", title, 2, False, f"There is no {TABLE} table to read the balances from.")
    else:
        wrong = [f"{a} should be {b}, it is {actual[a]}" for a, b in expected.items() if a in actual and actual[a] != b]
        absent = [a for a in expected if a not in actual and a not in odd]
        extra = [a for a in actual if a not in expected]
        ok = not wrong and not absent and not extra and not odd
        if ok:
            feedback = f"All {len(expected)} balances are right: " + ", ".join(f"{a} {b}" for a, b in expected.items()) + "."
        else:
            parts = []
            if wrong:
                parts.append("; ".join(wrong))
            if absent:
                parts.append(f"no item for {_list(absent)}")
            if odd:
                parts.append(f"no numeric balance attribute for {_list(str(a) for a in odd)}")
            if extra:
                parts.append(f"unexpected items: {_list(str(a) for a in extra)}")
            feedback = (
                "Final balances (in cents; a withdrawal the balance does not cover is declined): "
                + "; ".join(parts) + "." + error_note + note
            )
        run.check("balances", title, 2, ok, feedback)
