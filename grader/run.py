"""What a grader works with: the Run.

A grader module defines `grade(run)`. The Run gives it trusted boto3 clients on
the run's private emulator, the learner's functions (through a Transport), the
hidden inputs, and a place to record checkpoints and name the messages the
emulator's trace follows (grader/trace.py).

The Run does not know HOW learner functions are called (in this process, or in
the sandbox over rpc.sock: grader.emulator.child.SandboxLearner) nor how clients
are made: both come in from the engine, so the sandboxed engine and
`grader.inprocess.grade_in_process` run the very same grader code. Arguments
are JSON-able values, except a LambdaContext, which a transport turns into an
object with the same attributes on the learner's side.
"""

import base64
import contextlib
import hashlib
import time
import traceback as traceback_module
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from grader import firehose_delivery
from grader import policy as policy_module
from grader import trace as trace_module
from grader.competitor import Competitor
from grader.emulator import clock, cloudwatch_minutes
from grader.emulator import faults as faults_module
from grader.local_clients import REGION, local_client
from grader.course_code import course_function
from grader.variants import variant_inputs
from grader.verdict import ENGINE_FAILED, Checkpoint, Status, Verdict

EMULATOR_FULL = (
    "Your code filled the emulator's memory (too many or too large messages or resources), "
    "so grading could not go on."
)


class LearnerError(Exception):
    """Something the learner's code did: raised, ran too long, died, or a function is missing.

    kind: "exception" | "timeout" | "crashed" | "missing".
    phase: "import" when the module's own top level failed (then nothing of it
    can be called), "setup" when its setup() did, else "".
    """

    KINDS = ("exception", "timeout", "crashed", "missing")

    def __init__(self, kind: str, message: str, *, exc_type: str = "", traceback: str = "", phase: str = ""):
        if kind not in self.KINDS:
            raise ValueError(f"unknown LearnerError kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.exc_type = exc_type
        self.message = message
        self.traceback = traceback
        self.phase = phase

    @classmethod
    def from_exception(cls, exc: BaseException, *, skip_frames: int = 0) -> "LearnerError":
        """skip_frames drops the caller's own frames from the top of the traceback.
        A SyntaxError is told at its line, without any frame: the code never ran
        (grader/harness/main.py does the same on the sandbox's side)."""
        if isinstance(exc, SyntaxError):
            return cls(
                "exception", syntax_error_message(exc), exc_type=type(exc).__name__,
                traceback="".join(traceback_module.format_exception_only(type(exc), exc)),
            )
        tb = exc.__traceback__
        for _ in range(skip_frames):
            if tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
        return cls(
            "exception",
            str(exc),
            exc_type=type(exc).__name__,
            traceback="".join(traceback_module.format_exception(type(exc), exc, tb)),
        )

    def describe(self) -> str:
        """One line a learner can act on, for checkpoint feedback."""
        if self.kind == "exception":
            return f"{self.exc_type}: {self.message}" if self.exc_type else self.message
        return self.message

    def __repr__(self) -> str:
        return f"LearnerError({self.kind!r}, {self.describe()!r})"


def syntax_error_message(exc: SyntaxError) -> str:
    """ "line 35: invalid syntax", the learner's line rather than Python's "(submission.py, line 35)"."""
    return f"line {exc.lineno}: {exc.msg}" if exc.lineno else str(exc.msg)


def not_checked_reason(setup_error: "LearnerError | None") -> str:
    """Why checkpoints that failed say nothing of the learner's code: its module
    did not load, or its process stopped during setup(). '' when they do."""
    if setup_error is None:
        return ""
    if setup_error.phase == "import":
        return "Not checked: your module did not load (the error above says why)."
    if setup_error.kind in ("timeout", "crashed"):
        return "Not checked: your code stopped during setup() (the error above says why)."
    return ""


def load_failed_message(error: "LearnerError") -> str:
    return f"Your module did not load: {error.describe()}"


class Transport(Protocol):
    def has(self, name: str) -> bool: ...

    def call(self, name: str, *args: Any) -> Any: ...

    def call_many(self, name: str, calls: list[tuple], invocations: list[str | None] | None = None) -> list[Any]:
        """Call at the same time, once per argument tuple; each result is the
        return value or a LearnerError. Call i's AWS requests are part of the
        trace's invocations[i]. Raises LearnerError if the learner's process is
        gone (a timeout, a limit, a crash)."""
        ...


@dataclass
class LambdaContext:
    """The subset of Lambda's context object that learner handlers use."""

    function_name: str
    aws_request_id: str
    deadline: float  # time.monotonic() value in the grading process
    memory_limit_in_mb: int = 128
    invoked_function_arn: str = ""
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))

    def to_wire(self) -> dict:
        """JSON for a transport; the far side rebuilds a deadline from remaining_ms."""
        return {
            "function_name": self.function_name,
            "aws_request_id": self.aws_request_id,
            "remaining_ms": self.get_remaining_time_in_millis(),
            "memory_limit_in_mb": self.memory_limit_in_mb,
            "invoked_function_arn": self.invoked_function_arn,
            "log_group_name": self.log_group_name,
            "log_stream_name": self.log_stream_name,
        }


