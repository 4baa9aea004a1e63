"""Grade a submission in this process, with no sandbox.

For tests of graders and for the cold baseline of bench/grading.py: the caller
has entered moto's `mock_aws()`. The learner module is imported here, with the
environment boto3 reads pointed at dummy credentials and us-east-1, so the
learner's `boto3.client("sqs")` lands on the same mocked backends as the
grader's clients. It runs the same Run and grader as the sandboxed engine;
only the transport (direct calls) and the client factory differ.

Never use this for code you do not trust: it has no limits and no isolation.
"""

import contextlib
import datetime
import io
import json
import linecache
import os
import threading
import time
import types
from typing import Any

from grader import trace
from grader.emulator import clock, faults, trace_hooks
from grader.local_clients import REGION
from grader.run import LambdaContext, LearnerError, Run, call_setup, load_grader, run_grader
from grader.verdict import OUTPUT_CAP, Verdict, cap_output

LEARNER_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


class _Output(io.TextIOBase):
    """stdout and stderr merged, keeping no more than the cap (plus one byte to know it was cut)."""

    def __init__(self, cap: int):
        self.cap, self.parts, self.size = cap, [], 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = self.cap + 1 - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(len(text), room)
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


def _json_roundtrip(value: Any) -> Any:
    """What the sandbox's wire does to values: JSON in, JSON out."""
    return json.loads(json.dumps(value, default=str))


class InProcessLearner:
    """The learner's module, called directly. Same interface as the sandbox transport."""

    def __init__(self, module: types.ModuleType | None, output: _Output):
        self.module, self.output = module, output

    def has(self, name: str) -> bool:
        return self.module is not None and callable(getattr(self.module, name, None))

    def call(self, name: str, *args: Any) -> Any:
        if not self.has(name):
            raise LearnerError("missing", f"Your code does not define a function called {name}().")
        function = getattr(self.module, name)
        wire_args = [arg if isinstance(arg, LambdaContext) else _json_roundtrip(arg) for arg in args]
        with _as_learner(), contextlib.redirect_stdout(self.output), contextlib.redirect_stderr(self.output), _learner_time(), faults.learner_calls():
            try:
                result = function(*wire_args)
            except Exception as exc:
                error = LearnerError.from_exception(exc, skip_frames=1)
                self.output.write(error.traceback)  # as Lambda would log it
                raise error from None
        try:
            return _json_roundtrip(result)
        except (TypeError, ValueError) as exc:
            raise LearnerError("exception", f"{name}() returned a value that is not JSON: {exc}", exc_type="TypeError") from None

    def call_many(self, name: str, calls: list[tuple], invocations: list[str | None] | None = None) -> list[Any]:
        """Each call in a thread of its own, released together, as the harness does;
        call i's AWS requests are part of the trace's invocations[i]."""
        if not self.has(name):
            raise LearnerError("missing", f"Your code does not define a function called {name}().")
        outcomes: list[Any] = [None] * len(calls)
        start = threading.Barrier(len(calls))
        invocations = list(invocations or []) + [None] * len(calls)
        recorder = trace.active()

        def one(index: int, args: tuple) -> None:
            try:
                start.wait(5)
            except threading.BrokenBarrierError:
                pass  # a thread was slow to start: run anyway, as the harness does
            acting = recorder.acting(trace.LEARNER, invocations[index]) if recorder is not None else contextlib.nullcontext()
            with faults.learner_calls(), acting:  # both thread-local: mark each invocation's thread
                try:
                    outcomes[index] = self._call_quietly(name, args)
                except LearnerError as error:
                    outcomes[index] = error
            holds.returned(invocations[index])  # as the harness's Returned frame

        holds = faults.current().holds
        holds.round_started(invocations[: len(calls)])
        with contextlib.redirect_stdout(self.output), contextlib.redirect_stderr(self.output), _learner_time():
            threads = [threading.Thread(target=one, args=(i, args)) for i, args in enumerate(calls)]
            try:
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            finally:
                holds.round_ended()
        return outcomes

    def _call_quietly(self, name: str, args: tuple) -> Any:
        """call() without redirecting output (redirect_stdout is process-wide, not per thread)."""
        function = getattr(self.module, name)
        wire_args = [arg if isinstance(arg, LambdaContext) else _json_roundtrip(arg) for arg in args]
        try:
            result = function(*wire_args)
        except Exception as exc:
            error = LearnerError.from_exception(exc, skip_frames=1)
            self.output.write(error.traceback)
            raise error from None
        try:
            return _json_roundtrip(result)
        except (TypeError, ValueError) as exc:
            raise LearnerError("exception", f"{name}() returned a value that is not JSON: {exc}", exc_type="TypeError") from None


