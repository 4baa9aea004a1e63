"""Grader for sqs-dlq-redrive. Trusted code: see docs/labs.md for the Run API."""

import json

from grader import LearnerError

MAX_RECEIVES = 3
MOVE_WAIT_S = 900  # emulator seconds a move task may take: 8 payments at the gentlest rate (1 a second) need 8


def _prepare(run):
    """Create the queues and fill the DLQ the way the old consumer did: each
    payment received and failed until the redrive policy moved it."""
    sqs = run.client("sqs")
    dlq = sqs.create_queue(QueueName="payments-dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": run.queue_arn(dlq), "maxReceiveCount": str(MAX_RECEIVES)})
    payments = sqs.create_queue(QueueName="payments", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    processed = sqs.create_queue(QueueName="payments-processed")["QueueUrl"]
    for payment in run.inputs["payments"]:
        body = {k: payment[k] for k in ("paymentId", "amount") if k in payment}
        sqs.send_message(QueueUrl=payments, MessageBody=json.dumps(body))
    for _ in range(len(run.inputs["payments"]) * (MAX_RECEIVES + 1) + 2):
        batch = sqs.receive_message(QueueUrl=payments, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            break
        sqs.change_message_visibility_batch(
            QueueUrl=payments,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for i, m in enumerate(batch)],
        )
    return payments, dlq, processed


def _wait_for_move_task(run, dlq_arn):
    """The newest move task on the DLQ once it has stopped RUNNING (or after
    MOVE_WAIT_S), and the emulator seconds waited.

    A task started with MaxNumberOfMessagesPerSecond=R moves about R messages a
    second (the lesson's "be gentle" advice). The wait is on the emulator's
    clock, moved a second at a time (the task catches up on each advance), so
    the gentlest rate costs no wall-clock time.
    """
    sqs = run.client("sqs")
    waited = 0
    while True:
        tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]
        task = tasks[0] if tasks else None
        if task is None or task["Status"] != "RUNNING" or waited >= MOVE_WAIT_S:
            return task, waited
        run.advance(1)
        waited += 1


def _payment_id(body):
    try:
        return json.loads(body).get("paymentId")
    except (ValueError, AttributeError):
        return None


