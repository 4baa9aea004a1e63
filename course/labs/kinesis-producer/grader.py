"""Grader for kinesis-producer. Trusted code: see docs/labs.md for the Run API.

The scenario: the learner's setup() creates `clicks`; the grader calls
publish() twice with the variant's events while PutRecords partly fails:
the first record of every user that has more than one record in the call, on
that record's first two attempts (a producer that puts several events of a
user in one call, or a retry beside the user's next event, then has a later
event written while the earlier one failed), plus the variant's chosen ids
(one of them twice). Then it reads both shards back.
"""

import hashlib
import json
from collections import Counter, defaultdict

from grader import LearnerError

STREAM = "clicks"
SHARDS = 2


def _event_of(data):
    """The event dict a record's data holds, or None."""
    try:
        value = json.loads(data)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _hash_key(user):
    return int.from_bytes(hashlib.md5(user.encode("utf-8")).digest(), "big")


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _name(event):
    return f"{event['id']} ({event['user']} seq {event['seq']})"


def _failures(run):
    """PutRecords entries to fail: see the module docstring."""
    attempts = Counter()
    once, twice = set(run.inputs["fail_once"]), run.inputs["fail_twice"]

    def select(index, entry, entries):
        event = _event_of(entry.get("Data"))
        if event is None or not isinstance(event.get("id"), str):
            return False
        attempts[event["id"]] += 1
        tries = attempts[event["id"]]
        user = event.get("user")
        same_user = [i for i, other in enumerate(entries) if (_event_of(other.get("Data")) or {}).get("user") == user]
        # A whole batch sent again and again still gets through on its third try.
        first_of_several = tries <= 2 and len(same_user) > 1 and same_user[0] == index
        if event["id"] == twice:
            return tries <= 2 or first_of_several
        if event["id"] in once:
            return tries == 1 or first_of_several
        return first_of_several

    return run.faults.fail_records("kinesis", "PutRecords", select=select, times=1_000_000)


def _check_stream(run):
    kinesis = run.client("kinesis")
    title = "clicks is a provisioned stream with 2 shards"
    try:
        summary = kinesis.describe_stream_summary(StreamName=STREAM)["StreamDescriptionSummary"]
    except kinesis.exceptions.ResourceNotFoundException:
        note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
        run.check("shard-count", title, 1, False, f"There is no stream called {STREAM}.{note}")
        return False
    shards = summary.get("OpenShardCount")
    mode = (summary.get("StreamModeDetails") or {}).get("StreamMode", "PROVISIONED")
    ok = shards == SHARDS and mode == "PROVISIONED"
    if ok:
        feedback = f"{STREAM} is provisioned with 2 shards."
    elif mode != "PROVISIONED":
        feedback = f"{STREAM} should be a provisioned stream with ShardCount 2; it is {mode.lower().replace('_', '-')} with {shards} shards."
    else:
        feedback = f"{STREAM} should have 2 shards; it has {shards}."
    run.check("shard-count", title, 1, ok, feedback)
    return True


