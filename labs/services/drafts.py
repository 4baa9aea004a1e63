"""Saving the code in a learner's editor as they type (static/js/lab-editor.js
posts it about a second after the last keystroke)."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from labs.models import Lab, LabDraft
from labs.services.submissions import code_size_check


def draft_save(*, user, lab: Lab, code: str) -> datetime:
    """Store `code` as the learner's draft of `lab`, replacing the last one,
    and return the time it was saved.

    Raises InvalidCode (the submissions' size rule) with a message for the
    learner. Empty code is a fine draft: the learner cleared the editor.
    """
    code_size_check(code)
    now = timezone.now()
    # Autosave calls this every second or so while someone types: one UPDATE
    # in the usual case, an INSERT only for the first draft of a lab.
    if LabDraft.objects.filter(user=user, lab=lab).update(code=code, updated_at=now):
        return now
    try:
        with transaction.atomic():
            LabDraft.objects.create(user=user, lab=lab, code=code, updated_at=now)
    except IntegrityError:
        # A save from another tab created it between our UPDATE and INSERT.
        LabDraft.objects.filter(user=user, lab=lab).update(code=code, updated_at=now)
    return now


def draft_start_over(*, user, lab: Lab) -> datetime:
    """Replace the learner's draft with the lab's starter code; their
    submissions, and so their history, stay as they are."""
    return draft_save(user=user, lab=lab, code=lab.starter_code)
