"""Grader for sns-filter-fanout. Trusted code: see docs/labs.md for the Run API."""

import json

QUEUES = ("payments", "shipping", "audit")
FILTERED = ("payments", "shipping")


def _list(value):
    return value if isinstance(value, list) else [value]


def principal_problem(statement):
    """None if the statement's Principal includes SNS, else what is wrong.

    SNS delivers as the service principal sns.amazonaws.com. "*" (or
    {"AWS": "*"}) also admits it and is left to the aws:SourceArn condition
    to narrow; an account, a role or another service (events.amazonaws.com,
    copied from an EventBridge policy) leaves SNS out, so nothing arrives.
    """
    if "NotPrincipal" in statement:
        return "its policy uses NotPrincipal; name SNS in Principal instead"
    principal = statement.get("Principal")
    if principal is None:
        return "its policy statement has no Principal, so it allows no one (SNS delivers as the service sns.amazonaws.com)"
    if principal == "*":
        return None
    if isinstance(principal, dict):
        if "*" in _list(principal.get("AWS", [])):
            return None
        services = [str(s).lower() for s in _list(principal.get("Service", []))]
        if "sns.amazonaws.com" in services:
            return None
    return (
        f"its policy's Principal is {json.dumps(principal)}, which leaves out SNS: "
        'SNS delivers as {"Service": "sns.amazonaws.com"}'
    )


def policy_problem(raw, queue_arn, topic_arn):
    """None if the policy lets only the topic send to the queue, else what is wrong."""
    if not raw:
        return "it has no queue policy, so on AWS SNS could not deliver to it"
    try:
        policy = json.loads(raw)
    except ValueError:
        return "its policy is not valid JSON"
    allowing = []
    for statement in _list(policy.get("Statement", [])):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = [a.lower() for a in _list(statement.get("Action", []))]
        if not any(a in ("sqs:sendmessage", "sqs:*", "*") for a in actions):
            continue
        allowing.append(statement)
    if not allowing:
        return "its policy allows no one to call sqs:SendMessage"
    for statement in allowing:
        problem = principal_problem(statement)
        if problem:
            return problem
        resources = _list(statement.get("Resource", queue_arn))
        if not any(r in (queue_arn, "*") for r in resources):
            return f"its policy's Resource is {resources}, not the queue's ARN {queue_arn}"
        sources = []
        for operator, conditions in (statement.get("Condition") or {}).items():
            if operator.lower() in ("arnequals", "arnlike", "stringequals", "stringlike") and isinstance(conditions, dict):
                for key, value in conditions.items():
                    if key.lower() == "aws:sourcearn":
                        sources.extend(_list(value))
        if not sources:
            return "its policy allows sqs:SendMessage without an aws:SourceArn condition, so anyone may send, not only the topic"
        if any(s != topic_arn for s in sources):
            return f"its policy's aws:SourceArn should be {topic_arn}; it is {', '.join(sources)}"
    return None


def _payload(body):
    """(event id, raw?) of a delivered body: raw message or SNS's JSON envelope."""
    try:
        data = json.loads(body)
    except ValueError:
        return None, True
    if isinstance(data, dict) and data.get("Type") == "Notification" and "Message" in data:
        inner = _payload(data["Message"])[0]
        return inner, False
    return (data.get("eventId") if isinstance(data, dict) else None), True


