"""Grader for transactional-outbox. Trusted code: see docs/labs.md for the Run API.

The scenario: orders placed in two rounds, each followed by relay runs, one
write failing in each phase (an order's commit, a relay's send, a relay's
mark), and at last an order placed again with a committed order's id. The
grader plays the consumer of order-events: it drains the queue after every
place_order round and every relay() call, so it knows what each call published.
"""

import json

from grader import LearnerError

TABLES = {"orders": "orderId", "outbox": "eventId"}
QUEUE = "order-events"
# Errors the SDK does not retry, so the learner's step fails at once, as if the process died there.
COMMIT_FAILS = ("TransactionCanceledException", "Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]")
WRITE_FAILS = ("TransactionConflictException", "Transaction is ongoing for the item")
SEND_FAILS = ("KmsDisabled", "The request was rejected because the specified KMS key is disabled.")
TOKEN_WINDOW_S = 11 * 60  # past the 10 minutes a ClientRequestToken makes a retried transaction a no-op


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _times(n):
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def _json(text):
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _plain(value):
    """A DynamoDB attribute value as Python (enough for S and N)."""
    if not isinstance(value, dict):
        return None
    if "S" in value:
        return value["S"]
    if "N" in value:
        number = float(value["N"])
        return int(number) if number.is_integer() else number
    return next(iter(value.values()), None)


class Scenario:
    """What the grader saw: every message each call published, and the state between calls."""

    def __init__(self, run):
        self.run = run
        self.sqs = run.client("sqs")
        self.dynamodb = run.client("dynamodb")
        self.url = run.queue_url(QUEUE)
        self.published = []  # (call name, body dict or None, raw body, message id)
        self.from_place_order = []  # raw bodies that appeared while place_order ran
        self.faulted_pending = set()  # eventIds published by a faulted relay call and still PENDING after it
        self.rounds = []  # (orders placed, outbox rows right after), per round of place_order

    def table_items(self, table):
        try:
            pages = self.dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True)
            return [{k: _plain(v) for k, v in item.items()} for page in pages for item in page.get("Items", [])]
        except self.dynamodb.exceptions.ResourceNotFoundException:
            return []

    def _collect(self, call):
        """Everything on any queue now appeared during `call`: take it off and note it."""
        for url in self.sqs.list_queues().get("QueueUrls", []):
            for message in self.run.drain(url):
                body = message["Body"]
                if call == "place_order":
                    self.from_place_order.append(body)
                    self.run.label(message["MessageId"], "sent by place_order()", avoid=[QUEUE])
                elif url == self.url:
                    self.published.append((call, _json(body), body, message["MessageId"]))
                else:
                    self.run.label(message["MessageId"], f"sent by relay() to {url.rsplit('/', 1)[-1]}", reach=[QUEUE])

    def _call(self, name, *args):
        try:
            self.run.learner.call(name, *args)
        except LearnerError as error:
            if error.kind != "exception":
                raise  # a timeout or a crash of the learner's process ends the run
            return error
        return None

    def place(self, order):
        return self._call("place_order", order)

    def round_done(self, placed):
        self._collect("place_order")
        self.rounds.append((placed, self.table_items("outbox")))

    def relay(self, *, label):
        error = self._call("relay")
        self._collect(label)
        return error


