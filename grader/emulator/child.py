"""One run's private emulator and grader, in a child forked from the warm zygote.

The worker sends Prepare and Job on the inherited control connection and gets
Ready and Result back (grader/protocol.py); then the child exits. The sandbox
reaches the emulator only through emulator.sock (HTTP, /moto-api refused), and
the harness answers the grader's calls over rpc.sock. The grader runs here,
with in-process clients on the same backends the HTTP server serves: the
sandbox can change what the grader reads only through AWS API calls, and
nothing it prints reaches the verdict.
"""

import logging
import os
import resource
import signal
import socket
import threading
import time
from typing import Any, Callable

from werkzeug.serving import make_server

from grader import protocol, trace
from grader.cores import pin_threads
from grader.course_code import unmarshalled
from grader.emulator import clock, faults
from grader.emulator import seal as emulator_seal
from grader.emulator.backend_apps import DirectApp
from grader.emulator.http_server import KeepAliveRequestHandler
from grader.emulator.services import ServicePolicy, refusal
from grader.protocol import Call, CallMany, Failure, Has, HarnessLimits, HarnessReady, Job, LearnerEnd, Load, Prepare, Ready, Result
from grader.run import LearnerError, Run, call_setup, load_grader, run_grader
from grader.verdict import ENGINE_FAILED, Status, Verdict

logger = logging.getLogger(__name__)

HARNESS_START_TIMEOUT_S = 30  # a sandbox started just now still has to import boto3
HARD_CAP_EXTRA_S = 30
EMULATOR_BACKLOG = 128  # werkzeug's own listen queue
REFUSED_PREFIXES = ("/moto-api", "/latest/")  # reset, dump and state endpoints; instance metadata
REFUSED_BACKENDS = ("moto_api", "instance_metadata")
CRASHED = "Your code's process stopped unexpectedly."
GARBLED = (
    "Your code wrote into the channel the grader uses to call your functions, "
    "so grading could not go on. Leave the process's sockets and file descriptors alone."
)


def guard(app, policy: ServicePolicy | None = None):
    """Refuse moto's own endpoints (over them a learner could wipe or read
    state) and (with a policy) every service the lab does not declare.

    `app` is moto's DomainDispatcherApplication: besides the path, ask it
    where it would route the request, so no Host header, signature or path
    spelling reaches the moto-api backend another way.
    """

    def refuse(start_response, status: str, text: bytes):
        start_response(status, [("Content-Type", "text/plain"), ("Connection", "close")])
        return [text]

    resolve, instances = getattr(app, "get_application", None), getattr(app, "app_instances", None)
    direct: dict = {}  # moto's Flask app for a service -> its DirectApp

    def without_flask(target):
        if resolve is None:
            return target  # not moto's dispatcher: nothing to unwrap
        found = direct.get(target)
        if found is None:
            found = direct[target] = DirectApp(target)
        return found

    def backend_app(environ):
        """The app moto would route this request to, or None to refuse it.
        Resolved once here and called directly: moto would resolve it again."""
        path = "/" + "/".join(part for part in environ.get("PATH_INFO", "").split("/") if part)
        if path.startswith(REFUSED_PREFIXES):
            return None
        if resolve is None or instances is None:
            return app
        target = resolve(environ)
        return None if any(target is instances.get(name) for name in REFUSED_BACKENDS) else target

    def with_clock(start_response):
        """Tell the harness the emulator clock's offset once the call has run (it may have moved)."""

        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, (clock.OFFSET_HEADER, repr(clock.offset()))], exc_info)

        return start

    def guarded(environ, start_response):
        # The body's framing (chunked, too large) was refused by the server
        # (grader/emulator/http_server.py) before the body was read.
        target = backend_app(environ)
        if target is None:
            return refuse(start_response, "403 Forbidden", b"This emulator serves AWS APIs only.\n")
        if policy is not None and instances is not None:
            backend = next((name for name, known in list(instances.items()) if known is target), "")
            if not policy.permits(backend):
                return refusal(environ, start_response, backend, policy.message(backend))
        # Every request on this socket is the learner's code (the grader's
        # clients are in-process); the harness names the invocation it runs in.
        serve = without_flask(target)
        recorder = trace.active()
        if recorder is None:
            with faults.learner_calls():
                return serve(environ, with_clock(start_response))
        invocation = environ.get("HTTP_" + trace.INVOCATION_HEADER.upper().replace("-", "_")) or None
        with faults.learner_calls(), recorder.acting(trace.LEARNER, invocation):
            return serve(environ, with_clock(start_response))

    return guarded


def _learner_error(reply: Failure) -> LearnerError:
    kind = reply.kind if reply.kind in LearnerError.KINDS else "crashed"
    return LearnerError(kind, reply.message, exc_type=reply.exc_type, traceback=reply.traceback)


