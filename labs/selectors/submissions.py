"""Reads of submissions. Every lookup is scoped to the owner: a submission
that is not yours does not exist (404), rather than being forbidden (403)."""

from labs.models import Lab, Submission

HISTORY_LIMIT = 20


def submission_for_user(*, user, submission_id: int) -> Submission | None:
    if not user.is_authenticated:
        return None
    return Submission.objects.select_related("lab").filter(id=submission_id, user=user).first()


def submission_by_id(*, submission_id: int) -> Submission | None:
    """Unscoped: only for callers that check access themselves (labs/views/access.py)."""
    return Submission.objects.select_related("lab").filter(id=submission_id).first()


def latest_submission_for(*, user, lab: Lab) -> Submission | None:
    if not user.is_authenticated:
        return None
    return Submission.objects.filter(user=user, lab=lab).order_by("-created_at", "-id").first()


def submissions_for(*, user, lab: Lab, limit: int = HISTORY_LIMIT) -> list[Submission]:
    """Newest first, each with `.previous_code` (the attempt before it) for the diff."""
    if not user.is_authenticated:
        return []
    rows = list(Submission.objects.filter(user=user, lab=lab).order_by("-created_at", "-id")[: limit + 1])
    for newer, older in zip(rows, rows[1:] + [None]):
        newer.previous_code = older.code if older else None
        newer.previous_attempt = older.attempt if older else None
        submission_summarise(newer)
    return rows[:limit]


def submission_summarise(submission: Submission | None) -> Submission | None:
    """Adds `.passed_count` and `.score_percent` for display."""
    if submission is not None:
        submission.passed_count = sum(1 for c in submission.checkpoints if c.get("passed"))
        submission.score_percent = round(100 * (submission.score or 0))
    return submission


def solution_unlocked_for(*, user, lab: Lab) -> bool:
    """After a pass, or after lab.attempts_before_solution graded attempts."""
    if not user.is_authenticated:
        return False
    finished = Submission.objects.filter(user=user, lab=lab, status__in=Submission.FINISHED)
    if finished.filter(status=Submission.Status.PASSED).exists():
        return True
    return finished.count() >= lab.attempts_before_solution


def submission_verdict(submission: Submission) -> dict:
    """The API's view of a submission: issue item 8's verdict plus identifiers."""
    return {
        "id": submission.id,
        "lab": submission.lab.slug,
        "attempt": submission.attempt,
        "status": submission.status,
        "finished": submission.is_finished,
        "score": submission.score,
        "checkpoints": submission.checkpoints,
        "output": submission.output,
        "error": submission.error,
        "duration_ms": submission.duration_ms,
        "flow": submission.flow,
        "trace": submission.trace,
        "created_at": submission.created_at.isoformat(),
        "started_at": submission.started_at.isoformat() if submission.started_at else None,
        "finished_at": submission.finished_at.isoformat() if submission.finished_at else None,
    }
