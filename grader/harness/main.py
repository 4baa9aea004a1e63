"""Runs INSIDE the sandbox, before and around the learner's module. Standalone:
the repository is not visible in the sandbox, so this file imports nothing
from it but boto3_patches.py and spare_clients.py, copied in beside it: the framing and message
shapes repeat grader/protocol.py on purpose (tests/grader/test_protocol.py
checks that both sides agree).

What it does, in order (under bubblewrap, zygote.py does step 1 once per
engine and forks a walled-in child for each run, which goes on from step 2):
1. Imports boto3, loads the service models the labs use and builds a spare
   client of each (spare_clients.py), before any submission arrives (so
   none of this is on the critical path).
2. Points the learner at the run's emulator, a Unix socket bind-mounted at
   /run/emu: boto3 keeps the standard AWS_ENDPOINT_URL (127.0.0.1:4566, the
   sandbox's own loopback) and sends its requests to the socket itself
   (boto3_patches.py); any other HTTP client reaches it through a forwarder
   on that port. The learner's code is exactly what runs against AWS.
3. Connects to the grader's RPC socket and waits for the code.
4. Applies the run's limits (lower only: they can never be raised again),
   imports the learner's module, then answers has/call requests.

The learner's code shares this process, so it can tamper with all of the
above; that only breaks its own run. The verdict is computed outside, from
the emulator's state and the grader's records.
"""

import datetime
import errno
import gc
import json
import linecache
import math
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import threading
import time
import traceback
import types

# Beside this file: /harness in the sandbox, grader/harness/ for the fallback and the tests.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boto3_patches  # noqa: E402
import spare_clients  # noqa: E402
from boto3_patches import EMULATOR_SOCKET, FORWARD_PORT, RUN_DIR  # noqa: E402

RPC_SOCKET = RUN_DIR + "/rpc.sock"
# Every service a lab may declare, and the two the emulator always serves
# (grader.emulator.services: LAB_SERVICES and ALWAYS; a test keeps them equal).
# The zygote loads each one's model once: a learner's first client of a
# service cost 4 to 40 ms in every run otherwise (S3 24 ms, DynamoDB 12 ms).
WARM_SERVICES = (
    "sqs", "sns", "events", "scheduler", "pipes", "kinesis", "firehose", "lambda", "kafka", "s3", "logs", "dynamodb", "cloudwatch",
    "iam", "sts",
)
EXIT_LIMIT = 71  # the harness ended the run because a limit was hit (already reported)
HARNESS_PID = os.getpid()
MIB = 1024 * 1024
# Lambda's limit on a synchronous function's response. A return value larger
# than this could not come back from a real function either, and it must stay
# well under the channel's own frame limit (grader/protocol.py MAX_MESSAGE).
MAX_RETURN_BYTES = 6 * MIB


