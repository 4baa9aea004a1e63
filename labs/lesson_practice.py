"""The "Practise it in a lab" box under a lesson (learning/practice.py)."""

from labs.selectors.labs import labs_for_lesson
from learning.practice import LessonPanel


def lesson_panel(*, lesson, user) -> LessonPanel | None:
    labs = labs_for_lesson(lesson=lesson)
    return LessonPanel(template="labs/_lesson_panel.html", items=labs) if labs else None
