"""One run's private emulator and grader, in a child forked from the warm zygote.

Protocol with the worker (over the inherited control connection, labs/engine/wire.py):
    worker -> {"op": "prepare", "dir": run_dir, "memory_mib": N|None}
    child  -> {"ready": true, "pid": pid, "offline": bool}   (emulator.sock and rpc.sock now listen in run_dir;
                                                offline: this process has a network namespace of its own)
    worker -> {"op": "grade", "slug", "time_limit_s", "grader_files", "code", "limits"}
    child  -> {"verdict": {...}, "learner": {"limit": name|None, "crashed": bool}}
then the child exits. The sandbox reaches the emulator only through
emulator.sock (HTTP, /moto-api refused) and the harness answers the grader's
calls over rpc.sock. The grader runs here, with in-process clients on the same
backends the HTTP server serves: the sandbox can change what the grader reads
only through AWS API calls, and nothing it prints reaches the verdict.
"""

import os
import signal
import socket
import threading
import time
from typing import Any

from labs.engine import wire

HARNESS_START_TIMEOUT_S = 30  # a sandbox started just now still has to import boto3
HARD_CAP_EXTRA_S = 30
REFUSED_PREFIXES = ("/moto-api", "/latest/")  # reset, dump and state endpoints; instance metadata
REFUSED_BACKENDS = ("moto_api", "instance_metadata")
# AWS's own request limits are far lower (SQS and SNS 256 KiB, EventBridge
# 256 KiB, Kinesis PutRecords 10 MiB): a bigger body only fills our memory.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
CRASHED = "Your code's process stopped unexpectedly."
GARBLED = (
    "Your code wrote into the channel the grader uses to call your functions, "
    "so grading could not go on. Leave the process's sockets and file descriptors alone."
)


def _quiet_handler():
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class QuietRequestHandler(MotoRequestHandler):
        """No access log: a learner's calls are theirs, not the worker's log's."""

        def log_request(self, *args, **kwargs):
            pass

    return QuietRequestHandler


def __getattr__(name):
    if name == "QuietRequestHandler":
        return _quiet_handler()
    raise AttributeError(name)


def guard(app):
    """Refuse moto's own endpoints (over them a learner could wipe or read
    state) and bodies larger than any AWS API accepts.

    `app` is moto's DomainDispatcherApplication: besides the path, ask it
    where it would route the request, so no Host header, signature or path
    spelling reaches the moto-api backend another way.
    """

    def refuse(start_response, status: str, text: bytes):
        start_response(status, [("Content-Type", "text/plain"), ("Connection", "close")])
        return [text]

    resolve, instances = getattr(app, "get_application", None), getattr(app, "app_instances", None)

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

    def guarded(environ, start_response):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return refuse(start_response, "411 Length Required", b"Send a Content-Length.\n")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = MAX_REQUEST_BYTES + 1
        if length > MAX_REQUEST_BYTES:
            return refuse(start_response, "413 Request Entity Too Large", b"This request is larger than any AWS API accepts.\n")
        target = backend_app(environ)
        if target is None:
            return refuse(start_response, "403 Forbidden", b"This emulator serves AWS APIs only.\n")
        return target(environ, start_response)

    return guarded


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

    def _request(self, message: dict) -> Any:
        from labs.engine.scenario import LearnerError

        if self.gone is not None:
            raise self.gone
        remaining = self.deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise socket.timeout
            self.rpc.settimeout(remaining)
            wire.send(self.rpc, message)
            reply = wire.recv(self.rpc)
        except socket.timeout:
            self.limit = "time"
            self.gone = LearnerError("timeout", self.time_limit_message)
            raise self.gone from None
        except (EOFError, OSError):
            self.crashed = True
            self.gone = LearnerError("crashed", CRASHED)
            raise self.gone from None
        except ValueError:  # not JSON, or a frame too large
            reply = None
        if not isinstance(reply, dict) or not isinstance(reply.get("error", {}), dict):
            # Only the learner's code can have written this: it shares the harness's process.
            self.garbled = True
            self.gone = LearnerError("crashed", GARBLED)
            raise self.gone
        if "error" in reply:
            error = reply["error"] or {}
            learner_error = LearnerError(
                error.get("kind") if error.get("kind") in LearnerError.KINDS else "crashed",
                str(error.get("message", "")),
                exc_type=str(error.get("exc_type", "")),
                traceback=str(error.get("traceback", "")),
            )
            if error.get("limit"):
                self.limit = str(error["limit"])
                self.gone = learner_error
            raise learner_error
        return reply.get("ok")

    def load(self, code: str) -> None:
        self._request({"op": "load", "code": code})

    def has(self, name: str) -> bool:
        from labs.engine.scenario import LearnerError

        try:
            return bool(self._request({"op": "has", "name": name}))
        except LearnerError:
            return False

    def call(self, name: str, *args: Any) -> Any:
        from labs.engine.scenario import LambdaContext

        wire_args = [{"__lambda_context__": a.to_wire()} if isinstance(a, LambdaContext) else a for a in args]
        return self._request({"op": "call", "name": name, "args": wire_args})


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


