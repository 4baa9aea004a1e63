"""Reads of many learners' lab work at once, for the classes app (gradebook,
lab report, a student's work). classes reads submissions only through these,
so the shape of the submissions table stays labs' own business."""

from collections.abc import Iterator
from datetime import datetime

from django.db.models import BooleanField, Case, Value, When

from labs.models import Lab, Submission


def labs_assignable() -> list[Lab]:
    """Active labs, with their slug and title only (the add-assignment form)."""
    return list(Lab.objects.filter(is_active=True).only("slug", "title"))


def lab_attempts_for(*, user_ids, due_by_lab: dict[int, datetime]) -> Iterator[tuple[int, int, float | None, bool, bool, bool]]:
    """(user_id, lab_id, score, active, passed, late) for every attempt of these
    users at these labs, oldest first. `late`: made after the lab's due date.
    active: still queued or grading (its score means nothing yet)."""
    if not due_by_lab or not user_ids:
        return iter(())
    # Lateness is decided in the database (one CASE over the labs): loading
    # thousands of timestamps into Python cost more than the rest of the work.
    late = Case(
        *[When(lab_id=lab_id, created_at__gt=due_at, then=Value(True)) for lab_id, due_at in due_by_lab.items()],
        default=Value(False),
        output_field=BooleanField(),
    )
    rows = (
        Submission.objects.filter(user_id__in=user_ids, lab_id__in=due_by_lab)
        .annotate(is_late=late)
        .order_by("created_at", "id")
        .values_list("user_id", "lab_id", "score", "status", "is_late")
    )
    return (
        (user_id, lab_id, score, status in Submission.ACTIVE, status == Submission.Status.PASSED, is_late)
        for user_id, lab_id, score, status, is_late in rows
    )


def finished_attempts_for(*, user_ids, lab_id: int) -> Iterator[tuple[int, int, str, list]]:
    """(submission_id, user_id, status, checkpoints) of every graded attempt of
    these users at one lab, oldest first, read in chunks."""
    return (
        Submission.objects.filter(user_id__in=user_ids, lab_id=lab_id, status__in=Submission.FINISHED)
        .order_by("created_at", "id")
        .values_list("id", "user_id", "status", "checkpoints")
        .iterator(chunk_size=2000)
    )


def attempts_of_user_for(*, user, lab_ids) -> list[Submission]:
    """The user's submissions to these labs, newest first."""
    return list(Submission.objects.filter(user=user, lab_id__in=lab_ids).order_by("-created_at", "-id"))