class SandboxLearner:
    """The Run's transport: the learner's functions, called over rpc.sock.

    Every wait is bounded by the run's wall clock. After a timeout, a crash or
    a limit hit, the learner is gone and every later call fails the same way.
    """

    def __init__(self, rpc: socket.socket, *, deadline: float, time_limit_message: str):
        self.rpc = rpc
        self.deadline = deadline
        self.time_limit_message = time_limit_message
        self.gone = None  # the LearnerError every call raises once the process is gone
        self.limit: str | None = None  # "time" or the harness's limit name
        self.crashed = False
        self.garbled = False  # the learner's code wrote on the channel (its process lives on)

    def _request(
        self, message, on_returned: Callable[[int], None] | None = None, meanwhile: Callable[[], None] | None = None
    ) -> Any:
        """Send `message` and wait for its reply. With on_returned (a CallMany),
        the harness's Returned frames before the reply are passed to it;
        `meanwhile` runs here between the two, while the sandbox works."""
        if self.gone is not None:
            raise self.gone
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise socket.timeout
            self.rpc.settimeout(remaining)
            protocol.send(self.rpc, message)
            if meanwhile is not None:
                meanwhile()
                self.rpc.settimeout(max(0.001, self.deadline - time.monotonic()))
            if on_returned is None:
                reply = protocol.recv_reply(self.rpc)
            else:
                reply = protocol.recv_call_many_frame(self.rpc)
                while isinstance(reply, protocol.Returned):
                    on_returned(reply.index)
                    self.rpc.settimeout(max(0.001, self.deadline - time.monotonic()))
                    reply = protocol.recv_call_many_frame(self.rpc)
        except socket.timeout:
            self.limit = "time"
            self.gone = LearnerError("timeout", self.time_limit_message)
            raise self.gone from None
        except (EOFError, OSError):
            self.crashed = True
            self.gone = LearnerError("crashed", CRASHED)
            raise self.gone from None
        except protocol.ProtocolError:
            # Only the learner's code can have written this: it shares the harness's process.
            self.garbled = True
            self.gone = LearnerError("crashed", GARBLED)
            raise self.gone from None
        if isinstance(reply, Failure):
            learner_error = _learner_error(reply)
            if reply.limit:
                self.limit = reply.limit
                self.gone = learner_error
            raise learner_error
        return reply.value

    def load(self, code: str, meanwhile: Callable[[], None] | None = None) -> None:
        self._request(Load(code), meanwhile=meanwhile)

    def has(self, name: str) -> bool:
        try:
            return bool(self._request(Has(name)))
        except LearnerError:
            return False

    def call(self, name: str, *args: Any) -> Any:
        recorder = trace.active()
        invocation = recorder.current_invocation_id() if recorder is not None else None
        return self._request(Call(name, list(args), invocation=invocation, clock_offset=clock.offset()))

    def call_many(self, name: str, calls: list[tuple], invocations: list[str | None] | None = None) -> list[Any]:
        """Concurrent calls, each in its own trace invocation; each result is the return value or a LearnerError."""
        invocations = list(invocations or [])
        holds = faults.current().holds
        holds.round_started(invocations)

        def returned(index: int) -> None:
            if index < len(invocations):
                holds.returned(invocations[index])

        try:
            replies = self._request(CallMany(name, [list(args) for args in calls], clock_offset=clock.offset(), invocations=invocations), returned)
        finally:
            holds.round_ended()
        try:
            if not isinstance(replies, list) or len(replies) != len(calls):
                raise protocol.ProtocolError("call_many: expected one reply per call")
            decoded = [protocol.reply_from_wire(reply) for reply in replies]
        except protocol.ProtocolError:
            self.garbled = True
            self.gone = LearnerError("crashed", GARBLED)
            raise self.gone from None
        return [_learner_error(reply) if isinstance(reply, Failure) else reply.value for reply in decoded]

    def ending(self) -> tuple[Status, str] | None:
        """How the learner's process ended the run, if it did: this outranks what the grader made of it."""
        if self.limit == "time":
            return Status.TIMEOUT, self.time_limit_message
        if self.limit is not None and self.gone is not None:
            return Status.ERROR, self.gone.message
        if self.garbled:
            return Status.ERROR, GARBLED
        if self.crashed:
            return Status.ERROR, CRASHED
        return None

    def end(self) -> LearnerEnd:
        return LearnerEnd(limit=self.limit, crashed=self.crashed)


def _listen_unix(path: str, backlog: int) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(path)
    os.chmod(path, 0o666)  # the sandbox runs as another uid
    sock.listen(backlog)
    return sock


def _accept_once(listener: socket.socket, path: str, box: dict, ready: threading.Event) -> None:
    """The first connection is the harness's; then nobody else may connect."""
    try:
        box["rpc"], _ = listener.accept()
    except OSError:
        pass
    finally:
        listener.close()
        try:
            os.unlink(path)
        except OSError:
            pass
        ready.set()


def _seal(prepare: Prepare) -> tuple[bool, bool]:
    """Enter the child's own sandbox (grader.emulator.seal). Returns (sealed,
    offline): when the kernel refuses the mounts, at least leave the network."""
    try:
        emulator_seal.seal(
            prepare.dir, uid=prepare.uid, disk_bytes=prepare.disk_mib * 1024 * 1024, disk_files=prepare.disk_files,
            readable=emulator_seal.readable_paths(), root=emulator_seal.root_for(prepare.dir),
        )
    except OSError:
        logger.exception("the emulator child could not seal itself")
        return False, emulator_seal.leave_the_network()
    return True, True


