"""Hidden orders for sqs-dlq, drawn from the learner's seed.

Every variant holds the same near misses, each just outside "orderId a
non-empty string, quantity an integer >= 1": zero (with quantity 1 as the valid
edge), a string, a float, a boolean (True is an int in Python), a numeric and
an empty orderId, broken JSON and a missing field. The seed draws the order
ids, the valid quantities, the extra field and the order they arrive in.
"""

import json
import random


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["ord", "po", "so", "order", "req"])
    numbers = rng.sample(range(1000, 9999), 11)
    ids = [f"{prefix}-{n}" for n in numbers]
    big = rng.randint(2, 97)
    extra = rng.choice([{"note": "gift"}, {"coupon": "SPRING"}, {"channel": "mobile"}])

    def order(order_id, quantity, **more):
        return json.dumps({"orderId": order_id, "quantity": quantity, **more})

    orders = [
        {"label": f"{ids[0]}, quantity 1", "body": order(ids[0], 1), "valid": True},
        {"label": f"{ids[1]}, quantity {big}", "body": order(ids[1], big), "valid": True},
        {"label": f"{ids[2]} with an extra field", "body": order(ids[2], rng.randint(2, 9), **extra), "valid": True},
        {"label": "quantity 0", "body": order(ids[3], 0), "valid": False},
        {"label": "quantity as a string", "body": order(ids[4], str(rng.randint(2, 9))), "valid": False},
        {"label": "quantity not an integer", "body": order(ids[5], rng.randint(1, 8) + 0.5), "valid": False},
        {"label": "quantity true (a boolean)", "body": order(ids[6], True), "valid": False},
        {"label": "orderId a number", "body": order(numbers[7], rng.randint(1, 9)), "valid": False},
        {"label": "empty orderId", "body": order("", rng.randint(1, 9)), "valid": False},
        {"label": "truncated JSON", "body": order(ids[9], 1)[: rng.randint(14, 24)], "valid": False},
        {"label": "quantity missing", "body": json.dumps({"orderId": ids[10]}), "valid": False},
    ]
    rng.shuffle(orders)
    return {"orders": orders}
