"""Faults a grader injects into a run, following AWS's documented behaviours.

A grader asks through `run.faults` (a Faults):

    run.faults.throttle("kinesis", "PutRecords", times=2)
    run.faults.fail_records("kinesis", "PutRecords", select=lambda i, record: i == 0)
    run.faults.fail("sqs", "SendMessage", code="KMS.DisabledException", times=1)
    run.faults.duplicate("orders", select=lambda body: "o-2" in body, delay_s=0)
    run.faults.reorder("orders")
    run.faults.delay("dynamodb", "GetItem", seconds=0.3)
    run.faults.fail_delivery("invoicing", select=lambda body: "o-7" in body, times=3)
    run.faults.slow("dynamodb", "PutItem", seconds=[12, 20, 7])

Call faults (throttle, fail, fail_records, delay, slow) hit only the LEARNER's calls: the
ones that reach the emulator over its socket (the child's guard marks them) or,
in-process, the ones made while the learner's code runs (InProcessLearner marks
them); the grader's own clients are never faulted. Delivery faults (duplicate,
reorder) change what any ReceiveMessage on that queue returns, since the
consumer may be the learner's code or the grader playing Lambda. Target
faults (fail_delivery) fail what AWS itself delivers to a queue or topic: an
EventBridge rule's target or a Scheduler schedule's, which then retry per
their RetryPolicy (grader.emulator.moto_fixes.target_retries).

Every fault that fires is appended to `Faults.injected` (kind, service,
action or queue, what it hit, the emulator time), which the verdict carries
as `faults`, so a trace can show what was injected where.

The moto side (the hook in BaseResponse.call_action and in SQS's
receive_message) is grader.emulator.moto_fixes.fault_hooks; this module holds
the rules and imports no moto. One registry per process (the emulator child
serves one run; grade_in_process installs a fresh one).
"""

import collections
import contextlib
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from grader.emulator import clock
from grader.emulator.holds import Holds

# AWS's throttling error per service: (code, HTTP status, message), from each
# service's API reference. Kinesis and DynamoDB name the stream's or table's
# provisioned throughput; SQS says RequestThrottled; SNS says Throttled (429).
THROTTLE_ERRORS: dict[str, tuple[str, int, str]] = {
    "kinesis": ("ProvisionedThroughputExceededException", 400, "Rate exceeded for stream {resource} under account 123456789012."),
    "dynamodb": (
        "ProvisionedThroughputExceededException",
        400,
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.",
    ),
    "sqs": ("RequestThrottled", 400, "The request was denied due to request throttling."),
    "sns": ("Throttled", 429, "Rate exceeded"),
}
DEFAULT_THROTTLE = ("ThrottlingException", 400, "Rate exceeded")

# Which request list a partial-failure fault thins out, and how a failed entry reads.
BATCH_ACTIONS = {
    ("kinesis", "PutRecords"): "Records",
    ("sqs", "SendMessageBatch"): "Entries",
    ("events", "PutEvents"): "Entries",
}
RECORD_ERRORS = {
    ("kinesis", "PutRecords"): ("ProvisionedThroughputExceededException", "Rate exceeded for shard {shard} in stream {resource} under account 123456789012."),
    ("sqs", "SendMessageBatch"): ("InternalError", "An internal error occurred."),
    ("events", "PutEvents"): ("ThrottlingException", "Rate exceeded"),
}


@dataclass
class CallFault:
    """Fail a learner's call of `action` on `service` with an AWS error, or fail some of its records."""

    kind: str  # "throttle" | "fail" | "fail_records" | "delay" | "slow"
    service: str
    action: str
    times: int
    after: int = 0
    code: str = ""
    status: int = 400
    message: str = ""
    select: Callable[[int, dict], bool] | None = None
    seconds: float = 0.0  # "delay": the most wall-clock seconds an answer is held back
    durations: tuple[float, ...] = ()  # "slow": emulator seconds each firing takes, in order
    seen: int = 0  # matching calls so far
    fired: int = 0

    def stop(self) -> None:
        """No more firing from now on."""
        self.times = self.fired

    def duration(self) -> float:
        """A slow fault's emulator seconds for the firing just counted (the last value repeats)."""
        return self.durations[min(self.fired, len(self.durations)) - 1] if self.durations else 0.0

    def takes(self) -> bool:
        """Count one matching call; whether this fault fires on it."""
        self.seen += 1
        if self.seen <= self.after or self.fired >= self.times:
            return False
        self.fired += 1
        return True


