"""Where moto 5.2.5 lacks or breaks what the labs need, patched to follow AWS's
documented behaviour. `apply()` patches moto's classes in this process; call it
before serving (the warm emulator) or grading (grade_in_process). Idempotent.

What is fixed (see each module's docstring):
- sqs_move_tasks: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.
- events_delivery: InputTransformer templates with unquoted string placeholders,
  disabled rules, SNS targets, and targets that cannot receive (no crash in PutEvents).
- sns_delivery: InvalidParameter for a non-JSON filter policy, `$or` in
  MessageBody scope, and a subscription whose queue does not exist.
"""

import threading

from labs.engine.emulator.moto_fixes import events_delivery, sns_delivery, sqs_move_tasks

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
        _applied = True
