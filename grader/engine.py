"""Grading engine for labs.

    grade_source(*, slug, time_limit_s, grader_files, code) -> Verdict
    grade_lab(lab, code) -> Verdict

The learner's module runs under bubblewrap against a private, per-run moto
emulator forked from a warm process; the trusted grader runs beside that
emulator, outside the sandbox (see docs/labs.md, "How a run is isolated").
Importing this package is cheap: the engine starts on the first grading in
each process, or earlier where the caller asks (each Celery worker process
starts its own as it starts: labs.tasks.start_lab_engine).
"""

import atexit
import threading
import time

from labs.engine.verdict import Checkpoint, Verdict

ENGINE_FAILED = "Grading failed on our side, not because of your code. Run it again; if it keeps happening, tell us."
MAX_TIME_LIMIT_S = 60

_engine = None
_engine_lock = threading.Lock()


def get_engine():
    """This process's engine, created on first use (and again after a fork)."""
    import os

    global _engine
    with _engine_lock:
        if _engine is None or _engine.pid != os.getpid():
            from labs.engine.runner import Engine
            from labs.engine.sandbox.launcher import SandboxConfig

            _engine = Engine(SandboxConfig.from_settings())
        return _engine


def shutdown_engine() -> None:
    """Stop this process's engine: its spare sandbox and warm emulator (tests, exit)."""
    import os

    global _engine
    with _engine_lock:
        if _engine is not None and _engine.pid == os.getpid():
            _engine.close()
        _engine = None


atexit.register(shutdown_engine)


def grade_source(*, slug: str, time_limit_s: float, grader_files: dict, code: str) -> Verdict:
    """Grade one submission in a fresh sandbox and emulator. Never raises for
    anything the learner's code does; raises IsolationUnavailable when
    bubblewrap cannot run and settings.SANDBOX_REQUIRE_ISOLATION is on."""
    from labs.engine.runner import explain_exit
    from labs.engine.sandbox.limits import Limits

    started = time.monotonic()
    limits = Limits(time_limit_s=max(1, min(float(time_limit_s or 20), MAX_TIME_LIMIT_S)))
    engine = get_engine()
    result, raw_output, exit_code, killed_for_time = engine.run(slug=slug, limits=limits, grader_files=grader_files, code=code)
    output = raw_output.decode("utf-8", errors="replace")
    duration_ms = int((time.monotonic() - started) * 1000)
    if result is None:
        if killed_for_time:
            from labs.engine.sandbox.limits import time_limit_message

            return Verdict.failure("timeout", time_limit_message(limits), output=output, duration_ms=duration_ms)
        return Verdict.failure("error", ENGINE_FAILED, output=output, duration_ms=duration_ms)
    verdict = _verdict_from(result["verdict"], output=output, duration_ms=duration_ms)
    if result.get("learner", {}).get("crashed"):
        explained = explain_exit(exit_code, limits)
        if explained:
            verdict.ended, verdict.error = "error", explained
    return verdict


def _verdict_from(data: dict, *, output: str, duration_ms: int) -> Verdict:
    status = data.get("status")
    return Verdict(
        checkpoints=[
            Checkpoint(id=c["id"], title=c["title"], points=c["points"], passed=bool(c["passed"]), feedback=c["feedback"])
            for c in data.get("checkpoints") or []
        ],
        output=output,
        duration_ms=duration_ms,
        error=data.get("error") or "",
        flow=data.get("flow") or {},
        ended=status if status in ("error", "timeout") else "",
    )


def grade_lab(lab, code: str) -> Verdict:
    """grade_source for a labs.models.Lab (its stored grader files, its time limit)."""
    return grade_source(slug=lab.slug, time_limit_s=lab.time_limit_s, grader_files=lab.grader_files, code=code)
