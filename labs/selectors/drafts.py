"""What the lab page's editor starts with."""

from dataclasses import dataclass
from datetime import datetime

from labs.models import Lab, LabDraft, Submission


@dataclass(frozen=True)
class EditorCode:
    code: str
    source: str  # "draft", "submission" or "starter"
    saved_at: datetime | None = None  # when the draft was saved, for a draft


def draft_for(*, user, lab: Lab) -> LabDraft | None:
    if not user.is_authenticated:
        return None
    return LabDraft.objects.filter(user=user, lab=lab).first()


def editor_code_for(*, user, lab: Lab, latest: Submission | None) -> EditorCode:
    """The learner's draft if they saved it after their last submission
    (`latest`), else that submission's code, else the lab's starter code.

    A draft saved on one device therefore opens on another, and running code
    makes the run, not an older draft, what the page shows.
    """
    draft = draft_for(user=user, lab=lab)
    if draft is not None and (latest is None or draft.updated_at > latest.created_at):
        return EditorCode(code=draft.code, source="draft", saved_at=draft.updated_at)
    if latest is not None:
        return EditorCode(code=latest.code, source="submission")
    return EditorCode(code=lab.starter_code, source="starter")
