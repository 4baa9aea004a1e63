"""Every message between the worker, the emulator child and the harness.

Frames on the engine's local sockets are a 4-byte big-endian length, then
JSON. Each message is a dataclass with `to_wire()` and `from_wire()`; a frame
that does not decode as the message expected raises ProtocolError.

Worker <-> emulator child (the control connection, grader/emulator/pool.py):
    worker -> Prepare          child -> Ready       (emulator.sock and rpc.sock listen)
    worker -> Job              child -> Result      (then the child exits)
Emulator child <-> harness (rpc.sock, grader/emulator/child.py):
    harness -> HarnessReady    child -> HarnessLimits
    child -> Load | Has | Call     harness -> Ok | Failure   (repeated)
    child -> CallMany              harness -> Returned (one per call, as each returns), then
                                   Ok([Ok | Failure as wire dicts, ...])

The harness (grader/harness/main.py) runs inside the sandbox, where this
repository is not visible: it repeats the framing and writes these shapes as
plain dicts. tests/grader/test_protocol.py checks that both sides agree.

Decoding ignores keys it does not know, so a field can be added without
breaking a peer that does not send it yet. A verdict's `trace` is typed like
the rest (grader.trace.TraceEntry and Hop).
"""

import json
import socket
import struct
from dataclasses import dataclass, field
from typing import Any, TypeVar

from grader.run import LambdaContext
from grader.trace import Hop, TraceEntry
from grader.verdict import Checkpoint, Status, Verdict

MAX_MESSAGE = 64 * 1024 * 1024  # a verdict or a call's arguments never come close
LAMBDA_CONTEXT_KEY = "__lambda_context__"


class ProtocolError(ValueError):
    """A frame that is not the message expected: from the sandbox, only the learner's code writes those."""


# --- framing -------------------------------------------------------------------
def encode_frame(data: Any) -> bytes:
    """JSON in UTF-8. Not ASCII with \\u escapes: a lab's megabyte of
    multi-byte text (claim-check's) took six bytes a character that way, and
    four times as long to encode and decode. A string holding a lone
    surrogate, which UTF-8 cannot carry, falls back to the escapes."""
    try:
        return json.dumps(data, default=str, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return json.dumps(data, default=str).encode()


def send_frame(sock: socket.socket, data: Any) -> None:
    payload = encode_frame(data)
    sock.sendall(struct.pack(">I", len(payload)) + payload)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> Any:
    """Raises EOFError when the peer closed, ProtocolError for a frame too large or not JSON."""
    (size,) = struct.unpack(">I", _recv_exact(sock, 4))
    if size > MAX_MESSAGE:
        raise ProtocolError(f"message of {size} bytes is too large")
    try:
        return json.loads(_recv_exact(sock, size))
    except ValueError as exc:
        raise ProtocolError(f"frame is not JSON: {exc}") from None


# --- field checks --------------------------------------------------------------
def _object(data: Any, what: str) -> dict:
    if not isinstance(data, dict):
        raise ProtocolError(f"{what}: expected an object, got {type(data).__name__}")
    return data


def _field(data: dict, key: str, kind: type | tuple, what: str, default: Any = ...) -> Any:
    if key not in data:
        if default is ...:
            raise ProtocolError(f"{what}: missing {key!r}")
        return default
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float, (int, float))):
        raise ProtocolError(f"{what}: {key!r} has the wrong type ({type(value).__name__})")
    return value


# --- worker <-> emulator child ---------------------------------------------------
@dataclass
class Prepare:
    """Serve one run from run_dir; memory_mib caps the child's address space.

    The child seals itself (grader.emulator.seal) as `uid`, with a private /tmp
    of disk_mib MiB and disk_files files for what moto spools.
    """

    dir: str
    memory_mib: int | None = None
    uid: int = 65533
    disk_mib: int = 256
    disk_files: int = 4096

    def to_wire(self) -> dict:
        return {
            "op": "prepare", "dir": self.dir, "memory_mib": self.memory_mib,
            "uid": self.uid, "disk_mib": self.disk_mib, "disk_files": self.disk_files,
        }

    @classmethod
    def from_wire(cls, data: Any) -> "Prepare":
        data = _object(data, "prepare")
        return cls(
            dir=_field(data, "dir", str, "prepare"),
            memory_mib=_field(data, "memory_mib", (int, type(None)), "prepare", None),
            uid=_field(data, "uid", int, "prepare", 65533),
            disk_mib=_field(data, "disk_mib", int, "prepare", 256),
            disk_files=_field(data, "disk_files", int, "prepare", 4096),
        )


