"""moto's camelCase-to-snake_case conversion, remembered.

`moto.core.utils.camelcase_to_underscores` walks its argument a character at
a time, and SQS calls it for every attribute of a queue each time it reads
the queue's attributes, which its receive does for every message it looks at
(the retention check): a fifth of a grading's CPU went there. The function is
pure and sees a few hundred distinct names (attribute and parameter names), so
its answers are kept. Behaviour is unchanged.
"""

from functools import lru_cache

from moto.core import responses, utils
from moto.sns import models as sns_models
from moto.sns import responses as sns_responses
from moto.sqs import models as sqs_models

_original = utils.camelcase_to_underscores
# Bounded: a learner can make moto convert names of their choosing (attribute names).
camelcase_to_underscores = lru_cache(maxsize=4096)(_original)

# Each module bound the function by name when moto imported it.
MODULES = (utils, responses, sqs_models, sns_models, sns_responses)


def apply() -> None:
    for module in MODULES:
        if getattr(module, "camelcase_to_underscores", None) is _original:
            module.camelcase_to_underscores = camelcase_to_underscores
