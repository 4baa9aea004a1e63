"""Hidden order events for sns-fifo-fanout, drawn from the learner's seed.

Every variant keeps the near misses:
- the first event is the first of an order with later events (billing's
  first message is held in flight: a group per event lets those later events
  overtake it), and that order's customer has a second order with events
  (a group per customer makes that order wait behind the held one);
- two distinct events of one order share the same message body, byte for byte
  (the same item added twice): content-based deduplication, or any id made
  from the body or the event type, drops the second one;
- the retry after a timeout re-sends some events unchanged, a twin and the
  held order's last one among them: a random deduplication id delivers them
  twice.
The seed draws the ids, customers, items, how the orders interleave and what
else is retried.
"""

import json
import random

ITEMS = ["tea-01", "mug-07", "kettle-3", "filter-12", "beans-250", "cup-2", "scale-5", "grinder-9"]


def variants(seed):
    rng = random.Random(seed)
    order_ids = [f"o-{n}" for n in rng.sample(range(1000, 9999), 4)]
    customer_ids = [f"c-{n}" for n in rng.sample(range(10, 99), 3)]
    event_numbers = iter(rng.sample(range(10000, 99999), 20))
    items = rng.sample(ITEMS, 4)

    def message(order_id, kind, **fields):
        return json.dumps({"orderId": order_id, "type": kind, **fields})

    held, sibling, twins, other = order_ids
    sequences = {
        # customer 0 places two orders; the first event of all is held's "created"
        held: (customer_ids[0], [message(held, "created"), message(held, "item-added", sku=items[0], qty=rng.randint(1, 3)),
                                 message(held, "paid", amount=rng.randint(500, 9000))]),
        sibling: (customer_ids[0], [message(sibling, "created"), message(sibling, "paid", amount=rng.randint(500, 9000))]),
        twins: (customer_ids[1], [message(twins, "created"), message(twins, "item-added", sku=items[1], qty=1),
                                  message(twins, "item-added", sku=items[1], qty=1), message(twins, "paid", amount=rng.randint(500, 9000))]),
        other: (customer_ids[2], [message(other, "created"), message(other, "item-added", sku=items[2], qty=rng.randint(1, 4)),
                                  message(other, "cancelled", reason=rng.choice(["customer", "stock", "payment"]))]),
    }
    # Interleave the orders, each in its own order; held's "created" goes first.
    queue = {order_id: list(messages) for order_id, (_, messages) in sequences.items()}
    order_of = [held]
    queue_left = {k: len(v) for k, v in queue.items()}
    queue_left[held] -= 1
    while any(queue_left.values()):
        order_of.append(rng.choice([k for k, n in queue_left.items() if n]))
        queue_left[order_of[-1]] -= 1
    taken = {k: 0 for k in queue}
    events = []
    for order_id in order_of:
        body = queue[order_id][taken[order_id]]
        taken[order_id] += 1
        kind = json.loads(body)["type"]
        events.append({
            "eventId": f"evt-{next(event_numbers)}",
            "orderId": order_id,
            "customerId": sequences[order_id][0],
            "message": body,
            "label": f"{order_id} {kind}" + (f" {json.loads(body)['sku']}" if kind == "item-added" else ""),
        })
    # Name the twins apart in the trace.
    twin_indexes = [i for i, e in enumerate(events) if e["orderId"] == twins and json.loads(e["message"])["type"] == "item-added"]
    events[twin_indexes[0]]["label"] += " (1st)"
    events[twin_indexes[1]]["label"] += " (2nd)"

    held_last = max(i for i, e in enumerate(events) if e["orderId"] == held)
    others = [i for i in range(len(events)) if i not in (held_last, twin_indexes[1])]
    retried = sorted([held_last, twin_indexes[1], *rng.sample(others, 2)])
    return {"events": events, "retried": retried, "held_order": held, "sibling_order": sibling}
