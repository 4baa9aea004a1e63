"""Hidden inputs of transactional-outbox, one variant per seed (stdlib only).

Every variant keeps the near misses that separate right from wrong:
- one order of the first round whose write fails (the grader fails
  TransactWriteItems, and the second PutItem of a code that writes twice);
- a first relay whose SendMessage fails after `send_ok` good sends, with
  pending rows behind the failed one (mark-before-publish loses it; a relay
  that forgets rows it already tried never sends them);
- a second relay whose UpdateItem (or DeleteItem) fails after `mark_ok` good
  marks, so one event is published and left PENDING: its resend must carry
  the same eventId, and it is the only duplicate allowed;
- an order placed again with the id of a committed one, a different customer
  and amount (an unconditional put overwrites it).
"""

import random

CUSTOMERS = ["cus-ana", "cus-bo", "cus-chidi", "cus-dana", "cus-eli", "cus-femi", "cus-gus", "cus-hana", "cus-ivo", "cus-jun"]
PREFIXES = ["ord", "so", "po", "web"]


def variants(seed: int) -> dict:
    rng = random.Random(seed)
    prefix = rng.choice(PREFIXES)
    numbers = rng.sample(range(1000, 9999), 7)
    customers = rng.sample(CUSTOMERS, 7)
    orders = [
        {"orderId": f"{prefix}-{n}", "customer": c, "amount": rng.randint(5, 900) * 10 + rng.choice([0, 5, 9])}
        for n, c in zip(numbers, customers)
    ]
    first, second = orders[:4], orders[4:]
    fail_at = rng.randrange(len(first))
    committed_first = [o for i, o in enumerate(first) if i != fail_at]
    original = rng.choice(committed_first)
    others = [c for c in CUSTOMERS if c != original["customer"]]
    again = {"orderId": original["orderId"], "customer": rng.choice(others), "amount": original["amount"] + rng.randint(1, 99) * 10}
    return {
        "first": first,
        "fail_at": fail_at,
        # three rows are pending at the first relay: the send that fails is the 1st, 2nd or 3rd,
        # and at least one row is still pending behind it unless it is the last (then the failed one is)
        "send_ok": rng.randrange(3),
        "second": second,
        # three rows are pending at the second relay: its 1st or 2nd mark fails, so a row follows it
        "mark_ok": rng.randrange(2),
        "again": again,
    }
