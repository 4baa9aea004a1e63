"""Grader for firehose-transform. Trusted code: see docs/labs.md for the Run API.

Timeline (emulator clock, t0 = the first put): the hidden records at t0, two
more clicks at t0+30. With the Lambda buffer's default 60 s, Firehose invokes
transform at t0+60; the S3 buffer's 120 s then end at t0+180, so nothing may
be written at t0+179 and the objects appear at t0+180.
"""

import base64
import datetime
import json

BUCKET = "clickstream-lake"
STREAM = "clicks-to-lake"
FUNCTION = "transform"
PREFIX = "clicks/dt=!{timestamp:yyyy-MM-dd}/"
ERROR_PREFIX = "clicks-errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/"
HINTS = {"SizeInMBs": 64, "IntervalInSeconds": 120}
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:transform"
DATA_STORE, ERROR_STORE = f"{BUCKET}/clicks/", f"{BUCKET}/clicks-errors/"


def _names(labels, limit=4):
    labels = list(labels)
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more


def _stream_config(run):
    """(the stream's description, its extended S3 destination) or (None, None)."""
    firehose = run.client("firehose")
    try:
        description = firehose.describe_delivery_stream(DeliveryStreamName=STREAM)["DeliveryStreamDescription"]
    except firehose.exceptions.ResourceNotFoundException:
        return None, None
    destinations = description.get("Destinations") or [{}]
    return description, destinations[0].get("ExtendedS3DestinationDescription") or destinations[0].get("S3DestinationDescription")


def _bucket_exists(run):
    s3 = run.client("s3")
    try:
        s3.head_bucket(Bucket=BUCKET)
        return True
    except Exception:
        return False


def _config_problems(destination):
    problems = []
    if destination.get("Prefix") != PREFIX:
        problems.append(f"Prefix should be {PREFIX}; it is {destination.get('Prefix') or 'not set'}")
    if destination.get("ErrorOutputPrefix") != ERROR_PREFIX:
        problems.append(f"ErrorOutputPrefix should be {ERROR_PREFIX}; it is {destination.get('ErrorOutputPrefix') or 'not set'}")
    hints = destination.get("BufferingHints") or {}
    if {k: hints.get(k) for k in HINTS} != HINTS:
        problems.append(f"BufferingHints should be SizeInMBs 64 and IntervalInSeconds 120; they are {json.dumps(hints) if hints else 'not set (defaults 5 MiB, 300 s)'}")
    processing = destination.get("ProcessingConfiguration") or {}
    lambdas = [p for p in processing.get("Processors") or [] if p.get("Type") == "Lambda"]
    arns = [q.get("ParameterValue") for p in lambdas for q in p.get("Parameters") or [] if q.get("ParameterName") == "LambdaArn"]
    if not processing.get("Enabled"):
        problems.append("ProcessingConfiguration should be enabled (Enabled: true)")
    if arns != [LAMBDA_ARN]:
        problems.append(f"there should be one Lambda processor with LambdaArn {LAMBDA_ARN}; found {_names(arns) if arns else 'none'}")
    return problems


def _objects(run, prefix):
    """{key: body bytes} of every object under prefix."""
    s3 = run.client("s3")
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        for item in page.get("Contents", []):
            out[item["Key"]] = s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
    return out