@dataclass
class Invocation:
    """One call of the learner's function with one batch of SQS records."""

    message_ids: list[str]
    bodies: list[str]
    receive_counts: list[int]
    ok: bool
    error: LearnerError | None = None
    failed_ids: list[str] = field(default_factory=list)
    result: Any = None
    round: int = 0  # invocations that ran at the same time (deliver_sqs's concurrency) share one


def sqs_record(message: dict, *, queue_arn: str, region: str = REGION) -> dict:
    """A received SQS message in the shape Lambda's event source mapping delivers."""
    attributes = dict(message.get("Attributes") or {})
    record_attributes = {
        key: attributes[key]
        for key in (
            "ApproximateReceiveCount",
            "SentTimestamp",
            "SenderId",
            "ApproximateFirstReceiveTimestamp",
            "SequenceNumber",
            "MessageGroupId",
            "MessageDeduplicationId",
            "AWSTraceHeader",
            "DeadLetterQueueSourceArn",
        )
        if key in attributes
    }
    message_attributes = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        shaped = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType", "String")}
        if "StringValue" in value:
            shaped["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            raw = value["BinaryValue"]
            shaped["binaryValue"] = base64.b64encode(raw if isinstance(raw, bytes) else str(raw).encode()).decode()
        message_attributes[name] = shaped
    body = message.get("Body", "")
    record = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": body,
        "attributes": record_attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody") or hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if message.get("MD5OfMessageAttributes"):
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _batch_failures(result: Any, batch_ids: list[str]) -> list[str] | None:
    """Lambda's reading of a partial batch response: the ids to retry, or None
    when the response is malformed (Lambda then retries the whole batch)."""
    if result is None or result == {} or result == "":
        return []
    if not isinstance(result, dict):
        return []  # Lambda ignores a response that is not a partial-batch object
    failures = result.get("batchItemFailures")
    if failures is None:
        return []
    if not isinstance(failures, list):
        return None
    ids = []
    for item in failures:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in batch_ids:
            return None
        ids.append(identifier)
    return ids


def call_setup(learner: Transport, setup_error: "LearnerError | None") -> "LearnerError | None":
    """Call the learner's setup() once its module loaded; the error the Run reports, if any."""
    if setup_error is None and learner.has("setup"):
        try:
            learner.call("setup")
        except LearnerError as error:
            error.phase = "setup"
            return error
    return setup_error


class Run:
    """One grading run. Graders call the methods below; engines build it."""

    def __init__(
        self,
        *,
        learner: Transport,
        client_factory: Callable[[str], Any] = local_client,
        inputs: dict | None = None,
        setup_error: LearnerError | None = None,
        time_limit_s: float = 20,
        region: str = REGION,
        trace: "trace_module.Recorder | None" = None,
    ):
        self.learner = learner
        self.inputs = inputs or {}
        self.setup_error = setup_error
        self.region = region
        self.deadline = time.monotonic() + time_limit_s
        self.checkpoints: list[Checkpoint] = []
        # What the emulator saw happen to each message. The engine makes and
        # activates it before the learner's module loads, so setup() is in it too.
        self.trace = trace if trace is not None else trace_module.Recorder()
        trace_module.activate(self.trace)
        self._client_factory = client_factory
        self._clients: dict[str, Any] = {}
        # A grader's feedback on a module that never loaded ("setup() raised ...",
        # "Your module has no handler") would repeat or hide the one real error.
        self._not_checked = not_checked_reason(setup_error)
        # One registry per process, read by the moto hooks: a run is the only one in its process.
        self.faults = faults_module.install(faults_module.Faults())
        self._firehose: dict[str, firehose_delivery.FirehoseStream] = {}
        # A queue's ARN is its account and name, as its URL is: the same URL
        # always names the same ARN, so Lambda's event source asks once a run.
        self._queue_arns: dict[str, str] = {}
        cloudwatch_minutes.reset()

    # --- the emulator's clock ------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward without waiting: visibility timeouts,
        DelaySeconds, retention and rate-limited move tasks behave as if `seconds`
        had passed, and the learner's time.time() moves with it. Timed work (a move
        task) has caught up when this returns. The wall-clock limit is unchanged."""
        clock.advance(seconds)

    def now(self) -> float:
        """The emulator's time, as a Unix timestamp."""
        return clock.time_s()

    def cloudwatch_minutes(self, minutes: int = 1) -> list[dict]:
        """Play CloudWatch for `minutes` minutes of the emulator's clock
        (grader/emulator/cloudwatch_minutes.py): each minute the clock moves 60 s,
        SQS publishes its AWS/SQS metrics for every queue, every metric alarm is
        evaluated, and an alarm that changes state notifies the SNS topics among
        that state's actions. Returns the state changes, oldest first:
        {"alarm", "old", "new", "reason", "at", "notified" (topic ARNs),
        "message_ids" (the notifications' SNS message ids, for run.label)}."""
        changes = []
        for _ in range(minutes):
            clock.advance(60)
            changes.extend(t.to_dict() for t in cloudwatch_minutes.minute(region=self.region))
        return changes

    # --- the emulator ----------------------------------------------------------
    def client(self, service: str):
        """A trusted boto3 client on this run's emulator (cached per service)."""
        if service not in self._clients:
            self._clients[service] = self._client_factory(service)
        return self._clients[service]

    def queue_url(self, name: str) -> str | None:
        """The URL of queue `name`, or None if the learner never created it."""
        sqs = self.client("sqs")
        try:
            return sqs.get_queue_url(QueueName=name)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist:
            return None

    def queue_arn(self, queue_url: str) -> str:
        return self.queue_attributes(queue_url)["QueueArn"]

    def queue_attributes(self, queue_url: str) -> dict:
        return self.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]

    def policy_decision(self, policy: str | dict | None, *, principal, action: str, resource: str, context: dict | None = None) -> policy_module.Decision:
        """Would this resource policy let the request through? The emulator's own
        judgement (grader/policy.py, as SNS delivery to a queue is judged), for
        requests a scenario cannot make: another account's caller, a request
        without TLS. `.allowed`, `.effect` (allow, deny, implicit-deny),
        `.statement` and `.reason` name the outcome."""
        request = policy_module.PolicyRequest(principal=principal, action=action, resource=resource, context=dict(context or {}))
        return policy_module.decide(policy, request)

    def drain(self, queue_url: str, *, limit: int = 100) -> list[dict]:
        """Receive and delete everything visible in a queue (for end-of-run checks).

        Each message carries Attributes (incl. ApproximateReceiveCount, counted
        before this receive) and MessageAttributes.

        A batch shorter than asked for is the last: moto's ReceiveMessage
        walks the whole queue and stops early only when it has enough, or at
        a message past its retention period, which the emulator drops before
        each receive (grader/emulator/moto_fixes/sqs_retention.py). So a
        receive after it could find only what became visible in between, and
        cost a call per drain (a sixth of eventbridge-archive-replay's).
        """
        sqs = self.client("sqs")
        messages: list[dict] = []
        while len(messages) < limit:
            asked = min(10, limit - len(messages))
            batch = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=asked,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not batch:
                break
            for message in batch:
                count = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
                message.setdefault("Attributes", {})["ApproximateReceiveCount"] = str(count - 1)
                messages.append(message)
            sqs.delete_message_batch(
                QueueUrl=queue_url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
            )
            if len(batch) < asked:
                break
        return messages

    # --- playing Lambda's SQS event source mapping -------------------------------
    def deliver_sqs(
        self,
        queue_url: str,
        *,
        function: str = "handler",
        batch_size: int = 1,
        report_batch_item_failures: bool = False,
        max_batches: int = 200,
        concurrency: int = 1,
        duplicate: bool = False,
    ) -> list[Invocation]:
        """Receive from the queue and call the learner's function with each batch,
        as Lambda's event source mapping does, until a receive returns nothing.

        Succeeded messages are deleted; failed ones are made visible again at
        once (so maxReceiveCount is reached within the run). Stops early when
        the learner's process times out, crashes or lacks the function.

        concurrency=N: N pollers, as Lambda scales out: each round receives up to
        N batches and runs N invocations at the same time (threads in the
        learner's process). duplicate=True: each batch received is handed to all
        N invocations at once (at least 2), as SQS's at-least-once delivery can
        give the same message to two consumers; a message is then deleted if any
        of them succeeded with it. Each invocation is one Invocation; those that
        ran together share a `round`.
        """
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if duplicate:
            concurrency = max(2, concurrency)
        sqs = self.client("sqs")
        if queue_url not in self._queue_arns:
            self._queue_arns[queue_url] = self.queue_arn(queue_url)
        queue_arn = self._queue_arns[queue_url]
        invocations: list[Invocation] = []
        for round_number in range(max_batches):
            batches = []
            for _ in range(1 if duplicate else concurrency):
                with self.trace.acting(trace_module.LAMBDA):
                    messages = sqs.receive_message(
                        QueueUrl=queue_url,
                        MaxNumberOfMessages=max(1, min(10, batch_size)),
                        MessageSystemAttributeNames=["All"],
                        MessageAttributeNames=["All"],
                        WaitTimeSeconds=0,
                    ).get("Messages", [])
                if not messages:
                    break
                batches.append(messages)
            if not batches:
                break
            if duplicate:
                batches = batches * concurrency
            round_invocations = self._invoke_round(function, batches, queue_arn, round_number, report_batch_item_failures)
            invocations.extend(round_invocations)
            self._settle(sqs, queue_url, batches, round_invocations, duplicate)
            if any(i.error is not None and i.error.kind != "exception" for i in round_invocations):
                break
        return invocations

    # --- playing Firehose: transformation and buffered delivery to S3 ----------------
    def deliver_firehose(self, stream_name: str, *, function: str = "transform") -> "firehose_delivery.Delivery":
        """Do what Firehose would have done with `stream_name` by now (the emulator
        clock): invoke the learner's transformation `function` with each Lambda
        buffer that fell due, validate its answers as Firehose does, and write
        each destination and error buffer that fell due to S3. Call it after each
        `advance`; records put since the last call join the buffers at their
        arrival time. Returns what this call did (grader/firehose_delivery.py).
        The stream's state lasts for the run; `function` is read on first use."""
        stream = self._firehose.get(stream_name)
        if stream is None:
            stream = self._firehose[stream_name] = firehose_delivery.FirehoseStream(self, stream_name, function)
        return stream.deliver()

    def _invoke_round(self, function: str, batches: list[list[dict]], queue_arn: str, round_number: int, report_failures: bool) -> list[Invocation]:
        """Call the learner's function once per batch, at the same time when there are several."""
        function_arn = f"arn:aws:lambda:{self.region}:123456789012:function:{function}"
        calls, invocations = [], []
        for messages in batches:
            records = [sqs_record(m, queue_arn=queue_arn, region=self.region) for m in messages]
            context = LambdaContext(
                function_name=function,
                aws_request_id=str(uuid.uuid4()),
                deadline=self.deadline,
                invoked_function_arn=function_arn,
                log_group_name=f"/aws/lambda/{function}",
                log_stream_name=time.strftime("%Y/%m/%d") + "/[$LATEST]" + uuid.uuid4().hex,
            )
            calls.append(({"Records": records}, context))
            invocations.append(
                Invocation(
                    message_ids=[r["messageId"] for r in records],
                    bodies=[r["body"] for r in records],
                    receive_counts=[int(r["attributes"].get("ApproximateReceiveCount", "1")) for r in records],
                    ok=True,
                    round=round_number,
                )
            )
        queue_name = queue_arn.rsplit(":", 1)[-1]
        with contextlib.ExitStack() as open_invocations:
            # Each call is an invocation of its own in the trace: the learner's
            # requests name theirs (the harness's header, one per thread).
            invocation_ids = [
                open_invocations.enter_context(
                    self.trace.invocation(function=function, queue=queue_name, message_ids=i.message_ids, bodies=i.bodies)
                )
                for i in invocations
            ]
            if len(calls) == 1:
                try:
                    outcomes: list[Any] = [self.learner.call(function, *calls[0])]
                except LearnerError as error:
                    outcomes = [error]
            else:
                try:
                    outcomes = self.learner.call_many(function, calls, invocation_ids)
                except LearnerError as error:  # the learner's process is gone: every call of the round failed
                    outcomes = [error] * len(calls)
        for invocation, outcome in zip(invocations, outcomes):
            ids = invocation.message_ids
            if isinstance(outcome, LearnerError):
                invocation.ok, invocation.error, invocation.failed_ids = False, outcome, list(ids)
                continue
            invocation.result = outcome
            if report_failures:
                failed = _batch_failures(outcome, ids)
                invocation.failed_ids = list(ids) if failed is None else failed
                invocation.ok = not invocation.failed_ids
        for invocation in invocations:
            self.trace.invocation_ended(
                invocation.message_ids, function=function, failed_ids=invocation.failed_ids,
                error=invocation.error.describe() if invocation.error is not None else "",
            )
        return invocations

    def _settle(self, sqs, queue_url: str, batches: list[list[dict]], invocations: list[Invocation], duplicate: bool) -> None:
        """Delete what succeeded; make what failed visible again at once."""
        if duplicate:
            # The same batch went to every invocation: it failed only where all of them failed.
            failed_everywhere = set.intersection(*(set(i.failed_ids) for i in invocations))
            outcomes = [(batches[0], failed_everywhere)]
        else:
            outcomes = [(messages, set(i.failed_ids)) for messages, i in zip(batches, invocations)]
        for messages, failed in outcomes:
            done = [m for m in messages if m["MessageId"] not in failed]
            again = [m for m in messages if m["MessageId"] in failed]
            with self.trace.acting(trace_module.LAMBDA):
                self._delete_and_release(sqs, queue_url, done, again)

    @staticmethod
    def _delete_and_release(sqs, queue_url: str, done: list[dict], again: list[dict]) -> None:
        if done:
            sqs.delete_message_batch(
                QueueUrl=queue_url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
            )
        if again:
            sqs.change_message_visibility_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for i, m in enumerate(again)],
            )

    # --- a competing consumer ----------------------------------------------------------
    def compete_sqs(self, queue_url: str, *, name: str = "worker-2", hold_s: int = 30) -> Competitor:
        """Start another worker on the queue (grader/competitor.py): it receives
        whatever is visible each time the emulator clock moves (run.advance, a slow
        call) and on `.poll()`, keeps it in flight `hold_s` seconds and never deletes
        it. `.taken` lists what it got (message_id, body, at, receive_count),
        `.polls` what the queue held at each poll (at, visible, in_flight); `.stop()`."""
        return Competitor(self.client("sqs"), queue_url, name=name, hold_s=hold_s).start()
    def undeliverable(self, name: str) -> list[str]:
        """Why AWS's own services (SNS, EventBridge) could not deliver to the queue or
        topic `name` so far in this run, each reason once, as the trace recorded it:
        "NO_PERMISSIONS: orders's queue policy does not let rule r send (...)".
        For feedback when something the learner set up did not arrive."""
        return self.trace.undeliverable_reasons(name)

    def learner_calls(self, service: str, action: str) -> int:
        """How many times the learner's code has called `action` on `service` so far
        in this run (setup() included; a call boto3 retried counts each attempt)."""
        with self.faults.lock:
            return self.faults.made[(service, action)]

    # --- calling the learner's code as a worker ---------------------------------------
    def invoke(self, function: str, *args: Any, reads: str) -> Any:
        """Call the learner's `function` as a worker process would (a stream consumer's
        loop, say): returns what it returns, raises LearnerError as learner.call does.

        In the trace the call is an invocation whose input is what it reads: each
        Kinesis record it gets from stream `reads` gains a step into the function,
        and what the function sends during the call joins the record it answers
        (as a Lambda handler's sends join its batch). If it fails, the records it
        read and had not answered yet show the failure.
        """
        with self.trace.invocation(function=function, queue="", message_ids=[], bodies=[], source=f"stream:{reads}") as invocation_id:
            try:
                return self.learner.call(function, *args)
            except LearnerError as error:
                self.trace.invocation_failed(invocation_id, error.describe())
                raise

    # --- recording -----------------------------------------------------------------
    def check(self, id: str, title: str, points: float, passed: bool, feedback: str) -> bool:
        """Record a checkpoint (in call order) and return `passed`."""
        if any(c.id == id for c in self.checkpoints):
            raise ValueError(f"checkpoint id {id!r} recorded twice")
        if points <= 0:
            raise ValueError(f"checkpoint {id!r} must be worth some points")
        if not passed and self._not_checked:
            feedback = self._not_checked
        self.checkpoints.append(Checkpoint(id=id, title=title, points=points, passed=bool(passed), feedback=str(feedback)))
        return bool(passed)

    def label(self, message: str, label: str, *, reach=(), avoid=()) -> bool:
        """Name a message the scenario injected, for the trace and the lab page.

        `message` is its MessageId (or EventId), or its body: then the first
        message with that body not named yet (so calling twice with one body
        names a message and then its resend). `reach` and `avoid` are the
        resources (queue, topic, rule, function, stream names; "queue:name"
        where a rule has the same name) it should and should not get to; the
        page marks the message wrong where the trace differs. Returns False
        when no message matches.
        """
        return self.trace.label(str(message), str(label), reach=tuple(reach), avoid=tuple(avoid))


