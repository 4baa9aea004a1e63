"""EventBridge Scheduler schedules fire on the emulator clock. moto 5.2.5 keeps
schedules as configuration only: nothing is ever invoked.

After every advance of the emulator clock (and `fire_due()`), each ENABLED
schedule whose time has come invokes its target, as AWS documents:

- `at(yyyy-mm-ddThh:mm:ss)` fires once, at that wall-clock time in the
  schedule's ScheduleExpressionTimezone (UTC when none is given; daylight
  saving follows the IANA zone). `rate(N minutes|hours|days)` fires every N
  units from its StartDate (or its creation) until its EndDate; `cron(...)`
  fires at each wall-clock time it names in the schedule's time zone
  (grader/emulator/cron.py), between StartDate and EndDate.
- An expression that is none of these (or a cron() AWS would not read) is
  refused by CreateSchedule and UpdateSchedule with ValidationException, as
  on AWS (moto stored anything).
- FlexibleTimeWindow OFF fires at the time itself. FLEXIBLE with
  MaximumWindowInMinutes W fires somewhere in the W minutes after it: AWS picks
  at random, the emulator picks a point in the window's second half from the
  schedule's ARN, so a run repeats and a flexible schedule is visibly late.
- The target receives the schedule's Input as the message body (an SQS queue:
  SendMessage, with SqsParameters.MessageGroupId for a FIFO queue; an SNS
  topic: Publish). Other target kinds are not invoked here.
- A failed invocation is retried per the target's RetryPolicy, then goes to
  its DeadLetterConfig queue with the Input as body and ERROR_CODE,
  ERROR_MESSAGE, EXECUTION_ID, RETRY_ATTEMPTS, SCHEDULE_ARN and TARGET_ARN
  attributes (target_retries; faults with run.faults.fail_delivery).
- A one-time schedule with ActionAfterCompletion DELETE is deleted once it has
  invoked its target; with NONE (the default) it stays, and does not fire again.
- A schedule past its time when it is created fires at the next advance (AWS
  invokes an `at()` in the past at once).
"""

import datetime
import hashlib
import json
import logging
import re
import uuid
import zoneinfo

from moto.scheduler.exceptions import ValidationException
from moto.scheduler.models import EventBridgeSchedulerBackend, Schedule, scheduler_backends

from grader.emulator import clock, cron
from grader.emulator.moto_fixes import events_delivery, target_retries
from grader.emulator.moto_fixes.target_retries import DeliveryError

logger = logging.getLogger(__name__)

AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
UNIT_S = {"minute": 60, "hour": 3600, "day": 86400}
MAX_FIRINGS_PER_ADVANCE = 50  # per rate schedule: a long advance does not flood a queue


def _zone(schedule: Schedule) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(schedule.schedule_expression_timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def _seconds(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=datetime.UTC)).timestamp()
    return float(value)


