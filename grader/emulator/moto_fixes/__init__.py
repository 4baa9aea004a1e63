"""Where moto 5.2.5 lacks or breaks what the labs need, patched to follow AWS's
documented behaviour. `apply()` patches moto's classes in this process; call it
before serving (the warm emulator) or grading (grade_in_process). Idempotent.

What is fixed (see each module's docstring):
- sqs_move_tasks: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.
- events_delivery: InputTransformer templates with unquoted string placeholders,
  disabled rules, SNS targets, and targets that cannot receive (no crash in PutEvents).
- sns_delivery: InvalidParameter for a non-JSON filter policy, `$or` in
  MessageBody scope, and a subscription whose queue does not exist.
- sns_signing: one signing key per process, made before the zygote forks
  (moto made an RSA key per subscription: a fifth of an SNS lab's CPU).
- dispatch_speed: moto's service list read once, not listed from disk per request.
"""

import threading

from labs.engine.emulator.moto_fixes import dispatch_speed, events_delivery, sns_delivery, sns_signing, sqs_move_tasks

_lock = threading.Lock()
_applied = False


def apply() -> None:
    global _applied
    with _lock:
        if _applied:
            return
        sqs_move_tasks.apply()
        events_delivery.apply()
        sns_delivery.apply()
        sns_signing.apply()
        dispatch_speed.apply()
        _applied = True
