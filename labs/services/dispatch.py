"""Handing a submission to the broker. A broker that is down must never lose a
submission or fail the learner's request: the row stays queued with
dispatch_count 0 and the sweep dispatches it when the broker is back."""

import logging

from django.db.models import F
from django.utils import timezone

from labs.models import Submission
from labs.tasks import grade_submission

logger = logging.getLogger(__name__)


def submission_dispatch(*, submission_id: int) -> bool:
    """Send the grading task; True when the broker accepted it."""
    try:
        # No retries here: the sweep is the retry, and a web request must not
        # block while the broker is unreachable. Connecting is not retried
        # either, and gives up after BROKER_CONNECT_TIMEOUT_S
        # (redrive/settings.py CELERY_BROKER_TRANSPORT_OPTIONS).
        grade_submission.apply_async((submission_id,), retry=False)
    except Exception as exc:  # kombu/redis raise many types for "cannot reach the broker"
        logger.warning("submission %s stays queued: broker unavailable (%s)", submission_id, exc)
        return False
    Submission.objects.filter(id=submission_id).update(dispatch_count=F("dispatch_count") + 1, dispatched_at=timezone.now())
    return True
