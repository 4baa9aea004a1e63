"""EventBridge Scheduler: a schedule fired (a new message, started by the
learner's code that made the schedule), its target delivery (the copy in the
queue or topic joins it), failed attempts, and the dead-letter queue.

Hooked: moto_fixes.scheduler_fire's _invoked, _deliver, _attempt_failed and
_dead_letter (the emulator's own Scheduler, moto has none that fires).
"""

from moto.utilities.arns import parse_arn

from grader import trace
from grader.emulator.moto_fixes import scheduler_fire
from grader.emulator.trace_hooks._util import recorder, recording, wrap
from grader.trace import DEAD_LETTERED, DELIVERED, FIRED, UNDELIVERABLE, Hop


@recording("scheduler fired")
def _fired(rec, schedule, execution_id: str, payload: str) -> None:
    with rec.acting(trace.LEARNER):
        rec.arrived(execution_id, action=FIRED, resource=schedule.name, kind="schedule", body=payload,
                    detail=f"{schedule.schedule_expression} {schedule.schedule_expression_timezone}")


def _invoked(original):
    def invoked(schedule, execution_id: str, payload: str):
        rec = recorder()
        if rec is not None:
            _fired(rec, schedule, execution_id, payload)
        return original(schedule, execution_id, payload)

    return invoked


def _deliver(original):
    def deliver(schedule, execution_id: str, payload: str):
        rec = recorder()
        if rec is None:
            return original(schedule, execution_id, payload)
        with rec.caused_by(execution_id, DELIVERED, f"schedule:{schedule.name}"):
            return original(schedule, execution_id, payload)

    return deliver


@recording("scheduler attempt failed")
def _failed(rec, schedule, execution_id: str, error, note: str) -> None:
    arn = parse_arn(schedule.target["Arn"])
    name = arn.resource_id.rsplit(":", 1)[-1]
    kind = {"sqs": "queue", "sns": "topic"}.get(arn.service, "service")
    rec.step(execution_id, Hop(UNDELIVERABLE, name, kind=kind, source=f"schedule:{schedule.name}", by=trace.AWS,
                               detail=f"{error.code}: {error.message} ({note})"[:300]))


def _attempt_failed(original):
    def attempt_failed(schedule, execution_id: str, error, retries: int, next_step: str):
        rec = recorder()
        if rec is not None:
            _failed(rec, schedule, execution_id, error, f"attempt {retries + 1}; {next_step}")
        return original(schedule, execution_id, error, retries, next_step)

    return attempt_failed


def _dead_letter(original):
    def dead_letter(schedule, execution_id: str, payload: str, error, retries: int, exhausted: str):
        rec = recorder()
        if rec is None:
            return original(schedule, execution_id, payload, error, retries, exhausted)
        why = f"{error.code} after {retries} retries ({exhausted} reached)" if exhausted else f"{error.code}, not retried"
        with rec.caused_by(execution_id, DEAD_LETTERED, f"schedule:{schedule.name}", detail=why):
            return original(schedule, execution_id, payload, error, retries, exhausted)

    return dead_letter


def apply() -> None:
    wrap(scheduler_fire, "_invoked", _invoked)
    wrap(scheduler_fire, "_deliver", _deliver)
    wrap(scheduler_fire, "_attempt_failed", _attempt_failed)
    wrap(scheduler_fire, "_dead_letter", _dead_letter)