# --- loading and running a grader ------------------------------------------------


def load_grader(
    grader_files: dict[str, str], *, slug: str = "lab", seed: int = 0, codes: dict | None = None
) -> tuple[Callable[[Run], None], dict]:
    """Compile grader.py from its text and draw the inputs of variant `seed`. Raises on a broken grader.
    `codes`: the files compiled already, by name (grader.course_code.unmarshalled)."""
    codes = codes or {}
    source = grader_files.get("grader.py")
    if not source:
        raise ValueError(f"lab {slug} has no grader.py")
    grade = course_function(source, slug=slug, filename="grader.py", name="grade", code=codes.get("grader.py"))
    if grade is None:
        raise ValueError(f"lab {slug}: grader.py defines no grade(run)")
    return grade, variant_inputs(grader_files, seed, slug=slug, code=codes.get("variants.py"))


def run_grader(run: Run, grade: Callable[[Run], None], *, started: float | None = None) -> Verdict:
    """Run `grade(run)` and turn what it recorded into a Verdict (output left to the engine).

    A LearnerError escaping the grader ends the run as the learner's timeout or
    crash; anything else a grader raises is our bug: status "error".
    """
    import logging

    started = time.monotonic() if started is None else started
    verdict = Verdict(faults=run.faults.injected)
    try:
        grade(run)
    except LearnerError as error:
        if error.kind == "timeout":
            verdict.end(Status.TIMEOUT, error.message)
        elif error.kind == "crashed":
            verdict.end(Status.ERROR, error.message)
        else:
            logging.getLogger(__name__).warning("grader let a learner %s error escape: %r", error.kind, error)
            verdict.end(Status.ERROR, f"Your code failed and grading could not go on: {error.describe()}")
    except MemoryError:  # the emulator's memory limit: only what the learner stored can fill it
        verdict.end(Status.ERROR, EMULATOR_FULL)
    except Exception:
        logging.getLogger(__name__).exception("grader raised")
        verdict.end(Status.ERROR, ENGINE_FAILED)
    else:
        if not run.checkpoints:
            verdict.end(Status.ERROR, ENGINE_FAILED)
    if run.setup_error is not None and run.setup_error.phase == "import" and not verdict.ended:
        verdict.error = load_failed_message(run.setup_error)  # once, beside checkpoints that say "not checked"
    verdict.checkpoints = list(run.checkpoints)
    verdict.trace = run.trace.export()
    verdict.duration_ms = int((time.monotonic() - started) * 1000)
    return verdict
