"""Creating submissions: the learner-facing checks, then the row, then the
task, enqueued only once the row is committed."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from labs.models import Lab, Submission
from labs.selectors.variants import lab_seed
from labs.services.dispatch import submission_dispatch

MAX_CODE_BYTES = 64 * 1024  # a lab solution is a page or two; this stops pastes of whole files


class SubmissionRejected(Exception):
    """A submission the learner must change or wait for; `str()` is shown to them."""

    http_status = 400


class RateLimited(SubmissionRejected):
    http_status = 429


class AlreadyActive(SubmissionRejected):
    http_status = 409


class InvalidCode(SubmissionRejected):
    http_status = 400


def code_size_check(code: str) -> None:
    """The one size rule for code a learner sends, run or saved as a draft."""
    if len(code.encode()) > MAX_CODE_BYTES:
        raise InvalidCode(f"Your code is over {MAX_CODE_BYTES // 1024} KiB; a lab solution fits in far less.")


def submission_create(*, user, lab: Lab, code: str) -> Submission:
    """Save a queued submission and dispatch it after commit.

    Raises InvalidCode, RateLimited or AlreadyActive with a message for the learner.
    """
    if not code.strip():
        raise InvalidCode("Write some code first: the editor is empty.")
    code_size_check(code)
    limit = settings.LAB_RATE_LIMIT_PER_MINUTE
    with transaction.atomic():
        # Lock the learner's row so that two simultaneous posts are counted one
        # after the other (SQLite's IMMEDIATE transactions serialise them anyway).
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        since = timezone.now() - timedelta(minutes=1)
        if Submission.objects.filter(user=user, created_at__gte=since).count() >= limit:
            raise RateLimited(f"You can run labs {limit} times a minute. Wait a few seconds and run it again.")
        if Submission.objects.filter(user=user, lab=lab, status__in=Submission.ACTIVE).exists():
            raise AlreadyActive("Your previous run of this lab is still being graded. Its result will appear in a moment.")
        attempt = Submission.objects.filter(user=user, lab=lab).count() + 1
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    user=user, lab=lab, code=code, attempt=attempt, seed=lab_seed(user=user, lab=lab)
                )
        except IntegrityError as exc:  # the partial unique constraint: a race the lock did not cover
            raise AlreadyActive("Your previous run of this lab is still being graded.") from exc
        submission_id = submission.id
        transaction.on_commit(lambda: submission_dispatch(submission_id=submission_id))
    return submission