def flexible_delay_s(schedule: Schedule) -> float:
    window = schedule.flexible_time_window or {}
    if window.get("Mode") != "FLEXIBLE":
        return 0.0
    minutes = float(window.get("MaximumWindowInMinutes") or 0)
    fraction = int(hashlib.sha256(schedule.arn.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return minutes * 60 * (0.5 + 0.5 * fraction)


def at_time_s(schedule: Schedule) -> float | None:
    """When an at() schedule is due (Unix seconds), before any flexible window."""
    match = AT.match(schedule.schedule_expression.strip())
    if not match:
        return None
    local = datetime.datetime.fromisoformat(match.group(1)).replace(tzinfo=_zone(schedule))
    return local.timestamp()


def due_times(schedule: Schedule, now_s: float) -> list[float]:
    """Scheduled times (before the flexible window) that are due by now and not fired yet."""
    fired = schedule.__dict__.setdefault("_redrive_fired", [])
    delay = flexible_delay_s(schedule)
    at = at_time_s(schedule)
    if at is not None:
        return [at] if not fired and at + delay <= now_s else []
    start = _seconds(schedule.start_date) or float(schedule.creation_date)
    end = _seconds(schedule.end_date)
    last = fired[-1] if fired else start
    times = []
    expression = schedule.schedule_expression.strip()
    if expression.startswith("cron("):
        parsed, zone = cron.Cron(expression), _zone(schedule)
        when_dt = cron.next_after(parsed, datetime.datetime.fromtimestamp(last, datetime.UTC), zone)
        while when_dt is not None and when_dt.timestamp() + delay <= now_s and (end is None or when_dt.timestamp() <= end) \
                and len(times) < MAX_FIRINGS_PER_ADVANCE:
            times.append(when_dt.timestamp())
            when_dt = cron.next_after(parsed, when_dt, zone)
        return times
    match = RATE.match(expression)
    if not match:
        return []
    period = int(match.group(1)) * UNIT_S[match.group(2).rstrip("s")]
    when = last + period
    while when + delay <= now_s and (end is None or when <= end) and len(times) < MAX_FIRINGS_PER_ADVANCE:
        times.append(when)
        when += period
    return times


def _invoked(schedule: Schedule, execution_id: str, payload: str) -> None:
    """A schedule invoked its target (the trace hooks this)."""


def _deliver(schedule: Schedule, execution_id: str, payload: str) -> None:
    target = schedule.target
    events_delivery.send_to_target(
        target["Arn"], payload,
        group_id=(target.get("SqsParameters") or {}).get("MessageGroupId"), deduplication_id=execution_id,
    )


def _dead_letter(schedule: Schedule, execution_id: str, payload: str, error: DeliveryError, retries: int, exhausted: str) -> None:
    target = schedule.target
    attributes = events_delivery.dead_letter_attributes(
        error, retries, exhausted, EXECUTION_ID=execution_id, SCHEDULE_ARN=schedule.arn, TARGET_ARN=target["Arn"],
    )
    events_delivery.send_to_dead_letter_queue((target.get("DeadLetterConfig") or {}).get("Arn"), payload, attributes)


def _attempt_failed(schedule: Schedule, execution_id: str, error: DeliveryError, retries: int, next_step: str) -> None:
    """One invocation attempt failed (the trace hooks this)."""


def fire(backend, group, schedule: Schedule, scheduled_s: float) -> None:
    execution_id = str(uuid.uuid4())
    payload = schedule.target.get("Input")
    payload = payload if payload is not None else json.dumps({})
    schedule.__dict__.setdefault("_redrive_fired", []).append(scheduled_s)
    _invoked(schedule, execution_id, payload)
    delivery = target_retries.Delivery(
        deliver=lambda: _deliver(schedule, execution_id, payload),
        dead_letter=lambda error, retries, exhausted: _dead_letter(schedule, execution_id, payload, error, retries, exhausted),
        failed=lambda error, retries, next_step: _attempt_failed(schedule, execution_id, error, retries, next_step),
    )
    target_retries.start(backend, delivery, schedule.target.get("RetryPolicy"), at_s=min(clock.time_s(), scheduled_s + flexible_delay_s(schedule)))
    if at_time_s(schedule) is not None and (schedule.action_after_completion or "NONE") == "DELETE":
        group.schedules.pop(schedule.name, None)


def fire_due() -> None:
    """Invoke every schedule that is due on the emulator clock, earliest first, then make due retries."""
    now = clock.time_s()
    due = []
    for backend in target_retries.all_backends(scheduler_backends):
        for group in list(backend.schedule_groups.values()):
            for schedule in list(group.schedules.values()):
                if schedule.state != "ENABLED":
                    continue
                try:
                    due.extend((when, schedule.arn, backend, group, schedule) for when in due_times(schedule, now))
                except Exception:
                    logger.exception("schedule %s has an expression the emulator cannot read", schedule.arn)
    for when, _, backend, group, schedule in sorted(due, key=lambda item: (item[0], item[1])):
        try:
            fire(backend, group, schedule, when)
        except Exception:
            logger.exception("schedule %s could not fire", schedule.arn)
    target_retries.run_due()


def check_expression(expression: str) -> None:
    """AWS's ValidationException for an expression Scheduler cannot read."""
    text = (expression or "").strip()
    if AT.match(text) or (RATE.match(text) and int(RATE.match(text).group(1)) > 0):
        return
    if text.startswith("cron("):
        try:
            cron.Cron(text)
            return
        except cron.CronError as error:
            raise ValidationException(f"Invalid Schedule Expression {text}: {error}.") from None
    raise ValidationException(f"Invalid Schedule Expression {text}: use at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields).")


def _checked(original):
    def method(self, *args, **kwargs):
        check_expression(kwargs.get("schedule_expression", ""))
        return original(self, *args, **kwargs)

    method._redrive_fix = True
    return method


def apply() -> None:
    for name in ("create_schedule", "update_schedule"):
        if not getattr(getattr(EventBridgeSchedulerBackend, name), "_redrive_fix", False):
            setattr(EventBridgeSchedulerBackend, name, _checked(getattr(EventBridgeSchedulerBackend, name)))
    target_retries.register(lambda: target_retries.all_backends(scheduler_backends))
    clock.add_hook(fire_due)