def grade(run):
    sns, sqs = run.client("sns"), run.client("sqs")
    messages = run.inputs["messages"]
    labels = {m["id"]: m["label"] for m in messages}

    topic_arn = next((t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":order-events")), None)
    urls = {name: run.queue_url(name) for name in QUEUES}
    arns = {name: run.queue_arn(url) for name, url in urls.items() if url}
    subscribed = set()
    if topic_arn:
        for sub in sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]:
            subscribed |= {name for name, arn in arns.items() if sub["Endpoint"] == arn and sub["Protocol"] == "sqs"}

    missing = (["topic order-events"] if not topic_arn else []) + [f"queue {n}" for n in QUEUES if not urls[n]]
    missing += [f"subscription of {n}" for n in QUEUES if urls[n] and topic_arn and n not in subscribed]
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "setup", "Topic, queues and subscriptions exist", 1, not missing,
        "order-events has payments, shipping and audit subscribed." if not missing else f"Missing: {', '.join(missing)}.{setup_note}",
    )

    problems = []
    for name in QUEUES:
        if not urls[name]:
            problems.append(f"{name} does not exist")
            continue
        problem = policy_problem(run.queue_attributes(urls[name]).get("Policy"), arns[name], topic_arn or "(no topic)")
        if problem:
            problems.append(f"{name}: {problem}")
    run.check(
        "queue-policies", "Each queue lets only order-events send", 2, not problems,
        "Each queue's policy allows sqs:SendMessage only from order-events." if not problems
        else "Each queue needs a policy allowing SNS (Principal {\"Service\": \"sns.amazonaws.com\"}) to call sqs:SendMessage, with aws:SourceArn = the topic's ARN. " + "; ".join(problems) + ".",
    )

    # Publish the hidden events.
    if topic_arn:
        for message in messages:
            attributes = {}
            for key, value in message["attributes"].items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    attributes[key] = {"DataType": "Number", "StringValue": str(value)}
                else:
                    attributes[key] = {"DataType": "String", "StringValue": str(value)}
            published = sns.publish(TopicArn=topic_arn, Message=json.dumps({"eventId": message["id"], "note": message["label"]}), MessageAttributes=attributes)
            run.label(published["MessageId"], message["label"], reach=[*message["to"], "audit"],
                      avoid=[name for name in FILTERED if name not in message["to"]])

    received = {name: [] for name in QUEUES}
    raw_flags = {name: [] for name in QUEUES}
    bodies = {name: [] for name in QUEUES}
    for name in QUEUES:
        if urls[name]:
            for delivered in run.drain(urls[name]):
                event_id, raw = _payload(delivered["Body"])
                received[name].append(event_id)
                raw_flags[name].append(raw)
                bodies[name].append(delivered["Body"])

    expected = {name: [m["id"] for m in messages if name in m["to"]] for name in FILTERED}
    expected["audit"] = [m["id"] for m in messages]
    for name, points in (("payments", 2), ("shipping", 2), ("audit", 1)):
        got = received[name]
        missing_ids = [i for i in expected[name] if i not in got]
        extra_ids = [i for i in got if i not in expected[name]]
        twice = sorted({i for i in got if got.count(i) > 1})
        ok = urls[name] is not None and not missing_ids and not extra_ids and not twice
        if ok:
            feedback = f"{name} received exactly its {len(expected[name])} messages."
        else:
            parts = [f"{name} should receive {len(expected[name])} of the {len(messages)} events; it received {len(got)}"]
            if missing_ids:
                parts.append("missing: " + "; ".join(labels.get(i, i) for i in missing_ids))
            if extra_ids:
                parts.append("should have been filtered out: " + "; ".join(labels.get(i, str(i)) for i in extra_ids))
            if twice:
                parts.append("received more than once: " + "; ".join(labels.get(i, i) for i in twice))
            feedback = ". ".join(parts) + "."
        run.check(f"{name}-messages", f"{name} received exactly the right messages", points, ok, feedback)

    wrapped = [labels.get(i, str(i)) for i, raw in zip(received["audit"], raw_flags["audit"]) if not raw]
    ok = bool(received["audit"]) and not wrapped
    run.check(
        "audit-raw", "audit bodies are the raw messages", 1, ok,
        "audit receives each message exactly as published." if ok
        else "audit received nothing, so raw delivery could not be checked." if not received["audit"]
        else f"audit bodies should be the published messages themselves; {len(wrapped)} arrived wrapped in SNS's JSON envelope (set RawMessageDelivery to \"true\").",
    )
