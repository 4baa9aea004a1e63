from labs.models.draft import LabDraft
from labs.models.lab import Lab
from labs.models.submission import Submission

__all__ = ["Lab", "LabDraft", "Submission"]
