"""Grader for kinesis-consumer. Trusted code: see docs/labs.md for the Run API.

The scenario: the grader creates `orders-stream` (2 shards) and writes orders
keyed by orderId. It calls consume(shard, limit) on both shards (round 1),
writes more, and in round 2 makes one shard's call crash: its SendMessage
number after_sends + 1 fails with a KMS error (a SendMessageBatch fails at
once). Then it calls both shards until neither sends anything, writes one
late order on one shard and calls that shard and then the other, twice.
After every call it takes what reached `processed` and reads `checkpoints`.
"""

import json
from collections import Counter

from grader import LearnerError

STREAM, TABLE, QUEUE = "orders-stream", "checkpoints", "processed"
CRASH = ("KmsDisabled", "The request was rejected because the specified KMS key is disabled.")
MAX_ROUNDS = 12


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _times(n):
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _check_table(run):
    dynamodb = run.client("dynamodb")
    title = "checkpoints has the partition key shardId (a string)"
    try:
        table = dynamodb.describe_table(TableName=TABLE)["Table"]
    except dynamodb.exceptions.ResourceNotFoundException:
        note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
        run.check("table", title, 1, False, f"There is no DynamoDB table called {TABLE}.{note}")
        return False
    keys = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    ok = keys == {"HASH": "shardId"} and types.get("shardId") == "S"
    if ok:
        feedback = f"{TABLE} is keyed by shardId (a string): one item per shard."
    else:
        shown = ", ".join(f"{name} ({'partition' if kind == 'HASH' else 'sort'} key, type {types.get(name, '?')})" for kind, name in keys.items())
        feedback = f"{TABLE} should have exactly one key, the partition key shardId of type S; it has {shown}."
    run.check("table", title, 1, ok, feedback)
    return True


class Scenario:
    """Drives the calls and keeps what each one did."""

    def __init__(self, run, table_exists):
        self.run = run
        self.kinesis, self.sqs, self.dynamodb = run.client("kinesis"), run.client("sqs"), run.client("dynamodb")
        self.table_exists = table_exists
        self.queue_url = run.queue_url(QUEUE)
        self.kinesis.create_stream(StreamName=STREAM, ShardCount=2)
        self.shards = sorted(s["ShardId"] for s in self.kinesis.list_shards(StreamName=STREAM)["Shards"])
        self.shard_orders = {shard: [] for shard in self.shards}  # orderIds in stream order
        self.seq_of, self.shard_of, self.orders = {}, {}, {}
        self.calls = []
        self.stopped = None  # the LearnerError that ended the learner's process
        self.can_call = run.learner.has("consume") and self.queue_url is not None

    def write(self, orders):
        """A phase's orders in one PutRecords; each shard's list is kept in sequence-number order."""
        if not orders:
            return
        records = [{"Data": json.dumps(order).encode(), "PartitionKey": order["orderId"]} for order in orders]
        results = self.kinesis.put_records(StreamName=STREAM, Records=records)["Records"]
        for order, put in zip(orders, results):
            assert "SequenceNumber" in put, f"the emulator refused a record: {put}"
            order_id = order["orderId"]
            self.orders[order_id] = order
            self.seq_of[order_id], self.shard_of[order_id] = put["SequenceNumber"], put["ShardId"]
            self.shard_orders[put["ShardId"]].append(order_id)
        for order_ids in self.shard_orders.values():
            order_ids.sort(key=lambda order_id: int(self.seq_of[order_id]))

    def call(self, shard, limit, *, crash_after=None):
        if not self.can_call or self.stopped is not None:
            return None
        faults, injected = [], len(self.run.faults.injected)
        if crash_after is not None:
            faults = [
                self.run.faults.fail("sqs", "SendMessage", code=CRASH[0], message=CRASH[1], after=crash_after),
                self.run.faults.fail("sqs", "SendMessageBatch", code=CRASH[0], message=CRASH[1]),
            ]
        result, error = None, None
        try:
            result = self.run.invoke("consume", shard, limit, reads=STREAM)
        except LearnerError as caught:
            error = caught
            if caught.kind in ("timeout", "crashed", "missing"):
                self.stopped = caught
        for fault in faults:
            fault.stop()
        sent, odd = [], []
        for message in self.run.drain(self.queue_url):
            try:
                body = json.loads(message["Body"])
            except (TypeError, ValueError):
                body = None
            order_id = body.get("orderId") if isinstance(body, dict) else None
            if order_id in self.orders:
                sent.append(order_id)
                if body != {"orderId": order_id}:
                    odd.append(message["Body"][:80])
            else:
                odd.append(message["Body"][:80])
        call = {
            "shard": shard, "limit": limit, "result": result, "error": error, "sent": sent, "odd": odd,
            "crash_after": crash_after, "fired": len(self.run.faults.injected) > injected if faults else False,
            "checkpoints": self.read_checkpoints(),
        }
        self.calls.append(call)
        return call

    def read_checkpoints(self):
        """{shardId: the stored sequenceNumber string, or a description of what is there instead}."""
        if not self.table_exists:
            return {}
        found = {}
        try:
            pages = self.dynamodb.get_paginator("scan").paginate(TableName=TABLE)
            for page in pages:
                for item in page.get("Items", []):
                    key = item.get("shardId")
                    shard = key["S"] if isinstance(key, dict) and "S" in key else f"(no shardId: keys {', '.join(sorted(item))})"
                    value = item.get("sequenceNumber")
                    found[shard] = value["S"] if isinstance(value, dict) and "S" in value else {"missing": value}
        except self.dynamodb.exceptions.ClientError:
            return {}
        return found

    def label(self, failed_order):
        for shard, order_ids in self.shard_orders.items():
            for order_id in order_ids:
                order = self.orders[order_id]
                name = f"{order_id} (amount {order['amount']}, {shard})"
                if order_id == failed_order:
                    name += ", whose send failed in the crash"
                self.run.label(json.dumps(order), name, reach=["consume", QUEUE])