@dataclass
class Ready:
    """The child's emulator.sock and rpc.sock listen; offline: it has a network
    namespace of its own; sealed: also its own root, uid and capped /tmp."""

    pid: int
    offline: bool = False
    sealed: bool = False

    def to_wire(self) -> dict:
        return {"ready": True, "pid": self.pid, "offline": self.offline, "sealed": self.sealed}

    @classmethod
    def from_wire(cls, data: Any) -> "Ready":
        data = _object(data, "ready")
        return cls(pid=_field(data, "pid", int, "ready"), offline=bool(data.get("offline")), sealed=bool(data.get("sealed")))


@dataclass
class Job:
    """Grade `code` with the lab's grader; limits are what the harness applies (Limits.for_harness()).

    services: the lab's declared services (lab.yaml), the only ones the
    emulator serves besides IAM and STS; None: every service a lab may declare.
    """

    slug: str
    time_limit_s: float
    grader_files: dict[str, str]
    code: str
    limits: dict
    time_limit_message: str
    services: list[str] | None = None
    seed: int = 0  # the variant: grader.variants
    compiled: str = ""  # grader_files' Python, compiled by the worker (grader.course_code.marshalled)
    cpu: int | None = None  # the CPU the run's processes share (grader.cores); None: wherever the kernel puts them

    def to_wire(self) -> dict:
        return {
            "op": "grade", "slug": self.slug, "time_limit_s": self.time_limit_s, "grader_files": self.grader_files,
            "code": self.code, "limits": self.limits, "time_limit_message": self.time_limit_message,
            "services": self.services, "seed": self.seed, "compiled": self.compiled, "cpu": self.cpu,
        }

    @classmethod
    def from_wire(cls, data: Any) -> "Job":
        data = _object(data, "job")
        return cls(
            slug=_field(data, "slug", str, "job"),
            time_limit_s=float(_field(data, "time_limit_s", (int, float), "job")),
            grader_files=_field(data, "grader_files", dict, "job"),
            code=_field(data, "code", str, "job"),
            limits=_field(data, "limits", dict, "job"),
            time_limit_message=_field(data, "time_limit_message", str, "job"),
            services=_field(data, "services", (list, type(None)), "job", None),
            seed=_field(data, "seed", int, "job", 0),
            compiled=_field(data, "compiled", str, "job", ""),
            cpu=_field(data, "cpu", (int, type(None)), "job", None),
        )


@dataclass
class LearnerEnd:
    """How the learner's process ended, as the emulator child saw it.

    limit: "time" or the harness's limit name when one was hit; crashed: the
    channel closed under it, or the harness never said it was ready. The
    worker reads the sandbox's exit code only when one of these says so.
    """

    limit: str | None = None
    crashed: bool = False

    @property
    def died(self) -> bool:
        return self.crashed or self.limit not in (None, "time")


def verdict_to_wire(verdict: Verdict) -> dict:
    """A verdict's own fields, not its derived status and score: the receiver derives them the same way."""
    return {
        "checkpoints": [c.to_dict() for c in verdict.checkpoints],
        "trace": [entry.to_dict() for entry in verdict.trace],
        "output": verdict.output,
        "duration_ms": verdict.duration_ms,
        "error": verdict.error,
        "ended": verdict.ended.value if verdict.ended else None,
        "faults": verdict.faults,
    }


