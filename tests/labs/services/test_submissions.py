import pytest

from labs.models import Submission
from labs.services.submissions import AlreadyActive, InvalidCode, RateLimited, submission_create


def test_it_saves_a_queued_submission_and_dispatches_it_after_commit(alice, lab, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(user=alice, lab=lab, code="print('hi')\n")
        assert broker.sent == []  # nothing reaches a worker before the row is committed
    assert broker.sent == [submission.id]
    submission.refresh_from_db()
    assert (submission.status, submission.attempt, submission.dispatch_count) == ("queued", 1, 1)


def test_attempts_count_up_per_learner_and_lab(alice, bob, lab, make_lab, make_submission, broker):
    make_submission(user=alice, lab=lab, status="failed")
    make_submission(user=alice, lab=make_lab(), status="failed")
    make_submission(user=bob, lab=lab, status="failed")
    assert submission_create(user=alice, lab=lab, code="x = 1").attempt == 2


def test_it_refuses_a_second_active_submission_for_the_same_lab(alice, lab, make_lab, make_submission):
    make_submission(user=alice, lab=lab, status="running")
    with pytest.raises(AlreadyActive, match="still being graded"):
        submission_create(user=alice, lab=lab, code="x = 1")
    # Another lab, or the same lab once finished, is fine.
    assert submission_create(user=alice, lab=make_lab(), code="x = 1").status == "queued"


def test_the_database_also_refuses_two_active_submissions(alice, lab, make_submission):
    from django.db import IntegrityError, transaction

    make_submission(user=alice, lab=lab, status="queued")
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(user=alice, lab=lab, code="x", status="running")


def test_it_rate_limits_per_learner_across_labs(alice, bob, make_lab, make_submission, settings):
    settings.LAB_RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        make_submission(user=alice, lab=make_lab(), status="passed")
    with pytest.raises(RateLimited, match="3 times a minute"):
        submission_create(user=alice, lab=make_lab(), code="x = 1")
    assert submission_create(user=bob, lab=make_lab(), code="x = 1").status == "queued"


def test_older_submissions_do_not_count_against_the_rate_limit(alice, make_lab, make_submission, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.LAB_RATE_LIMIT_PER_MINUTE = 1
    old = make_submission(user=alice, lab=make_lab(), status="passed")
    Submission.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(seconds=61))
    assert submission_create(user=alice, lab=make_lab(), code="x = 1").status == "queued"


@pytest.mark.parametrize("code", ["", "   \n\t"])
def test_it_refuses_empty_code(alice, lab, code):
    with pytest.raises(InvalidCode, match="empty"):
        submission_create(user=alice, lab=lab, code=code)


def test_it_refuses_huge_code(alice, lab):
    with pytest.raises(InvalidCode, match="KiB"):
        submission_create(user=alice, lab=lab, code="x = 1\n" * 20_000)
    assert not Submission.objects.exists()


def test_a_submission_is_graded_on_the_learners_own_variant(alice, bob, lab):
    from labs.selectors.variants import learner_own_seed

    mine = submission_create(user=alice, lab=lab, code="x = 1")
    theirs = submission_create(user=bob, lab=lab, code="x = 1")
    assert mine.seed == learner_own_seed(user_id=alice.pk, lab=lab)
    assert theirs.seed == learner_own_seed(user_id=bob.pk, lab=lab)
