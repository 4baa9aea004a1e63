from labs.services.dispatch import submission_dispatch


def test_a_sent_task_counts_as_dispatched(alice, lab, make_submission, broker):
    submission = make_submission(user=alice, lab=lab)
    assert submission_dispatch(submission_id=submission.id) is True
    submission.refresh_from_db()
    assert submission.dispatch_count == 1 and broker.sent == [submission.id]


def test_a_broker_that_is_down_leaves_the_submission_queued_and_undispatched(alice, lab, make_submission, broker):
    broker.down = True
    submission = make_submission(user=alice, lab=lab)
    assert submission_dispatch(submission_id=submission.id) is False
    submission.refresh_from_db()
    assert (submission.status, submission.dispatch_count) == ("queued", 0)


def test_submitting_while_the_broker_is_down_still_succeeds(alice_client, alice, lab, broker, django_capture_on_commit_callbacks):
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/labs/{lab.slug}/run/", {"code": "x = 1"})
    assert response.status_code == 302
    submission = alice.submissions.get()
    assert (submission.status, submission.dispatch_count) == ("queued", 0)