def verdict_from_wire(data: Any) -> Verdict:
    data = _object(data, "verdict")
    checkpoints = []
    for raw in _field(data, "checkpoints", list, "verdict"):
        raw = _object(raw, "checkpoint")
        checkpoints.append(
            Checkpoint(
                id=_field(raw, "id", str, "checkpoint"),
                title=_field(raw, "title", str, "checkpoint"),
                points=_field(raw, "points", (int, float), "checkpoint"),
                passed=_field(raw, "passed", bool, "checkpoint"),
                feedback=_field(raw, "feedback", str, "checkpoint"),
            )
        )
    ended = _field(data, "ended", (str, type(None)), "verdict", None)
    if ended is not None and ended not in (Status.ERROR, Status.TIMEOUT):
        raise ProtocolError(f"verdict: a run cannot end as {ended!r}")
    return Verdict(
        checkpoints=checkpoints,
        trace=[_trace_entry(raw) for raw in _field(data, "trace", list, "verdict", [])],
        output=_field(data, "output", str, "verdict", ""),
        duration_ms=_field(data, "duration_ms", int, "verdict", 0),
        error=_field(data, "error", str, "verdict", ""),
        ended=Status(ended) if ended else None,
        faults=_field(data, "faults", list, "verdict", None) or [],
    )


_HOP_TEXT = ("kind", "source", "detail", "by", "clause", "seen")


def _hop(data: Any) -> Hop:
    data = _object(data, "trace hop")
    count = _field(data, "count", (int, type(None)), "trace hop", None)
    return Hop(
        action=_field(data, "action", str, "trace hop"),
        resource=_field(data, "resource", str, "trace hop"),
        **{key: _field(data, key, str, "trace hop", "") for key in _HOP_TEXT},
        count=count,
    )


def _trace_entry(data: Any) -> TraceEntry:
    data = _object(data, "trace entry")
    texts = lambda key: [_text(item, f"trace entry {key}") for item in _field(data, key, list, "trace entry", [])]  # noqa: E731
    return TraceEntry(
        label=_field(data, "label", str, "trace entry"),
        body=_field(data, "body", str, "trace entry"),
        hops=[_hop(raw) for raw in _field(data, "hops", list, "trace entry")],
        expect_reach=texts("expect_reach"),
        expect_avoid=texts("expect_avoid"),
        outcome=_field(data, "outcome", str, "trace entry", ""),
        problems=texts("problems"),
    )


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ProtocolError(f"{what}: expected a string, got {type(value).__name__}")
    return value


@dataclass
class Result:
    verdict: Verdict
    learner: LearnerEnd = field(default_factory=LearnerEnd)

    def to_wire(self) -> dict:
        learner = {"limit": self.learner.limit, "crashed": self.learner.crashed}
        return {"verdict": verdict_to_wire(self.verdict), "learner": learner}

    @classmethod
    def from_wire(cls, data: Any) -> "Result":
        data = _object(data, "result")
        learner = _object(data.get("learner", {}), "result learner")
        return cls(
            verdict=verdict_from_wire(data.get("verdict")),
            learner=LearnerEnd(
                limit=_field(learner, "limit", (str, type(None)), "result learner", None),
                crashed=bool(learner.get("crashed")),
            ),
        )


# --- emulator child <-> harness ---------------------------------------------------
@dataclass
class HarnessReady:
    """The harness has imported boto3 and connected to rpc.sock."""

    def to_wire(self) -> dict:
        return {"op": "ready"}

    @classmethod
    def from_wire(cls, data: Any) -> "HarnessReady":
        if _object(data, "hello").get("op") != "ready":
            raise ProtocolError("hello: expected op 'ready'")
        return cls()


@dataclass
class HarnessLimits:
    """The limits to apply (lower only) before the learner's module is imported,
    and the CPU to move to (the run's, grader.cores; None: stay)."""

    limits: dict
    cpu: int | None = None

    def to_wire(self) -> dict:
        return {"limits": self.limits, "cpu": self.cpu}

    @classmethod
    def from_wire(cls, data: Any) -> "HarnessLimits":
        data = _object(data, "limits")
        return cls(limits=_field(data, "limits", dict, "limits"), cpu=_field(data, "cpu", (int, type(None)), "limits", None))


@dataclass
class Load:
    code: str

    def to_wire(self) -> dict:
        return {"op": "load", "code": self.code}


@dataclass
class Has:
    name: str

    def to_wire(self) -> dict:
        return {"op": "has", "name": self.name}


def encode_arg(value: Any) -> Any:
    if isinstance(value, LambdaContext):
        return {LAMBDA_CONTEXT_KEY: value.to_wire()}
    return value


