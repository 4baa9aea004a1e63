"""A lab's variants: the hidden inputs drawn from a seed.

A lab folder's `variants.py` (trusted course code, like grader.py) defines
`variants(seed) -> dict`; what it returns for the submission's seed is what the
grader reads as `run.inputs`. Each learner keeps one seed per lab
(labs.selectors.variants), so two learners comparing answers see different
messages, while one correct solution passes every variant. Seed 0 is the
variant authors and `manage.py grade` use when none is asked for.
"""

import json
from types import CodeType
from typing import Any

from grader.course_code import course_function

# Seeds a learner can be given: enough that two learners rarely share one,
# few enough to read out ("variant 417") when comparing a report with a run.
SEED_SPACE = 1000


class VariantError(ValueError):
    """variants.py is missing, broken, or returned something a grader cannot read."""


def check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise VariantError(f"a variant seed is a whole number from 0 to {2**31 - 1}; got {seed!r}")
    return seed


def variant_inputs(grader_files: dict[str, str], seed: int, *, slug: str = "lab", code: CodeType | None = None) -> dict:
    """Run the lab's variants(seed): the inputs for this seed, as plain JSON data.

    Without a variants.py the lab has no hidden inputs ({}). The result goes
    through JSON so a grader sees the same values on every path (in the
    emulator child, in process, in the validator).
    """
    check_seed(seed)
    source = grader_files.get("variants.py")
    if source is None:
        return {}
    function = course_function(source, slug=slug, filename="variants.py", name="variants", code=code)
    if function is None:
        raise VariantError(f"lab {slug}: variants.py defines no variants(seed)")
    inputs = function(seed)
    if not isinstance(inputs, dict):
        raise VariantError(f"lab {slug}: variants({seed}) returned {type(inputs).__name__}, not a dict")
    try:
        return json.loads(json.dumps(inputs))
    except (TypeError, ValueError) as exc:
        raise VariantError(f"lab {slug}: variants({seed}) returned something that is not JSON data: {exc}") from exc
