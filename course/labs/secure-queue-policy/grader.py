"""Grader for secure-queue-policy. Trusted code: see docs/labs.md for the Run API.

SNS delivery is judged by the queue's real policy in the emulator (as on AWS):
the grader publishes on invoice-events and on a rogue topic it subscribes
itself, and looks at what arrived. What a scenario cannot send (another
account, a request without TLS) is asked of the same policy judge through
run.policy_decision.
"""

import json

TOPIC, QUEUE = "invoice-events", "invoice-inbox"


def _topic_arn(sns, name):
    return next((t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].rsplit(":", 1)[-1] == name), None)


def _invoice_id(body):
    """The invoiceId of a delivered body: the raw message or SNS's JSON envelope around it."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("Type") == "Notification" and isinstance(data.get("Message"), str):
        return _invoice_id(data["Message"])
    return data.get("invoiceId") if isinstance(data, dict) else None


def _fill(value, account, topic_arn):
    if isinstance(value, str):
        return value.replace("TOPIC_ARN", topic_arn).replace("ACCOUNT", account)
    if isinstance(value, dict):
        return {k: _fill(v, account, topic_arn) for k, v in value.items()}
    return value


def _literal_wildcard_note(policy_text):
    """A hint when a StringEquals/ArnEquals-free condition was written with a wildcard StringEquals cannot expand."""
    try:
        statements = json.loads(policy_text).get("Statement", [])
    except (AttributeError, ValueError):
        return ""
    for statement in statements if isinstance(statements, list) else [statements]:
        for operator, pairs in ((statement.get("Condition") or {}) if isinstance(statement, dict) else {}).items():
            values = [v for value in (pairs or {}).values() for v in (value if isinstance(value, list) else [value])] if isinstance(pairs, dict) else []
            if operator.lower().startswith("stringequals") and any("*" in str(v) or "?" in str(v) for v in values):
                return f" Its {operator} condition has a wildcard, but {operator} compares literally: * is just a star there."
    return ""


def grade(run):
    sns, sqs = run.client("sns"), run.client("sqs")
    inputs = run.inputs
    topic_arn = _topic_arn(sns, TOPIC)
    url = run.queue_url(QUEUE)
    queue_arn = run.queue_arn(url) if url else None
    attributes = run.queue_attributes(url) if url else {}
    account = (queue_arn or topic_arn or "arn:aws:sqs:us-east-1:123456789012:x").split(":")[4]

    subscribed = False
    if topic_arn and queue_arn:
        subscribed = any(s["Endpoint"] == queue_arn and s["Protocol"] == "sqs" for s in sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"])
    missing = ([f"topic {TOPIC}"] if not topic_arn else []) + ([f"queue {QUEUE}"] if not url else [])
    missing += [f"the subscription of {QUEUE} to {TOPIC}"] if topic_arn and url and not subscribed else []
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "resources", f"{TOPIC}, {QUEUE} and the subscription exist", 1, not missing,
        f"{QUEUE} is subscribed to {TOPIC}." if not missing else f"Missing: {', '.join(missing)}.{setup_note}",
    )

    # Encryption at rest: SSE-SQS, which SNS can write to with no key policy to manage.
    key = attributes.get("KmsMasterKeyId")
    sse = attributes.get("SqsManagedSseEnabled") == "true"
    if not url:
        ok, feedback = False, f"{QUEUE} does not exist."
    elif key and key.endswith("alias/aws/sqs"):
        ok, feedback = False, (f"{QUEUE} uses SSE-KMS with the AWS managed key alias/aws/sqs. SNS cannot use that key (its policy "
                               "cannot be edited to trust sns.amazonaws.com), so deliveries fail. Use SSE-SQS: SqsManagedSseEnabled \"true\".")
    elif key:
        ok, feedback = False, f"{QUEUE} uses SSE-KMS with key {key}; this lab asks for SSE-SQS (SqsManagedSseEnabled \"true\", no KmsMasterKeyId)."
    elif not sse:
        ok, feedback = False, f"{QUEUE} is not encrypted at rest: SqsManagedSseEnabled is {attributes.get('SqsManagedSseEnabled', 'not set')!r}; set it to \"true\"."
    else:
        ok, feedback = True, f"{QUEUE} is encrypted with SSE-SQS."
    run.check("encryption", f"{QUEUE} is encrypted with SSE-SQS", 1, ok, feedback)

    # The scenario: invoices on invoice-events, and a rogue topic of the same account, subscribed by someone else.
    rogue_name = inputs["rogue_topic"]
    rogue_arn = sns.create_topic(Name=rogue_name)["TopicArn"]
    if queue_arn:
        sns.subscribe(TopicArn=rogue_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    invoices, rogue = inputs["invoices"], inputs["rogue_messages"]
    for kind, index in inputs["publish_order"]:
        if kind == "invoice":
            if not topic_arn:
                continue
            message = invoices[index]
            published = sns.publish(TopicArn=topic_arn, Message=json.dumps(message))
            run.label(published["MessageId"], f"invoice {message['invoiceId']} on {TOPIC}", reach=[QUEUE])
        else:
            message = rogue[index]
            published = sns.publish(TopicArn=rogue_arn, Message=json.dumps(message))
            run.label(published["MessageId"], f"{message['note']} invoice {message['invoiceId']} on {rogue_name}", avoid=[QUEUE])

    arrived = [_invoice_id(m["Body"]) for m in run.drain(url)] if url else []
    policy_text = attributes.get("Policy")

    expected = [m["invoiceId"] for m in invoices]
    missing_ids = [i for i in expected if i not in arrived]
    twice = sorted({i for i in arrived if arrived.count(i) > 1 and i in expected})
    ok = bool(url) and bool(topic_arn) and not missing_ids and not twice
    if ok:
        feedback = f"All {len(expected)} invoices published on {TOPIC} reached {QUEUE}."
    else:
        why = ""
        if url and topic_arn:
            decision = run.policy_decision(policy_text, principal={"Service": "sns.amazonaws.com"}, action="sqs:SendMessage", resource=queue_arn,
                                           context={"aws:SourceArn": topic_arn, "aws:SourceAccount": account, "aws:SecureTransport": "true"})
            if not policy_text:
                why = f" {QUEUE} has no queue policy, so SNS may not send to it."
            elif not decision.allowed:
                why = f" The queue policy refuses SNS delivering from {TOPIC}: {decision.reason}." + _literal_wildcard_note(policy_text)
            elif key:
                why = f" The queue policy lets {TOPIC} in, but the queue's KMS key {key} does not let SNS encrypt for it."
        parts = [f"{len(expected) - len(missing_ids)} of the {len(expected)} invoices published on {TOPIC} reached {QUEUE}"]
        if twice:
            parts.append(f"more than once: {', '.join(twice)}")
        feedback = "; ".join(parts) + "." + why + ("" if topic_arn and url else f" Create {TOPIC} and {QUEUE} first.") + setup_note
    run.check("topic-delivers", f"Invoices published on {TOPIC} reach {QUEUE}", 2, ok, feedback)

    rogue_ids = {m["invoiceId"]: m for m in rogue}
    leaked = [i for i in arrived if i in rogue_ids]
    ok = bool(url) and bool(policy_text) and not leaked
    if ok:
        feedback = f"Nothing published on {rogue_name}, another topic of your account, got into {QUEUE}."
    elif not url:
        feedback = f"{QUEUE} does not exist."
    elif not policy_text:
        feedback = f"{QUEUE} has no queue policy: no topic can deliver, so neither can {TOPIC}."
    else:
        decision = run.policy_decision(policy_text, principal={"Service": "sns.amazonaws.com"}, action="sqs:SendMessage", resource=queue_arn,
                                       context={"aws:SourceArn": rogue_arn, "aws:SourceAccount": account, "aws:SecureTransport": "true"})
        feedback = (f"Only {TOPIC} may write to {QUEUE}, but {len(leaked)} message(s) published on {rogue_name}, another topic of your account, "
                    f"got in ({', '.join(sorted(set(leaked)))}): {decision.reason}. Allow aws:SourceArn equal to the exact ARN of {TOPIC}, "
                    "not the account (aws:SourceAccount) or a wildcard.")
    run.check("rogue-blocked", f"A rogue topic cannot write to {QUEUE}", 2, ok, feedback)

    # Requests the scenario cannot make, asked of the same policy judge.
    let_in = []
    if url and policy_text:
        for probe in inputs["probes"]:
            filled = _fill(probe, account, topic_arn or "")
            decision = run.policy_decision(policy_text, principal=filled["principal"], action=filled["action"], resource=queue_arn, context=filled["context"])
            if decision.allowed:
                let_in.append(f"{filled['name']} ({decision.reason})")
    ok = bool(url) and bool(policy_text) and not let_in
    if ok:
        feedback = f"The policy lets SNS, as {TOPIC}, call sqs:SendMessage and nothing else, and lets no one else in."
    elif not (url and policy_text):
        feedback = f"{QUEUE} has no queue policy to check."
    else:
        feedback = (f"The policy should allow exactly one thing: sns.amazonaws.com calling sqs:SendMessage with aws:SourceArn {TOPIC}. "
                    f"It also lets in: {'; '.join(let_in)}.")
    run.check("least-privilege", "The policy allows only SendMessage, only from the topic", 2, ok, feedback)

    not_denied = []
    if url and policy_text:
        for probe in inputs["plain_http"]:
            filled = _fill(probe, account, topic_arn or "")
            decision = run.policy_decision(policy_text, principal=filled["principal"], action=filled["action"], resource=queue_arn, context=filled["context"])
            if decision.effect != "deny":
                not_denied.append(filled["name"])
    ok = bool(url) and bool(policy_text) and not not_denied
    if ok:
        feedback = "Every request without TLS is denied explicitly, even from your own account's roles."
    elif not (url and policy_text):
        feedback = f"{QUEUE} has no queue policy to check."
    else:
        feedback = ("Requests without TLS should meet an explicit Deny (Principal \"*\", Action \"sqs:*\", "
                    "Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}): an Allow that does not name them is not enough, "
                    f"because your own roles need no queue policy to get in. Not denied: {'; '.join(not_denied)}.")
    run.check("tls-only", "Requests without TLS are denied", 1, ok, feedback)
