"""Grader for sqs-partial-batch. Trusted code: see docs/labs.md for the Run API."""

import json

QUEUES = ("payments", "payments-dlq", "ledger")
MAX_RECEIVES = 3
BATCH_SIZE = 10
# A correct run takes about 6 invocations; a handler whose failures are never
# dead-lettered (no redrive policy) would otherwise loop up to deliver_sqs's cap.
MAX_BATCHES = 30


def grade(run):
    sqs = run.client("sqs")
    payments = run.inputs["payments"]
    urls = {name: run.queue_url(name) for name in QUEUES}
    missing = [name for name in QUEUES if urls[name] is None]
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "queues", "The three queues exist", 1, not missing,
        "payments, payments-dlq and ledger all exist." if not missing
        else f"Expected queues {', '.join(QUEUES)}; missing: {', '.join(missing)}.{setup_note}",
    )
    run.check("redrive-policy", "payments has a redrive policy to payments-dlq after 3 receives", 2, *_redrive(run, urls))

    invocations, sent = [], {}
    if urls["payments"]:
        for payment in payments:
            message_id = sqs.send_message(QueueUrl=urls["payments"], MessageBody=payment["body"])["MessageId"]
            sent[message_id] = payment
            if payment["valid"]:
                run.label(message_id, payment["label"], reach=["handler", "ledger"], avoid=["payments-dlq"])
            else:
                run.label(message_id, payment["label"], reach=["payments-dlq"], avoid=["ledger"])
        if run.learner.has("handler"):
            invocations = run.deliver_sqs(
                urls["payments"], function="handler", batch_size=BATCH_SIZE,
                report_batch_item_failures=True, max_batches=MAX_BATCHES,
            )
    no_handler = "" if run.learner.has("handler") else " Your module has no handler(event, context) function."

    ledger = run.drain(urls["ledger"]) if urls["ledger"] else []
    in_dlq = run.drain(urls["payments-dlq"]) if urls["payments-dlq"] else []
    left = run.drain(urls["payments"]) if urls["payments"] else []

    run.check("ledger-once", "Every valid payment is in ledger exactly once", 3, *_ledger(payments, ledger, no_handler))
    run.check("dead-letters", "payments-dlq holds exactly the invalid payments, each after 3 receives", 3, *_dead_letters(payments, in_dlq, no_handler))
    run.check("item-identifiers", "The handler reports failures by the message ids of its batch", 2, *_identifiers(invocations, sent, no_handler))
    run.check(
        "payments-empty", "payments is empty at the end", 1, bool(urls["payments"]) and not left,
        "payments is empty at the end." if urls["payments"] and not left
        else f"payments should be empty at the end; {len(left)} message(s) were still in it: "
        f"{', '.join(_label(payments, m['Body']) for m in left[:5])}{', ...' if len(left) > 5 else ''}." if urls["payments"]
        else "payments does not exist.",
    )


def _redrive(run, urls):
    if not (urls["payments"] and urls["payments-dlq"]):
        return False, "payments or payments-dlq does not exist, so there is no redrive policy to check."
    raw = run.queue_attributes(urls["payments"]).get("RedrivePolicy")
    dlq_arn = run.queue_arn(urls["payments-dlq"])
    if not raw:
        return False, "payments has no RedrivePolicy attribute: a payment that keeps failing is retried forever and never reaches payments-dlq."
    policy = json.loads(raw)
    target, count = policy.get("deadLetterTargetArn"), int(policy.get("maxReceiveCount", 0))
    if target != dlq_arn:
        return False, f"The redrive policy should point at {dlq_arn}; it points at {target}."
    if count != MAX_RECEIVES:
        return False, f"maxReceiveCount should be {MAX_RECEIVES}; it is {count}."
    return True, "payments sends a message to payments-dlq after 3 receives."


