"""Hidden orders for kinesis-consumer, drawn from the learner's seed.

The grader writes the orders to a 2-shard stream with the orderId as the
partition key, so which shard an order lands on is the MD5 of its id: the
seed draws ids until each shard has what the scenario needs. Every variant
keeps the near misses: each shard holds more records than the first call's
limit (a consumer that ignores `limit` takes them all), the crash comes in the
second round, after a checkpoint exists (AT_ instead of AFTER_SEQUENCE_NUMBER
reprocesses it), after 1 to limit-1 successful sends with records behind the
failed one (a checkpoint stored before processing skips it), and a late order
on one shard is followed by a call on the other shard that has nothing new (a
checkpoint carried over from the other shard shows there). The seed draws the
ids, amounts, limits, which shard crashes and after how many sends, the order
the grader writes in, and which shard each round reads first.
"""

import hashlib
import random

HALF = 2**127


def _shard(order_id):
    return int(int.from_bytes(hashlib.md5(order_id.encode("utf-8")).digest(), "big") >= HALF)


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["ord", "o", "order", "po", "sale"])
    numbers = iter(rng.sample(range(1000, 99999), 400))
    limits = [rng.randint(3, 4), rng.randint(3, 5), rng.randint(2, 3)]
    want = {
        "initial": [rng.randint(limits[0] + 2, limits[0] + 4) for _ in range(2)],
        "more": [rng.randint(2, 3) for _ in range(2)],
    }
    late_shard = rng.randint(0, 1)
    buckets = {0: [], 1: []}
    needed = [sum(want[phase][s] for phase in want) + (s == late_shard) for s in (0, 1)]
    while any(len(buckets[s]) < needed[s] for s in (0, 1)):
        order_id = f"{prefix}-{next(numbers)}"
        shard = _shard(order_id)
        if len(buckets[shard]) < needed[shard]:
            buckets[shard].append({"orderId": order_id, "amount": rng.randint(1, 500)})

    def take(shard, n):
        taken, buckets[shard][:] = buckets[shard][:n], buckets[shard][n:]
        return taken

    def mixed(first, second):
        """Both shards' orders in one write order, each shard's kept in sequence."""
        merged, a, b = [], list(first), list(second)
        while a or b:
            merged.append((a if a and (not b or rng.random() < 0.5) else b).pop(0))
        return merged

    # The crash call's shard has `ahead` unread records: the failed send comes
    # after 1 to limit-1 good ones, with at least one record behind it.
    crash_shard = rng.randint(0, 1)
    ahead = want["initial"][crash_shard] - limits[0] + want["more"][crash_shard]
    after_sends = rng.randint(1, min(limits[1] - 1, ahead - 2))
    initial = mixed(take(0, want["initial"][0]), take(1, want["initial"][1]))
    more = mixed(take(0, want["more"][0]), take(1, want["more"][1]))
    late = take(late_shard, 1)[0]
    return {
        "limits": limits,
        "initial": initial,
        "more": more,
        "late": late,
        "crash": {"shard": crash_shard, "after_sends": after_sends, "first": rng.random() < 0.5},
        "first_shard": rng.randint(0, 1),
    }
