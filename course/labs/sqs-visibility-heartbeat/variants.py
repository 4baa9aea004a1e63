"""Hidden jobs for sqs-visibility-heartbeat, one set per seed.

Two render jobs. The first runs to the end: 6 to 8 parts, each taking 4 to 20
emulator seconds, at least two of them the full 20 s (so an extension of less
than 20 s runs out during one), 100 s or more in all (so one extension of up
to 60 s, whenever it is made, runs out before the end). The second fails on
part `fail_at` (4 or later, never the last), after more than 35 s of work, so
the worker has extended by then, and the job must come back soon after the
failure. Ids, part counts, durations and the failing part vary with the seed.
"""

import random

MAX_PART_S = 20


def variants(seed: int) -> dict:
    rng = random.Random(seed)
    first_id, second_id = (f"render-{n:04x}" for n in rng.sample(range(0x1000, 0xFFFF), 2))
    while True:
        parts = rng.randint(6, 8)
        durations = [rng.randint(4, MAX_PART_S) for _ in range(parts)]
        for index in rng.sample(range(parts), 2):
            durations[index] = MAX_PART_S
        if sum(durations) >= 100:
            break
    while True:
        second_parts = rng.randint(5, 7)
        fail_at = rng.randint(4, second_parts - 1)
        second_durations = [rng.randint(8, MAX_PART_S) for _ in range(fail_at - 1)]
        if sum(second_durations) > 35:
            break
    return {
        "long_job": {"jobId": first_id, "parts": parts, "seconds": durations},
        "failing_job": {"jobId": second_id, "parts": second_parts, "seconds": second_durations, "fail_at": fail_at},
    }