def grade(run):
    inputs = run.inputs
    first, second, again = inputs["first"], inputs["second"], inputs["again"]
    failing = first[inputs["fail_at"]]
    s = Scenario(run)
    dynamodb = s.dynamodb

    # 1. Resources
    problems = []
    tables_ok = True
    for table, key in TABLES.items():
        try:
            description = dynamodb.describe_table(TableName=table)["Table"]
        except dynamodb.exceptions.ResourceNotFoundException:
            problems.append(f"there is no table {table}")
            tables_ok = False
            continue
        keys = {k["KeyType"]: k["AttributeName"] for k in description["KeySchema"]}
        types = {a["AttributeName"]: a["AttributeType"] for a in description.get("AttributeDefinitions", [])}
        if keys != {"HASH": key} or types.get(key) != "S":
            shown = ", ".join(f"{name} ({'partition' if kind == 'HASH' else 'sort'} key, type {types.get(name, '?')})" for kind, name in keys.items())
            problems.append(f"{table} should have the one partition key {key} of type S; it has {shown}")
    if s.url is None:
        problems.append(f"there is no queue {QUEUE}")
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check(
        "resources", "Tables orders and outbox and the queue order-events exist, keyed as asked", 1, not problems,
        "orders (orderId), outbox (eventId) and order-events exist." if not problems else "; ".join(problems).capitalize() + "." + setup_note,
    )

    has_place, has_relay = run.learner.has("place_order"), run.learner.has("relay")
    missing_fns = [f"{name}()" for name, has in (("place_order", has_place), ("relay", has_relay)) if not has]
    fn_note = f" Your module has no {' or '.join(missing_fns)}." if missing_fns else ""

    faults = {}
    if has_place:
        # 2. First round: one order's write fails, whatever the code writes with.
        for i, order in enumerate(first):
            if i == inputs["fail_at"]:
                rules = [
                    run.faults.fail("dynamodb", "TransactWriteItems", code=COMMIT_FAILS[0], message=COMMIT_FAILS[1]),
                    run.faults.fail("dynamodb", "PutItem", code=WRITE_FAILS[0], message=WRITE_FAILS[1], after=1),
                    run.faults.fail("dynamodb", "BatchWriteItem", code=WRITE_FAILS[0], message=WRITE_FAILS[1]),
                ]
                s.place(order)
                faults["commit"] = [r for r in rules if r.fired]
                for rule in rules:
                    rule.stop()
            else:
                s.place(order)
        s.round_done(first)
    if has_relay:
        # 3. The relay: its (send_ok + 1)th send fails; then it runs again.
        send = run.faults.fail("sqs", "SendMessage", code=SEND_FAILS[0], message=SEND_FAILS[1], after=inputs["send_ok"])
        s.relay(label="relay-send-fails")
        faults["send"] = send.fired
        send.stop()
        s.faulted_pending |= _published_and_pending(s, "relay-send-fails")
        s.relay(label="relay")
    if has_place:
        for order in second:
            s.place(order)
        s.round_done(second)
    if has_relay:
        # 4. Its (mark_ok + 1)th mark fails, an update or a delete, whichever it uses.
        marks = [
            run.faults.fail("dynamodb", action, code=WRITE_FAILS[0], message=WRITE_FAILS[1], after=inputs["mark_ok"])
            for action in ("UpdateItem", "DeleteItem")
        ]
        s.relay(label="relay-mark-fails")
        faults["mark"] = any(m.fired for m in marks)
        for mark in marks:
            mark.stop()
        s.faulted_pending |= _published_and_pending(s, "relay-mark-fails")
        s.relay(label="relay")
    # 5. A day later (past any ClientRequestToken's 10 minutes), an order with a committed order's id.
    again_error = None
    if has_place:
        run.advance(TOKEN_WINDOW_S)
        before = {"orders": s.table_items("orders"), "outbox": s.table_items("outbox")}
        again_error = s.place(again)
        s.round_done([])
    if has_relay:
        s.relay(label="relay")

    orders = {str(o.get("orderId")): o for o in s.table_items("orders")}
    outbox = s.table_items("outbox")
    rows_by_order = {}
    for row in outbox:
        rows_by_order.setdefault(str(row.get("orderId")), []).append(row)
    placed = first + second
    committed = [o for o in placed if o is not failing]

    _label_messages(run, s, failing, committed)

    # 6. No publish from place_order
    title = "place_order() publishes nothing: only the relay sends"
    if not has_place:
        run.check("no-publish-in-place-order", title, 2, False, "Not checked:" + fn_note)
    elif s.from_place_order:
        run.check("no-publish-in-place-order", title, 2, False,
                  f"{len(s.from_place_order)} message(s) appeared while only place_order() ran, e.g. {s.from_place_order[0][:120]}. "
                  "Sending from place_order is the dual write the outbox removes: if the process dies between the send and the "
                  "write (or the write fails), the event and the database disagree. place_order only writes; relay() publishes.")
    else:
        run.check("no-publish-in-place-order", title, 2, True, f"Nothing was sent while place_order() ran ({len(placed) + 1} calls).")

    # 7. Atomic commit
    title = "The order and its outbox row commit together, or neither does"
    fid = failing["orderId"]
    parts = []
    if not has_place:
        parts.append("place_order() was never called." + fn_note)
    else:
        left = []
        if fid in orders:
            left.append("its order in orders")
        if rows_by_order.get(fid):
            left.append(f"{len(rows_by_order[fid])} outbox row(s)")
        sent = [b for _, d, b, _ in s.published if d and d.get("orderId") == fid]
        sent += [b for b in s.from_place_order if (_json(b) or {}).get("orderId") == fid]
        if sent:
            left.append(f"{len(sent)} published event(s)")
        if left:
            hint = ""
            if fid in orders and not rows_by_order.get(fid):
                hint = (" The order was written but its event was not: two separate writes are not atomic. Put both items in one "
                        "transact_write_items call, so a failure cancels both.")
            elif rows_by_order.get(fid) and fid not in orders:
                hint = (" The event was written but the order was not, so consumers hear of an order that does not exist. Put both "
                        "items in one transact_write_items call.")
            parts.append(f"The grader made the write of {fid} fail; it should leave nothing behind, but it left {_list(left)}.{hint}")
        if not faults.get("commit"):
            parts.append(f"The grader failed the write of {fid} (TransactWriteItems, or a second PutItem), but place_order({fid}) made no such call.")
        unpaired = {}
        for round_orders, rows in s.rounds:  # right after each round of place_order, before any relay ran
            for order in round_orders:
                n = sum(1 for r in rows if r.get("orderId") == order["orderId"])
                if order is not failing and n != 1:
                    unpaired.setdefault(order["orderId"], n)
        if unpaired:
            parts.append("Right after place_order(), each order should have exactly one outbox row; "
                         + "; ".join(f"{oid} had {n}" for oid, n in unpaired.items()) + ".")
    if parts:
        run.check("atomic-commit", title, 2, False, " ".join(parts))
    else:
        run.check("atomic-commit", title, 2, True,
                  f"The write of {fid} failed and left no order, no outbox row and no event; every other order has exactly one outbox row.")

    # 8. Every committed order published at least once, as its outbox row says
    title = "Every committed order's event reached order-events at least once"
    received = {}
    for call, body, raw, _ in s.published:
        if body and isinstance(body.get("orderId"), str):
            received.setdefault(body["orderId"], []).append(body)
    if not has_relay or not has_place:
        run.check("published-at-least-once", title, 3, False, "Not checked:" + fn_note)
    else:
        lost, wrong_fields = [], []
        for order in committed:
            copies = received.get(order["orderId"], [])
            if not copies:
                lost.append(order["orderId"])
                continue
            expected = {"type": "OrderPlaced", "orderId": order["orderId"], "customer": order["customer"], "amount": order["amount"]}
            bad = [k for k, v in expected.items() if copies[0].get(k) != v]
            if bad:
                wrong_fields.append(f"{order['orderId']} ({', '.join(f'{k} {copies[0].get(k)!r}, not {expected[k]!r}' for k in bad)})")
        parts = []
        if lost:
            stuck = [oid for oid in lost if any(r.get("status") != "PENDING" for r in rows_by_order.get(oid, []))]
            one = len(lost) == 1
            parts.append(f"never published by relay(): {_list(lost)}")
            if s.from_place_order:
                parts.append(f"place_order() sent {len(s.from_place_order)} message(s) itself, which do not count: only relay() publishes")
            elif stuck:
                parts.append(f"{'its outbox row says' if one else 'their outbox rows say'} {rows_by_order[stuck[0]][0].get('status')!r}, "
                             "so it was marked before the send that failed, or claimed and never tried again. Send first, mark SENT after; "
                             "a row whose send failed stays PENDING and the next relay() sends it")
            elif any(rows_by_order.get(oid) for oid in lost):
                parts.append(f"{'its outbox row is' if one else 'their outbox rows are'} still PENDING: relay() must send every PENDING "
                             "row each time it runs, including rows an earlier, crashed run had already tried")
            elif any(oid in orders for oid in lost):
                parts.append(f"{'it has' if one else 'they have'} no outbox row to publish from")
        if wrong_fields:
            parts.append(f"events with the wrong fields: {_list(wrong_fields, 2)}")
        if not faults.get("send"):
            parts.append("the grader made one of relay()'s SendMessage calls fail, but relay() never made enough of them: publish each "
                         "pending row with its own send_message")
        if parts:
            run.check("published-at-least-once", title, 3, False,
                      f"Each of the {len(committed)} committed orders should reach {QUEUE} as its OrderPlaced event; "
                      + "; ".join(parts) + ".")
        else:
            run.check("published-at-least-once", title, 3, True,
                      f"All {len(committed)} committed orders reached {QUEUE}, though one send and one mark of the relay failed.")

    # 9. One stable event id per order
    title = "Every copy of an order's event carries the eventId of its outbox row"
    if not s.published:
        run.check("stable-event-id", title, 2, False, f"Nothing reached {QUEUE}." + fn_note)
    else:
        problems = []
        for oid, copies in received.items():
            ids = list(dict.fromkeys(str(c.get("eventId")) for c in copies))
            stored = [str(r.get("eventId")) for r in rows_by_order.get(oid, [])]
            if len(ids) > 1:
                problems.append(f"{oid} was published {_times(len(copies))} with {len(ids)} different eventIds ({_list(ids, 2)})")
            elif stored and ids[0] not in stored:
                problems.append(f"{oid} was published with eventId {ids[0]}, but its outbox row's eventId is {stored[0]}")
            elif any(c.get("eventId") in (None, "") for c in copies):
                problems.append(f"{oid} was published without an eventId")
        if problems:
            run.check("stable-event-id", title, 2, False,
                      "; ".join(problems[:3]) + ". Make the eventId once, in place_order, store it in the outbox row, and send the row's "
                      "payload as it is: a consumer drops a copy only when both copies carry the same id.")
        else:
            run.check("stable-event-id", title, 2, True,
                      "Every published event carries its outbox row's eventId, resends included, so a consumer can drop the copies.")

    # 10. Duplicates only where a relay published and could not mark
    title = "Only the event the crashed relay published but could not mark was published twice"
    counts = {}
    for _, body, raw, _ in s.published:
        key = str(body.get("eventId")) if body else raw
        counts[key] = counts.get(key, 0) + 1
    extra = {k: n for k, n in counts.items() if n > 1 and not (k in s.faulted_pending and n == 2)}
    if not s.published:
        run.check("duplicates-only-from-crash", title, 2, False, f"Nothing reached {QUEUE}." + fn_note)
    elif extra:
        named = []
        for key, n in list(extra.items())[:3]:
            order_id = next((b.get("orderId") for _, b, _, _ in s.published if b and str(b.get("eventId")) == key), key[:40])
            named.append(f"{order_id} ({_times(n)})")
        run.check("duplicates-only-from-crash", title, 2, False,
                  f"Published more than once: {_list(named, 3)}. A crash between a send and its mark may repeat that one event, nothing else: "
                  "relay() must send only the rows still PENDING and mark each SENT right after its send succeeds.")
    else:
        repeated = [k for k, n in counts.items() if n > 1]
        run.check("duplicates-only-from-crash", title, 2, True,
                  "No event was published twice" + (", except the one whose mark failed after its send: at least once, as an outbox promises."
                                                     if repeated else "."))

    # 11. Nothing left pending
    title = "At the end no outbox row is left PENDING"
    pending = [str(r.get("orderId")) for r in outbox if r.get("status") == "PENDING"]
    if not tables_ok or not has_relay:
        run.check("outbox-drained", title, 1, False, "Not checked: " + ("a table is missing." if not tables_ok else fn_note.strip()))
    elif pending:
        run.check("outbox-drained", title, 1, False,
                  f"Still PENDING after the last relay(): {_list(pending)}. After a successful send, set the row's status to SENT "
                  "(or delete the row); a row left pending after a crash must be sent by the next run.")
    elif not faults.get("mark"):
        run.check("outbox-drained", title, 1, False,
                  "The grader made one of relay()'s marks fail (update_item or delete_item on outbox), but relay() never made that call: "
                  "after each send, set the row's status to SENT.")
    else:
        run.check("outbox-drained", title, 1, True, f"Every outbox row is marked sent ({len(outbox)} rows).")

    # 12. A duplicate order id neither overwrites nor publishes
    title = "An order placed again with an existing orderId is refused and changes nothing"
    oid = again["orderId"]
    if not has_place:
        run.check("duplicate-order-refused", title, 2, False, "Not checked:" + fn_note)
    else:
        parts = []
        was = next((o for o in before["orders"] if o.get("orderId") == oid), None)
        now = orders.get(oid)
        if was and now and (now.get("customer"), now.get("amount")) != (was.get("customer"), was.get("amount")):
            parts.append(f"orders now says {oid} is {now.get('customer')}'s for {now.get('amount')}; it was {was.get('customer')}'s for {was.get('amount')}")
        rows_before = sorted(json.dumps(r, sort_keys=True, default=str) for r in before["outbox"] if r.get("orderId") == oid)
        rows_after = sorted(json.dumps({**r, "status": None}, sort_keys=True, default=str) for r in rows_by_order.get(oid, []))
        if len(outbox) != len(before["outbox"]):
            parts.append(f"outbox went from {len(before['outbox'])} to {len(outbox)} rows")
        elif rows_after != sorted(json.dumps({**json.loads(r), "status": None}, sort_keys=True) for r in rows_before):
            parts.append(f"{oid}'s outbox row was overwritten")
        second_sends = [b for call, b, _, _ in s.published if b and b.get("orderId") == oid and b.get("amount") == again["amount"]]
        if second_sends:
            parts.append(f"an event with the new amount {again['amount']} was published")
        if again_error is None:
            parts.append("place_order() returned normally")
        if parts:
            run.check("duplicate-order-refused", title, 2, False,
                      f"{oid} was placed again ({again['customer']}, {again['amount']}); place_order should raise and change nothing, but "
                      + "; ".join(parts) + ". Give the order's Put a ConditionExpression attribute_not_exists(orderId): a failed condition "
                      "cancels the whole transaction, outbox row included, and raises TransactionCanceledException.")
        else:
            run.check("duplicate-order-refused", title, 2, True,
                      f"Placing {oid} again raised {again_error.exc_type or again_error.describe()[:80]} and left the order and the outbox as they were.")


def _published_and_pending(s, call):
    """eventIds a faulted relay call published that are still PENDING after it: the duplicates it may cause."""
    pending = {str(r.get("eventId")) for r in s.table_items("outbox") if r.get("status") == "PENDING"}
    sent = {str(b.get("eventId")) for c, b, _, _ in s.published if c == call and b}
    return sent & pending


def _label_messages(run, s, failing, committed):
    """Name each event the relay published, for the trace: one that never committed should not be there."""
    seen = {}
    committed_ids = {o["orderId"] for o in committed}
    for call, body, raw, message_id in s.published:
        oid = body.get("orderId") if body else None
        seen[oid] = seen.get(oid, 0) + 1
        if oid not in committed_ids:
            run.label(message_id, f"OrderPlaced {oid or raw[:40]}, an order that never committed", avoid=[QUEUE])
        else:
            run.label(message_id, f"OrderPlaced {oid}" + (" (sent again)" if seen[oid] > 1 else ""), reach=[QUEUE])
