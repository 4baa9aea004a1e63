"""The grading state machine: queued -> running -> passed/failed/error/timeout.

Every transition is a conditional UPDATE, so two workers (a redelivered task, or
a sweep's re-dispatch beside the original) can never both grade one submission,
and a late verdict never overwrites a newer run's.
"""

import logging

from django.db.models import F
from django.utils import timezone

from grader.verdict import ENGINE_FAILED, Verdict
from labs import engine
from labs.models import Submission

logger = logging.getLogger(__name__)


def submission_claim(*, submission_id: int) -> Submission | None:
    """queued -> running. None when another worker got there first or it is finished."""
    claimed = Submission.objects.filter(id=submission_id, status=Submission.Status.QUEUED).update(
        status=Submission.Status.RUNNING, started_at=timezone.now(), run_count=F("run_count") + 1
    )
    if claimed != 1:
        return None
    return Submission.objects.select_related("lab").get(id=submission_id)


def _store(submission: Submission, **fields) -> bool:
    """Write a result only while this run still owns the row: a sweep may have
    requeued it (still ours until another worker claims it: run_count moves on)."""
    fields.setdefault("finished_at", timezone.now())
    stored = Submission.objects.filter(
        id=submission.id, status__in=Submission.ACTIVE, run_count=submission.run_count
    ).update(**fields)
    if stored != 1:
        logger.info("submission %s: verdict of run %s dropped, a newer run owns it", submission.id, submission.run_count)
    return stored == 1


def submission_verdict_store(*, submission: Submission, verdict: Verdict) -> bool:
    """The verdict's fields are the row's: status, score, checkpoints, flow, output, error, duration_ms."""
    return _store(submission, **verdict.to_dict())


def submission_fail(*, submission: Submission, message: str, status: str = Submission.Status.ERROR) -> bool:
    return _store(submission, status=status, error=message, score=0.0)


def submission_grade(*, submission_id: int) -> Submission | None:
    """Claim, grade and store. Returns the claimed submission, or None if not ours.

    The engine is synchronous and bounded by the lab's time limit; anything it
    raises is an internal failure, recorded on the row in plain words.
    """
    submission = submission_claim(submission_id=submission_id)
    if submission is None:
        return None
    try:
        verdict = engine.grade_lab(submission.lab, submission.code, seed=submission.seed)
        if submission_verdict_store(submission=submission, verdict=verdict):
            # One line per stored verdict: what an operator counts and times
            # per worker (docs/deploy.md), and how tests tell who graded what.
            logger.info(
                "submission %s graded: %s in %s ms (run %s)", submission_id, verdict.status.value, verdict.duration_ms, submission.run_count
            )
    except Exception:
        logger.exception("grading submission %s failed", submission_id)
        submission_fail(submission=submission, message=ENGINE_FAILED)
    return submission
