from labs.models import Submission
from labs.services.grading import ENGINE_FAILED, submission_claim, submission_grade, submission_verdict_store
from tests.labs.conftest import verdict


def test_it_grades_a_queued_submission_and_stores_the_verdict(alice, lab, make_submission, fake_engine):
    submission = make_submission(user=alice, lab=lab, code="print(1)")
    fake_engine.result = verdict(passed=False, output="hello\n")
    submission_grade(submission_id=submission.id)
    submission.refresh_from_db()
    assert fake_engine.calls == [(lab.id, "print(1)")]
    assert submission.status == "failed" and submission.score == 0.5
    assert [c["passed"] for c in submission.checkpoints] == [True, False]
    assert submission.output == "hello\n" and submission.duration_ms == 321
    assert submission.trace[0]["outcome"] == "bad" and submission.trace[0]["label"] == "order o-1"
    assert submission.run_count == 1 and submission.started_at and submission.finished_at


def test_claiming_twice_grades_once(alice, lab, make_submission, fake_engine):
    submission = make_submission(user=alice, lab=lab)
    assert submission_claim(submission_id=submission.id) is not None
    assert submission_claim(submission_id=submission.id) is None
    assert submission_grade(submission_id=submission.id) is None  # a redelivered task: running already
    assert fake_engine.calls == []


def test_a_finished_submission_is_never_graded_again(alice, lab, make_submission, fake_engine):
    submission = make_submission(user=alice, lab=lab, status="passed", score=1.0)
    assert submission_grade(submission_id=submission.id) is None
    assert fake_engine.calls == []
    submission.refresh_from_db()
    assert submission.status == "passed"


def test_an_engine_crash_is_recorded_on_the_row_in_plain_words(alice, lab, make_submission, fake_engine):
    fake_engine.raises = RuntimeError("sandbox pool exploded")
    submission = make_submission(user=alice, lab=lab)
    submission_grade(submission_id=submission.id)
    submission.refresh_from_db()
    assert submission.status == "error" and submission.error == ENGINE_FAILED
    assert "exploded" not in submission.error  # internals stay in the log


def test_a_late_verdict_does_not_overwrite_a_newer_run(alice, lab, make_submission):
    submission = make_submission(user=alice, lab=lab)
    first = submission_claim(submission_id=submission.id)
    # The sweep decided the first worker died, requeued, and a second worker claimed it.
    Submission.objects.filter(id=submission.id).update(status="queued")
    second = submission_claim(submission_id=submission.id)
    assert submission_verdict_store(submission=first, verdict=verdict(passed=False)) is False
    assert submission_verdict_store(submission=second, verdict=verdict(passed=True)) is True
    submission.refresh_from_db()
    assert submission.status == "passed" and submission.run_count == 2


def test_output_is_capped(alice, lab, make_submission, fake_engine):
    fake_engine.result = verdict(passed=True, output="x" * 200_000)
    submission = make_submission(user=alice, lab=lab)
    submission_grade(submission_id=submission.id)
    submission.refresh_from_db()
    assert len(submission.output) == 64 * 1024


def test_the_task_is_a_thin_wrapper_over_the_service(alice, lab, make_submission, fake_engine):
    from labs.tasks import grade_submission

    submission = make_submission(user=alice, lab=lab)
    grade_submission.run(submission.id)
    submission.refresh_from_db()
    assert submission.status == "passed"


def test_every_verdict_status_is_a_finished_row_status():
    from grader import Status

    assert {s.value for s in Status} == {s.value for s in Submission.FINISHED}


def test_it_grades_on_the_variant_stored_with_the_submission(alice, lab, make_submission, fake_engine):
    submission = make_submission(user=alice, lab=lab, code="print(1)")
    type(submission).objects.filter(pk=submission.pk).update(seed=417)
    submission_grade(submission_id=submission.id)
    assert fake_engine.seeds == [417]
