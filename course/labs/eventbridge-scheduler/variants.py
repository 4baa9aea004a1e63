"""Hidden orders for eventbridge-scheduler, drawn from the learner's seed.

Each order was placed some minutes before the grader asks for its reminder (so
"24 hours from now" is late by that much), in a customer time zone; every
variant mixes a zone west of UTC, one east of it with a half-hour offset and
UTC itself, so an at() read in the wrong zone is hours off. One order's
reminder can never be delivered (it must reach the DLQ). The seed draws the
ids, zones, delays and order.
"""

import random

WEST = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo"]
EAST = ["Asia/Kolkata", "Australia/Adelaide", "Asia/Kathmandu"]
OTHER = ["Europe/Berlin", "Europe/Lisbon", "Asia/Tokyo", "Africa/Nairobi"]


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["A", "B", "C", "K", "M"])
    numbers = rng.sample(range(1000, 9999), 5)
    zones = [rng.choice(WEST), rng.choice(EAST), "UTC", rng.choice(OTHER), rng.choice(WEST + OTHER)]
    delays = rng.sample(range(7, 55), 5)
    orders = [
        {"orderId": f"{prefix}-{n}", "timezone": zone, "minutes_ago": delay, "undeliverable": False}
        for n, zone, delay in zip(numbers, zones, delays)
    ]
    rng.shuffle(orders)
    rng.choice(orders[1:])["undeliverable"] = True
    return {"orders": orders}
