"""The periodic sweep that makes sure nothing stays queued or running forever.

- running past its lab's time limit plus a grace period: the worker died
  mid-grade (killed, OOM, restarted). Requeue it once; a second death fails it
  with a message, so code that somehow kills workers cannot loop forever.
- queued and never handed to the broker (it was down at submit): dispatch now.
- queued, dispatched, and still waiting REDISPATCH_AFTER_S after the broker
  last accepted it: the message may be lost (a broker restarted without
  persistence) or only waiting in a backlog. Dispatch again either way; the
  claim makes the duplicate of a message that was only waiting a no-op (one
  UPDATE that matches nothing). Each further re-dispatch waits
  REDISPATCH_GROWTH times longer, so a long backlog gains few duplicates.
So a submission whose message the broker lost is sent again at most
REDISPATCH_AFTER_S + LABS_SWEEP_EVERY_S (30 s) after the broker is back, whether
the outage was short or long (a failed dispatch does not count).
Run every settings.LABS_SWEEP_EVERY_S by celery beat (redrive/settings.py
CELERY_BEAT_SCHEDULE), on its own `sweeps` queue so no grading backlog delays or
expires it; settings.LABS_RUNNING_GRACE_S is the grace above.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone

from labs.models import Submission
from labs.services.dispatch import submission_dispatch

logger = logging.getLogger(__name__)

UNDISPATCHED_AFTER_S = 3  # on_commit normally dispatches within milliseconds
REDISPATCH_AFTER_S = 20  # a grading takes seconds: a message unclaimed after 20 s is probably lost
REDISPATCH_GROWTH = 3  # then 60 s, 180 s, 540 s...
# The fifth accepted dispatch still unclaimed after its wait (about 40 minutes
# in all) fails the submission with a message instead of waiting forever.
MAX_DISPATCHES = 5
MAX_RUNS = 2
# Each item costs a query or two and possibly a broker send; a bounded batch
# keeps one sweep well inside its period even after a long broker outage.
BATCH = 200

WORKER_DIED = (
    "Grading stopped before it finished (the grading worker was restarted twice while running your code). "
    "Nothing is wrong with your submission as far as we know: run it again."
)
NEVER_GRADED = "We could not hand your submission to a grader. Run it again in a minute."


@dataclass
class SweepResult:
    requeued: int = 0
    failed: int = 0
    dispatched: int = 0


def redispatch_wait_s(dispatch_count: int) -> float:
    """Seconds after the broker last accepted a submission, still queued, before
    it is sent again (or, after MAX_DISPATCHES, failed)."""
    return REDISPATCH_AFTER_S * REDISPATCH_GROWTH ** max(dispatch_count - 1, 0)


def submissions_sweep(*, now=None) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    _sweep_running(now, result)
    _sweep_queued(now, result)
    if result.requeued or result.failed or result.dispatched:
        logger.warning("submission sweep: %s", result)
    return result


def _sweep_running(now, result: SweepResult) -> None:
    grace_s = settings.LABS_RUNNING_GRACE_S  # engine start-up and verdict storage beyond the learner's wall clock
    stale = (
        Submission.objects.filter(status=Submission.Status.RUNNING, started_at__lt=now - timedelta(seconds=grace_s))
        .select_related("lab")
        .order_by("started_at")[:BATCH]
    )
    for submission in stale:
        if submission.started_at > now - timedelta(seconds=submission.lab.time_limit_s + grace_s):
            continue
        still_this_run = Submission.objects.filter(
            id=submission.id, status=Submission.Status.RUNNING, run_count=submission.run_count
        )
        if submission.run_count >= MAX_RUNS:
            if still_this_run.update(status=Submission.Status.ERROR, error=WORKER_DIED, score=0.0, finished_at=now):
                result.failed += 1
        elif still_this_run.update(status=Submission.Status.QUEUED, started_at=None):
            result.requeued += 1
            if submission_dispatch(submission_id=submission.id):
                result.dispatched += 1


def _sweep_queued(now, result: SweepResult) -> None:
    undispatched = Submission.objects.filter(
        status=Submission.Status.QUEUED, dispatch_count=0, created_at__lt=now - timedelta(seconds=UNDISPATCHED_AFTER_S)
    )
    ids = list(undispatched.order_by("created_at").values_list("id", flat=True)[:BATCH])
    # Rows dispatched before dispatched_at existed count from their creation.
    waiting = (
        Submission.objects.annotate(last_dispatch=Coalesce("dispatched_at", "created_at"))
        .filter(status=Submission.Status.QUEUED, dispatch_count__gt=0, last_dispatch__lt=now - timedelta(seconds=REDISPATCH_AFTER_S))
        .order_by("last_dispatch")[:BATCH]
    )
    for submission in waiting.only("id", "created_at", "dispatched_at", "dispatch_count"):
        if submission.last_dispatch >= now - timedelta(seconds=redispatch_wait_s(submission.dispatch_count)):
            continue
        if submission.dispatch_count >= MAX_DISPATCHES:
            if Submission.objects.filter(id=submission.id, status=Submission.Status.QUEUED).update(
                status=Submission.Status.ERROR, error=NEVER_GRADED, score=0.0, finished_at=now
            ):
                result.failed += 1
            continue
        ids.append(submission.id)
    for submission_id in ids:
        if not submission_dispatch(submission_id=submission_id):
            return  # the broker is still down: try again next sweep, not hundreds of times now
        result.dispatched += 1
