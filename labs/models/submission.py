from django.conf import settings
from django.db import models
from django.db.models import Q

from labs.models.lab import Lab


class Submission(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        ERROR = "error", "Error"
        TIMEOUT = "timeout", "Timed out"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.PASSED, Status.FAILED, Status.ERROR, Status.TIMEOUT)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="submissions")
    code = models.TextField()
    attempt = models.PositiveIntegerField(default=1, help_text="1 for the user's first submission to this lab")
    # The variant graded (grader.variants): the learner's own, or their class's (labs.selectors.variants).
    seed = models.PositiveIntegerField(default=0, help_text="the lab variant this run was graded on")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    score = models.FloatField(null=True, blank=True)  # 0..1
    checkpoints = models.JSONField(default=list)  # [{"id", "title", "passed", "points", "feedback"}]
    flow = models.JSONField(default=dict)  # the grader-narrated flow of runs before the trace (kept for old rows)
    faults = models.JSONField(default=list)  # what the grader injected that fired (grader.emulator.faults), in order
    trace = models.JSONField(default=list)  # grader.trace.TraceEntry dicts: what the emulator saw happen to each message
    output = models.TextField(blank=True)  # learner stdout+stderr, capped
    error = models.TextField(blank=True)  # plain-language reason for error/timeout
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    dispatch_count = models.PositiveIntegerField(default=0, help_text="times handed to the broker")
    dispatched_at = models.DateTimeField(null=True, blank=True, help_text="when the broker last accepted it")
    run_count = models.PositiveIntegerField(default=0, help_text="times a worker claimed it")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "lab", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            # At most one queued or running submission per learner per lab.
            models.UniqueConstraint(
                fields=["user", "lab"], condition=Q(status__in=["queued", "running"]), name="one_active_submission_per_lab"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lab.slug} #{self.attempt} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
