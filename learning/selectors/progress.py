"""Progress of many learners at once, for the classes gradebook."""

from collections.abc import Iterable

from learning.models import Lesson, LessonProgress


def lessons_assignable() -> list[Lesson]:
    """Active lessons of active modules, with their slug and title only (the add-assignment form)."""
    return list(Lesson.objects.filter(is_active=True, module__is_active=True).only("slug", "title"))


def lesson_completions_for(*, user_ids, lesson_ids) -> Iterable[tuple[int, int, object]]:
    """(user_id, lesson_id, completed_at) for every completed pair."""
    return LessonProgress.objects.filter(
        user_id__in=user_ids, lesson_id__in=lesson_ids, completed_at__isnull=False
    ).values_list("user_id", "lesson_id", "completed_at")
