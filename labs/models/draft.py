from django.conf import settings
from django.db import models

from labs.models.lab import Lab


class LabDraft(models.Model):
    """The code in a learner's editor, saved as they type, so it survives a
    reload, a closed tab or a change of device. One per learner and lab; the
    lab page shows it when it is newer than their last submission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_drafts")
    # A draft is disposable (unlike a graded submission, whose lab is PROTECTed).
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="drafts")
    code = models.TextField(blank=True)
    updated_at = models.DateTimeField()  # set by labs.services.drafts.draft_save, the only writer

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lab"], name="one_draft_per_learner_and_lab")]

    def __str__(self) -> str:
        return f"{self.user} · {self.lab.slug} draft"
