"""Who besides its author may read a submission.

labs does not know about classes. An app that lets other people read a
learner's work names, in its AppConfig, `lab_submission_viewer =
"package.module.function"`; the function is called with `user=` and
`submission=` and answers True to let that user read it. classes does, for an
instructor and the students of the classes they teach.
"""

from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.utils.module_loading import import_string


@cache
def _viewer_checks() -> tuple[Callable[..., bool], ...]:
    return tuple(
        import_string(config.lab_submission_viewer)
        for config in apps.get_app_configs()
        if getattr(config, "lab_submission_viewer", None)
    )


def submission_viewable_by_other(*, user, submission) -> bool:
    """True when an app lets `user`, who is not the author, read `submission`."""
    return any(check(user=user, submission=submission) for check in _viewer_checks())
