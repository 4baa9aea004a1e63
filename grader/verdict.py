"""The result of grading one submission.

One Verdict is built in the emulator child from what the grader recorded on
its Run (grader.run.run_grader), crosses to the worker (grader.protocol), is
amended there for what only the worker sees (grader.engine.amend_in_worker)
and is stored on the row by labs (labs.services.grading).
"""

from dataclasses import dataclass, field
from enum import StrEnum

from grader.trace import TraceEntry

OUTPUT_CAP = 64 * 1024
TRUNCATED_MARKER = "\n[output truncated]\n"
ENGINE_FAILED = "Grading failed on our side, not because of your code. Run it again; if it keeps happening, tell us."


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"


# The statuses a run can be ended with; the other two come from the checkpoints.
ENDINGS = (Status.ERROR, Status.TIMEOUT)


def cap_output(text: str, cap: int = OUTPUT_CAP) -> str:
    """Keep the first `cap` characters of learner output and say so when cut.

    The head is kept rather than the tail: the first traceback is the one a
    learner needs, and a flood usually repeats itself after that.
    """
    text = text or ""
    if len(text) <= cap:
        return text
    return text[: cap - len(TRUNCATED_MARKER)] + TRUNCATED_MARKER


@dataclass
class Checkpoint:
    id: str
    title: str
    points: float
    passed: bool
    feedback: str

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "passed": self.passed, "points": self.points, "feedback": self.feedback}


# A grader injects a handful; a runaway rule (times=10**6 on a busy call) must not bloat the row.
MAX_FAULTS = 100


@dataclass
class Verdict:
    """A run that ended early (`end()`) keeps the checkpoints it recorded.

    trace is what the emulator saw happen to each message the scenario
    injected (grader/trace.py), named by the grader (Run.label). faults lists
    the faults the grader injected that fired (grader.emulator.faults.Faults.injected),
    stored with the row and said in words on the lab page (labs.fault_words).
    """

    checkpoints: list[Checkpoint] = field(default_factory=list)
    trace: list[TraceEntry] = field(default_factory=list)
    output: str = ""
    duration_ms: int = 0
    error: str = ""
    ended: Status | None = None  # ERROR or TIMEOUT when the run was ended early
    faults: list = field(default_factory=list)

    @property
    def score(self) -> float:
        total = sum(c.points for c in self.checkpoints)
        if total <= 0:
            return 0.0
        return round(sum(c.points for c in self.checkpoints if c.passed) / total, 4)

    @property
    def status(self) -> Status:
        """The one place a status is decided."""
        if self.ended:
            return Status(self.ended)
        return Status.PASSED if self.checkpoints and self.score == 1.0 else Status.FAILED

    def end(self, status: Status, error: str) -> None:
        """End the run as ERROR or TIMEOUT with a plain-language reason (a later call wins)."""
        if status not in ENDINGS:
            raise ValueError(f"a run can only be ended as error or timeout, not {status!r}")
        self.ended, self.error = Status(status), error

    def to_dict(self) -> dict:
        """The stored and JSON shape: the row's fields, issue item 8's verdict."""
        return {
            "status": self.status.value,
            "score": self.score,
            "checkpoints": [c.to_dict() for c in self.checkpoints],
            "output": cap_output(self.output),
            "duration_ms": max(0, int(self.duration_ms)),
            "error": self.error,
            "trace": [entry.to_dict() for entry in self.trace],
            "faults": list(self.faults)[:MAX_FAULTS],
        }

    @classmethod
    def failure(cls, status: Status, error: str, *, output: str = "", duration_ms: int = 0) -> "Verdict":
        """A run that produced no grading at all (engine failure, learner killed before grading)."""
        verdict = cls(output=output, duration_ms=duration_ms)
        verdict.end(status, error)
        return verdict
