"""The course as synced from files. Rows are keyed by the stable id written in
the files, never by slug or path, so renames keep learners' progress. Content
that disappears from the files is retired (is_active=False), not deleted."""

from django.db import models


class Course(models.Model):
    """The one course the site serves: its title and summary from course.yaml."""

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    synced_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    stable_id = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    stable_id = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="lessons")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    minutes = models.PositiveIntegerField(default=5)
    tags = models.JSONField(default=list, blank=True)
    position = models.PositiveIntegerField(default=0)
    source_path = models.CharField(max_length=500, blank=True)
    # Rendered once at sync time and stored: [{"kind": "html", "html": ...} | {"kind": "quiz", "id": ...}]
    segments = models.JSONField(default=list)
    toc = models.JSONField(default=list)
    search_text = models.TextField(blank=True)
    words = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module__position", "position"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/lessons/{self.slug}/"


class QuickCheck(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        TRUEFALSE = "truefalse", "True or false"

    stable_id = models.CharField(max_length=64, unique=True)
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="quick_checks")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    question = models.TextField()
    options = models.JSONField(default=list)  # [{"text", "correct", "why"}]
    explanation = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["lesson", "position"]

    def __str__(self) -> str:
        return self.question[:60]