def serve(connection: socket.socket, dispatcher) -> None:
    prepare = protocol.recv(connection, Prepare)
    sealed, offline = _seal(prepare)
    if prepare.memory_mib:
        # What the learner stores through the API (messages, queues, ...) lives
        # here, outside the sandbox's limits: cap it too.
        cap = prepare.memory_mib * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    policy = ServicePolicy()  # refuses every service until the job names the lab's
    # Bound by names relative to the run's folder: a socket's address shows in
    # /proc/net/unix of each network namespace that connects to it (the server's
    # end of an accepted connection lives in the client's), so the learner's
    # sandbox would read the engine folder's path there. werkzeug would bind
    # emulator.sock by its absolute path: it gets the bound socket instead.
    here = os.getcwd()
    os.chdir(prepare.dir)
    try:
        emulator_listener = _listen_unix("emulator.sock", EMULATOR_BACKLOG)
        rpc_listener = _listen_unix("rpc.sock", 1)
    finally:
        os.chdir(here)
    server = make_server(
        "unix://emulator.sock", 0, guard(dispatcher, policy), threaded=True, request_handler=KeepAliveRequestHandler,
        fd=emulator_listener.fileno(),
    )
    emulator_listener.close()  # the server holds its own duplicate
    threading.Thread(target=server.serve_forever, name="emulator", daemon=True).start()
    rpc_path = os.path.join(prepare.dir, "rpc.sock")
    box: dict = {}
    rpc_ready = threading.Event()
    threading.Thread(target=_accept_once, args=(rpc_listener, rpc_path, box, rpc_ready), daemon=True).start()
    protocol.send(connection, Ready(pid=os.getpid(), offline=offline, sealed=sealed))

    try:
        job = protocol.recv(connection, Job)
    except EOFError:
        return  # a spare the engine threw away unused
    policy.set_services(job.services)
    result = grade(job, box, rpc_ready)
    note = policy.refused_note()
    if note and not result.verdict.error:
        result.verdict.error = note  # shown beside the checkpoints; the status stays what they make it
    protocol.send(connection, result)


def _harness_hello(rpc: socket.socket | None) -> bool:
    if rpc is None:
        return False
    rpc.settimeout(HARNESS_START_TIMEOUT_S)
    try:
        protocol.recv(rpc, HarnessReady)
    except (EOFError, OSError, protocol.ProtocolError):
        return False
    return True


def grade(job: Job, box: dict, rpc_ready: threading.Event) -> Result:
    signal.alarm(int(HARNESS_START_TIMEOUT_S + job.time_limit_s + HARD_CAP_EXTRA_S))
    started = time.monotonic()
    # Wait for the harness (already waiting when the sandbox was pre-started).
    rpc_ready.wait(HARNESS_START_TIMEOUT_S)
    rpc = box.get("rpc")
    if not _harness_hello(rpc):
        return Result(Verdict.failure(Status.ERROR, ENGINE_FAILED), LearnerEnd(crashed=True))

    # The learner's wall clock starts now: interpreter start-up is not theirs to pay for.
    deadline = time.monotonic() + job.time_limit_s
    pin_threads(job.cpu)  # this process and the harness share the run's CPU (grader.cores)
    protocol.send(rpc, HarnessLimits(job.limits, cpu=job.cpu))
    learner = SandboxLearner(rpc, deadline=deadline, time_limit_message=job.time_limit_message)
    recorder = trace.Recorder()
    trace.activate(recorder)  # before the module loads: what its top level and setup() send is traced too
    loaded: dict = {}

    def load_the_grader() -> None:
        try:
            codes = unmarshalled(job.compiled)
            loaded["grader"] = load_grader(job.grader_files, slug=job.slug, seed=job.seed, codes=codes)
        except Exception:
            logger.exception("grader of %s does not load", job.slug)
            loaded["failed"] = True

    setup_error = None
    try:
        # The grader's files compile and its variant is drawn while the
        # sandbox imports the learner's module: on two cores, at the same time.
        learner.load(job.code, meanwhile=load_the_grader)
    except LearnerError as error:
        error.phase = "import"
        setup_error = error
    if not loaded:
        load_the_grader()  # the sandbox was gone before the load was sent
    if "failed" in loaded:
        return Result(Verdict.failure(Status.ERROR, ENGINE_FAILED), learner.end())
    grade_function, inputs = loaded["grader"]
    run = Run(
        learner=learner,
        inputs=inputs,
        setup_error=call_setup(learner, setup_error),
        time_limit_s=max(0.0, deadline - time.monotonic()),
        trace=recorder,
    )
    verdict = run_grader(run, grade_function, started=started)
    ending = learner.ending()
    if ending is not None:
        verdict.end(*ending)
    return Result(verdict, learner.end())
