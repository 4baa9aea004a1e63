"""The grader's Firehose: a DirectPut stream's transformation and buffered delivery to S3.

moto stores a Firehose stream's configuration but runs no Lambda and does not
buffer; grader/emulator/moto_fixes/firehose_buffering.py makes a stream to S3
keep what it receives. This module plays the rest, as `Run.deliver_sqs`
plays Lambda's SQS trigger, following AWS's documented behaviour
(firehose/latest/dev: data-transformation, data-transformation-status-model,
data-transformation-failure-handling, s3-prefixes, s3-object-name;
API_BufferingHints):

- With a `Lambda` processor enabled, records wait in the Lambda buffer until
  it holds `BufferSizeInMBs` (default 1 MB) or `BufferIntervalInSeconds`
  (default 60) have passed since its first record, whichever comes first;
  then the function is invoked with the batch: `{"invocationId",
  "deliveryStreamArn", "region", "records": [{"recordId",
  "approximateArrivalTimestamp", "data"}]}`, data base64.
- A function that raises (or times out) is invoked again `NumberOfRetries`
  times (default 3); then every record of the batch failed
  (`Lambda.FunctionError`). A response that is not `{"records": [...]}` fails
  the whole batch (`Lambda.JsonProcessingException`), and so does a record id
  returned twice (`Lambda.DuplicatedRecordId`).
- Otherwise each record is judged on its own: a record id not returned
  failed (`Lambda.MissingRecordId`); a returned record needs `result` (`Ok`,
  `Dropped` or `ProcessingFailed`) and `data` as base64, or it failed
  (`Lambda.JsonProcessingException`); ids that were not in the batch are
  ignored (and reported as a problem). `ProcessingFailed` records are failed
  records (`Lambda.ProcessingFailedStatus`); `Dropped` ones are gone.
- `Ok` data (with an `AppendDelimiterToRecord` processor, plus its
  delimiter, default a newline) enters the destination buffer; failed records
  enter the error buffer, each as a JSON line `{"attemptsMade",
  "arrivalTimestamp", "errorCode", "errorMessage", "attemptEndingTimestamp",
  "rawData" (the original data, base64), "lambdaArn"}`. Firehose adds no
  delimiter of its own between records.
- A buffer becomes one S3 object once it holds `SizeInMBs` MiB, or
  `IntervalInSeconds` after its first record entered it (BufferingHints;
  defaults 5 MiB and 300 s). Keys are `<evaluated prefix><stream>-<version>-
  <yyyy-MM-dd-HH-mm-ss>-<uuid>`; the prefix's `!{timestamp:...}` uses the
  arrival time of the oldest record in the object (UTC, Java DateTimeFormatter
  letters), `!{firehose:error-output-type}` is `processing-failed`, and a
  prefix without a timestamp expression gets `yyyy/MM/dd/HH/` appended (an
  absent ErrorOutputPrefix is `<Prefix>processing-failed/yyyy/MM/dd/HH/`).

Everything happens at the emulator-clock time it would have happened at, up
to `run.now()`: call `deliver` after each `run.advance`. Nothing is retried
against S3 (a missing bucket is reported as a problem and the object is lost).
"""

import base64
import binascii
import datetime
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from grader import trace as trace_module
from grader.trace import DELIVERED, DROPPED, FAILED, INVOKED, TRANSFORMED, Hop

MIB = 1024 * 1024
RESULTS = ("Ok", "Dropped", "ProcessingFailed")
ERROR_TYPE = "processing-failed"
ACCOUNT = "123456789012"
_EXPRESSION = re.compile(r"!\{([A-Za-z]+):([^}]*)\}")
FUNCTION_ERROR = "The Lambda function was successfully invoked but it returned an error result."


def trace_id(stream: str, record_id: str) -> str:
    """The trace's id of a record put to a Firehose stream (trace_hooks/firehose.py)."""
    return f"firehose:{stream}:{record_id}"


# --- prefixes -----------------------------------------------------------------------------