# --- wire: 4-byte big-endian length, then JSON --------------------------------
def send(sock, message):
    # UTF-8, falling back to \u escapes for a lone surrogate (grader/protocol.py encode_frame).
    try:
        data = json.dumps(message, default=str, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        data = json.dumps(message, default=str).encode()
    sock.sendall(struct.pack(">I", len(data)) + data)


def _recv_exact(sock, size):
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv(sock):
    (size,) = struct.unpack(">I", _recv_exact(sock, 4))
    return json.loads(_recv_exact(sock, size))


# --- 2. the forwarder ------------------------------------------------------------
def _forward_forever(listener):
    """One thread relays every connection (threads count against RLIMIT_NPROC)."""
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    while True:
        for key, _ in selector.select():
            if key.data is None:
                try:
                    client, _ = listener.accept()
                    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    upstream.connect(EMULATOR_SOCKET)
                except OSError:
                    continue
                selector.register(client, selectors.EVENT_READ, upstream)
                selector.register(upstream, selectors.EVENT_READ, client)
                continue
            source, target = key.fileobj, key.data
            try:
                data = source.recv(65536)
                if data:
                    target.sendall(data)
                    continue
            except OSError:
                pass
            for sock in (source, target):
                try:
                    selector.unregister(sock)
                except (KeyError, ValueError):
                    pass
                sock.close()


def start_forwarder():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", FORWARD_PORT))
    listener.listen(64)
    threading.Thread(target=_forward_forever, args=(listener,), name="forwarder", daemon=True).start()


# --- 1. warming --------------------------------------------------------------------
def warm_boto3():
    # The cyclic collector finds next to nothing to free among the import-time
    # objects (about 2,000 of 60,000, well under a MiB) but a full collection
    # costs about 30 ms, a sixth of this process's start-up, paid once per
    # grading. So it stays off while boto3 loads, and what was made is frozen
    # uncollected: the learner's code never rescans it, and this process lives
    # for one grading.
    gc.disable()
    import boto3

    boto3.setup_default_session()
    boto3_patches.install()
    # Loads and caches each service's model on the default session, and keeps
    # the clients for the learner's first boto3.client(name) of each.
    spare_clients.make(WARM_SERVICES)
    # The first connection encodes the endpoint's host name as IDNA, which
    # imports encodings.idna, stringprep and unicodedata: about 4 ms of every
    # grading's first call, unless it is done here.
    import encodings.idna  # noqa: F401
    gc.freeze()
    # A young-object collection every 20,000 allocations, not 700: a boto3
    # call makes hundreds, and this process lives for one grading. What a
    # learner leaks in cycles is still collected, a little later.
    gc.set_threshold(20_000, 20, 20)
    gc.enable()


# --- 4. running the learner's code -----------------------------------------------
class LimitHit(Exception):
    def __init__(self, name, message):
        super().__init__(message)
        self.name, self.message = name, message


def pin_threads(cpu):
    """grader.cores.pin_threads: onto the run's CPU, beside the emulator child
    that answers this process's calls (None: stay where the kernel put us)."""
    if not isinstance(cpu, int) or isinstance(cpu, bool):
        return
    current = threading.current_thread()  # by 0: its native_id may be the zygote's, from before the fork
    for thread in threading.enumerate():
        tid = 0 if thread is current else thread.native_id
        if tid is not None:
            try:
                os.sched_setaffinity(tid, {cpu})
            except OSError:
                pass


def apply_limits(limits):
    def lower(which, value):
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu_used = math.ceil(used.ru_utime + used.ru_stime)  # RLIMIT_CPU counts whole seconds of this process
    soft_cpu = cpu_used + int(limits["cpu_s"])
    hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)[1]
    if hard_cpu == resource.RLIM_INFINITY or hard_cpu > soft_cpu + 1:
        hard_cpu = soft_cpu + 1
    # SIGXCPU at the soft limit ends the process (exit 128+24, read by the engine);
    # the hard limit is a SIGKILL backstop for code that blocks signals.
    resource.setrlimit(resource.RLIMIT_CPU, (soft_cpu, hard_cpu))
    lower(resource.RLIMIT_NPROC, int(limits["processes"]))
    lower(resource.RLIMIT_AS, int(limits["memory_mib"]) * MIB)


def _process_count():
    try:
        return sum(1 for name in os.listdir("/proc") if name.isdigit())
    except OSError:
        return 0


def _failed_starting_a_process(exc):
    """Whether an EAGAIN came from fork/clone (RLIMIT_NPROC), not a non-blocking socket.

    The fork bomb's own children exit as soon as they fail, so counting
    processes afterwards says nothing: look at the line that failed instead.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    line = linecache.getline(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
    return any(word in line for word in ("fork", "spawn", "Popen")) or tb.tb_frame.f_code.co_name in ("_execute_child", "_launch")


def classify_limit(exc, limits):
    """A resource limit the learner's code ran into, as (name, plain message), or None."""
    processes = ("processes", f"Your code started more than {limits['processes']} processes or threads at once (the process limit).")
    if isinstance(exc, MemoryError):
        return "memory", f"Your code used more than {limits['memory_mib']} MiB of memory."
    if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
        return processes
    if isinstance(exc, OSError):
        if exc.errno == errno.EAGAIN and (_failed_starting_a_process(exc) or _process_count() >= int(limits["processes"]) - 2):
            return processes
        if exc.errno == errno.EFBIG:
            return "file_size", f"Your code wrote a file larger than {limits['file_mib']} MiB."
        if exc.errno == errno.ENOSPC:
            return "disk", (
                f"Your code filled its scratch space (/tmp holds at most {limits['disk_mib']} MiB "
                f"in {limits.get('scratch_files', 'a limited number of')} files)."
            )
    return None


