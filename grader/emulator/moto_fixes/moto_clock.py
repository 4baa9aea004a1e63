"""moto's time follows the emulator clock (grader.emulator.clock), not the wall clock.

moto 5.2.5 reads the time for SQS (visibility timeouts, DelaySeconds,
retention, SentTimestamp), Kinesis, EventBridge, Scheduler, Firehose, Pipes and
Logs through one function, moto.core.utils.utcnow (unix_time and
unix_time_millis call it too). Services import it by name (`from
moto.core.utils import utcnow, unix_time`), so rebinding the module attribute
would miss them: instead the function object's code is swapped, and every
module that imported it reads the emulator clock. One place, every service.

unix_time() without an argument is swapped the same way, to read the clock as a
number directly: moto built two datetimes and subtracted them to get it, and
SQS asks twice per message in a queue each time it counts the queue's messages
(every send and receive): about 3 microseconds a time, a few thousand times
a grading. The answer is the same, to the microsecond, as the datetimes gave.

Not covered (they read time.time() themselves): S3 (object timestamps) and
Firehose's buffering interval; no lab waits on either.
"""

import moto.core.utils as moto_utils

from grader.emulator import clock

_ORIGINAL_CODE = moto_utils.utcnow.__code__
_ORIGINAL_UNIX_TIME_CODE = moto_utils.unix_time.__code__


def _emulator_utcnow():
    # Runs with moto.core.utils' globals (the code object is moved there):
    # _redrive_clock_utcnow is bound below.
    return _redrive_clock_utcnow()  # noqa: F821


def _emulator_unix_time(dt=None):
    # Runs with moto.core.utils' globals too; the same signature as moto's.
    if dt is None:
        return round(_redrive_clock_time_s(), 6)  # noqa: F821  (a datetime holds microseconds)
    delta = dt - utcfromtimestamp(0)  # noqa: F821  moto's own arithmetic for a given datetime
    return (delta.days * 86400) + (delta.seconds + (delta.microseconds / 1e6))


def apply() -> None:
    moto_utils._redrive_clock_utcnow = clock.utcnow
    moto_utils._redrive_clock_time_s = clock.time_s
    moto_utils.utcnow.__code__ = _emulator_utcnow.__code__
    moto_utils.unix_time.__code__ = _emulator_unix_time.__code__


def applied() -> bool:
    return moto_utils.utcnow.__code__ is not _ORIGINAL_CODE and moto_utils.unix_time.__code__ is not _ORIGINAL_UNIX_TIME_CODE
