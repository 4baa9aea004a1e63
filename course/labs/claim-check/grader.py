"""Grader for claim-check. Trusted code: see docs/labs.md for the Run API.

The grader calls send(doc_id, text) for each hidden document, looks at what
reached `documents` and the bucket, then plays Lambda's SQS trigger (batch
size 1). The handler's first send to `processed` for the largest document
(sent last) fails once (KmsThrottled, which boto3 does not retry), so that document is
only processed on Lambda's retry: its payload must still be there.
"""

import hashlib
import json

from grader import LearnerError

BUCKET = "claim-checks"
LIMIT = 1_048_576
POINTER_CLASS = "software.amazon.payloadoffloading.PayloadS3Pointer"
SIZE_ATTRIBUTE = "ExtendedPayloadSize"


def _names(labels, limit=4):
    labels = list(labels)
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more


def _text(doc):
    return doc["head"] + doc["repeat"] * doc["count"]


def _objects(run):
    s3 = run.client("s3")
    try:
        pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET))
    except Exception:
        return None
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def _pointer(body):
    try:
        value = json.loads(body)
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 2 and value[0] == POINTER_CLASS and isinstance(value[1], dict):
        return value[1]
    return None


def grade(run):
    docs = run.inputs["documents"]
    largest = max(docs, key=lambda d: len(d["head"].encode()) + len(d["repeat"].encode()) * d["count"])
    # Sent last, so the retries of a handler that lost its payload hold up no other document.
    docs = [d for d in docs if d is not largest] + [largest]
    for doc in docs:
        doc["text"] = _text(doc)
        doc["bytes"] = doc["text"].encode("utf-8")
    sqs, s3 = run.client("sqs"), run.client("s3")
    urls = {name: run.queue_url(name) for name in ("documents", "processed")}
    bucket = _objects(run) is not None
    missing = [f"queue {n}" for n, u in urls.items() if u is None] + ([] if bucket else [f"bucket {BUCKET}"])
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check("resources", f"Bucket {BUCKET} and queues documents and processed exist", 1, not missing,
              f"{BUCKET}, documents and processed exist." if not missing else f"Missing: {_names(missing)}.{setup_note}")

    # 1. send() for each document
    send_errors = {}
    if run.learner.has("send"):
        for doc in docs:
            try:
                run.learner.call("send", doc["docId"], doc["text"])
            except LearnerError as error:
                if error.kind != "exception":
                    raise
                send_errors[doc["docId"]] = error.describe()
    else:
        send_errors = {doc["docId"]: "your module has no send(doc_id, text)" for doc in docs}

    # 2. What reached the queue and the bucket (peeked: received with visibility 0, then left for Lambda)
    sent, order = {}, []
    if urls["documents"]:
        for message in _peek(sqs, urls["documents"]):
            doc_id = (message.get("MessageAttributes") or {}).get("docId", {}).get("StringValue")
            sent.setdefault(doc_id, []).append(message)
            order.append(doc_id)
    objects_after_send = _objects(run) or []

    def why_missing(doc):
        if doc["docId"] in send_errors:
            return f"{doc['label']} (send raised {send_errors[doc['docId']][:120]})"
        return f"{doc['label']} (no message with docId {doc['docId']})"

    inline = [d for d in docs if not d["through_s3"]]
    problems = []
    for doc in inline:
        messages = sent.get(doc["docId"], [])
        if len(messages) != 1:
            problems.append(why_missing(doc) if not messages else f"{doc['label']} (sent {len(messages)} times)")
            continue
        attributes = messages[0].get("MessageAttributes") or {}
        if SIZE_ATTRIBUTE in attributes or messages[0]["Body"] != doc["text"]:
            problems.append(f"{doc['label']} went through S3; it is {len(doc['bytes']):,} bytes plus its attribute, within the limit")
    offloaded = [d for d in docs if d["through_s3"]]
    if len(objects_after_send) > len(offloaded):
        problems.append(f"the bucket holds {len(objects_after_send)} objects after send(), but only {len(offloaded)} documents are too big for SQS")
    run.check("small-inline", "Documents that fit in a message are sent inline", 2, not problems,
              f"The {len(inline)} documents that fit in 1,048,576 bytes with their attribute were sent inline, including the one that fits to the byte."
              if not problems else "Send a document inline when its UTF-8 bytes plus its docId attribute (name, type and value) are at most 1,048,576; "
              + "; ".join(problems) + ".")

    problems = []
    for doc in offloaded:
        messages = sent.get(doc["docId"], [])
        if len(messages) != 1:
            problems.append(why_missing(doc) if not messages else f"{doc['label']} (sent {len(messages)} times)")
            continue
        message = messages[0]
        attributes = message.get("MessageAttributes") or {}
        pointer = _pointer(message["Body"])
        if pointer is None:
            problems.append(f"{doc['label']}: the body should be [\"{POINTER_CLASS}\", {{\"s3BucketName\": ..., \"s3Key\": ...}}]; it starts {message['Body'][:60]!r}")
            continue
        size = attributes.get(SIZE_ATTRIBUTE, {})
        if size.get("DataType") != "Number" or size.get("StringValue") != str(len(doc["bytes"])):
            problems.append(f"{doc['label']}: {SIZE_ATTRIBUTE} should be a Number attribute of {len(doc['bytes'])} (the payload's bytes); it is {size or 'missing'}")
            continue
        try:
            stored = s3.get_object(Bucket=pointer.get("s3BucketName"), Key=pointer.get("s3Key"))["Body"].read()
        except Exception:
            problems.append(f"{doc['label']}: the pointer names s3://{pointer.get('s3BucketName')}/{pointer.get('s3Key')}, which does not exist")
            continue
        if stored != doc["bytes"]:
            problems.append(f"{doc['label']}: the object its pointer names does not hold its text (another document's, or a changed copy)")
    run.check("large-offloaded", "Documents too big for SQS go through S3 with a pointer", 2, not problems,
              f"The {len(offloaded)} documents over the limit went to S3, each with an Extended Client pointer and {SIZE_ATTRIBUTE}."
              if not problems else "; ".join(problems) + ".")

    # 3. Lambda's trigger, with one failed send to `processed` for the largest document
    for doc in docs:
        reach = ["handler", "processed"]
        for message in sent.get(doc["docId"], []):
            run.label(message["MessageId"], doc["label"], reach=reach)
    if urls["documents"] and run.learner.has("handler"):
        # moto's standard queues hand messages out in send order, one per invocation here
        position = order.index(largest["docId"]) if largest["docId"] in order else None
        if position is not None:
            run.faults.fail("sqs", "SendMessage", code="KmsThrottled", message="The request was denied due to request throttling.", after=position)
        run.deliver_sqs(urls["documents"], function="handler", batch_size=1, max_batches=40)
    no_handler = "" if run.learner.has("handler") else " Your module has no handler(event, context)."

    results = {}
    if urls["processed"]:
        for message in run.drain(urls["processed"]):
            try:
                value = json.loads(message["Body"])
                results.setdefault(value.get("docId"), []).append(value)
            except (AttributeError, ValueError):
                results.setdefault(None, []).append(message["Body"])
    problems = []
    for doc in docs:
        got = results.get(doc["docId"], [])
        want = {"docId": doc["docId"], "bytes": len(doc["bytes"]), "sha256": hashlib.sha256(doc["bytes"]).hexdigest()}
        if doc is largest:
            continue  # checked on its own below
        if got != [want]:
            problems.append(f"{doc['label']}: " + ("never processed" if not got else f"processed {len(got)} time(s) as {json.dumps(got[0])[:140]}"))
    run.check("processed", "Every document is processed once, with its real bytes", 3, not problems,
              f"processed holds each document once, with its byte count and SHA-256." if not problems
              else f"processed should hold {{docId, bytes, sha256}} once per document, computed on its UTF-8 text; " + "; ".join(problems) + "." + no_handler)

    want = {"docId": largest["docId"], "bytes": len(largest["bytes"]), "sha256": hashlib.sha256(largest["bytes"]).hexdigest()}
    got = results.get(largest["docId"], [])
    ok = bool(got) and all(g == want for g in got)
    run.check("retry-safe", "A document whose first attempt failed is processed on the retry", 2, ok,
              f"{largest['label']} failed once (its send to processed was throttled) and was processed on Lambda's retry."
              if ok else f"The handler's send to processed failed once for {largest['label']}; Lambda retried the message, "
              + ("but it was never processed: was its payload deleted before the work was done?" if not got
                 else f"and it was processed as {json.dumps(got[0])[:140]}") + no_handler)

    left = _objects(run)
    still_queued = run.drain(urls["documents"]) if urls["documents"] else []
    ok = left == [] and not still_queued and bool(offloaded) and bool(results)
    run.check("payloads-deleted", "Payloads are deleted once processed", 1, ok,
              "Each payload was deleted from the bucket after its document was processed, and documents is empty."
              if ok else "After processing, the bucket should hold no payloads and documents should be empty; "
              + f"the bucket holds {len(left or [])} object(s) and documents {len(still_queued)} message(s).")


def _peek(sqs, url):
    """The queue's messages, left visible (received with a visibility timeout of 0), in send order."""
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                               MessageAttributeNames=["All"], WaitTimeSeconds=0).get("Messages", [])
