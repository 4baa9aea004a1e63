"""Grader for saga-choreography. Trusted code: see docs/labs.md for the Run API.

The grader is the orders service's front door and Lambda: it creates the
services' tables with hidden balances and stock, puts one OrderPlaced per
order on the learner's bus, and plays each queue's Lambda trigger until the
saga settles. Every failure event that reaches payments-queue after the first
round is handed to two invocations at the same time, with DynamoDB reads
answering slowly, so a refund guarded by look-then-act pays out twice.
"""

import json

BUS = "shop"
QUEUES = {"payments": "payments-queue", "inventory": "inventory-queue", "orders": "orders-queue"}
HANDLERS = {"payments": "payments_handler", "inventory": "inventory_handler", "orders": "orders_handler"}
# Who reacts to what, and the source each event is put with.
ROUTES = {
    "OrderPlaced": ("shop.orders", "payments"),
    "PaymentReserved": ("shop.payments", "inventory"),
    "PaymentFailed": ("shop.payments", "orders"),
    "InventoryReserved": ("shop.inventory", "orders"),
    "InventoryFailed": ("shop.inventory", "payments"),
    "PaymentRefunded": ("shop.payments", "orders"),
}
TABLES = {"wallets": "customerId", "stock": "sku", "orders": "orderId", "payments": "orderId"}
MAX_ROUNDS = 8
READ_DELAY_S = 0.3


def _list(items, limit=4):
    items = list(items)
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _detail_type(body):
    try:
        value = json.loads(body)
    except (TypeError, ValueError):
        return None
    return value.get("detail-type") if isinstance(value, dict) else None


def _plain(value):
    if not isinstance(value, dict):
        return None
    if "S" in value:
        return value["S"]
    if "N" in value:
        number = float(value["N"])
        return int(number) if number.is_integer() else number
    return next(iter(value.values()), None)


def _items(run, table, key):
    dynamodb = run.client("dynamodb")
    items = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page.get("Items", []):
            plain = {k: _plain(v) for k, v in item.items()}
            items[str(plain.get(key))] = plain
    return items