def serve(connection: socket.socket, dispatcher, *, offline: bool = False) -> None:
    from werkzeug.serving import make_server

    prepare = wire.recv(connection)
    run_dir = prepare["dir"]
    if prepare.get("memory_mib"):
        # What the learner stores through the API (messages, queues, ...) lives
        # here, outside the sandbox's limits: cap it too.
        import resource

        cap = int(prepare["memory_mib"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    server = make_server(
        "unix://" + os.path.join(run_dir, "emulator.sock"), 0, guard(dispatcher), threaded=True, request_handler=_quiet_handler()
    )
    os.chmod(os.path.join(run_dir, "emulator.sock"), 0o666)
    threading.Thread(target=server.serve_forever, name="emulator", daemon=True).start()
    rpc_path = os.path.join(run_dir, "rpc.sock")
    box: dict = {}
    rpc_ready = threading.Event()
    threading.Thread(target=_accept_once, args=(_listen_unix(rpc_path, 1), rpc_path, box, rpc_ready), daemon=True).start()
    wire.send(connection, {"ready": True, "pid": os.getpid(), "offline": offline})

    try:
        job = wire.recv(connection)
    except EOFError:
        return  # a spare the engine threw away unused
    wire.send(connection, grade(job, box, rpc_ready))


def grade(job: dict, box: dict, rpc_ready: threading.Event) -> dict:
    from labs.engine.scenario import ENGINE_FAILED, LearnerError, Run, call_setup, load_grader, run_grader
    from labs.engine.verdict import Verdict

    time_limit_s = float(job["time_limit_s"])
    signal.alarm(int(HARNESS_START_TIMEOUT_S + time_limit_s + HARD_CAP_EXTRA_S))
    started = time.monotonic()
    try:
        grade_function, inputs = load_grader(job["grader_files"], slug=job["slug"])
    except Exception:
        import logging

        logging.getLogger(__name__).exception("grader of %s does not load", job["slug"])
        return {"verdict": Verdict.failure("error", ENGINE_FAILED).to_dict(), "learner": {"limit": None, "crashed": False}}

    # Wait for the harness (already waiting when the sandbox was pre-started).
    rpc_ready.wait(HARNESS_START_TIMEOUT_S)
    rpc = box.get("rpc")
    hello = None
    if rpc is not None:
        rpc.settimeout(HARNESS_START_TIMEOUT_S)
        try:
            hello = wire.recv(rpc)
        except (EOFError, OSError, ValueError):
            hello = None
    if not hello or hello.get("op") != "ready":
        return {"verdict": Verdict.failure("error", ENGINE_FAILED).to_dict(), "learner": {"limit": None, "crashed": True, "no_start": True}}

    # The learner's wall clock starts now: interpreter start-up is not theirs to pay for.
    learner_started = time.monotonic()
    deadline = learner_started + time_limit_s
    wire.send(rpc, {"limits": job["limits"]})
    learner = SandboxLearner(rpc, deadline=deadline, time_limit_message=job["messages"]["time"])
    setup_error = None
    try:
        learner.load(job["code"])
    except LearnerError as error:
        setup_error = error
    run = Run(
        learner=learner,
        inputs=inputs,
        setup_error=call_setup(learner, setup_error),
        time_limit_s=max(0.0, deadline - time.monotonic()),
    )
    verdict = run_grader(run, grade_function, started=started)
    if learner.limit == "time":
        verdict.ended, verdict.error = "timeout", job["messages"]["time"]
    elif learner.limit is not None and learner.gone is not None:
        verdict.ended, verdict.error = "error", learner.gone.message
    elif learner.garbled:
        verdict.ended, verdict.error = "error", GARBLED
    elif learner.crashed:
        verdict.ended, verdict.error = "error", CRASHED
    return {"verdict": verdict.to_dict(), "learner": {"limit": learner.limit, "crashed": learner.crashed}}