@dataclass
class Call:
    """Call the learner's function; a LambdaContext argument becomes {LAMBDA_CONTEXT_KEY: LambdaContext.to_wire()}.

    invocation: the trace's id of the Lambda invocation this call is
    (grader.trace.Recorder.invocation); the harness sends it on every AWS
    request the learner's code makes meanwhile, as the INVOCATION_HEADER.
    clock_offset: seconds the emulator clock is ahead of the wall clock
    (grader.emulator.clock); the harness moves the learner's time.time() by it.
    """

    name: str
    args: list = field(default_factory=list)
    invocation: str | None = None
    clock_offset: float = 0.0

    def to_wire(self) -> dict:
        wire = {"op": "call", "name": self.name, "args": [encode_arg(arg) for arg in self.args]}
        if self.invocation:
            wire["invocation"] = self.invocation
        if self.clock_offset:
            wire["clock_offset"] = self.clock_offset
        return wire


@dataclass
class CallMany:
    """Call the learner's function once per argument list, all at the same time
    (one thread each in the learner's process, started together), as Lambda runs
    concurrent invocations. The reply is Ok with one reply object per call, in order.

    invocations: the trace's id of each call's invocation, in the same order;
    each thread sends its own on the AWS requests it makes (Call.invocation)."""

    name: str
    calls: list[list] = field(default_factory=list)
    clock_offset: float = 0.0
    invocations: list[str | None] = field(default_factory=list)

    def to_wire(self) -> dict:
        wire = {"op": "call_many", "name": self.name, "calls": [[encode_arg(arg) for arg in args] for args in self.calls]}
        if self.clock_offset:
            wire["clock_offset"] = self.clock_offset
        if any(self.invocations):
            wire["invocations"] = list(self.invocations)
        return wire


@dataclass
class Returned:
    """During a CallMany: call `index` has returned (or raised). The emulator lets
    go of answers it holds until the round's other invocations catch up
    (grader/emulator/holds.py) without waiting for the whole round."""

    index: int

    def to_wire(self) -> dict:
        return {"returned": self.index}


def call_many_frame_from_wire(data: Any) -> "Returned | Ok | Failure":
    """A frame the harness sends while a CallMany runs: a Returned, or the final reply."""
    data = _object(data, "call_many frame")
    if "returned" in data:
        index = data["returned"]
        if not isinstance(index, int) or isinstance(index, bool) or index < 0:
            raise ProtocolError("returned: expected the index of a call")
        return Returned(index)
    return reply_from_wire(data)


@dataclass
class Ok:
    value: Any = None

    def to_wire(self) -> dict:
        return {"ok": self.value}


@dataclass
class Failure:
    """The learner's code raised, or a function is missing, or (limit set) a limit ended the process.

    kind is a LearnerError kind; the harness's own words, so only shapes are
    checked here and grader.emulator.child maps an unknown kind to "crashed".
    """

    kind: str
    message: str = ""
    exc_type: str = ""
    traceback: str = ""
    limit: str | None = None

    def to_wire(self) -> dict:
        error = {"kind": self.kind, "message": self.message, "exc_type": self.exc_type, "traceback": self.traceback}
        if self.limit:
            error["limit"] = self.limit
        return {"error": error}


def reply_from_wire(data: Any) -> Ok | Failure:
    """A harness reply: exactly one of "ok" or "error" (an object)."""
    data = _object(data, "reply")
    if ("ok" in data) == ("error" in data):
        raise ProtocolError("reply: expected exactly one of 'ok' and 'error'")
    if "ok" in data:
        return Ok(data["ok"])
    error = _object(data["error"], "reply error")
    return Failure(
        kind=str(error.get("kind", "")),
        message=str(error.get("message", "")),
        exc_type=str(error.get("exc_type", "")),
        traceback=str(error.get("traceback", "")),
        limit=str(error["limit"]) if error.get("limit") else None,
    )


# --- sending and receiving messages ----------------------------------------------
M = TypeVar("M")


def send(sock: socket.socket, message) -> None:
    send_frame(sock, message.to_wire())


def recv(sock: socket.socket, kind: type[M]) -> M:
    """The next frame, decoded as `kind` (raises EOFError, OSError or ProtocolError)."""
    return kind.from_wire(recv_frame(sock))


def recv_reply(sock: socket.socket) -> Ok | Failure:
    return reply_from_wire(recv_frame(sock))


def recv_call_many_frame(sock: socket.socket) -> "Returned | Ok | Failure":
    return call_many_frame_from_wire(recv_frame(sock))
