from django.conf import settings
from django.db import models

from learning.models.course import Lesson, QuickCheck


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    first_viewed_at = models.DateTimeField()
    last_viewed_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_user_lesson")]
        indexes = [models.Index(fields=["user", "-last_viewed_at"])]


class QuickCheckAnswer(models.Model):
    """The learner's latest answer to a quick check (earlier ones are overwritten)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quick_check_answers")
    quick_check = models.ForeignKey(QuickCheck, on_delete=models.CASCADE, related_name="answers")
    selected = models.JSONField(default=list)  # option indexes
    correct = models.BooleanField()
    attempts = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "quick_check"], name="one_answer_per_user_check")]