@dataclass
class DeliveryFault:
    kind: str  # "duplicate" | "reorder"
    queue: str
    times: int
    select: Callable[[str], bool] | None = None
    delay_s: float = 0.0
    seed: int = 0
    fired: int = 0

    def stop(self) -> None:
        """No more firing from now on."""
        self.times = self.fired


@dataclass
class TargetFault:
    """Fail AWS's own deliveries (EventBridge rule targets, Scheduler targets) to `resource`."""

    resource: str  # queue or topic name
    times: int
    select: Callable[[str], bool] | None = None
    code: str = "THROTTLING"
    message: str = ""
    retryable: bool = True
    fired: int = 0

    def stop(self) -> None:
        """No more firing from now on."""
        self.times = self.fired


@dataclass
class Faults:
    """The faults of one run; `injected` lists those that fired, in order."""

    calls: list[CallFault] = field(default_factory=list)
    deliveries: list[DeliveryFault] = field(default_factory=list)
    targets: list[TargetFault] = field(default_factory=list)
    injected: list[dict] = field(default_factory=list)
    # Every learner call the hook saw, by (service, action): how the code used the API
    # ("fewer PutRecords calls than events"), faulted or not.
    made: collections.Counter = field(default_factory=collections.Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Answers a `delay` holds, until the invocations running beside them catch up.
    holds: Holds = field(default_factory=Holds, repr=False)

    # --- what graders call ----------------------------------------------------------
    def throttle(self, service: str, action: str, *, times: int = 1, after: int = 0) -> CallFault:
        """The learner's next `times` calls of `action` (after skipping `after`) get the
        service's throttling error: ProvisionedThroughputExceededException for Kinesis
        and DynamoDB, RequestThrottled for SQS, Throttled (429) for SNS, else
        ThrottlingException. boto3 retries these itself (up to 4 retries in its legacy
        mode): to make the learner's code see one, throttle more times than that."""
        code, status, message = THROTTLE_ERRORS.get(service, DEFAULT_THROTTLE)
        return self._add(CallFault("throttle", service, action, times, after, code, status, message))

    def fail(self, service: str, action: str, *, code: str, message: str = "", status: int = 400, times: int = 1, after: int = 0) -> CallFault:
        """The learner's next `times` calls of `action` fail with this AWS error.
        A 4xx code that is not a throttling code is not retried by boto3, so the
        learner's code sees it at once: use it to make a step of their code fail."""
        return self._add(CallFault("fail", service, action, times, after, code, status, message or code))

    def fail_records(self, service: str, action: str, *, select: Callable[[int, dict], bool], times: int = 1, after: int = 0) -> CallFault:
        """In the learner's next `times` calls of Kinesis PutRecords, SQS SendMessageBatch
        or EventBridge PutEvents, the entries for which `select(index, entry)` is true
        are not written and come back failed, the rest succeed: FailedRecordCount and
        ErrorCode/ErrorMessage (Kinesis), Failed with SenderFault false (SQS),
        FailedEntryCount and ErrorCode (EventBridge). `entry` is the request entry as
        sent, with a Kinesis record's Data decoded to text. A `select` with a third
        parameter also gets the call's whole list of entries, to choose by what else
        the call holds (say, the first record of each partition key that has several)."""
        if (service, action) not in BATCH_ACTIONS:
            raise ValueError(f"fail_records works on {sorted(BATCH_ACTIONS)}, not {(service, action)}")
        code, message = RECORD_ERRORS[(service, action)]
        return self._add(CallFault("fail_records", service, action, times, after, code, 200, message, select))

    def delay(self, service: str, action: str, *, seconds: float, times: int = 1_000_000, after: int = 0) -> CallFault:
        """The learner's calls of `action` run at once but their answers are held
        back, as a slow network or a busy service would: in a concurrent round
        (deliver_sqs with concurrency), until every other invocation of the round
        is waiting on a held answer too or has returned (grader/emulator/holds.py),
        and never longer than `seconds` of wall-clock time. Two concurrent
        invocations that read, then act, both read before either acts: the window
        a check-then-act race needs, made certain. `seconds` is at most 2."""
        if not 0 < seconds <= 2:
            raise ValueError("a delay is between 0 and 2 seconds: it can cost the run's wall clock")
        fault = CallFault("delay", service, action, times, after)
        fault.seconds = seconds
        return self._add(fault)

    def slow(self, service: str, action: str, *, seconds, times: int | None = None, after: int = 0) -> CallFault:
        """The learner's calls of `action` take emulator time: before the call is
        served, the emulator clock moves forward `seconds` (one number for every
        call, or a list: the n-th call that fires takes the n-th value), as
        `run.advance` would, so visibility timeouts run out during the call and
        whatever listens to the clock (a competing consumer) acts then. The
        learner's time.time() follows. Costs no wall-clock time: use it to make a
        step of the learner's work "take" 20 seconds. `times` defaults to the
        list's length (one number: every call)."""
        durations = tuple(float(s) for s in seconds) if isinstance(seconds, (list, tuple)) else (float(seconds),)
        if not durations or any(d < 0 for d in durations):
            raise ValueError("a slow call takes zero or more seconds")
        if times is None:
            times = len(durations) if isinstance(seconds, (list, tuple)) else 1_000_000
        fault = CallFault("slow", service, action, times, after)
        fault.durations = durations
        return self._add(fault)

    def duplicate(self, queue: str, *, select: Callable[[str], bool] | None = None, times: int = 1, delay_s: float = 0) -> DeliveryFault:
        """The next `times` messages received from `queue` (those whose body `select`
        accepts) are delivered again: a copy with the same MessageId and body becomes
        visible `delay_s` seconds later on the emulator clock (0: at once), even if the
        first delivery is deleted, as SQS's at-least-once delivery allows."""
        fault = DeliveryFault("duplicate", queue, times, select, delay_s)
        with self.lock:
            self.deliveries.append(fault)
        return fault

    def reorder(self, queue: str, *, times: int = 1_000_000, seed: int = 0) -> DeliveryFault:
        """Receives from standard queue `queue` return visible messages in a shuffled
        order rather than the order sent (a standard queue promises no order)."""
        fault = DeliveryFault("reorder", queue, times, seed=seed)
        with self.lock:
            self.deliveries.append(fault)
        return fault

    def fail_delivery(
        self, resource: str, *, times: int = 1_000_000, select: Callable[[str], bool] | None = None,
        code: str = "THROTTLING", message: str = "", retryable: bool = True,
    ) -> TargetFault:
        """The next `times` deliveries that AWS itself makes to queue or topic `resource`
        (an EventBridge rule's target, a Scheduler schedule's target) fail, for those
        whose payload `select` accepts: as a target that is throttled or unavailable
        (`code` is the ERROR_CODE the dead-letter queue will show; THROTTLING by
        default). A retryable failure is retried per the target's RetryPolicy on the
        emulator clock (each retry is a delivery too, and counts); retryable=False
        sends the event to the target's dead-letter queue at once, as a missing
        permission does. The default `times` makes an outage that outlasts any retry."""
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = TargetFault(resource, times, select, code, message or "Rate exceeded.", retryable)
        with self.lock:
            self.targets.append(fault)
        return fault

    # --- what the moto hooks call --------------------------------------------------------
    def _add(self, fault: CallFault) -> CallFault:
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        with self.lock:
            self.calls.append(fault)
        return fault

    def call_fault(self, service: str, action: str) -> CallFault | None:
        """The fault that fires on this learner call, if any (counts the call)."""
        with self.lock:
            self.made[(service, action)] += 1
            for fault in self.calls:
                if fault.service == service and fault.action == action and fault.takes():
                    return fault
        return None

    def delivery_faults(self, queue: str, kind: str) -> list[DeliveryFault]:
        with self.lock:
            return [f for f in self.deliveries if f.queue == queue and f.kind == kind and f.fired < f.times]

    def target_fault(self, resource: str, payload: str) -> TargetFault | None:
        """The target fault that fails this delivery to `resource`, if any (counts it)."""
        with self.lock:
            for fault in self.targets:
                if fault.resource == resource and fault.fired < fault.times and (fault.select is None or fault.select(payload)):
                    fault.fired += 1
                    return fault
        return None

    def record(self, kind: str, service: str, target: str, detail: Any = None) -> None:
        entry = {"fault": kind, "service": service, "target": target, "at": round(clock.time_s(), 3)}
        if detail is not None:
            entry["detail"] = detail
        with self.lock:
            self.injected.append(entry)


_current = Faults()
_learner = threading.local()


def current() -> Faults:
    return _current


def install(faults: Faults) -> Faults:
    """Make `faults` the registry the hooks read (one run per process at a time)."""
    global _current
    _current = faults
    return faults


@contextlib.contextmanager
def learner_calls(active: bool = True):
    """Requests made on this thread inside the block are the learner's (with
    active=False: are not, as the grader's competing consumer polling from
    inside a learner's slow call)."""
    previous = getattr(_learner, "active", False)
    _learner.active = active
    try:
        yield
    finally:
        _learner.active = previous


def from_learner() -> bool:
    return getattr(_learner, "active", False)
