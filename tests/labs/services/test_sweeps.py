from datetime import timedelta

from django.utils import timezone

from labs.models import Submission
from labs.services.sweeps import (
    MAX_DISPATCHES,
    NEVER_GRADED,
    REDISPATCH_AFTER_S,
    WORKER_DIED,
    redispatch_wait_s,
    submissions_sweep,
)


def _age(submission, **fields):
    Submission.objects.filter(id=submission.id).update(**fields)


def test_a_submission_stuck_running_after_its_worker_died_is_requeued_and_dispatched(alice, lab, make_submission, broker):
    submission = make_submission(user=alice, lab=lab, status="running", run_count=1)
    _age(submission, started_at=timezone.now() - timedelta(seconds=lab.time_limit_s + 20))
    result = submissions_sweep()
    submission.refresh_from_db()
    assert (submission.status, submission.started_at) == ("queued", None)
    assert broker.sent == [submission.id] and result.requeued == 1


def test_a_second_death_fails_it_with_a_message(alice, lab, make_submission, broker):
    submission = make_submission(user=alice, lab=lab, status="running", run_count=2)
    _age(submission, started_at=timezone.now() - timedelta(seconds=lab.time_limit_s + 20))
    submissions_sweep()
    submission.refresh_from_db()
    assert submission.status == "error" and submission.error == WORKER_DIED and submission.finished_at
    assert broker.sent == []


def test_a_run_within_its_time_limit_is_left_alone(alice, lab, make_lab, make_submission, broker):
    slow_lab = make_lab(time_limit_s=60)
    submission = make_submission(user=alice, lab=slow_lab, status="running", run_count=1)
    _age(submission, started_at=timezone.now() - timedelta(seconds=40))
    submissions_sweep()
    submission.refresh_from_db()
    assert submission.status == "running" and broker.sent == []


def test_worst_case_a_dead_worker_is_noticed_within_a_minute(lab):
    from django.conf import settings

    # Default lab wall clock + grace + one sweep period.
    assert lab.time_limit_s + settings.LABS_RUNNING_GRACE_S + settings.LABS_SWEEP_EVERY_S <= 60
    assert settings.CELERY_BEAT_SCHEDULE["labs-sweep-submissions"]["schedule"] == settings.LABS_SWEEP_EVERY_S


def test_the_grace_after_the_time_limit_is_a_setting(alice, lab, make_submission, broker, settings):
    submission = make_submission(user=alice, lab=lab, status="running", run_count=1)
    _age(submission, started_at=timezone.now() - timedelta(seconds=lab.time_limit_s + 3))
    submissions_sweep()
    assert Submission.objects.get(id=submission.id).status == "running"  # within the default 15 s grace
    settings.LABS_RUNNING_GRACE_S = 2
    assert submissions_sweep().requeued == 1
    assert Submission.objects.get(id=submission.id).status == "queued" and broker.sent == [submission.id]


def test_a_submission_saved_while_the_broker_was_down_is_dispatched_when_it_is_back(alice, lab, make_submission, broker):
    submission = make_submission(user=alice, lab=lab)
    _age(submission, created_at=timezone.now() - timedelta(seconds=30))
    broker.down = True
    submissions_sweep()
    submission.refresh_from_db()
    assert (submission.status, submission.dispatch_count) == ("queued", 0)
    broker.down = False
    submissions_sweep()
    submission.refresh_from_db()
    assert submission.dispatch_count == 1 and broker.sent == [submission.id]


def test_a_fresh_submission_is_left_to_its_own_dispatch(alice, lab, make_submission, broker):
    make_submission(user=alice, lab=lab)
    submissions_sweep()
    assert broker.sent == []


def test_a_lost_message_is_sent_again_with_backoff(alice, lab, make_submission, broker):
    submission = make_submission(user=alice, lab=lab, dispatch_count=1)
    _age(submission, dispatched_at=timezone.now() - timedelta(seconds=REDISPATCH_AFTER_S - 5))
    submissions_sweep()
    assert broker.sent == []
    _age(submission, dispatched_at=timezone.now() - timedelta(seconds=REDISPATCH_AFTER_S + 1))
    submissions_sweep()
    assert broker.sent == [submission.id]
    submission.refresh_from_db()
    assert submission.dispatch_count == 2
    _age(submission, dispatched_at=timezone.now() - timedelta(seconds=REDISPATCH_AFTER_S + 1))
    submissions_sweep()  # the second re-dispatch waits REDISPATCH_GROWTH times longer
    assert broker.sent == [submission.id]


def test_a_message_lost_in_a_long_outage_is_sent_again_at_the_first_sweep_after(alice, lab, make_submission, broker):
    """Dispatched, then the broker went down for ten minutes and came back empty."""
    submission = make_submission(user=alice, lab=lab, dispatch_count=1)
    _age(submission, dispatched_at=timezone.now() - timedelta(minutes=10), created_at=timezone.now() - timedelta(minutes=10))
    broker.down = True
    submissions_sweep()
    broker.down = False
    submissions_sweep()
    assert broker.sent == [submission.id]


def test_a_lost_message_is_noticed_within_thirty_seconds_of_the_broker_being_back():
    from django.conf import settings

    assert redispatch_wait_s(1) + settings.LABS_SWEEP_EVERY_S <= 30


def test_a_row_from_before_dispatched_at_counts_from_its_creation(alice, lab, make_submission, broker):
    submission = make_submission(user=alice, lab=lab, dispatch_count=1)
    _age(submission, dispatched_at=None, created_at=timezone.now() - timedelta(seconds=REDISPATCH_AFTER_S + 1))
    submissions_sweep()
    assert broker.sent == [submission.id]


def test_a_submission_no_broker_ever_delivered_is_failed_eventually(alice, lab, make_submission, broker):
    submission = make_submission(user=alice, lab=lab, dispatch_count=MAX_DISPATCHES)
    _age(submission, dispatched_at=timezone.now() - timedelta(seconds=redispatch_wait_s(MAX_DISPATCHES) - 5))
    submissions_sweep()
    assert Submission.objects.get(id=submission.id).status == "queued"
    _age(submission, dispatched_at=timezone.now() - timedelta(seconds=redispatch_wait_s(MAX_DISPATCHES) + 1))
    submissions_sweep()
    submission.refresh_from_db()
    assert submission.status == "error" and submission.error == NEVER_GRADED
    assert broker.sent == []
