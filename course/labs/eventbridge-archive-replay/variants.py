"""Hidden timeline for eventbridge-archive-replay, drawn from the learner's seed.

Times are seconds after the run starts, on the emulator clock. Every variant
keeps the near misses: two windows in which the invoicing consumer dropped
orders, each with an order 30 s inside both of its edges and one 30 s outside
both (replaying more than the window duplicates those), order events of
another type (archived, never invoiced), payment events (never archived), an
order whose delivery fails three times and then succeeds (needs retries), and
one whose delivery never succeeds (must reach the target's DLQ within 15
minutes). The seed draws the ids, amounts, window lengths and positions, and
how many ordinary orders fall in between.
"""

import random


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["ord", "so", "po", "web", "app"])
    numbers = iter(rng.sample(range(10000, 99999), 40))
    events = []

    def order(at, note, kind="OrderPlaced", source="com.shop.orders", fault=""):
        number = next(numbers)
        detail = {"orderId": f"{prefix}-{number}", "amount": rng.randint(5, 900)}
        if source == "com.shop.payments":
            detail = {"paymentId": f"pay-{number}", "orderId": f"{prefix}-{number}", "card": f"**** {rng.randint(1000, 9999)}"}
        events.append({"at": at, "source": source, "type": kind, "detail": detail, "note": note, "fault": fault})

    t = 60
    order(t, "an ordinary order")
    t += rng.randint(60, 120)
    order(t, "delivery fails 3 times, then succeeds", fault="transient")
    t += rng.randint(60, 120)
    order(t, "delivery never succeeds", fault="permanent")
    t += rng.randint(60, 120)
    order(t, "a payment event", source="com.shop.payments", kind="PaymentCaptured")
    windows = []
    for _ in range(2):
        t += rng.randint(120, 300)
        length = rng.randint(10, 20) * 60
        start = t + 60
        order(start - 30, "30 s before a window")
        order(start + 30, "30 s into a window")
        for _ in range(rng.randint(1, 2)):
            order(start + rng.randint(120, length - 120), "inside a window")
        order(start + rng.randint(90, length - 90), "an order cancellation inside a window", kind="OrderCancelled")
        order(start + length - 30, "30 s before a window ends")
        order(start + length + 30, "30 s after a window")
        windows.append([start, start + length])
        t = start + length + 60
        for _ in range(rng.randint(1, 2)):
            t += rng.randint(60, 180)
            order(t, "an ordinary order")
        t += rng.randint(30, 90)
        order(t, "a payment event", source="com.shop.payments", kind="PaymentCaptured")
        t += rng.randint(30, 90)
        order(t, "an order update", kind="OrderUpdated")
    events.sort(key=lambda e: e["at"])
    return {"events": events, "windows": windows}
