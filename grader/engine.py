"""Grading one submission: `grade_source(config=..., ...) -> Verdict`.

The learner's module runs under bubblewrap against a private, per-run moto
emulator forked from a warm process; the trusted grader runs beside that
emulator, outside the sandbox (grader.runner: slots; grader.emulator.child:
the grader and the Verdict; grader.harness.main: the learner's side).
Importing this module is cheap: the engine starts on the first grading in
each process, or earlier where the caller asks (get_engine).
"""

import atexit
import os
import threading
import time

from grader.config import EngineConfig
from grader.runner import Engine, Finished, explain_exit
from grader.sandbox.limits import Limits, time_limit_message
from grader.verdict import ENGINE_FAILED, Status, Verdict

MAX_TIME_LIMIT_S = 60

_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine(config: EngineConfig) -> Engine:
    """This process's engine, started on first use (and again after a fork).

    `config` is used only when an engine starts: call shutdown_engine() first
    to start one with another.
    """
    global _engine
    with _engine_lock:
        if _engine is None or _engine.pid != os.getpid():
            _engine = Engine(config)
        return _engine


def shutdown_engine() -> None:
    """Stop this process's engine: its spare sandbox and warm emulator (tests, exit)."""
    global _engine
    with _engine_lock:
        if _engine is not None and _engine.pid == os.getpid():
            _engine.close()
        _engine = None


atexit.register(shutdown_engine)


def grade_source(
    *, config: EngineConfig, slug: str, time_limit_s: float, grader_files: dict, code: str, services: list[str] | None = None,
    seed: int = 0,
) -> Verdict:
    """Grade one submission in a fresh sandbox and emulator. Never raises for
    anything the learner's code does; raises IsolationUnavailable when
    bubblewrap cannot run and config.require_isolation is on. `services` is the
    lab's declared list (lab.yaml): the emulator serves only those, plus IAM
    and STS; None serves every service a lab may declare. `seed` picks the
    variant (grader.variants) whose inputs the grader reads."""
    started = time.monotonic()
    limits = Limits(time_limit_s=max(1, min(float(time_limit_s or 20), MAX_TIME_LIMIT_S)))
    finished = get_engine(config).run(slug=slug, limits=limits, grader_files=grader_files, code=code, services=services, seed=seed)
    return amend_in_worker(finished, limits, duration_ms=int((time.monotonic() - started) * 1000))


def amend_in_worker(finished: Finished, limits: Limits, *, duration_ms: int) -> Verdict:
    """The emulator child's Verdict, amended for what only the worker sees: the
    sandbox's output and exit code, its own deadline, and the wall clock."""
    if finished.result is None:
        if finished.killed_for_time:
            verdict = Verdict.failure(Status.TIMEOUT, time_limit_message(limits))
        else:
            verdict = Verdict.failure(Status.ERROR, ENGINE_FAILED)
    else:
        verdict = finished.result.verdict
        if finished.result.learner.crashed:
            explained = explain_exit(finished.exit_code, limits)
            if explained:
                verdict.end(Status.ERROR, explained)
    verdict.output = finished.output.decode("utf-8", errors="replace")
    verdict.duration_ms = duration_ms
    return verdict