def _lines(body):
    """The JSON objects of a newline-delimited body, or (None, the first bad line)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, repr(body[:60])
    if text and not text.endswith("\n"):
        bad = text.rsplit("\n", 1)[-1] if "\n" in text else text
        return None, bad[:120]
    parsed = []
    for line in text.split("\n")[:-1]:
        try:
            value = json.loads(line)
        except ValueError:
            return None, line[:120]
        if not isinstance(value, dict):
            return None, line[:120]
        parsed.append(value)
    return parsed, None


def grade(run):
    first, later = run.inputs["first"], run.inputs["later"]
    records = first + later
    for record in records:
        record["raw"] = base64.b64decode(record["data_b64"])
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""

    # 1. What setup() made
    description, destination = _stream_config(run)
    bucket = _bucket_exists(run)
    problems = []
    if not bucket:
        problems.append(f"bucket {BUCKET} does not exist")
    if description is None:
        problems.append(f"Firehose stream {STREAM} does not exist")
    else:
        if description.get("DeliveryStreamType") != "DirectPut":
            problems.append(f"{STREAM} should be a DirectPut stream; it is {description.get('DeliveryStreamType')}")
        if destination is None or not str(destination.get("BucketARN", "")).endswith(f":::{BUCKET}"):
            problems.append(f"{STREAM} should deliver to arn:aws:s3:::{BUCKET}; it delivers to {(destination or {}).get('BucketARN', 'nothing')}")
    run.check("bucket-and-stream", f"Bucket {BUCKET} and DirectPut stream {STREAM} to it exist", 1, not problems,
              f"{BUCKET} exists and {STREAM} delivers to it." if not problems else "; ".join(problems).capitalize() + "." + setup_note)

    config_problems = _config_problems(destination) if destination is not None else [f"{STREAM} does not exist, so it has no configuration"]
    run.check("stream-config", "Prefixes, buffering hints and the Lambda processor are as asked", 2, not config_problems,
              "Prefix, ErrorOutputPrefix, BufferingHints and the transform processor are as asked." if not config_problems
              else "; ".join(config_problems) + ".")

    # 2. The scenario
    rounds = {}
    results, error_codes, contract_problems, invocations = {}, {}, [], []
    t0 = run.now()  # the first put's time (set again just after it: its records' arrival is a little later)
    if description is not None:
        firehose = run.client("firehose")

        def put(batch):
            answer = firehose.put_record_batch(DeliveryStreamName=STREAM, Records=[{"Data": r["raw"]} for r in batch])
            for record, response in zip(batch, answer["RequestResponses"]):
                record["id"] = response["RecordId"]
                key = f"firehose:{STREAM}:{record['id']}"
                if record["kind"] == "ok":
                    run.label(key, record["label"], reach=[FUNCTION, DATA_STORE], avoid=[ERROR_STORE])
                elif record["kind"] == "dropped":
                    run.label(key, record["label"], reach=[FUNCTION], avoid=[DATA_STORE, ERROR_STORE])
                else:
                    run.label(key, record["label"], reach=[ERROR_STORE], avoid=[DATA_STORE])

        def deliver(at):
            run.advance(max(0.0, t0 + at - run.now()))
            done = run.deliver_firehose(STREAM, function=FUNCTION)
            rounds[at] = done
            for invocation in done.invocations:
                invocations.append(invocation)
                results.update(invocation.results)
                error_codes.update(invocation.error_codes)
                contract_problems.extend(invocation.problems)

        put(first)
        t0 = run.now()
        run.advance(30)
        put(later)
        for at in (60, 179, 180, 2000):
            deliver(at)

    # 3. The transformation contract
    if description is None:
        feedback, ok = f"Not checked: {STREAM} does not exist.", False
    elif not invocations:
        feedback, ok = f"Firehose never invoked {FUNCTION}: the stream has no enabled Lambda processor.", False
    else:
        ok = not contract_problems
        feedback = (f"{FUNCTION} answered every record of its {len(invocations)} batch(es) once, with its recordId, a valid result and base64 data."
                    if ok else f"Firehose rejected {FUNCTION}'s answer: " + "; ".join(dict.fromkeys(contract_problems[:3])) + ". "
                    "Return one record per input record, with the same recordId, result Ok, Dropped or ProcessingFailed, and base64 data; "
                    "mark a bad record ProcessingFailed instead of raising.")
    run.check("transform-contract", f"{FUNCTION} answers in Firehose's format", 2, ok, feedback)

    day = datetime.datetime.fromtimestamp(t0, datetime.UTC).strftime("%Y-%m-%d")
    data_prefix, error_prefix = f"clicks/dt={day}/", f"clicks-errors/processing-failed/dt={day}/"
    everything = _objects(run, "") if bucket else {}

    # 4. Delivered clicks
    valid = [r for r in records if r["kind"] == "ok"]
    data_objects = {k: v for k, v in everything.items() if k.startswith(data_prefix)}
    lines, bad_line = [], None
    for key in sorted(data_objects):
        parsed, bad = _lines(data_objects[key])
        if parsed is None:
            bad_line = bad_line or (key, bad)
        else:
            lines.extend(parsed)
    expected = [r["expect"] for r in valid]
    missing = [r["label"] for r in valid if lines.count(r["expect"]) != 1]
    extra = [line for line in lines if line not in expected]
    ok = bool(data_objects) and bad_line is None and not missing and not extra
    if ok:
        feedback = f"The {len(valid)} valid clicks are under {data_prefix}, each once as {{user, page, ts}} on its own line."
    elif not data_objects:
        elsewhere = sorted(k for k in everything if not k.startswith(error_prefix))
        feedback = (f"Nothing was delivered under {data_prefix}"
                    + (f"; objects went to {_names(elsewhere, 2)} instead" if elsewhere else "")
                    + (f"; the valid clicks ended as failed records ({_names(sorted(set(error_codes[r['id']] for r in valid if r.get('id') in error_codes)), 2)})"
                       if any(r.get("id") in error_codes for r in valid) else "") + ".")
    elif bad_line is not None:
        feedback = (f"Each object under {data_prefix} should hold one JSON object per line, each line ending with a newline; "
                    f"{bad_line[0].rsplit('/', 1)[-1]} holds {bad_line[1]!r}. Firehose adds no delimiter: end each Ok record's data with \\n.")
    else:
        parts = [f"Expected the {len(valid)} valid clicks, each once, as exactly {{user, page, ts}}"]
        if missing:
            parts.append(f"missing or repeated: {_names(missing)}")
        if extra:
            parts.append(f"unexpected lines: {_names(json.dumps(e, ensure_ascii=False)[:90] for e in extra)}")
        feedback = "; ".join(parts) + "."
    run.check("delivered", f"Valid clicks delivered under {data_prefix.split('dt=')[0]}dt=<day>/, one JSON per line", 3, ok, feedback)

    # 5. Heartbeats dropped
    heartbeats = [r for r in records if r["kind"] == "dropped"]
    not_dropped = [f"{r['label']} ({results.get(r.get('id'), 'never transformed')})" for r in heartbeats if results.get(r.get("id")) != "Dropped"]
    ok = bool(invocations) and not not_dropped
    run.check("dropped", "Heartbeats are dropped", 1, ok,
              f"Both heartbeats were dropped." if ok else
              f"Heartbeats should come back as Dropped, whatever else they hold; {_names(not_dropped)}.")

    # 6. Failed records in the error prefix
    malformed = [r for r in records if r["kind"] == "failed"]
    raw_failed, bad_error_line = [], None
    for key, body in sorted((k, v) for k, v in everything.items() if k.startswith(error_prefix)):
        parsed, bad = _lines(body)
        if parsed is None:
            bad_error_line = bad
            continue
        for line in parsed:
            try:
                raw_failed.append(base64.b64decode(line.get("rawData", "")))
            except ValueError:
                pass
    missing = [r["label"] for r in malformed if r["raw"] not in raw_failed]
    by_raw = {r["raw"]: r["label"] for r in records}
    extra = [by_raw.get(raw, repr(raw[:40])) for raw in raw_failed if raw not in {r["raw"] for r in malformed}]
    ok = not missing and not extra and bad_error_line is None and bool(malformed)
    if ok:
        feedback = f"The {len(malformed)} malformed records are under {error_prefix} with their original data."
    else:
        parts = [f"{error_prefix} should hold exactly the {len(malformed)} malformed records (returned as ProcessingFailed); it holds {len(raw_failed)}"]
        if missing:
            dropped_ones = [r["label"] for r in malformed if results.get(r.get("id")) == "Dropped"]
            parts.append(f"missing: {_names(missing)}" + (f" ({_names(dropped_ones, 2)} came back Dropped, which discards a record for good; use ProcessingFailed)" if dropped_ones else ""))
        if extra:
            parts.append(f"should not be there: {_names(extra)}")
        feedback = "; ".join(parts) + "."
    run.check("failed-records", "Malformed records land under the error prefix", 2, ok, feedback)

    # 7. Buffering on the clock
    def written(at):
        done = rounds.get(at)
        return [o for o in done.objects] if done else []

    early = [o for at in (60, 179) for o in written(at)]
    on_time = written(180)
    invoked_at = sorted(round(i.at - t0) for i in invocations)
    ok = bool(invocations) and not early and bool(on_time)
    if ok:
        feedback = "transform ran at 60 s (the Lambda buffer's interval) and the objects appeared 120 s later, at 180 s."
    else:
        first_object = min((o.at for done in rounds.values() for o in done.objects), default=None)
        seen = f"your stream wrote its first object at {round(first_object - t0)} s" if first_object is not None else "your stream wrote no object"
        feedback = ("Records put at 0 s and 30 s should reach transform at 60 s (the Lambda buffer's default 60 s) and S3 at 180 s "
                    f"(the S3 buffer's 120 s); {seen}" + (f", and transform ran at {_names(f'{t} s' for t in invoked_at)}" if invoked_at else "") + ".")
    run.check("buffering", "Objects are written when the buffers say", 2, ok, feedback)