def describe_error(exc, limits, *, skip_frames):
    limit = classify_limit(exc, limits)
    if limit is not None:
        raise LimitHit(*limit)
    if isinstance(exc, SyntaxError):
        # The module never ran: its line and Python's caret, no frame of ours
        # (grader.run.LearnerError.from_exception says the same in-process).
        text = "".join(traceback.format_exception_only(type(exc), exc))
        sys.stderr.write(text)
        message = f"line {exc.lineno}: {exc.msg}" if exc.lineno else str(exc.msg)
        return {"kind": "exception", "exc_type": type(exc).__name__, "message": message, "traceback": text}
    tb = exc.__traceback__
    for _ in range(skip_frames):
        if tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
    text = "".join(traceback.format_exception(type(exc), exc, tb))
    sys.stderr.write(text)  # as Lambda would log it
    return {"kind": "exception", "exc_type": type(exc).__name__, "message": str(exc), "traceback": text}


class Context:
    """Lambda's context object, rebuilt on this side of the wire."""

    def __init__(self, wire):
        self._deadline = time.monotonic() + wire.pop("remaining_ms", 0) / 1000
        for key, value in wire.items():
            setattr(self, key, value)

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def decode_arg(value):
    if isinstance(value, dict) and set(value) == {"__lambda_context__"}:
        return Context(dict(value["__lambda_context__"]))
    return value


def after_learner_code():
    """A process the learner forked must never speak for the harness."""
    if os.getpid() != HARNESS_PID:
        os._exit(0)
    sys.stdout.flush()
    sys.stderr.flush()


def load_module(code):
    module = types.ModuleType("submission")
    module.__file__ = "submission.py"
    linecache.cache["submission.py"] = (len(code), None, code.splitlines(keepends=True), "submission.py")
    sys.modules["submission"] = module
    exec(compile(code, "submission.py", "exec"), module.__dict__)
    return module


# The emulator's clock runs ahead of the wall clock when the grader advances it
# (grader/emulator/clock.py); the learner's time.time() follows it, so an
# expiry the learner computes agrees with the emulator's.
_wall_time, _wall_time_ns = time.time, time.time_ns
_clock = boto3_patches.clock


def _emulator_time():
    return _wall_time() + _clock["offset"]


def _emulator_time_ns():
    return _wall_time_ns() + int(_clock["offset"] * 1e9)


class _EmulatorDatetime(datetime.datetime):
    """datetime.now() and utcnow() on the emulator's clock (replaces datetime.datetime)."""

    @classmethod
    def now(cls, tz=None):
        return super().now(tz) + datetime.timedelta(seconds=_clock["offset"])

    @classmethod
    def utcnow(cls):
        return super().utcnow() + datetime.timedelta(seconds=_clock["offset"])


def set_clock(offset):
    """Called before the learner's module loads (offset 0), so `from datetime import
    datetime` there gets the emulator's, and before every call."""
    _clock["offset"] = float(offset or 0)
    if time.time is not _emulator_time:
        time.time, time.time_ns = _emulator_time, _emulator_time_ns
        datetime.datetime = _EmulatorDatetime


def call_function(module, name, raw_args, limits, invocation=None):
    """One call of the learner's function, as part of the trace's `invocation`
    (the AWS requests it makes on this thread name it): its reply (raises LimitHit)."""
    function = getattr(module, name, None) if module is not None else None
    if not callable(function):
        return {"error": {"kind": "missing", "message": f"Your code does not define a function called {name}()."}}
    args = [decode_arg(arg) for arg in raw_args]
    boto3_patches.invocations.id = invocation if isinstance(invocation, str) else None
    try:
        result = function(*args)
        boto3_patches.invocations.id = None
        after_learner_code()
    except BaseException as exc:
        boto3_patches.invocations.id = None
        after_learner_code()
        return {"error": describe_error(exc, limits, skip_frames=1)}
    try:
        size = len(json.dumps(result))
    except (TypeError, ValueError) as exc:
        return {"error": {"kind": "exception", "exc_type": "TypeError", "message": f"{name}() returned a value that is not JSON: {exc}"}}
    if size > MAX_RETURN_BYTES:
        return {"error": {"kind": "exception", "exc_type": "", "message": (
            f"{name}() returned a value too large to pass back ({size / MIB:.0f} MiB as JSON; "
            f"at most {MAX_RETURN_BYTES // MIB} MiB, Lambda's limit for a function's response)."
        )}}
    return {"ok": result}


