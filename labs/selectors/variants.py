"""Which variant of a lab a learner is graded on.

Every learner keeps one seed per lab, derived from the lab's stable id and the
user's id, so it survives re-syncs and slug changes without a stored row, and
two learners rarely share one (grader.variants.SEED_SPACE). labs does not know
about classes: an app that may choose a variant for a learner names, in its
AppConfig, `lab_variant = "package.module.function"`; the function is called
with `user=` and `lab=` and returns a seed, or None to leave the choice to the
next app and finally to the learner's own.
"""

import hashlib
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string

from grader.variants import SEED_SPACE
from labs.models import Lab


@cache
def _choosers() -> tuple[Callable[..., int | None], ...]:
    return tuple(
        import_string(config.lab_variant)
        for config in apps.get_app_configs()
        if getattr(config, "lab_variant", None)
    )


def learner_own_seed(*, user_id: int, lab: Lab) -> int:
    digest = hashlib.sha256(f"{lab.stable_id}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % SEED_SPACE


def lab_seed(*, user, lab: Lab) -> int:
    """The variant `user` is graded on for `lab`."""
    for choose in _choosers():
        seed = choose(user=user, lab=lab)
        if seed is not None:
            return seed
    return learner_own_seed(user_id=user.pk, lab=lab)
