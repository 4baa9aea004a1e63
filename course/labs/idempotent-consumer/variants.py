"""Hidden orders for idempotent-consumer, drawn from the learner's seed.

The grader delivers four rounds (see grader.py); every variant keeps what each
round is there to catch:

- first: delivered in batches of 4 (the first four messages, then the other
  three). Two orders are sent twice, the same body with a new message id, as a
  producer that retried after a timeout would: one with both copies inside the
  first batch, one with a copy in each batch.
- crash_batch: one batch, two good orders and then the three broken ones (the
  near misses of "a non-empty string orderId": missing, a number that str()
  would make look fine, an empty string). The handler ships the two and raises;
  Lambda retries all of it, one message per receive.
- concurrent: two orders, each delivered to two invocations at the same time
  while the learner's GetItem answers are held back.
- crash_order: delivered to two invocations at once; the one that claims it
  dies on its send to shipments, and it must ship after the claim lapses.
- late_duplicate: an order shipped in the first round, sent again after the
  clock moved past any claim's expiry: its item says DONE, so it is skipped.

The seed draws the order ids, SKUs and quantities, where the duplicates sit in
the first round, the order of the broken orders, and which order comes back late.
"""

import json
import random

SKUS = ["KB-204", "MS-310", "HD-118", "CB-009", "PD-442", "LT-880", "MN-771", "SP-126", "CM-530", "DK-615"]


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["ord", "po", "wo", "order", "web"])
    ids = iter(f"{prefix}-{n}" for n in rng.sample(range(1000, 9999), 10))

    def order(order_id=None):
        order_id = next(ids) if order_id is None else order_id
        body = json.dumps({"orderId": order_id, "sku": rng.choice(SKUS), "quantity": rng.randint(1, 5)})
        return {"label": order_id, "body": body}

    def again(message, when="sent again"):
        return {"label": f"{message['label']} ({when})", "body": message["body"]}

    # Round 1: batch one holds both copies of `inside` and the first copy of `across`.
    inside, across = order(), order()
    batch_one = [inside, again(inside), across, order()]
    while True:
        rng.shuffle(batch_one)
        if batch_one.index(inside) < batch_one.index(again(inside)):
            break
    batch_two = [again(across), order(), order()]
    rng.shuffle(batch_two)
    first = batch_one + batch_two

    broken_sku = lambda: rng.choice(SKUS)  # noqa: E731
    broken = [
        {"label": "broken order (no orderId)", "body": json.dumps({"sku": broken_sku(), "quantity": rng.randint(1, 5)}), "broken": True},
        {"label": "broken order (orderId a number)", "body": json.dumps({"orderId": rng.randint(1000, 9999), "sku": broken_sku(), "quantity": rng.randint(1, 5)}), "broken": True},
        {"label": "broken order (empty orderId)", "body": json.dumps({"orderId": "", "sku": broken_sku(), "quantity": rng.randint(1, 5)}), "broken": True},
    ]
    rng.shuffle(broken)
    crash_batch = [order(), order()] + broken

    shipped_first = [m for m in first if "(sent again" not in m["label"]]
    return {
        "first": first,
        "crash_batch": crash_batch,
        "concurrent": [order(), order()],
        "crash_order": order(),
        "late_duplicate": again(rng.choice(shipped_first), "sent again 16 minutes later"),
    }