def call_concurrently(module, name, calls, limits, invocations=None, on_returned=None):
    """Each call in a thread of its own, released together, each as part of its
    own invocation (invocations[i], if given); replies in order (raises LimitHit).
    on_returned(i) is called from call i's thread as soon as it is done."""
    invocations = list(invocations or []) if isinstance(invocations, list) else []
    invocations += [None] * (len(calls) - len(invocations))
    replies = [None] * len(calls)
    hits = []
    start = threading.Barrier(len(calls)) if calls else None

    def one(index, raw_args):
        try:
            start.wait(5)
        except threading.BrokenBarrierError:
            pass
        try:
            replies[index] = call_function(module, name, raw_args, limits, invocations[index])
        except LimitHit as hit:
            hits.append(hit)
        except MemoryError:
            hits.append(LimitHit(*classify_limit(MemoryError(), limits)))
        if on_returned is not None:
            on_returned(index)

    threads = [threading.Thread(target=one, args=(i, args), name=f"invocation-{i}") for i, args in enumerate(calls)]
    try:
        for thread in threads:
            thread.start()
    except RuntimeError as exc:  # could not start a thread: the process limit
        raise LimitHit(*classify_limit(exc, limits)) from None
    for thread in threads:
        thread.join()
    if hits:
        raise hits[0]
    return replies


def _returned_sender(rpc):
    """Tell the emulator each concurrent call's end as it happens (protocol.Returned):
    it holds some answers until the calls running beside them catch up."""
    lock = threading.Lock()

    def send_returned(index):
        with lock:
            try:
                send(rpc, {"returned": index})
            except OSError:
                pass  # the emulator is gone: the reply's send says so

    return send_returned


def serve(rpc, limits):
    module = None
    while True:
        try:
            request = recv(rpc)
        except (EOFError, OSError):
            return
        op = request.get("op")
        try:
            if op == "load":
                set_clock(0)
                try:
                    module = load_module(request["code"])
                    reply = {"ok": True}
                except BaseException as exc:  # SystemExit too: the module's top level ended the run
                    after_learner_code()
                    module = None
                    reply = {"error": describe_error(exc, limits, skip_frames=1)}
                after_learner_code()
            elif op == "has":
                reply = {"ok": module is not None and callable(getattr(module, request["name"], None))}
            elif op == "call":
                set_clock(request.get("clock_offset", 0))
                reply = call_function(module, request["name"], request.get("args", []), limits, request.get("invocation"))
            elif op == "call_many":
                set_clock(request.get("clock_offset", 0))
                reply = {"ok": call_concurrently(
                    module, request["name"], request.get("calls", []), limits, request.get("invocations"), on_returned=_returned_sender(rpc),
                )}
            else:
                reply = {"error": {"kind": "crashed", "message": f"harness: unknown request {op!r}"}}
        except LimitHit as hit:
            _end_for_limit(rpc, hit)
            return
        except MemoryError:
            _end_for_limit(rpc, LimitHit(*classify_limit(MemoryError(), limits)))
            return
        send(rpc, reply)


def _end_for_limit(rpc, hit):
    """Report the limit, stop every other process in the sandbox, and exit."""
    try:
        os.kill(-1, signal.SIGKILL)  # everything we may signal here except pid 1 (bwrap) and ourselves
    except OSError:
        pass
    try:
        send(rpc, {"error": {"kind": "crashed", "limit": hit.name, "message": hit.message}})
    except OSError:
        pass
    sys.stdout.flush()
    os._exit(EXIT_LIMIT)


def connect_rpc(timeout_s=30):
    deadline = time.monotonic() + timeout_s
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(RPC_SOCKET)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def main():
    """A harness started on its own (the fallback without bubblewrap); under
    bubblewrap, zygote.py imports this module and forks run() per run."""
    warm_boto3()
    run()


def run():
    sys.stdout.reconfigure(line_buffering=True)
    start_forwarder()
    rpc = connect_rpc()
    send(rpc, {"op": "ready"})
    job = recv(rpc)
    pin_threads(job.get("cpu"))
    limits = job["limits"]
    apply_limits(limits)
    # Drop what the learner does not need to see; cwd is the private tmpfs.
    rpc_fd = rpc.fileno()
    sys.argv = ["submission.py"]
    del job
    serve(rpc, limits)
    try:
        os.close(rpc_fd)
    except OSError:
        pass
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