def grade(run):
    inputs = run.inputs
    table_exists = _check_table(run)
    world = Scenario(run, table_exists)
    shards = world.shards
    limits, crash = inputs["limits"], inputs["crash"]
    first = shards[inputs["first_shard"]]
    order = [first] + [s for s in shards if s != first]
    crash_shard = shards[crash["shard"]]

    world.write(inputs["initial"])
    for shard in order:
        world.call(shard, limits[0])
    world.write(inputs["more"])
    crash_call = None
    second = [crash_shard] + [s for s in shards if s != crash_shard]
    for shard in second if crash["first"] else reversed(second):
        called = world.call(shard, limits[1], crash_after=crash["after_sends"] if shard == crash_shard else None)
        if shard == crash_shard:
            crash_call = called
    for _ in range(MAX_ROUNDS):  # until a round sends nothing new
        seen = {o for call in world.calls for o in call["sent"]}
        for shard in order:
            world.call(shard, limits[2])
        if {o for call in world.calls for o in call["sent"]} <= seen:
            break
    world.write([inputs["late"]])
    late_shard = world.shard_of[inputs["late"]["orderId"]]
    other = next(s for s in shards if s != late_shard)
    for shard in (late_shard, other, late_shard, other):
        world.call(shard, limits[0])

    _judge(run, world, crash_call, crash_shard, crash["after_sends"])


def _notes(run, world):
    notes = []
    if not run.learner.has("consume"):
        notes.append("Your module has no consume(shard_id, limit) function.")
    if world.queue_url is None:
        notes.append(f"There is no queue called {QUEUE}, so consume() was never called.")
    if world.stopped is not None:
        notes.append(f"consume() stopped the run: {world.stopped.describe()}")
    errors = [c for c in world.calls if c["error"] is not None and c["crash_after"] is None]
    if errors and world.stopped is None:
        notes.append(f"consume({errors[0]['shard']!r}, {errors[0]['limit']}) raised {errors[0]['error'].describe()}")
    return (" " + " ".join(notes)) if notes else ""


