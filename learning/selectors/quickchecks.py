"""The order a learner sees a quick check's options in.

Authors tend to write the right option in the same places (second, or the
longest), so the written order would teach a test-wise learner the answer.
Each learner gets the options shuffled once per check: the same order on every
visit and after every answer, another order for the next learner. The stored
answer keeps the written indexes, so grading and history never depend on it.
"""

import hashlib
import random


def quick_check_options_for(*, check, user) -> list[dict]:
    """The check's options, each with its written `index`, in this learner's order.
    True/false keeps True before False: there is nothing to give away."""
    options = [dict(option, index=i) for i, option in enumerate(check.options)]
    if check.kind == "truefalse":
        return options
    who = user.pk if user.is_authenticated else "anonymous"
    seed = hashlib.sha256(f"{who}:{check.stable_id}".encode()).digest()
    random.Random(seed).shuffle(options)
    return options