class _EmulatorDatetime(datetime.datetime):
    """datetime.now() and utcnow() on the emulator clock, as the harness gives the learner."""

    @classmethod
    def now(cls, tz=None):
        return super().now(tz) + datetime.timedelta(seconds=clock.offset())

    @classmethod
    def utcnow(cls):
        return super().utcnow() + datetime.timedelta(seconds=clock.offset())


# boto3's wait before a retry, skipped as the harness skips it (_retry_at_once):
# no failure in the emulator clears with wall-clock time.
_RETRY_AT_ONCE = types.SimpleNamespace(sleep=lambda seconds: None)


@contextlib.contextmanager
def _learner_time():
    """While the learner's code runs, time.time() and datetime.now() follow the
    emulator clock, as the harness makes them in the sandbox; a module that did
    `from datetime import datetime` at import keeps the emulator's class; and
    boto3 retries a failed call without waiting.
    (grader.emulator.clock keeps its own reference to the wall clock.)"""
    from botocore import endpoint

    wall_time, wall_time_ns, wall_datetime, sdk_time = time.time, time.time_ns, datetime.datetime, endpoint.time
    # Read live: the clock may move during the call (a slow call), as the harness follows it too.
    time.time = lambda: wall_time() + clock.offset()
    time.time_ns = lambda: wall_time_ns() + int(clock.offset() * 1e9)
    datetime.datetime = _EmulatorDatetime
    endpoint.time = _RETRY_AT_ONCE
    try:
        yield
    finally:
        time.time, time.time_ns, datetime.datetime, endpoint.time = wall_time, wall_time_ns, wall_datetime, sdk_time


def _as_learner():
    """In this process the learner's calls reach moto on the grader's own thread:
    mark them the learner's, inside the invocation the Run is in (if any)."""
    recorder = trace.active()
    if recorder is None:
        return contextlib.nullcontext()
    return recorder.acting(trace.LEARNER, recorder.current_invocation_id())


@contextlib.contextmanager
def _learner_environment():
    saved = {key: os.environ.get(key) for key in (*LEARNER_ENV, "AWS_ENDPOINT_URL")}
    os.environ.update(LEARNER_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)  # mock_aws intercepts the real endpoints
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _import_learner(code: str, output: _Output) -> tuple[types.ModuleType | None, LearnerError | None]:
    module = types.ModuleType("submission")
    module.__file__ = "submission.py"
    # Tracebacks then quote the learner's own lines, as they would in a file.
    linecache.cache["submission.py"] = (len(code), None, code.splitlines(keepends=True), "submission.py")
    with _as_learner(), contextlib.redirect_stdout(output), contextlib.redirect_stderr(output), faults.learner_calls(), _learner_time():
        try:
            exec(compile(code, "submission.py", "exec"), module.__dict__)
        except Exception as exc:
            error = LearnerError.from_exception(exc, skip_frames=1)
            error.phase = "import"
            output.write(error.traceback)
            return None, error
    return module, None


def grade_in_process(lab_dict: dict, code: str) -> Verdict:
    """lab_dict = {"slug", "time_limit_s", "grader_files"} and optionally "seed" (the variant, 0 by default).

    Precondition: moto's mock_aws() is active in this thread.
    """
    started = time.monotonic()
    trace_hooks.apply()  # moto_fixes, then the trace's hooks on the fixed methods
    clock.reset()
    recorder = trace.Recorder()
    trace.activate(recorder)
    output = _Output(cap=OUTPUT_CAP)
    grade, inputs = load_grader(lab_dict["grader_files"], slug=lab_dict.get("slug", "lab"), seed=lab_dict.get("seed", 0))
    with _learner_environment():
        module, setup_error = _import_learner(code, output)
        learner = InProcessLearner(module, output)
        run = Run(
            learner=learner,
            inputs=inputs,
            setup_error=call_setup(learner, setup_error) if module is not None else setup_error,
            time_limit_s=lab_dict.get("time_limit_s") or 20,
            trace=recorder,
        )
        verdict = run_grader(run, grade, started=started)
    verdict.output = cap_output(output.getvalue())
    verdict.duration_ms = int((time.monotonic() - started) * 1000)
    return verdict


