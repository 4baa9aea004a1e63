"""Hidden inputs of saga-choreography, one variant per seed (stdlib only).

Six orders, each with its own customer wallet and its own SKU, so outcomes do
not depend on the order the handlers run in. Every variant keeps the edges:
- confirmed: one order costs exactly the wallet's balance (">" instead of ">="
  fails it), one takes exactly the stock left;
- fails at payment: one balance a cent short of the amount, one far short
  (no stock may move and nothing may be refunded);
- fails at inventory: one with one unit too few, one with none left (the
  payment must be refunded, exactly once, though the failure event is
  delivered twice at the same time).
"""

import random

SKUS = ["LAMP", "DESK", "MUG", "CHAIR", "KETTLE", "RUG", "SHELF", "CLOCK", "VASE", "STOOL", "PLANT", "FRAME"]


def variants(seed: int) -> dict:
    rng = random.Random(seed)
    prefix = rng.choice(["ord", "so", "web", "app"])
    numbers = rng.sample(range(100, 999), 6)
    customers = [f"cus-{n}" for n in rng.sample(range(1000, 9999), 6)]
    skus = [f"{name}-{rng.randint(10, 99)}" for name in rng.sample(SKUS, 6)]
    plans = [
        ("confirmed", "costs the whole balance", lambda a, q: (a, q + rng.randint(1, 9))),
        ("confirmed", "takes the last units", lambda a, q: (a + rng.randint(1, 5000), q)),
        ("payment", "a cent short", lambda a, q: (a - 1, q + rng.randint(1, 9))),
        ("payment", "far short", lambda a, q: (rng.randint(0, a // 3), q + rng.randint(1, 9))),
        ("inventory", "one unit short", lambda a, q: (a + rng.randint(1, 5000), q - 1)),
        ("inventory", "out of stock", lambda a, q: (a + rng.randint(1, 5000), 0)),
    ]
    rng.shuffle(plans)
    orders = []
    for (outcome, why, make), number, customer, sku in zip(plans, numbers, customers, skus):
        amount, quantity = rng.randint(500, 30000), rng.randint(2, 6)
        balance, available = make(amount, quantity)
        orders.append({
            "orderId": f"{prefix}-{number}", "customerId": customer, "amount": amount, "sku": sku, "quantity": quantity,
            "balance": balance, "available": available, "outcome": outcome, "why": why,
        })
    return {"orders": orders}