def _judge(run, world, crash_call, crash_shard, after_sends):
    note = _notes(run, world)
    called = bool(world.calls)
    sends = [(index, order_id) for index, call in enumerate(world.calls) for order_id in call["sent"]]
    crash_index = world.calls.index(crash_call) if crash_call is not None else None

    # The record that was not sent when the crash hit: the first of the crash shard's
    # records not sent before the crash call or among its sends before the fault.
    failed_order = None
    if crash_call is not None and crash_call["fired"]:
        before = {o for i, o in sends if i < crash_index} | set(crash_call["sent"][:after_sends])
        failed_order = next((o for o in world.shard_orders[crash_shard] if o not in before), None)
    world.label(failed_order)

    # Every record processed, in order per shard
    problems = []
    for shard in world.shards:
        firsts = list(dict.fromkeys(o for _, o in sends if world.shard_of[o] == shard))
        missing = [o for o in world.shard_orders[shard] if o not in firsts]
        expected = [o for o in world.shard_orders[shard] if o in firsts]
        if missing:
            problems.append(f"{shard}: never processed {_list(missing)}")
        if firsts != expected:
            at = next(i for i, (got, want) in enumerate(zip(firsts, expected)) if got != want)
            problems.append(f"{shard}: {firsts[at]} was processed before {expected[at]}, which comes first on the shard")
    odd = [body for call in world.calls for body in call["odd"]]
    if odd:
        problems.append(f"messages in {QUEUE} that are not {{\"orderId\": ...}} of an order: {_list(odd, 2)}")
    total = sum(len(ids) for ids in world.shard_orders.values())
    ok = called and not problems
    if ok:
        feedback = f"All {total} orders reached {QUEUE}, each shard's in the order of its sequence numbers."
    else:
        feedback = (
            f"Every order on {STREAM} should reach {QUEUE} as {{\"orderId\": ...}}, each shard's in sequence-number order; "
            + ("; ".join(problems) if problems else "nothing was processed") + "."
        )
        if any("never processed" in p for p in problems) and not any(c["sent"] for c in world.calls[:2]):
            feedback += " With no checkpoint stored yet, a shard is read from its oldest record (TRIM_HORIZON), not from LATEST."
        feedback += note
    run.check("in-order", "Every record is processed, in order per shard", 3, ok, feedback)

    # Nothing skipped after the crash
    title = "Nothing is skipped after the crash"
    if crash_call is None:
        run.check("no-skip", title, 2, False, "consume() was never called, so there was no crash to resume from." + note)
    elif not crash_call["fired"]:
        run.check("no-skip", title, 2, False, (
            f"In round 2 the grader made SendMessage fail after {after_sends} message(s) in consume({crash_shard!r}, {crash_call['limit']}), "
            f"but that call sent only {len(crash_call['sent'])}, so the crash never came. Send each order with its own SendMessage." + note
        ))
    else:
        later = [o for i, o in sends if i > crash_index]
        later_on_shard = [o for o in later if world.shard_of[o] == crash_shard]
        stored = crash_call["checkpoints"].get(crash_shard)
        ok = failed_order is None or failed_order in later
        if ok:
            feedback = (
                f"consume({crash_shard!r}) crashed after {after_sends} send(s); the next calls resumed at "
                f"{later_on_shard[0] if later_on_shard else 'the right record'}, so nothing was skipped."
            )
        else:
            swallowed = crash_call["error"] is None
            moved_past = isinstance(stored, str) and stored.isdigit() and int(stored) >= int(world.seq_of[failed_order])
            feedback = (
                f"consume({crash_shard!r}, {crash_call['limit']}) crashed when sending {failed_order}; no later call processed it"
                + (f" (the next one on {crash_shard} started at {later_on_shard[0]})" if later_on_shard else "")
                + ". "
            )
            if swallowed:
                feedback += "consume() went on after the failed send and stored a checkpoint past it: let the error end the call."
            elif moved_past:
                feedback += (
                    f"The checkpoint stored for {crash_shard} had already moved to {_short(stored, world)} before that order was in {QUEUE}:"
                    " store a record's sequence number only after its order has been sent."
                )
            else:
                feedback += f"The next call should start just after the checkpoint stored for {crash_shard}, {_short(stored, world)}."
        run.check("no-skip", title, 2, ok, feedback)

    # Duplicates only from the crashed call's unsaved range
    counts = Counter(o for _, o in sends)
    allowed = set()
    if crash_call is not None and crash_call["fired"]:
        stored = crash_call["checkpoints"].get(crash_shard)
        saved = int(stored) if isinstance(stored, str) and stored.isdigit() else None
        allowed = {o for o in crash_call["sent"][:after_sends] if saved is None or int(world.seq_of[o]) > saved}
    repeated = [(o, n) for o, n in counts.items() if n > 1 and (o not in allowed or n > 2)]
    ok = called and bool(sends) and not repeated
    if ok:
        again = [o for o, n in counts.items() if n > 1]
        feedback = (
            f"Only {_list(again)}, sent in the crashed call after its last stored checkpoint, were processed again."
            if again else "No order was processed twice: the crashed call had stored a checkpoint after each order."
        )
    elif not sends:
        feedback = f"Nothing reached {QUEUE}, so duplicates could not be judged." + note
    else:
        whens = [f"{o} {_times(n)} ({_calls_of(world, o)})" for o, n in repeated]
        feedback = (
            "Only orders the crashed call sent after its last stored checkpoint may be processed a second time; "
            f"processed more than once: {_list(whens, 3)}."
        )
        if any(_starts_at_checkpoint(world, o) for o, _ in repeated):
            feedback += (
                " A call started again at the record its checkpoint names: AT_SEQUENCE_NUMBER includes that record;"
                " resume with AFTER_SEQUENCE_NUMBER."
            )
        else:
            feedback += " Resume from the stored checkpoint rather than from the start of the shard."
    run.check("duplicates", "Duplicates only from the crashed call's unsaved range", 2, ok, feedback)

    # Checkpoint values are sequence numbers of that shard
    seqs = {shard: {world.seq_of[o]: o for o in ids} for shard, ids in world.shard_orders.items()}
    found = {}  # each wrong value, with the call after which it was first seen
    for index, call in enumerate(world.calls):
        for shard, value in call["checkpoints"].items():
            if shard not in seqs:
                wrong = f"the table holds an item {shard!r}, not one keyed by the shardId of a shard of {STREAM}" if shard.startswith("(") else (
                    f"the table holds an item with shardId {shard!r}, which is not a shard of {STREAM}")
            elif not isinstance(value, str):
                wrong = f"the item for {shard} has no string attribute sequenceNumber (it has {value['missing']!r})"
            elif value not in seqs[shard]:
                other = next((s for s in seqs if value in seqs[s]), None)
                wrong = f"the checkpoint for {shard} is " + (
                    f"the sequence number of {seqs[other][value]}, a record of {other}" if other
                    else f"{value[:60]!r}, not the sequence number of any record"
                )
            else:
                continue
            found.setdefault(wrong, f"after call {index + 1}, consume({call['shard']!r}), ")
    bad = [where + wrong for wrong, where in found.items()]
    final = world.calls[-1]["checkpoints"] if world.calls else {}
    unstored = [s for s in world.shards if s not in final]
    ok = world.table_exists and called and not bad and not unstored
    if ok:
        feedback = f"Every checkpoint stored in {TABLE} was the sequence number of a record of its own shard."
    else:
        parts = bad[:3]
        if unstored and called:
            parts.append(f"at the end no checkpoint was stored for {_list(unstored)}")
        feedback = (
            f"Each item of {TABLE} should hold, as the string sequenceNumber, the sequence number of the last record of "
            f"its own shard that was processed; " + ("; ".join(parts) if parts else "nothing was stored") + "."
        )
        if any(", a record of shardId" in p for p in bad):
            feedback += " A value kept from a call on another shard was stored for this one: keep the last sequence number per call, not across calls."
        feedback += note
    run.check("checkpoint-values", "Checkpoint values are sequence numbers of that shard", 2, ok, feedback)

    # At most `limit` records per call, and the count returned
    over, miscounted = [], []
    for call in world.calls:
        if call["crash_after"] is not None:
            continue
        n = len(call["sent"])
        if n > call["limit"]:
            over.append(f"consume({call['shard']!r}, {call['limit']}) processed {n}")
        result = call["result"]
        if call["error"] is None and (isinstance(result, bool) or result != n):
            miscounted.append(f"consume({call['shard']!r}, {call['limit']}) processed {n} and returned {result!r}")
    ok = called and not over and not miscounted
    if ok:
        feedback = f"Each of the {len(world.calls) - 1} calls without a crash processed at most its limit and returned how many it processed."
    else:
        feedback = (
            "Each call should process at most `limit` records and return how many it processed; "
            + ("; ".join((over + miscounted)[:3]) if over or miscounted else "consume() was never called") + "."
        )
        if over:
            feedback += " Pass Limit=limit to GetRecords (or stop after limit records)."
        feedback += note
    run.check("limit", "Each call processes at most limit records and returns the count", 1, ok, feedback)


def _short(value, world):
    """A stored checkpoint in words: whose sequence number it is."""
    if not isinstance(value, str):
        return "nothing"
    order = next((o for o, seq in world.seq_of.items() if seq == value), None)
    return f"the sequence number of {order}" if order else repr(value[:60])


def _calls_of(world, order_id):
    calls = [str(i + 1) for i, call in enumerate(world.calls) if order_id in call["sent"]]
    return "in calls " + ", ".join(calls[:4]) + (", ..." if len(calls) > 4 else "")


def _starts_at_checkpoint(world, order_id):
    """Whether some call's first send was the record the checkpoint stored before that call named."""
    for index, call in enumerate(world.calls[1:], start=1):
        stored = world.calls[index - 1]["checkpoints"].get(call["shard"])
        if call["sent"] and call["sent"][0] == order_id and world.seq_of.get(order_id) == stored:
            return True
    return False
