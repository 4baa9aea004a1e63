"""A lab as synced from course/labs/<slug>/. The grader's files are stored with
the lab, so a worker always grades against the last good sync, never against
half-edited files on disk."""

from django.db import models

from learning.models import Module


class Lab(models.Model):
    class Difficulty(models.TextChoices):
        INTRO = "intro", "Introductory"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    stable_id = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="labs")
    # The lessons it practises (lab.yaml's `lessons:`): the lab page lists them,
    # and each of them offers the lab, whatever module the lab sits in.
    lessons = models.ManyToManyField("learning.Lesson", blank=True, related_name="+")
    services = models.JSONField(default=list)  # ["sqs", "sns", ...]
    difficulty = models.CharField(max_length=16, choices=Difficulty.choices, default=Difficulty.INTRO)
    minutes = models.PositiveIntegerField(default=20, help_text="Estimated time for a learner")
    time_limit_s = models.PositiveIntegerField(default=20, help_text="Wall clock for one grading run")
    attempts_before_solution = models.PositiveIntegerField(default=5)
    position = models.PositiveIntegerField(default=0)
    instructions = models.JSONField(default=list)  # rendered segments, as Lesson.segments
    hints = models.JSONField(default=list)  # [html, ...] revealed one at a time
    starter_code = models.TextField()
    solution_code = models.TextField()
    grader_files = models.JSONField(default=dict)  # {relative path: text}, trusted
    source_path = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/labs/{self.slug}/"
