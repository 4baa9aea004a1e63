"""Hooks that tell the run's trace (grader/trace.py) what moto did with each
message: one module per service, each wrapping a few of moto's methods.

Like grader/emulator/moto_fixes they reach into moto's internals
(`Queue._messages`, `Subscription._filter_policy_matcher`, the signatures of
`SQSBackend.send_message`, `Rule.send_to_targets`, `Stream.put_record`), so
`apply()` refuses any moto but moto_fixes.MOTO_VERSION, and
tests/grader/emulator/trace_hooks/ holds a canary per hook that fails, naming
the hook, when those internals change shape. Apply after moto_fixes: the
hooks wrap the fixed methods. Each wrapper does nothing but call through when
no recorder is active (the zygote's warm-up), and a hook that fails never
fails the AWS call it watches (the trace is a view, not the emulator).

What each records is in its module's docstring.
"""

import threading

from grader.emulator import moto_fixes
from grader.emulator.trace_hooks import events, firehose, kinesis, sns, sqs

_lock = threading.Lock()
_applied = False


def apply() -> None:
    """Hook moto in this process (idempotent). Applies moto_fixes first."""
    global _applied
    moto_fixes.apply()
    with _lock:
        if _applied:
            return
        sqs.apply()
        sns.apply()
        events.apply()
        kinesis.apply()
        firehose.apply()
        _applied = True
