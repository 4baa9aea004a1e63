"""Hidden payments for sqs-partial-batch, one set per seed.

Every variant keeps each near miss of "paymentId a non-empty string, amount an
integer of at least 1, not a boolean": amount 0 (with amount 1 as the valid
edge), a boolean, a float, a string amount, an empty and a non-string
paymentId, broken JSON. Ids, amounts and order are drawn from the seed; the
order always mixes valid and invalid payments in both batches of ten, with an
invalid payment ahead of a valid one in the first batch (so raising on the
first bad record costs a valid payment its single entry in the ledger).
"""

import json
import random

BATCH = 10


def variants(seed: int) -> dict:
    rng = random.Random(seed)
    numbers = rng.sample(range(1000, 9999), 16)
    ids = iter(f"pay-{n}" for n in numbers)
    big = rng.randint(1200, 98000)
    valid = [
        ("amount 1 (the smallest valid)", {"paymentId": next(ids), "amount": 1}),
        (f"amount {big}", {"paymentId": next(ids), "amount": big}),
        ("with a currency field too", {"paymentId": next(ids), "amount": rng.randint(2, 900), "currency": rng.choice(["EUR", "USD", "GBP"])}),
    ]
    for _ in range(rng.randint(2, 3)):
        amount = rng.randint(2, 5000)
        valid.append((f"amount {amount}", {"paymentId": next(ids), "amount": amount}))
    string_amount = rng.randint(5, 99)
    float_amount = rng.randint(2, 80) + rng.choice([0.5, 0.25, 0.99])
    invalid = [
        ("amount 0", json.dumps({"paymentId": next(ids), "amount": 0})),
        ("amount true (a boolean)", json.dumps({"paymentId": next(ids), "amount": True})),
        (f"amount {float_amount} (not an integer)", json.dumps({"paymentId": next(ids), "amount": float_amount})),
        (f'amount "{string_amount}" (a string)', json.dumps({"paymentId": next(ids), "amount": str(string_amount)})),
        ("empty paymentId", json.dumps({"paymentId": "", "amount": rng.randint(2, 500)})),
        ("paymentId a number", json.dumps({"paymentId": rng.randint(1000, 9999), "amount": rng.randint(2, 500)})),
        ("broken JSON", json.dumps({"paymentId": next(ids), "amount": rng.randint(2, 500)})[: rng.randint(14, 24)]),
    ]
    payments = [{"label": f"{body['paymentId']}, {label}", "body": json.dumps(body), "valid": True} for label, body in valid]
    payments += [{"label": _named(label, body), "body": body, "valid": False} for label, body in invalid]
    while True:
        rng.shuffle(payments)
        if _mixed(payments):
            return {"payments": payments}


def _named(label: str, body: str) -> str:
    """Put the payment's id in front of its label when it has a readable one."""
    try:
        payment_id = json.loads(body)["paymentId"]
    except ValueError:
        return label
    return f"{payment_id}, {label}" if isinstance(payment_id, str) and payment_id else label


def _mixed(payments: list[dict]) -> bool:
    first, second = payments[:BATCH], payments[BATCH:]
    first_bad = next(i for i, p in enumerate(payments) if not p["valid"])
    return (
        first_bad < BATCH - 1
        and any(p["valid"] for p in first[first_bad + 1:])
        and any(p["valid"] for p in second)
        and any(not p["valid"] for p in second)
    )