def _create_tables(run, orders):
    dynamodb = run.client("dynamodb")
    for table, key in TABLES.items():
        try:
            dynamodb.create_table(
                TableName=table,
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
        except dynamodb.exceptions.ResourceInUseException:
            pass  # the learner made it: the grader's rows go in all the same
    # One BatchWriteItem for every row (at most 25 puts; a key twice in a table
    # would be refused, so the last row of a key stands, as it would after one
    # PutItem each).
    rows = {"wallets": {}, "stock": {}, "orders": {}}
    for o in orders:
        rows["wallets"][o["customerId"]] = {"customerId": {"S": o["customerId"]}, "balance": {"N": str(o["balance"])}}
        rows["stock"][o["sku"]] = {"sku": {"S": o["sku"]}, "available": {"N": str(o["available"])}}
        rows["orders"][o["orderId"]] = {"orderId": {"S": o["orderId"]}, "status": {"S": "PENDING"}}
    requests = {table: [{"PutRequest": {"Item": item}} for item in items.values()] for table, items in rows.items()}
    assert sum(len(puts) for puts in requests.values()) <= 25, "one BatchWriteItem holds at most 25 puts"
    unprocessed = dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems")
    assert not unprocessed, f"the emulator left rows unwritten: {unprocessed}"


def _probe_routes(run, urls):
    """Put one event of each type with a probe order and see which queues it reaches.
    No handler runs on them: the grader takes them off the queues."""
    events, reached = run.client("events"), {t: [] for t in ROUTES}
    for detail_type, (source, service) in ROUTES.items():
        detail = {"orderId": f"probe-{detail_type}", "customerId": "probe", "amount": 1, "sku": "probe", "quantity": 1}
        result = events.put_events(Entries=[{"EventBusName": BUS, "Source": source, "DetailType": detail_type, "Detail": json.dumps(detail)}])
        event_id = result["Entries"][0].get("EventId")
        if event_id:
            run.label(event_id, f"routing check: {detail_type}", reach=[QUEUES[service]],
                      avoid=[q for s, q in QUEUES.items() if s != service and urls.get(s)])
    for service, url in urls.items():
        if url:
            for message in run.drain(url):
                detail_type = _detail_type(message["Body"])
                if detail_type in reached:
                    reached[detail_type].append(service)
    return reached


def _pump(run, urls):
    """Play the three Lambda triggers until no queue holds anything. From the second round on,
    each message in payments-queue goes to two invocations at once (a duplicate delivery)."""
    invocations = {s: [] for s in QUEUES}
    raced = []
    has = {s: run.learner.has(HANDLERS[s]) for s in QUEUES}
    for round_number in range(MAX_ROUNDS):
        delivered = 0
        for service in ("payments", "inventory", "orders"):
            url = urls.get(service)
            if not url or not has[service]:
                continue
            if service == "payments" and round_number > 0:
                slow = run.faults.delay("dynamodb", "GetItem", seconds=READ_DELAY_S)
                batch = run.deliver_sqs(url, function=HANDLERS[service], batch_size=1, concurrency=2, duplicate=True, max_batches=20)
                slow.stop()
                raced += batch
            else:
                batch = run.deliver_sqs(url, function=HANDLERS[service], batch_size=5, max_batches=20)
            invocations[service] += batch
            delivered += len(batch)
        if not delivered:
            break
    left = {s: run.drain(u) for s, u in urls.items() if u}
    return invocations, raced, left


def grade(run):
    orders = run.inputs["orders"]
    sqs, events = run.client("sqs"), run.client("events")
    urls = {s: run.queue_url(q) for s, q in QUEUES.items()}
    try:
        bus_ok = any(b["Name"] == BUS for b in events.list_event_buses()["EventBuses"])
    except Exception:  # noqa: BLE001 - a listing that fails is a missing bus here
        bus_ok = False

    # 1. Resources
    missing = ([f"the event bus {BUS}"] if not bus_ok else []) + [f"the queue {q}" for s, q in QUEUES.items() if not urls[s]]
    setup_note = f" setup() raised {run.setup_error.describe()}." if run.setup_error else ""
    run.check("resources", "The bus shop and the three queues exist", 1, not missing,
              f"{BUS}, {', '.join(QUEUES.values())} exist." if not missing else f"Missing: {_list(missing)}.{setup_note}")

    # 2. Routing, probed before any order
    title = "Each event reaches exactly the queue of the service that reacts to it"
    if not bus_ok:
        run.check("routing", title, 2, False, f"There is no bus {BUS} to put events on.")
    else:
        reached = _probe_routes(run, urls)
        wrong = []
        for detail_type, (_, service) in ROUTES.items():
            got = reached[detail_type]
            if got != [service]:
                where = _list(QUEUES[s] for s in got) if got else "no queue"
                wrong.append(f"{detail_type} reached {where}, not just {QUEUES[service]}")
        refused = [f"EventBridge could not deliver to {queue}: {reason}" for queue in QUEUES.values() for reason in run.undeliverable(queue)[:1]]
        if wrong:
            run.check("routing", title, 2, False,
                      "A rule on shop should send each event type to one queue: " + "; ".join(wrong)
                      + (". " + "; ".join(refused) + "." if refused else
                         ". Match on detail-type, one rule per consuming service, each targeting its queue."))
        else:
            run.check("routing", title, 2, True, "All six event types reach exactly the queue of the service that reacts to them.")

    # 3. The saga, on the hidden orders
    _create_tables(run, orders)
    for o in orders:
        detail = {k: o[k] for k in ("orderId", "customerId", "amount", "sku", "quantity")}
        result = events.put_events(Entries=[{"EventBusName": BUS, "Source": "shop.orders", "DetailType": "OrderPlaced", "Detail": json.dumps(detail)}]) if bus_ok else None
        event_id = result["Entries"][0].get("EventId") if result else None
        if event_id:
            reach = [QUEUES["payments"], QUEUES["orders"]] + ([QUEUES["inventory"]] if o["outcome"] != "payment" else [])
            avoid = [QUEUES["inventory"]] if o["outcome"] == "payment" else []
            run.label(event_id, f"OrderPlaced {o['orderId']} ({o['why']})", reach=reach, avoid=avoid)
    invocations, raced, left = _pump(run, urls)
    missing_handlers = [f"{HANDLERS[s]}()" for s in QUEUES if not run.learner.has(HANDLERS[s])]
    note = f" Your module has no {_list(missing_handlers)}." if missing_handlers else ""
    errors = [i for s in invocations for i in invocations[s] if i.error is not None]
    if errors:
        note += f" A handler raised: {errors[0].error.describe()[:200]}."

    wallets, stock = _items(run, "wallets", "customerId"), _items(run, "stock", "sku")
    status = {k: v.get("status") for k, v in _items(run, "orders", "orderId").items()}
    payments = _items(run, "payments", "orderId")

    def state(o):
        """What differs from where this order's saga should end, in words."""
        balance, available = wallets.get(o["customerId"], {}).get("balance"), stock.get(o["sku"], {}).get("available")
        want_balance = o["balance"] - o["amount"] if o["outcome"] == "confirmed" else o["balance"]
        want_stock = o["available"] - o["quantity"] if o["outcome"] == "confirmed" else o["available"]
        want_status = "CONFIRMED" if o["outcome"] == "confirmed" else "CANCELLED"
        parts = []
        if status.get(o["orderId"]) != want_status:
            parts.append(f"status {status.get(o['orderId'])}, not {want_status}")
        if balance != want_balance:
            diff = (balance or 0) - want_balance
            refunds = diff // o["amount"] + 1 if o["outcome"] == "inventory" and diff > 0 and diff % o["amount"] == 0 else 0
            parts.append(f"balance {balance}, not {want_balance}" + (f" (refunded {refunds} times)" if refunds else ""))
        if available != want_stock:
            parts.append(f"stock {available}, not {want_stock}")
        return f"{o['orderId']} ({o['why']}): " + ", ".join(parts) if parts else ""

    # 4. Orders that should go through
    title = "Orders the customer can pay for and the stock covers are CONFIRMED, paid and reserved"
    ok_orders = [o for o in orders if o["outcome"] == "confirmed"]
    wrong = [w for w in map(state, ok_orders) if w]
    if wrong:
        run.check("confirmed", title, 2, False,
                  f"Each should end CONFIRMED with its amount taken from the wallet and its quantity from stock; {'; '.join(wrong)}. "
                  "Pay when the balance is at least the amount (>=), reserve when the stock is at least the quantity." + note)
    else:
        run.check("confirmed", title, 2, True,
                  f"{_list(o['orderId'] for o in ok_orders)} ended CONFIRMED, paid and reserved, at the exact balance and the last units.")

    # 5. Orders that fail at payment: nothing to compensate
    title = "An order that fails at payment is CANCELLED; no stock moves and nothing is refunded"
    failed = [o for o in orders if o["outcome"] == "payment"]
    wrong = [w for w in map(state, failed) if w]
    refunded = [o["orderId"] for o in failed if payments.get(o["orderId"], {}).get("status") == "REFUNDED"]
    if wrong or refunded:
        hint = ""
        if any(stock.get(o["sku"], {}).get("available") != o["available"] for o in failed):
            hint = " Stock was never reserved for these orders, so there is nothing to release: only a step that happened is compensated."
        elif any(wallets.get(o["customerId"], {}).get("balance", 0) > o["balance"] for o in failed):
            hint = " The payment never happened, so there is nothing to refund: only a step that happened is compensated."
        run.check("payment-failed", title, 2, False,
                  f"Each should end CANCELLED with its wallet and stock untouched; {'; '.join(wrong or [f'{oid} marked REFUNDED' for oid in refunded])}.{hint}" + note)
    else:
        run.check("payment-failed", title, 2, True, f"{_list(o['orderId'] for o in failed)} ended CANCELLED; no money or stock moved.")

    # 6. Orders that fail at inventory: the payment is compensated
    title = "An order that fails at inventory is refunded and CANCELLED"
    comp = [o for o in orders if o["outcome"] == "inventory"]
    never_refunded = [o for o in comp if wallets.get(o["customerId"], {}).get("balance") == o["balance"] - o["amount"]]
    # Refunding more than once is refund-once's miss; here, what a single compensation should leave.
    wrong = [w for w in (state(o) for o in comp if (wallets.get(o["customerId"], {}).get("balance") or 0) <= o["balance"]) if w]
    if never_refunded:
        got = [s for s in QUEUES if any(_detail_type(b) == "InventoryFailed" for i in invocations[s] for b in i.bodies)]
        hint = (" InventoryFailed never reached payments_handler: payments' rule must match it too." if "payments" not in got
                else " InventoryFailed reached payments_handler, which did not give the money back.")
        run.check("compensated", title, 3, False,
                  f"The payment of {_list(o['orderId'] for o in never_refunded)} was taken, then the stock was short: the saga must undo "
                  f"the payment (a refund) and end the order CANCELLED; {'; '.join(wrong)}.{hint}" + note)
    elif wrong:
        run.check("compensated", title, 3, False, f"Each should end CANCELLED with its wallet as before and stock untouched; {'; '.join(wrong)}." + note)
    else:
        run.check("compensated", title, 3, True, f"{_list(o['orderId'] for o in comp)}: paid, out of stock, refunded and CANCELLED.")

    # 7. The failure event delivered twice at once: refund once
    title = "A failure event delivered twice at the same time refunds once"
    twice = [o for o in comp if (wallets.get(o["customerId"], {}).get("balance") or 0) > o["balance"]]
    raced_types = [_detail_type(b) for i in raced for b in i.bodies]
    if twice:
        run.check("refund-once", title, 2, False,
                  f"InventoryFailed for {_list(o['orderId'] for o in twice)} went to two invocations of payments_handler at once, and "
                  f"the customer got more back than was paid ({'; '.join(state(o) for o in twice)}). Make the refund conditional on the "
                  "payment's status in one write (a transaction that sets status REFUNDED only where it is RESERVED and credits the wallet): "
                  "look-then-refund lets both invocations look before either writes.")
    elif "InventoryFailed" not in raced_types:
        run.check("refund-once", title, 2, False,
                  "No InventoryFailed reached payments_handler, so the duplicate delivery could not be tried." + note)
    else:
        run.check("refund-once", title, 2, True,
                  f"Each InventoryFailed went to two invocations at once; {_list(o['orderId'] for o in comp)} were refunded once.")

    leftover = [f"{QUEUES[s]}: {len(m)}" for s, m in left.items() if m]
    if missing_handlers or not all(urls.values()) or not any(invocations.values()):
        run.check("settled", "Every queue is empty when the saga settles", 1, False,
                  "The saga could not run: " + ("a queue is missing." if not all(urls.values()) else "no handler was invoked.") + note)
    elif leftover:
        run.check("settled", "Every queue is empty when the saga settles", 1, False,
                  f"Messages were still arriving after {MAX_ROUNDS} rounds of delivery ({_list(leftover)}): a handler keeps failing, "
                  "or keeps putting events that come back to it." + note)
    else:
        run.check("settled", "Every queue is empty when the saga settles", 1, True, "The saga settled: every queue is empty.")
