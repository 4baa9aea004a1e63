"""The one permission-checked fetch per object, used by every lab view."""

from django.http import Http404

from labs.models import Lab, Submission
from labs.selectors.labs import lab_for_slug
from labs.selectors.submissions import submission_by_id, submission_for_user
from labs.selectors.viewers import submission_viewable_by_other


def _get_lab_for_user(slug: str, user) -> Lab:
    """Active labs are public to read; running one needs a login (checked by the view)."""
    lab = lab_for_slug(slug=slug)
    if lab is None:
        raise Http404("No lab with that address")
    return lab


def _get_submission_for_user(submission_id: int, user, lab: Lab | None = None) -> Submission:
    """The owner's submission, or one another app lets this user read (an
    instructor: their class's student, a lab that class assigns); else 404:
    never reveal that it exists."""
    submission = submission_for_user(user=user, submission_id=submission_id)
    if submission is None and user.is_authenticated:
        other = submission_by_id(submission_id=submission_id)
        if other is not None and submission_viewable_by_other(user=user, submission=other):
            submission = other
    if submission is None or (lab is not None and submission.lab_id != lab.id):
        raise Http404("No such submission")
    return submission
