"""Hidden orders and outage for decouple-with-a-queue, drawn from the learner's seed.

Every variant keeps what separates right from nearly right:
- every order arrives while the orders table fails every write (a
  place_order that touches the table is caught however it handles the error);
- then the table fails the next `failed_writes` write attempts (10 to 12):
  boto3 tries a DynamoDB call 4 times, so the first order needs 3 receives
  (with 3 attempts a call, 4 or 5), so a worker that swallows the error loses
  it and a redrive after 2 receives dead-letters it, while 5 is enough;
- one order is paid while its message is still due to come again (SQS's
  at-least-once delivery): a worker whose write is not conditional resets it
  to PLACED;
- one message no worker can store (no orderId, or cut short), which must end
  in the dead-letter queue after exactly 5 receives.
The seed draws the ids, customers, totals, how many orders, which one is paid
and redelivered, the broken message and the length of the failure.
"""

import json
import random


def variants(seed):
    rng = random.Random(seed)
    count = rng.randint(5, 7)
    numbers = rng.sample(range(10000, 99999), count)
    customers = [f"cus-{n}" for n in rng.sample(range(100, 999), 3)]
    orders = [
        {"orderId": f"ord-{n}", "customerId": rng.choice(customers), "total": rng.randint(299, 15999),
         "items": rng.randint(1, 4)}
        for n in numbers
    ]
    # Never the first order: that one is busy failing.
    redelivered = rng.randrange(1, count)
    also_paid = rng.choice([i for i in range(1, count) if i != redelivered])
    broken_customer = rng.choice(customers)
    broken = rng.choice([
        {"label": "an order from the old app, without orderId",
         "body": json.dumps({"customerId": broken_customer, "total": rng.randint(299, 9999), "items": 1})},
        {"label": "an order cut short in transit",
         "body": json.dumps({"orderId": f"ord-{rng.randint(10000, 99999)}", "customerId": broken_customer})[: rng.randint(20, 34)]},
    ])
    return {
        "orders": orders,
        "failed_writes": rng.randint(10, 12),
        "redelivered": redelivered,
        "paid": sorted([redelivered, also_paid]),
        "broken": broken,
    }
