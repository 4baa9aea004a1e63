""""Add to my cards" under a lesson, for a learner who is logged in (learning/practice.py)."""

from learning.practice import LessonPanel


def lesson_panel(*, lesson, user) -> LessonPanel | None:
    return LessonPanel(template="flashcards/_lesson_panel.html") if user.is_authenticated else None
