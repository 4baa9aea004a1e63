from learning.models.classes import Assignment, ClassMembership, Classroom, UserTimezone
from learning.models.course import Course, Lesson, Module, QuickCheck
from learning.models.progress import LessonProgress, QuickCheckAnswer
from learning.models.tokens import ApiToken

__all__ = [
    "ApiToken",
    "Assignment",
    "ClassMembership",
    "Classroom",
    "Course",
    "Lesson",
    "LessonProgress",
    "Module",
    "QuickCheck",
    "QuickCheckAnswer",
    "UserTimezone",
]
