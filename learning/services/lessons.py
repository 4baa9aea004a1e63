from django.db import IntegrityError, transaction
from django.utils import timezone

from learning.content.quickchecks import grade
from learning.models import Lesson, LessonProgress, QuickCheck, QuickCheckAnswer


class InvalidAnswer(ValueError):
    pass


def lesson_view_record(*, user, lesson: Lesson) -> LessonProgress:
    now = timezone.now()
    progress, created = LessonProgress.objects.get_or_create(
        user=user, lesson=lesson, defaults={"first_viewed_at": now, "last_viewed_at": now}
    )
    if not created:
        LessonProgress.objects.filter(pk=progress.pk).update(last_viewed_at=now)
    return progress


def lesson_complete(*, user, lesson: Lesson, completed: bool = True) -> LessonProgress:
    """Mark a lesson complete (or not). Completing twice keeps the first completion time."""
    progress = lesson_view_record(user=user, lesson=lesson)
    if completed and progress.completed_at is None:
        LessonProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(completed_at=timezone.now())
    elif not completed:
        LessonProgress.objects.filter(pk=progress.pk).update(completed_at=None)
    progress.refresh_from_db()
    return progress


def quick_check_answer(*, user, quick_check: QuickCheck, selected: list[int]) -> QuickCheckAnswer:
    """Store the learner's answer (replacing the last one) and whether it was right."""
    if not selected:
        raise InvalidAnswer("Choose an answer first.")
    if any(i < 0 or i >= len(quick_check.options) for i in selected):
        raise InvalidAnswer("That answer is not one of the options.")
    if quick_check.kind != QuickCheck.Kind.MULTIPLE and len(selected) != 1:
        raise InvalidAnswer("Choose exactly one answer.")
    correct = grade(quick_check.options, selected)
    now = timezone.now()
    with transaction.atomic():
        answer = QuickCheckAnswer.objects.select_for_update().filter(user=user, quick_check=quick_check).first()
        if answer is None:
            try:
                with transaction.atomic():
                    return QuickCheckAnswer.objects.create(
                        user=user, quick_check=quick_check, selected=sorted(selected), correct=correct, answered_at=now
                    )
            except IntegrityError:  # a double-click raced us; fall through and update
                answer = QuickCheckAnswer.objects.select_for_update().get(user=user, quick_check=quick_check)
        answer.selected = sorted(selected)
        answer.correct = correct
        answer.attempts += 1
        answer.answered_at = now
        answer.save(update_fields=["selected", "correct", "attempts", "answered_at"])
    return answer