def java_time_format(pattern: str, when: datetime.datetime) -> str:
    """The part of Java's DateTimeFormatter that prefixes use: y/u, Y (week-based
    year), M, d, D (day of year), H, h, m, s, 'quoted literals'. Other letters
    stay as they are."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            end = pattern.find("'", i + 1)
            end = len(pattern) if end < 0 else end
            out.append(pattern[i + 1:end] if end > i + 1 else "'")
            i = end + 1
            continue
        run = 1
        while i + run < len(pattern) and pattern[i + run] == char:
            run += 1
        values = {
            "y": when.year, "u": when.year, "Y": when.isocalendar()[0], "M": when.month, "d": when.day,
            "D": when.timetuple().tm_yday, "H": when.hour, "h": (when.hour % 12) or 12, "m": when.minute, "s": when.second,
        }
        if char in values:
            value = values[char]
            out.append(f"{value % 100:02d}" if char in "yuY" and run == 2 else f"{value:0{run}d}")
        else:
            out.append(char * run)
        i += run
    return "".join(out)


def evaluate_prefix(prefix: str, when: datetime.datetime, *, error_type: str | None = None) -> str:
    """A Prefix or ErrorOutputPrefix as Firehose evaluates it at `when` (the oldest record's arrival)."""
    def expression(match: re.Match) -> str:
        namespace, value = match.group(1), match.group(2)
        if namespace == "timestamp":
            return java_time_format(value, when)
        if namespace == "firehose" and value == "error-output-type":
            return error_type or ""
        if namespace == "firehose" and value == "random-string":
            return secrets.token_hex(6)[:11]
        return ""

    evaluated = _EXPRESSION.sub(expression, prefix)
    if "!{timestamp:" not in prefix:
        evaluated += when.strftime("%Y/%m/%d/%H/")
    return evaluated


def static_head(prefix: str) -> str:
    """The folders of a prefix before its first expression ("clicks/" of "clicks/dt=!{...}/")."""
    head = prefix.split("!{", 1)[0]
    return head[: head.rfind("/") + 1] if "/" in head else head


# --- what a delivery did --------------------------------------------------------------------


@dataclass
class TransformInvocation:
    """One batch handed to the transformation function (with its retries)."""

    record_ids: list[str]
    at: float  # emulator time of the invocation
    attempts: int = 1
    error: Any = None  # the LearnerError of the last attempt, if every attempt raised
    results: dict[str, str] = field(default_factory=dict)  # record id -> Ok / Dropped / ProcessingFailed (after validation)
    error_codes: dict[str, str] = field(default_factory=dict)  # record id -> why it failed
    problems: list[str] = field(default_factory=list)  # what was wrong with the response, in words
    response: Any = None


@dataclass
class DeliveredObject:
    bucket: str
    key: str
    kind: str  # "delivered" or "processing-failed"
    record_ids: list[str]
    at: float  # emulator time it was written
    body: bytes = b""


@dataclass
class Delivery:
    """What one `deliver` call did."""

    invocations: list[TransformInvocation] = field(default_factory=list)
    objects: list[DeliveredObject] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Item:
    record_id: str
    raw: bytes  # the record as put
    arrival: float
    payload: bytes = b""  # what goes into the object


@dataclass
class _Buffer:
    items: list[_Item] = field(default_factory=list)
    opened: float = 0.0
    size: int = 0

    def add(self, item: _Item, at: float, size: int) -> None:
        if not self.items:
            self.opened = at
        self.items.append(item)
        self.size += size


# --- the stream --------------------------------------------------------------------------------


class FirehoseStream:
    """The delivery of one stream across a run's `deliver` calls."""

    def __init__(self, run, name: str, function: str):
        self.run, self.name, self.function = run, name, function
        self.lambda_buffer, self.destination, self.errors = _Buffer(), _Buffer(), _Buffer()

    # configuration, read afresh at each call (moto's stored copy)
    def _config(self) -> tuple[Any, dict]:
        from moto.firehose.models import firehose_backends

        from grader.emulator.moto_fixes.firehose_buffering import s3_destination, stream_named

        stream = stream_named(firehose_backends[ACCOUNT][self.run.region], self.name)
        return stream, s3_destination(stream) or {}

    @staticmethod
    def _processors(config: dict) -> tuple[dict | None, str | None]:
        """(the Lambda processor's parameters, or None; the delimiter to append, or None)."""
        processing = config.get("ProcessingConfiguration") or {}
        if not processing.get("Enabled"):
            return None, None
        lambda_params, delimiter = None, None
        for processor in processing.get("Processors") or []:
            params = {p.get("ParameterName"): p.get("ParameterValue") for p in processor.get("Parameters") or []}
            if processor.get("Type") == "Lambda":
                lambda_params = params
            elif processor.get("Type") == "AppendDelimiterToRecord":
                delimiter = params.get("Delimiter", "\\n").encode().decode("unicode_escape")
        return lambda_params, delimiter

    def deliver(self) -> Delivery:
        from grader.emulator.moto_fixes.firehose_buffering import take_pending

        stream, config = self._config()
        self.stream_arn, self.version = stream.delivery_stream_arn, stream.version_id
        self.config = config
        self.lambda_params, self.delimiter = self._processors(config)
        hints = config.get("BufferingHints") or {}
        self.size_limit = int(hints.get("SizeInMBs", 5)) * MIB
        self.interval = int(hints.get("IntervalInSeconds", 300))
        if self.lambda_params is not None:
            self.lambda_size = float(self.lambda_params.get("BufferSizeInMBs") or 1) * MIB
            self.lambda_interval = float(self.lambda_params.get("BufferIntervalInSeconds") or 60)
            self.retries = int(self.lambda_params.get("NumberOfRetries") or 3)
        done = Delivery()
        now = self.run.now()
        for record in sorted(take_pending(stream), key=lambda r: r["arrival"]):
            self._catch_up(record["arrival"], done)
            item = _Item(record["record_id"], record["data"], record["arrival"])
            if self.lambda_params is None:
                item.payload = item.raw + (self.delimiter.encode() if self.delimiter else b"")
                self._to_buffer(self.destination, item, record["arrival"], done, "delivered")
            else:
                self.lambda_buffer.add(item, record["arrival"], len(item.raw))
                if self.lambda_buffer.size >= self.lambda_size:
                    self._invoke(record["arrival"], done)
        self._catch_up(now, done)
        return done

    def _catch_up(self, until: float, done: Delivery) -> None:
        """Do, in time order, everything that falls due up to `until`."""
        while True:
            due = []
            if self.lambda_buffer.items:
                due.append((self.lambda_buffer.opened + self.lambda_interval, "lambda"))
            for buffer, kind in ((self.destination, "delivered"), (self.errors, ERROR_TYPE)):
                if buffer.items:
                    due.append((buffer.opened + self.interval, kind))
            due = [d for d in due if d[0] <= until]
            if not due:
                return
            at, what = min(due)
            if what == "lambda":
                self._invoke(at, done)
            else:
                self._write(self.destination if what == "delivered" else self.errors, what, at, done)

    def _to_buffer(self, buffer: _Buffer, item: _Item, at: float, done: Delivery, kind: str) -> None:
        buffer.add(item, at, len(item.payload))
        if buffer.size >= self.size_limit:
            self._write(buffer, kind, at, done)

    # the transformation Lambda
    def _invoke(self, at: float, done: Delivery) -> None:
        from grader.run import LambdaContext, LearnerError

        items, self.lambda_buffer = self.lambda_buffer.items, _Buffer()
        lambda_arn = str(self.lambda_params.get("LambdaArn") or "")
        invocation = TransformInvocation(record_ids=[i.record_id for i in items], at=at)
        done.invocations.append(invocation)
        event = {
            "invocationId": str(uuid.uuid4()),
            "deliveryStreamArn": self.stream_arn,
            "region": self.run.region,
            "records": [
                {"recordId": i.record_id, "approximateArrivalTimestamp": int(i.arrival * 1000), "data": base64.b64encode(i.raw).decode()}
                for i in items
            ],
        }
        function = lambda_arn.split(":function:", 1)[-1].split(":", 1)[0] if ":function:" in lambda_arn else ""
        for item in items:
            self.run.trace.step(trace_id(self.name, item.record_id),
                                Hop(INVOKED, function or lambda_arn or "?", kind="function", source=f"stream:{self.name}", by=trace_module.AWS))
        if function != self.function:
            code = "Lambda.ResourceNotFound"
            invocation.problems.append(f"the stream's Lambda processor names {lambda_arn or 'no function'}, not your {self.function} function")
            failures = {i.record_id: code for i in items}
        else:
            failures = None
            for attempt in range(1 + self.retries):
                invocation.attempts = attempt + 1
                context = LambdaContext(
                    function_name=function, aws_request_id=str(uuid.uuid4()), deadline=self.run.deadline,
                    invoked_function_arn=lambda_arn, log_group_name=f"/aws/lambda/{function}",
                    log_stream_name=time.strftime("%Y/%m/%d") + "/[$LATEST]" + uuid.uuid4().hex,
                )
                try:
                    invocation.response = self.run.learner.call(function, event, context)
                    invocation.error = None
                    break
                except LearnerError as error:
                    invocation.error = error
                    if error.kind != "exception":
                        break  # timed out, crashed or missing: no point asking again
            if invocation.error is not None:
                invocation.problems.append(f"{function}() failed: {invocation.error.describe()}")
                failures = {i.record_id: "Lambda.FunctionError" for i in items}
            else:
                failures = self._judge(invocation, items)
        by_id = {i.record_id: i for i in items}
        outputs = {}
        if isinstance(invocation.response, dict) and isinstance(invocation.response.get("records"), list):
            outputs = {r.get("recordId"): r for r in invocation.response["records"] if isinstance(r, dict)}
        end = self.run.now()
        for record_id, item in by_id.items():
            tid = trace_id(self.name, record_id)
            code = failures.get(record_id)
            if code is None and invocation.results.get(record_id) == "Ok":
                data = base64.b64decode(outputs[record_id]["data"])
                item.payload = data + (self.delimiter.encode() if self.delimiter else b"")
                self.run.trace.step(tid, Hop(TRANSFORMED, function, kind="function", detail=_text(item.payload), by=trace_module.LEARNER))
                self._to_buffer(self.destination, item, at, done, "delivered")
            elif code is None:
                invocation.results.setdefault(record_id, "Dropped")
                self.run.trace.step(tid, Hop(DROPPED, function, kind="function", detail="Dropped", by=trace_module.LEARNER))
            else:
                invocation.results[record_id] = "ProcessingFailed"
                invocation.error_codes[record_id] = code
                self.run.trace.step(tid, Hop(FAILED, function or "?", kind="function", detail=code, by=trace_module.LEARNER))
                message = FUNCTION_ERROR if code == "Lambda.FunctionError" else _MESSAGES.get(code, code)
                item.payload = (json.dumps({
                    "attemptsMade": invocation.attempts,
                    "arrivalTimestamp": int(item.arrival * 1000),
                    "errorCode": code,
                    "errorMessage": message,
                    "attemptEndingTimestamp": int(end * 1000),
                    "rawData": base64.b64encode(item.raw).decode(),
                    "lambdaArn": lambda_arn,
                }) + "\n").encode()
                self._to_buffer(self.errors, item, at, done, ERROR_TYPE)

    def _judge(self, invocation: TransformInvocation, items: list[_Item]) -> dict[str, str]:
        """Validate the response as Firehose does: record id -> error code of each failed record."""
        ids = [i.record_id for i in items]
        response = invocation.response
        if not isinstance(response, dict) or not isinstance(response.get("records"), list):
            invocation.problems.append(f'the function must return {{"records": [...]}}; it returned {_short(response)}')
            return dict.fromkeys(ids, "Lambda.JsonProcessingException")
        returned = [r.get("recordId") if isinstance(r, dict) else None for r in response["records"]]
        twice = sorted({str(r) for r in returned if r is not None and returned.count(r) > 1})
        if twice:
            invocation.problems.append(f"record id {twice[0]} was returned more than once")
            return dict.fromkeys(ids, "Lambda.DuplicatedRecordId")
        failures = {}
        strangers = [r for r in returned if r not in ids]
        if strangers:
            invocation.problems.append(
                f"{len(strangers)} returned record(s) had a recordId that was not in the batch ({_short(strangers[0])})"
            )
        outputs = {r["recordId"]: r for r in response["records"] if isinstance(r, dict) and r.get("recordId") in ids}
        for record_id in ids:
            output = outputs.get(record_id)
            if output is None:
                failures[record_id] = "Lambda.MissingRecordId"
                continue
            result, data = output.get("result"), output.get("data")
            if result not in RESULTS:
                failures[record_id] = "Lambda.JsonProcessingException"
                invocation.problems.append(f"record {record_id[-6:]}: result must be Ok, Dropped or ProcessingFailed; it was {_short(result)}")
                continue
            if not _is_base64(data):
                failures[record_id] = "Lambda.JsonProcessingException"
                invocation.problems.append(f"record {record_id[-6:]}: data must be base64; it was {_short(data)}")
                continue
            invocation.results[record_id] = result
            if result == "ProcessingFailed":
                failures[record_id] = "Lambda.ProcessingFailedStatus"
        missing = [r for r in ids if failures.get(r) == "Lambda.MissingRecordId"]
        if missing:
            invocation.problems.append(f"{len(missing)} of the {len(ids)} record ids of the batch were not returned")
        return failures

    # S3
    def _write(self, buffer: _Buffer, kind: str, at: float, done: Delivery) -> None:
        items = buffer.items
        if buffer is self.destination:
            self.destination = _Buffer()
        else:
            self.errors = _Buffer()
        if not items:
            return
        oldest = datetime.datetime.fromtimestamp(min(i.arrival for i in items), datetime.UTC)
        prefix = self.config.get("Prefix") or ""
        if kind == ERROR_TYPE:
            error_prefix = self.config.get("ErrorOutputPrefix")
            evaluated = (evaluate_prefix(error_prefix, oldest, error_type=ERROR_TYPE) if error_prefix
                         else evaluate_prefix(prefix + ERROR_TYPE + "/", oldest))
        else:
            evaluated = evaluate_prefix(prefix, oldest)
        written = datetime.datetime.fromtimestamp(at, datetime.UTC)
        key = f"{evaluated}{self.name}-{self.version}-{written.strftime('%Y-%m-%d-%H-%M-%S')}-{uuid.uuid4()}"
        bucket = str(self.config.get("BucketARN", "")).rsplit(":", 1)[-1]
        body = b"".join(i.payload for i in items)
        try:
            with self.run.trace.acting(trace_module.AWS):
                self.run.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
        except Exception as exc:  # a missing bucket: AWS would retry; here the object is lost and said so
            done.problems.append(f"could not write s3://{bucket}/{key}: {exc}")
            return
        store = f"{bucket}/{static_head(self.config.get('ErrorOutputPrefix') or prefix + ERROR_TYPE + '/' if kind == ERROR_TYPE else prefix)}"
        for item in items:
            self.run.trace.step(trace_id(self.name, item.record_id),
                                Hop(DELIVERED, store, kind="store", source=f"function:{self.function}" if self.lambda_params is not None else f"stream:{self.name}",
                                    detail=key, by=trace_module.AWS))
        done.objects.append(DeliveredObject(bucket, key, kind, [i.record_id for i in items], at, body))


_MESSAGES = {
    "Lambda.ResourceNotFound": "The specified Lambda function does not exist. Use a different function that does exist.",
    "Lambda.JsonProcessingException": "There was an error parsing returned records from the Lambda function. Ensure that the returned records follow the status model required by Firehose.",
    "Lambda.DuplicatedRecordId": "Multiple records were returned with the same record ID. Ensure that the Lambda function returns unique record IDs for each record.",
    "Lambda.MissingRecordId": "One or more record IDs were not returned. Ensure that the Lambda function returns all received record IDs.",
    "Lambda.ProcessingFailedStatus": "ProcessingFailed status set for record",
}


def _is_base64(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        base64.b64decode(value, validate=True)
        return True
    except (binascii.Error, ValueError):
        return False


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return (text[:60] + "...") if len(text) > 60 else text


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return repr(data)[:200]
