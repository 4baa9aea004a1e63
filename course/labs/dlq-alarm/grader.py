"""Grader for dlq-alarm. Trusted code: see docs/labs.md for the Run API.

The grader plays CloudWatch minute by minute (run.cloudwatch_minutes: SQS
metrics published, alarms evaluated, SNS notified), drives orders through the
learner's queues in phases, and reads the pages that reached its own queue
subscribed to ops-pages.
"""

import json

TOPIC, QUEUE, DLQ, PAGER = "ops-pages", "orders", "orders-dlq", "pager"
DLQ_ALARM, AGE_ALARM = "orders-dlq-not-empty", "orders-oldest-message-age"
EXPECTED = {
    DLQ_ALARM: {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible", "QueueName": DLQ, "Statistic": "Maximum",
                "Period": 60, "EvaluationPeriods": 1, "Threshold": 0.0, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"},
    AGE_ALARM: {"Namespace": "AWS/SQS", "MetricName": "ApproximateAgeOfOldestMessage", "QueueName": QUEUE, "Statistic": "Maximum",
                "Period": 60, "EvaluationPeriods": 3, "Threshold": 300.0, "ComparisonOperator": "GreaterThanThreshold", "TreatMissingData": "notBreaching"},
}


def _settings_problems(alarm, topic_arn):
    if alarm is None:
        return ["does not exist"]
    dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}
    got = {
        "Namespace": alarm.get("Namespace"), "MetricName": alarm.get("MetricName"), "QueueName": dimensions.get("QueueName"),
        "Statistic": alarm.get("Statistic") or alarm.get("ExtendedStatistic"), "Period": alarm.get("Period"),
        "EvaluationPeriods": alarm.get("EvaluationPeriods"), "Threshold": alarm.get("Threshold"),
        "ComparisonOperator": alarm.get("ComparisonOperator"), "TreatMissingData": alarm.get("TreatMissingData", "missing"),
    }
    want = EXPECTED[alarm["AlarmName"]]
    problems = [f"{key} should be {want[key]!r}, not {got[key]!r}" for key in want if got[key] != want[key]]
    if set(dimensions) - {"QueueName"}:
        problems.append(f"it has extra dimensions {sorted(set(dimensions) - {'QueueName'})}, which SQS's datapoints do not carry")
    datapoints = alarm.get("DatapointsToAlarm")
    if datapoints not in (None, want["EvaluationPeriods"]):
        problems.append(f"DatapointsToAlarm should be {want['EvaluationPeriods']} (or unset), not {datapoints}")
    if topic_arn not in (alarm.get("AlarmActions") or []):
        problems.append(f"AlarmActions should include {TOPIC}'s ARN; it is {alarm.get('AlarmActions') or []}")
    if alarm.get("ActionsEnabled") is False:
        problems.append("ActionsEnabled is false, so it never pages")
    return problems


