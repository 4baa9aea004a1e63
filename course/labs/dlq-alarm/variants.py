"""Hidden timeline for dlq-alarm, drawn from the learner's seed.

Every variant keeps the near misses: orders always holds a few visible
messages at each quiet minute (an alarm on the wrong queue pages), orders-dlq
is empty and reporting 0 for minutes before the poison lands (">= 0" pages),
one age episode stays above 300 s for exactly two datapoints (one or two
evaluation periods page; three do not) and one for longer (three do). The
seed draws the order bodies, how many minutes each phase lasts, and where in
the minute the backlogs start.
"""

import random


def variants(seed):
    rng = random.Random(seed)
    prefix = rng.choice(["ord", "po", "so", "A"])
    numbers = iter(rng.sample(range(1000, 99999), 40))

    def orders(count):
        return [{"orderId": f"{prefix}-{next(numbers)}", "items": rng.randint(1, 5)} for _ in range(count)]

    quiet = [orders(rng.randint(1, 3)) for _ in range(rng.randint(3, 5))]
    return {
        "quiet_minutes": quiet,
        "poison": {"orderId": f"{prefix}-{next(numbers)}", "items": rng.choice(["two", -1, None])},
        "short_backlog": {"orders": orders(rng.randint(1, 3)), "offset_s": rng.randint(5, 50)},
        "long_backlog": {"orders": orders(rng.randint(1, 3)), "offset_s": rng.randint(5, 50), "minutes": rng.randint(8, 10)},
    }
