from learning.models.course import Course, Lesson, Module, QuickCheck
from learning.models.progress import LessonProgress, QuickCheckAnswer

__all__ = [
    "Course",
    "Lesson",
    "LessonProgress",
    "Module",
    "QuickCheck",
    "QuickCheckAnswer",
]
