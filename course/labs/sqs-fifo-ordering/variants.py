"""Hidden account events for sqs-fifo-ordering, drawn from the learner's seed.

Three accounts, amounts in cents, every account starting at seq 1 (so a
deduplication id made of the seq alone collides across accounts). The events
come in the order the ledger publishes them, and every variant keeps the same
near misses:

- the first event is the first account's deposit, the one the grader holds in
  flight; that account's next event is a withdrawal only that deposit covers,
  so if it overtakes the held deposit it is declined and the balance is off;
- the second account withdraws more than it holds: declined, not negative;
- the third account's last event withdraws exactly its balance: allowed, so a
  "less than" check declines it wrongly;
- the retried publish resends a deposit (counted twice, the balance shows it)
  and one more event, never the held one.

The seed draws the account ids, the amounts, how the accounts interleave after
the first event, and which events are published again.
"""

import random


def _interleave(rng, queues):
    """All events of `queues` (lists, each kept in order) in a random merge."""
    queues = [list(q) for q in queues if q]
    merged = []
    while queues:
        queue = rng.choice(queues)
        merged.append(queue.pop(0))
        queues = [q for q in queues if q]
    return merged


def variants(seed):
    rng = random.Random(seed)
    held, short, exact = (f"acct-{n:03x}" for n in rng.sample(range(0x100, 0x1000), 3))

    def event(account, seq, kind, amount):
        return {"accountId": account, "seq": seq, "type": kind, "amount": amount}

    a1 = rng.randint(50, 200) * 100
    a2 = rng.randint(a1 // 400, a1 // 100 - 1) * 100 + rng.choice([0, 25, 50])
    first = [event(held, 1, "deposit", a1), event(held, 2, "withdrawal", a2), event(held, 3, "deposit", rng.randint(1, 40) * 25)]
    b1 = rng.randint(20, 80) * 100
    second = [
        event(short, 1, "deposit", b1),
        event(short, 2, "withdrawal", b1 + rng.randint(1, 40) * 50),
        event(short, 3, "deposit", rng.randint(5, 50) * 100),
    ]
    c1 = rng.randint(4, 30) * 100
    c2 = rng.randint(1, c1 // 100 - 1) * 100 - rng.choice([0, 50])
    c3 = rng.randint(2, 30) * 100
    third = [
        event(exact, 1, "deposit", c1),
        event(exact, 2, "withdrawal", c2),
        event(exact, 3, "deposit", c3),
        event(exact, 4, "withdrawal", c1 - c2 + c3),
    ]
    events = [first[0]] + _interleave(rng, [first[1:], second, third])

    deposits = [i for i, e in enumerate(events) if i > 0 and e["type"] == "deposit"]
    again = rng.choice(deposits)
    other = rng.choice([i for i in range(1, len(events)) if i != again])
    return {"events": events, "republish": sorted([again, other])}