def grade(run):
    sns, sqs, cloudwatch = run.client("sns"), run.client("sqs"), run.client("cloudwatch")
    inputs = run.inputs
    topic_arn = next((t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].rsplit(":", 1)[-1] == TOPIC), None)
    urls = {name: run.queue_url(name) for name in (QUEUE, DLQ)}
    redrive_ok = False
    if urls[QUEUE] and urls[DLQ]:
        raw = run.queue_attributes(urls[QUEUE]).get("RedrivePolicy")
        policy = json.loads(raw) if raw else {}
        redrive_ok = policy.get("deadLetterTargetArn") == run.queue_arn(urls[DLQ]) and int(policy.get("maxReceiveCount", 0)) == 3
    missing = ([f"topic {TOPIC}"] if not topic_arn else []) + [f"queue {n}" for n, u in urls.items() if not u]
    if urls[QUEUE] and urls[DLQ] and not redrive_ok:
        missing.append(f"a redrive policy on {QUEUE} to {DLQ} after 3 receives")
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check("resources", f"{TOPIC}, {QUEUE} and {DLQ} exist, with the redrive policy", 1, not missing,
              f"{QUEUE} dead-letters to {DLQ} after 3 receives; {TOPIC} exists." if not missing else f"Missing: {', '.join(missing)}.{setup_note}")

    alarms = {a["AlarmName"]: a for a in cloudwatch.describe_alarms()["MetricAlarms"]}
    problems = {name: _settings_problems(alarms.get(name), topic_arn) for name in (DLQ_ALARM, AGE_ALARM)}
    bad = [f"{name}: {'; '.join(p)}" for name, p in problems.items() if p]
    run.check("alarm-settings", "Both alarms watch the right metric with the right settings", 2, not bad,
              "Both alarms are set as asked." if not bad else "; ".join(bad) + ".")

    if not (urls[QUEUE] and urls[DLQ]):
        for check, title in (("dlq-pages", "A dead letter pages once"), ("age-pages", "Old work pages once, a short spike does not")):
            run.check(check, title, 3 if check == "dlq-pages" else 2, False, f"Not checked: {QUEUE} and {DLQ} must exist.")
        return

    # The grader's own pager: a queue subscribed to ops-pages (with the policy SNS needs).
    pager = sqs.create_queue(QueueName=PAGER)["QueueUrl"]
    pager_arn = run.queue_arn(pager)
    if topic_arn:
        sqs.set_queue_attributes(QueueUrl=pager, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": pager_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]})})
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=pager_arn)

    pages = []  # (phase, alarm name, new state)

    def minutes(count, phase):
        for change in run.cloudwatch_minutes(count):
            for message_id in change["message_ids"]:
                run.label(message_id, f"page: {change['alarm']} went {change['new']} ({phase})", reach=[PAGER])
        for message in run.drain(pager):
            try:
                note = json.loads(json.loads(message["Body"])["Message"])
            except (KeyError, TypeError, ValueError):
                continue
            if note.get("NewStateValue") == "ALARM":
                pages.append((phase, note.get("AlarmName"), note.get("NewStateReason", "")))

    def send(order, label, **expect):
        sent = sqs.send_message(QueueUrl=urls[QUEUE], MessageBody=json.dumps(order))
        run.label(sent["MessageId"], label, **expect)

    def consume():
        for message in run.drain(urls[QUEUE]):
            pass

    # Quiet minutes: orders flow and are consumed within a minute; orders-dlq stays empty.
    for batch in inputs["quiet_minutes"]:
        for order in batch:
            send(order, f"order {order['orderId']} (quiet minute)", avoid=[DLQ])
        minutes(1, "quiet")
        consume()
    # A poison order fails three receives and is dead-lettered.
    poison = inputs["poison"]
    send(poison, f"poison order {poison['orderId']}", reach=[DLQ])
    for _ in range(4):
        sqs.receive_message(QueueUrl=urls[QUEUE], MaxNumberOfMessages=10, VisibilityTimeout=0)
    minutes(2, "dead letter")
    run.drain(urls[DLQ])  # the on-call engineer takes it out
    minutes(1, "after the fix")
    # A short backlog: over 300 s for two datapoints only.
    short, long = inputs["short_backlog"], inputs["long_backlog"]
    run.advance(short["offset_s"])
    for order in short["orders"]:
        send(order, f"order {order['orderId']} (short backlog)")
    minutes(7, "short backlog")
    consume()
    minutes(1, "short backlog")
    # A long backlog: over 300 s for three datapoints and more.
    run.advance(long["offset_s"])
    for order in long["orders"]:
        send(order, f"order {order['orderId']} (long backlog)")
    minutes(long["minutes"], "long backlog")
    consume()
    minutes(1, "recovered")

    def verdict(alarm, right_phase):
        own = [(phase, reason) for phase, name, reason in pages if name == alarm]
        wrong = [phase for phase, _ in own if phase != right_phase]
        right = [phase for phase, _ in own if phase == right_phase]
        return own, wrong, right

    own, wrong, right = verdict(DLQ_ALARM, "dead letter")
    ok = len(own) == 1 and len(right) == 1
    if ok:
        feedback = f"{DLQ_ALARM} paged once, in the minute after the poison order reached {DLQ}, and never while {DLQ} was empty."
    elif DLQ_ALARM not in alarms:
        feedback = f"There is no alarm named {DLQ_ALARM}."
    else:
        parts = [f"{DLQ_ALARM} should page once, when the poison order reaches {DLQ}"]
        parts.append(f"it paged {len(own)} time(s)" + (f", {len(wrong)} of them while {DLQ} was empty ({', '.join(sorted(set(wrong)))}: {own[0][1][:160]})" if wrong else ""))
        if not right:
            parts.append(f"nothing reached {TOPIC} when the dead letter arrived (state after it: {alarms[DLQ_ALARM].get('StateValue')})")
        feedback = "; ".join(parts) + "."
    run.check("dlq-pages", "A dead letter pages once", 3, ok, feedback)

    own, wrong, right = verdict(AGE_ALARM, "long backlog")
    ok = len(own) == 1 and len(right) == 1
    if ok:
        feedback = f"{AGE_ALARM} paged once, on the third minute over 300 s, and stayed quiet through a two-minute spike."
    elif AGE_ALARM not in alarms:
        feedback = f"There is no alarm named {AGE_ALARM}."
    else:
        parts = [f"{AGE_ALARM} should page once, when the oldest order has been over 300 s for three datapoints in a row"]
        parts.append(f"it paged {len(own)} time(s)" + (f", {len(wrong)} of them at the wrong moment ({', '.join(sorted(set(wrong)))}: {[r for p, r in own if p != 'long backlog'][0][:160]})" if wrong else ""))
        if not right:
            parts.append("it did not page during the long backlog")
        feedback = "; ".join(parts) + "."
    run.check("age-pages", "Old work pages once, a short spike does not", 2, ok, feedback)
