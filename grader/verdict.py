"""The result of grading one submission, in the shape the site stores.

A verdict is built by the engine (sandboxed or in-process) from what the grader
recorded on its Run; `to_dict()` is what the Celery task hands to
`labs.services.grading.submission_verdict_store`.
"""

from dataclasses import dataclass, field

OUTPUT_CAP = 64 * 1024
TRUNCATED_MARKER = "\n[output truncated]\n"
STATUSES = ("passed", "failed", "error", "timeout")


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


@dataclass
class Verdict:
    """status is derived from the checkpoints unless the run ended in "error" or
    "timeout"; a run that ended early keeps the checkpoints it recorded."""

    checkpoints: list[Checkpoint] = field(default_factory=list)
    output: str = ""
    duration_ms: int = 0
    error: str = ""
    flow: dict = field(default_factory=dict)
    ended: str = ""  # "", "error" or "timeout"

    @property
    def score(self) -> float:
        total = sum(c.points for c in self.checkpoints)
        if total <= 0:
            return 0.0
        return round(sum(c.points for c in self.checkpoints if c.passed) / total, 4)

    @property
    def status(self) -> str:
        if self.ended in ("error", "timeout"):
            return self.ended
        return "passed" if self.checkpoints and self.score == 1.0 else "failed"

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "score": self.score,
            "checkpoints": [c.to_dict() for c in self.checkpoints],
            "output": cap_output(self.output),
            "duration_ms": int(self.duration_ms),
            "error": self.error,
            "flow": self.flow or {"nodes": [], "events": [], "summary": ""},
        }

    @classmethod
    def failure(cls, status: str, error: str, *, output: str = "", duration_ms: int = 0) -> "Verdict":
        """A run that produced no grading at all (engine failure, learner killed before grading)."""
        if status not in ("error", "timeout"):
            raise ValueError(f"failure status must be 'error' or 'timeout', not {status!r}")
        return cls(output=output, duration_ms=duration_ms, error=error, ended=status)