def _ledger(payments, ledger, no_handler):
    valid = [p for p in payments if p["valid"]]
    counts: dict[str, int] = {}
    odd = []
    for message in ledger:
        try:
            body = json.loads(message["Body"])
            payment_id = body["paymentId"]
        except (TypeError, ValueError, KeyError):
            odd.append(message["Body"][:60])
            continue
        if body != {"paymentId": payment_id}:
            odd.append(message["Body"][:60])
        counts[str(payment_id)] = counts.get(str(payment_id), 0) + 1
    missing, repeated = [], []
    for payment in valid:
        times = counts.get(json.loads(payment["body"])["paymentId"], 0)
        if times == 0:
            missing.append(payment["label"])
        elif times > 1:
            repeated.append(f"{payment['label']} ({times} times)")
    valid_ids = {json.loads(p["body"])["paymentId"] for p in valid}
    extra = [f"{_label_by_id(payments, pid)} ({n} times)" for pid, n in counts.items() if pid not in valid_ids]
    if not missing and not repeated and not extra and not odd:
        return True, f"All {len(valid)} valid payments are in ledger exactly once, as {{\"paymentId\": ...}}."
    parts = [f"Each of the {len(valid)} valid payments should be in ledger once as {{\"paymentId\": ...}}; ledger got {len(ledger)} message(s)"]
    if missing:
        parts.append("missing: " + "; ".join(missing[:6]))
    if repeated:
        parts.append("recorded more than once: " + "; ".join(repeated[:6]))
    if extra:
        parts.append("should not be there (invalid payments): " + ", ".join(extra[:6]))
    if odd:
        parts.append("bodies not shaped {\"paymentId\": ...}: " + ", ".join(odd[:3]))
    hint = ""
    if repeated:
        hint = " A valid payment recorded more than once was retried with its batch: a handler that raises, or reports it as failed, makes Lambda deliver it again."
    return False, ". ".join(parts) + "." + hint + no_handler


def _dead_letters(payments, in_dlq, no_handler):
    invalid = [p for p in payments if not p["valid"]]
    counts = {}
    for message in in_dlq:
        counts[message["Body"]] = int(message["Attributes"]["ApproximateReceiveCount"])
    invalid_bodies = {p["body"] for p in invalid}
    missing = [p["label"] for p in invalid if p["body"] not in counts]
    extra = [_label(payments, body) for body in counts if body not in invalid_bodies]
    early = [f"{_label(payments, b)} after {n}" for b, n in counts.items() if b in invalid_bodies and n != MAX_RECEIVES]
    if not missing and not extra and not early:
        return True, f"payments-dlq holds exactly the {len(invalid)} invalid payments, each after 3 receives."
    parts = [f"payments-dlq should hold exactly the {len(invalid)} invalid payments, each after 3 receives; it holds {len(in_dlq)}"]
    if missing:
        parts.append("missing: " + ", ".join(missing))
    if extra:
        parts.append("should not be there (valid payments): " + ", ".join(extra))
    if early:
        parts.append("wrong receive counts: " + ", ".join(early))
    return False, "; ".join(parts) + "." + no_handler


def _identifiers(invocations, sent, no_handler):
    """Every response must be a partial batch response naming message ids of its own batch."""
    if not invocations:
        return False, "The handler was never called, so it reported nothing." + no_handler
    for number, invocation in enumerate(invocations, 1):
        where = f"In invocation {number} (a batch of {len(invocation.message_ids)})"
        if invocation.error is not None:
            return False, (
                f"{where} the handler raised {invocation.error.describe()}. Lambda then retries the whole batch, "
                "valid payments included: catch the error, report that record and go on."
            )
        result = invocation.result
        if result is None or result == {}:
            if any(not sent[m]["valid"] for m in invocation.message_ids if m in sent):
                return False, f"{where} the handler returned {json.dumps(result)}, which tells Lambda every record succeeded, but the batch held invalid payments."
            continue
        if not isinstance(result, dict) or not isinstance(result.get("batchItemFailures"), list):
            return False, (
                f"{where} the handler returned {_short(result)}; Lambda expects "
                '{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}; a response without batchItemFailures counts as "all succeeded", so every record was deleted.'
            )
        for item in result["batchItemFailures"]:
            identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
            if identifier not in invocation.message_ids:
                return False, (
                    f"{where} the handler reported {_short(item)}; itemIdentifier must be the messageId of a record "
                    f"of that batch (such as {invocation.message_ids[0]}). Lambda rejects the response and retries the whole batch."
                )
    return True, f"All {len(invocations)} responses named failed records by their messageId."


def _short(value) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 90 else text[:87] + "..."


def _label(payments, body):
    for payment in payments:
        if payment["body"] == body:
            return payment["label"]
    return body[:40]


def _label_by_id(payments, payment_id):
    for payment in payments:
        try:
            if str(json.loads(payment["body"]).get("paymentId")) == payment_id:
                return payment["label"]
        except (AttributeError, ValueError):
            continue
    return payment_id