def grade(run):
    sqs = run.client("sqs")
    payments_in = run.inputs["payments"]
    labels = {p["paymentId"]: p["label"] for p in payments_in}
    payments, dlq, processed = _prepare(run)
    dlq_arn = run.queue_arn(dlq)

    redrive_error = None
    if not run.learner.has("redrive"):
        redrive_error = "Your module has no redrive() function."
    else:
        try:
            run.learner.call("redrive")
        except LearnerError as error:
            redrive_error = f"redrive() raised {error.describe()}"

    task, waited = _wait_for_move_task(run, dlq_arn)
    ok = task is not None and task["Status"] == "COMPLETED" and task["ApproximateNumberOfMessagesMoved"] == len(payments_in)
    if ok:
        feedback = f"A message move task on payments-dlq completed and moved all {len(payments_in)} messages."
    elif task is None:
        feedback = "ListMessageMoveTasks shows no move task on payments-dlq: redrive() should call start_message_move_task with the DLQ's ARN."
        if redrive_error:
            feedback += f" {redrive_error}"
    elif task["Status"] == "RUNNING":
        rate = task.get("MaxNumberOfMessagesPerSecond")
        feedback = (
            f"The move task should complete, moving all {len(payments_in)} messages; after waiting {waited:.0f} s it was still "
            f"RUNNING having moved {task['ApproximateNumberOfMessagesMoved']} of {task['ApproximateNumberOfMessagesToMove']}"
            + (f" at MaxNumberOfMessagesPerSecond={rate}" if rate else "") + "."
        )
    else:
        feedback = (
            f"The latest move task should be COMPLETED having moved {len(payments_in)} messages; it is {task['Status']} "
            f"having moved {task['ApproximateNumberOfMessagesMoved']} of {task['ApproximateNumberOfMessagesToMove']}"
            + (f" ({task['FailureReason']})" if task.get("FailureReason") else "") + "."
        )
    run.check("move-task", "A move task ran on payments-dlq and completed", 2, ok, feedback)

    invocations = run.deliver_sqs(payments, function="handler", batch_size=1) if run.learner.has("handler") else []
    receives, errors = {}, {}
    for invocation in invocations:
        for body in invocation.bodies:
            pid = _payment_id(body)
            receives[pid] = receives.get(pid, 0) + 1
            if invocation.error is not None:
                errors[pid] = invocation.error.describe()

    done = [_payment_id(m["Body"]) for m in run.drain(processed)]
    back = [_payment_id(m["Body"]) for m in run.drain(dlq)]
    left = [_payment_id(m["Body"]) for m in run.drain(payments)]
    good = [p["paymentId"] for p in payments_in if p["good"]]
    bad = [p["paymentId"] for p in payments_in if not p["good"]]
    no_handler = "" if run.learner.has("handler") else " Your module has no handler(event, context) function."

    wrong = [f"{labels[p]} processed {done.count(p)} times" for p in good if done.count(p) != 1]
    extra = [labels.get(p, str(p)) for p in done if p not in good]
    ok = not wrong and not extra
    run.check(
        "processed", "Every good payment processed exactly once", 3, ok,
        f"All {len(good)} good payments reached payments-processed exactly once." if ok
        else "Each good payment should reach payments-processed once as {\"paymentId\": ...}. "
        + "; ".join(wrong + ([f"should not have been processed: {', '.join(extra)}"] if extra else [])) + "." + no_handler,
    )

    missing = [labels[p] for p in bad if p not in back]
    extra = [labels.get(p, str(p)) for p in back if p not in bad]
    ok = not missing and not extra
    run.check(
        "bad-back-in-dlq", "The genuinely bad payments are back in payments-dlq", 2, ok,
        f"payments-dlq holds exactly the {len(bad)} bad payments again." if ok
        else f"payments-dlq should end with exactly the {len(bad)} bad payments; it holds {len(back)}. "
        + "; ".join(([f"missing: {', '.join(missing)}"] if missing else []) + ([f"should not be there: {', '.join(extra)}"] if extra else [])) + ".",
    )

    run.check(
        "payments-empty", "payments is empty at the end", 1, not left,
        "payments is empty at the end." if not left
        else f"payments should be empty at the end; it still holds {len(left)}: {', '.join(labels.get(p, str(p)) for p in left)}.",
    )

    run.flow_node("old", "old consumer (yesterday)", "function")
    run.flow_node("dlq", "payments-dlq", "dlq")
    run.flow_node("payments", "payments", "queue")
    run.flow_node("handler", "your handler", "function")
    run.flow_node("processed", "payments-processed", "queue")
    for payment in payments_in:
        pid, label = payment["paymentId"], payment["label"]
        n = receives.get(pid, 0)
        tries = f"redriven, received {n} time{'s' if n != 1 else ''}"
        if pid in done:
            run.flow_event(label, ["old", "dlq", "payments", "handler", "processed"], "ok" if payment["good"] else "bad",
                           f"{tries}, processed" + ("" if payment["good"] else "; a bad payment should have failed"))
        elif pid in back and n:
            run.flow_event(label, ["old", "dlq", "payments", "handler", "dlq"], "dlq" if not payment["good"] else "bad",
                           f"{tries}, failed again" + (f" ({errors[pid]})" if pid in errors else ""))
        elif pid in left:
            run.flow_event(label, ["old", "dlq", "payments"], "bad", "redriven but still waiting in payments")
        else:
            run.flow_event(label, ["old", "dlq"], "bad", "never left payments-dlq")
    run.flow_summary(f"{len(payments_in)} payments failed under the old consumer: {len(good)} good, {len(bad)} bad")
