from labs.models import Submission


def test_without_javascript_a_run_redirects_to_the_result(alice_client, alice, lab, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/labs/{lab.slug}/run/", {"code": "x = 1\r\ny = 2\r\n"})
    assert response.status_code == 302 and response["Location"] == f"/labs/{lab.slug}/#run"
    submission = alice.submissions.get()
    assert submission.code == "x = 1\ny = 2\n" and broker.sent == [submission.id]
    assert "Waiting for a grader" in alice_client.get(response["Location"]).content.decode()


def test_with_htmx_a_run_returns_the_polling_result_region(alice_client, alice, lab, broker):
    response = alice_client.post(f"/labs/{lab.slug}/run/", {"code": "x = 1"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    submission = alice.submissions.get()
    assert response.status_code == 200 and "<html" not in body
    assert f'hx-get="/labs/{lab.slug}/attempts/{submission.id}/status/"' in body
    assert 'id="run-announce" hx-swap-oob="innerHTML">Attempt 1: grading' in body


def test_a_second_run_while_one_is_active_says_why(alice_client, alice, lab, make_submission, broker):
    make_submission(user=alice, lab=lab, status="running")
    response = alice_client.post(f"/labs/{lab.slug}/run/", {"code": "x = 1"}, headers={"HX-Request": "true"})
    assert "still being graded" in response.content.decode()
    assert Submission.objects.filter(user=alice).count() == 1


def test_a_rejected_run_without_javascript_keeps_the_code_typed(alice_client, alice, lab, make_submission, broker, settings):
    settings.LAB_RATE_LIMIT_PER_MINUTE = 1
    make_submission(user=alice, lab=lab, status="failed", code="old = 1")
    response = alice_client.post(f"/labs/{lab.slug}/run/", {"code": "typed_but_refused = 1"}, follow=True)
    body = response.content.decode()
    assert "1 times a minute" in body or "once a minute" in body or "a minute" in body
    assert "typed_but_refused = 1" in body


def test_running_needs_a_login(client, lab):
    response = client.post(f"/labs/{lab.slug}/run/", {"code": "x = 1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Submission.objects.exists()


def test_run_rejects_get(alice_client, lab):
    assert alice_client.get(f"/labs/{lab.slug}/run/").status_code == 405
