"""Retry policies and dead-letter queues of the targets AWS itself delivers to,
on the emulator clock: EventBridge rule targets (events_delivery) and
EventBridge Scheduler targets (scheduler_fire). moto 5.2.5 stores a target's
RetryPolicy and DeadLetterConfig and never uses them.

As AWS documents it:
- A delivery that fails with a retryable error (the target is throttled or
  unavailable: here, a fault the grader injected with run.faults.fail_delivery)
  is retried with exponential backoff until MaximumRetryAttempts retries have
  failed or the event is older than MaximumEventAgeInSeconds, whichever comes
  first (defaults 185 and 86,400 s). Then it goes to the dead-letter queue,
  whose message says why: ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION
  (MaximumRetryAttempts or MaximumEventAgeInSeconds), RETRY_ATTEMPTS, and the
  rule's or schedule's ARN and the target's.
- A failure that retrying cannot fix (the queue or topic does not exist:
  NO_RESOURCE; a permission) goes to the dead-letter queue at once.
- Without a dead-letter queue (or when the DLQ cannot take it) the event is dropped.

AWS backs off with jitter; the emulator waits 1 s, 2 s, 4 s, ... doubling up to
5 minutes between attempts, without jitter, so a run repeats exactly. Retries
wait in a list on the moto backend that owns them (so moto's reset forgets
them) and run when the emulator clock is advanced (grader.emulator.clock
add_hook): `run.advance(600)` returns once every retry due in those 10 minutes
has been made, in order.
"""

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from grader.emulator import clock

logger = logging.getLogger(__name__)

BACKOFF_FIRST_S = 1.0
BACKOFF_CAP_S = 300.0
DEFAULT_MAX_RETRIES = 185
DEFAULT_MAX_AGE_S = 86_400
PENDING_ATTRIBUTE = "_redrive_pending_retries"
_lock = threading.RLock()
_owners: list[Callable[[], list[Any]]] = []  # each returns the backends that may hold retries


class DeliveryError(Exception):
    """A delivery that failed: AWS's ERROR_CODE, its message, and whether a retry could help."""

    def __init__(self, code: str, message: str, *, retryable: bool):
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable


@dataclass
class Delivery:
    """One event (or schedule invocation) on its way to one target."""

    deliver: Callable[[], None]  # raises DeliveryError
    dead_letter: Callable[[DeliveryError, int, str], None]  # (last error, retries made, exhausted condition or "")
    failed: Callable[[DeliveryError, int, str], None] = lambda error, retries, next_step: None  # for the trace
    max_retries: int = DEFAULT_MAX_RETRIES
    deadline_s: float = 0.0
    retries: int = 0
    due_s: float = 0.0
    giving_up: bool = False
    error: DeliveryError | None = field(default=None, repr=False)


def backoff_s(retry: int) -> float:
    """Seconds to wait before retry number `retry` (1-based)."""
    return min(BACKOFF_CAP_S, BACKOFF_FIRST_S * 2 ** (retry - 1))


def policy_limits(retry_policy: dict | None) -> tuple[int, int]:
    policy = retry_policy or {}
    retries = policy.get("MaximumRetryAttempts", DEFAULT_MAX_RETRIES)
    age = policy.get("MaximumEventAgeInSeconds", DEFAULT_MAX_AGE_S)
    return int(DEFAULT_MAX_RETRIES if retries is None else retries), int(DEFAULT_MAX_AGE_S if age is None else age)


def start(backend: Any, delivery: Delivery, retry_policy: dict | None, *, at_s: float | None = None) -> bool:
    """Deliver now; on failure retry per `retry_policy` on the emulator clock. True if delivered now.

    `at_s`: when this first attempt was due, if earlier than now (a schedule
    caught up by a long advance): its retries and its age count from then."""
    base = clock.time_s() if at_s is None else at_s
    delivery.max_retries, max_age = policy_limits(retry_policy)
    delivery.deadline_s = base + max_age
    try:
        delivery.deliver()
        return True
    except DeliveryError as error:
        _failed(backend, delivery, error, at_s=base)
        return False


def _failed(backend: Any, delivery: Delivery, error: DeliveryError, at_s: float | None = None) -> None:
    """`at_s`: when the failed attempt was due (a retry caught up by a long advance
    happened then, so the next one is due counting from then)."""
    delivery.error = error
    if not error.retryable:
        delivery.failed(error, delivery.retries, "not retried: retrying cannot fix it")
        delivery.dead_letter(error, delivery.retries, "")
        return
    if delivery.retries >= delivery.max_retries:
        delivery.failed(error, delivery.retries, "no retries left")
        delivery.dead_letter(error, delivery.retries, "MaximumRetryAttempts")
        return
    now = clock.time_s() if at_s is None else at_s
    due = now + backoff_s(delivery.retries + 1)
    if due > delivery.deadline_s:
        # The next retry would come after the event's maximum age: it is given up then.
        delivery.giving_up, due = True, max(now, delivery.deadline_s)
        delivery.failed(error, delivery.retries, f"giving up at its maximum age, in {due - now:g} s")
    else:
        delivery.failed(error, delivery.retries, f"retry {delivery.retries + 1} in {due - now:g} s")
    delivery.due_s = due
    with _lock:
        backend.__dict__.setdefault(PENDING_ATTRIBUTE, []).append(delivery)


def run_due() -> None:
    """Make every retry that is due on the emulator clock, earliest first (retries it schedules included)."""
    backends = [backend for owner in _owners for backend in owner()]
    while True:
        now = clock.time_s()
        with _lock:
            due = [(d.due_s, i, b, d) for b in backends for i, d in enumerate(b.__dict__.get(PENDING_ATTRIBUTE, [])) if d.due_s <= now]
            if not due:
                return
            _, _, backend, delivery = min(due, key=lambda item: (item[0], item[1]))
            backend.__dict__[PENDING_ATTRIBUTE].remove(delivery)
        try:
            if delivery.giving_up:
                delivery.dead_letter(delivery.error, delivery.retries, "MaximumEventAgeInSeconds")
                continue
            delivery.retries += 1
            try:
                delivery.deliver()
            except DeliveryError as error:
                _failed(backend, delivery, error, at_s=delivery.due_s)
        except Exception:  # a broken retry must not stop the others, nor the grader's advance
            logger.exception("a target retry failed unexpectedly")


def pending(backend: Any) -> list[Delivery]:
    with _lock:
        return list(backend.__dict__.get(PENDING_ATTRIBUTE, []))


def register(owner: Callable[[], list[Any]]) -> None:
    """`owner()` lists backends whose retries run_due makes; hooks run_due on the clock once."""
    with _lock:
        if owner not in _owners:
            _owners.append(owner)
    clock.add_hook(run_due)


def all_backends(backend_dict: Any) -> list[Any]:
    """Every backend already made in a moto BackendDict (none is created by looking)."""
    found = []
    for account in list(backend_dict.values()):
        found.extend(list(account.values()))
    return found
