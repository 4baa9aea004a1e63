from learning.models.course import Lesson, Module, QuickCheck
from learning.models.progress import LessonProgress, QuickCheckAnswer
from learning.models.tokens import ApiToken

__all__ = ["ApiToken", "Lesson", "LessonProgress", "Module", "QuickCheck", "QuickCheckAnswer"]