def _read_stream(run):
    """Every record on the stream: (shard id, sequence number as int, partition key, data text), per shard in order."""
    kinesis = run.client("kinesis")
    shards = kinesis.list_shards(StreamName=STREAM)["Shards"]
    records = []
    for shard in shards:
        iterator = kinesis.get_shard_iterator(StreamName=STREAM, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = kinesis.get_records(ShardIterator=iterator, Limit=1000)
            if not page["Records"]:
                break
            for record in page["Records"]:
                data = record["Data"].decode("utf-8", "replace")
                records.append((shard["ShardId"], int(record["SequenceNumber"]), record["PartitionKey"], data))
            iterator = page.get("NextShardIterator")
    return shards, records


def grade(run):
    batches = run.inputs["batches"]
    events = [event for batch in batches for event in batch]
    by_id = {event["id"]: event for event in events}
    stream_exists = _check_stream(run)

    errors = []
    if stream_exists and run.learner.has("publish"):
        _failures(run)
        for batch in batches:
            try:
                run.learner.call("publish", batch)
            except LearnerError as error:
                errors.append(error.describe())
                if error.kind in ("timeout", "crashed"):
                    break
    problems = []
    if not run.learner.has("publish"):
        problems.append("Your module has no publish(events) function.")
    if errors:
        problems.append(f"publish() raised {errors[0]}.")
    note = (" " + " ".join(problems)) if problems else ""

    shards, records = _read_stream(run) if stream_exists else ([], [])
    ranges = {s["ShardId"]: (int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"])) for s in shards}

    # Which event each record holds (None: not one of ours, or not its JSON).
    written = defaultdict(list)  # event id -> [(shard, sequence number, partition key)]
    unexpected = []
    for shard, number, key, data in records:
        event = _event_of(data)
        if event is not None and event.get("id") in by_id and event == by_id[event["id"]]:
            written[event["id"]].append((shard, number, key))
        else:
            unexpected.append(data[:60])
    _label(run, events, written)

    # Every event exactly once
    missing = [by_id[i] for i in by_id if not written.get(i)]
    repeated = [(by_id[i], len(w)) for i, w in written.items() if len(w) > 1]
    ok = stream_exists and not missing and not repeated and not unexpected
    if ok:
        feedback = f"All {len(events)} events are on {STREAM} exactly once, though {len(run.faults.injected)} PutRecords responses reported failed records."
    else:
        parts = []
        if missing:
            parts.append(f"missing: {_list(_name(e) for e in missing)}")
        if repeated:
            parts.append(f"written more than once: {_list(f'{_name(e)} {n} times' for e, n in repeated)}")
        if unexpected:
            parts.append(f"records that are not one of the events as JSON: {_list(unexpected, 2)}")
        feedback = f"Each of the {len(events)} events should be on {STREAM} exactly once, as its JSON; " + "; ".join(parts) + "."
        if missing and any(e["id"] in run.inputs["fail_once"] or e["id"] == run.inputs["fail_twice"] for e in missing):
            feedback += (
                " PutRecords answers HTTP 200 even when records fail: look at FailedRecordCount and each result's"
                " ErrorCode, and send the failed records again until none fail (some fail more than once)."
            )
        if repeated:
            feedback += " Only records whose result has an ErrorCode failed; sending the whole batch again writes the others twice."
        feedback += note
    run.check("exactly-once", "Every event is on the stream exactly once", 3, ok, feedback)

    # Each user's events on the shard MD5(user) maps to, with partition key user
    wrong_shard, wrong_key = [], []
    for user in dict.fromkeys(e["user"] for e in events):
        want = next((sid for sid, (low, high) in ranges.items() if low <= _hash_key(user) <= high), None)
        places = Counter(shard for e in events if e["user"] == user for shard, _, _ in written.get(e["id"], []))
        keys = {key for e in events if e["user"] == user for _, _, key in written.get(e["id"], [])}
        if keys - {user}:
            wrong_key.append(f"{user}'s records have partition key {_list(sorted(repr(k) for k in keys - {user}), 2)}")
        if places and set(places) != {want}:
            shown = ", ".join(f"{shard} ({n})" for shard, n in sorted(places.items()))
            wrong_shard.append(f"{user} belongs on {want}; its events are on {shown}")
    ok = stream_exists and bool(written) and not wrong_shard and not wrong_key
    if ok:
        feedback = "Each user's events are on the one shard the MD5 of the user maps to (partition key = user)."
    elif not written:
        feedback = "No event reached the stream, so no user's shard could be checked." + note
    else:
        feedback = (
            "Each user's events should share one shard, the one whose hash key range holds the MD5 of the user: "
            "use the user as the partition key. " + "; ".join((wrong_key + wrong_shard)[:4]) + "."
        )
    run.check("key-shard", "Each user's events are on the shard the MD5 of the user maps to", 2, ok, feedback)

    # Each user's events in seq order of sequence number
    out_of_order = []
    for user in dict.fromkeys(e["user"] for e in events):
        firsts = sorted(
            (min(w[1] for w in written[e["id"]]), e) for e in events if e["user"] == user and written.get(e["id"])
        )
        for (_, before), (_, after) in zip(firsts, firsts[1:]):
            if before["seq"] > after["seq"]:
                out_of_order.append(f"{user}'s seq {after['seq']} ({after['id']}) has a higher sequence number than its seq {before['seq']} ({before['id']})")
                break
    ok = stream_exists and bool(written) and not out_of_order
    if ok:
        feedback = "Each user's events are on the stream in seq order, though some of their records failed and were retried."
    elif not written:
        feedback = "No event reached the stream, so no order could be checked." + note
    else:
        feedback = (
            "Each user's events should be on the stream in seq order (increasing sequence numbers): "
            + "; ".join(out_of_order[:3]) + ". When a record fails and a later event of the same user in the same call"
            " succeeds, a retry can only land behind it: never put two events of one user in the same PutRecords call,"
            " and send a user's next event only once the earlier one is written."
        )
    run.check("order", "Each user's events are in seq order on the stream", 3, ok, feedback)

    # PutRecords, fewer calls than events
    batch_calls, single_calls = run.learner_calls("kinesis", "PutRecords"), run.learner_calls("kinesis", "PutRecord")
    ok = stream_exists and bool(written) and single_calls == 0 and 0 < batch_calls < len(events)
    if ok:
        feedback = f"{len(events)} events took {batch_calls} PutRecords calls, retries included."
    elif single_calls:
        feedback = f"publish should write with PutRecords, not one PutRecord per event: it made {single_calls} PutRecord calls for {len(events)} events."
    elif not batch_calls:
        feedback = "publish never called PutRecords." + note
    elif not written:
        feedback = "No event reached the stream." + note
    else:
        feedback = (
            f"PutRecords should carry several events per call, fewer calls than events: {len(events)} events took {batch_calls} calls."
            " One call can hold one event of every user at once."
        )
    run.check("batched", "Fewer PutRecords calls than events, and no PutRecord", 1, ok, feedback)


def _label(run, events, written):
    """Name each record in the trace: the event it is, and a second copy as a duplicate."""
    for event in events:
        body = json.dumps(event)
        if not run.label(body, _name(event), reach=[STREAM]):
            continue
        for n in range(2, len(written.get(event["id"], [])) + 1):
            run.label(body, f"{_name(event)}, copy {n}", avoid=[STREAM])
