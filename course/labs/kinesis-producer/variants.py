"""Hidden click events for kinesis-producer, drawn from the learner's seed.

Every variant has users on both shards of a 2-shard stream (MD5 of the user
below or above 2**127), several users with four or more events (so a
PutRecords call holding all of a user's events has a first record to fail,
with later ones behind it), a user whose events are spread over both
publish() calls, and three events the grader fails by id on their first
attempt plus one it fails on its first two (a producer that retries once,
or not at all, loses it). The seed draws the user names, event ids, seq
values (increasing per user, with gaps), how the users' events interleave,
and which events fail.
"""

import hashlib
import random

HALF = 2**127


def _upper_half(key):
    return int.from_bytes(hashlib.md5(key.encode("utf-8")).digest(), "big") >= HALF


def _users(rng, count):
    prefix = rng.choice(["user", "u", "member", "visitor", "acct"])
    while True:
        names = [f"{prefix}-{n}" for n in rng.sample(range(100, 9999), count)]
        upper = sum(_upper_half(name) for name in names)
        if 2 <= upper <= count - 2:
            return names


def _interleave(rng, per_user):
    """One list holding every user's events, each user's in seq order."""
    queues = {user: list(events) for user, events in per_user.items() if events}
    merged = []
    while queues:
        user = rng.choice(sorted(queues))
        merged.append(queues[user].pop(0))
        if not queues[user]:
            del queues[user]
    return merged


def variants(seed):
    rng = random.Random(seed)
    users = _users(rng, rng.randint(6, 7))
    id_prefix = rng.choice(["clk", "evt", "c", "click", "ev"])
    id_numbers = iter(rng.sample(range(10000, 99999), 80))
    counts = {user: rng.randint(2, 6) for user in users}
    for user in rng.sample(users, 3):
        counts[user] = rng.randint(4, 7)  # several events per user in any one-call batch
    seqs = {user: rng.randint(1, 40) for user in users}

    def events_for(user, n):
        made = []
        for _ in range(n):
            made.append({"user": user, "id": f"{id_prefix}-{next(id_numbers)}", "seq": seqs[user]})
            seqs[user] += rng.randint(1, 3)
        return made

    first = {user: events_for(user, counts[user]) for user in users}
    later_users = rng.sample(users, 3)
    second = {user: events_for(user, rng.randint(1, 3)) for user in later_users}
    batches = [_interleave(rng, first), _interleave(rng, second)]

    # Failing by id, on first attempts: the first event of a user with several,
    # one from the middle of another user's events, one in the second batch;
    # and one more that fails on its first two attempts.
    many = [user for user in users if counts[user] >= 4]
    head_user, middle_user = rng.sample(many, 2)
    fail_once = [
        first[head_user][0]["id"],
        first[middle_user][rng.randint(1, counts[middle_user] - 2)]["id"],
        rng.choice(batches[1])["id"],
    ]
    others = [e["id"] for e in batches[0] if e["id"] not in fail_once]
    fail_twice = rng.choice(others)
    return {"batches": batches, "fail_once": fail_once, "fail_twice": fail_twice}
