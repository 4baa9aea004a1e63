"""moto's time follows the emulator clock (grader.emulator.clock), not the wall clock.

moto 5.2.5 reads the time for SQS (visibility timeouts, DelaySeconds,
retention, SentTimestamp), Kinesis, EventBridge, Scheduler, Firehose, Pipes and
Logs through one function, moto.core.utils.utcnow (unix_time and
unix_time_millis call it too). Services import it by name (`from
moto.core.utils import utcnow, unix_time`), so rebinding the module attribute
would miss them: instead the function object's code is swapped, and every
module that imported it reads the emulator clock. One place, every service.

Not covered (they read time.time() themselves): S3 (object timestamps) and
Firehose's buffering interval; no lab waits on either.
"""

import moto.core.utils as moto_utils

from grader.emulator import clock

_ORIGINAL_CODE = moto_utils.utcnow.__code__


def _emulator_utcnow():
    # Runs with moto.core.utils' globals (the code object is moved there):
    # _redrive_clock_utcnow is bound below.
    return _redrive_clock_utcnow()  # noqa: F821


def apply() -> None:
    moto_utils._redrive_clock_utcnow = clock.utcnow
    moto_utils.utcnow.__code__ = _emulator_utcnow.__code__


def applied() -> bool:
    return moto_utils.utcnow.__code__ is not _ORIGINAL_CODE
