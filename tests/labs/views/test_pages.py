"""labs/views/pages.py: the catalog, the lab page, running code, the status region and hints."""

import re

import pytest

from labs.models import Submission
from tests.labs.conftest import verdict


def test_anyone_can_read_a_lab_but_must_log_in_to_run_it(client, lab):
    body = client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Create a queue called <code>orders</code>." in body
    assert "def setup():" in body  # the starter code, in the editor
    assert "Log in to run your code" in body and ">Run &amp; grade</button>" not in body


def test_an_unknown_or_inactive_lab_is_a_404(client, make_lab):
    hidden = make_lab(is_active=False)
    assert client.get("/labs/nope/").status_code == 404
    assert client.get(f"/labs/{hidden.slug}/").status_code == 404


def test_the_editor_says_how_to_leave_it_by_keyboard(alice_client, lab):
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert '<textarea id="code" name="code"' in body
    assert "press <kbd>Esc</kbd> and then <kbd>Tab</kbd>" in body
    assert 'role="status"' in body  # the run announcement is a live region


def test_it_shows_the_latest_attempt_with_checkpoints_output_and_flow(alice_client, alice, lab, make_submission):
    data = verdict(passed=False, output="printed by the learner\n").to_dict()
    make_submission(user=alice, lab=lab, status="failed", score=0.5, code="x = 'mine'", checkpoints=data["checkpoints"], trace=data["trace"], output=data["output"])
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "x = &#x27;mine&#x27;" in body  # the editor holds the last attempt
    assert "1 of 2</strong> checkpoints passed" in body
    assert "Expected 1 message in orders, found 0." in body
    assert "printed by the learner" in body
    assert "Where each message went" in body and 'class="flow"' in body
    assert "Should have reached confirmations." in body and "sent to orders" in body
    assert "the lab&#x27;s producer" in body  # the producer box
    assert "hx-trigger" not in body  # finished: nothing polls


def test_the_faults_the_grader_injected_are_said_beside_the_flow(alice_client, alice, lab, make_submission):
    data = verdict(passed=False).to_dict()
    faults = [{"fault": "fail", "service": "sqs", "target": "SendMessage", "at": 2.0, "detail": {"code": "KmsDisabled", "status": 400}}]
    make_submission(user=alice, lab=lab, status="failed", score=0.5, checkpoints=data["checkpoints"], trace=data["trace"], faults=faults)
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "What the grader did to your calls" in body
    assert "<li>Failed your SQS SendMessage call with KmsDisabled.</li>" in body


def test_an_active_attempt_polls_and_refreshes_without_javascript(alice_client, alice, lab, make_submission):
    submission = make_submission(user=alice, lab=lab, status="running")
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert f'hx-get="/labs/{lab.slug}/attempts/{submission.id}/status/?poll=1" hx-trigger="load delay:100ms, every 1s"' in body
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body
    assert "Running your code" in body


def test_the_solution_unlocks_after_a_pass(alice_client, alice, lab, make_submission):
    assert "reference solution" not in alice_client.get(f"/labs/{lab.slug}/").content.decode()
    make_submission(user=alice, lab=lab, status="passed", score=1.0)
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Show the reference solution" in body and "QueueName" in body


def test_the_solution_unlocks_after_enough_graded_attempts(alice_client, alice, bob, lab, make_submission):
    for _ in range(lab.attempts_before_solution - 1):
        make_submission(user=alice, lab=lab, status="failed", score=0.0)
    make_submission(user=bob, lab=lab, status="failed", score=0.0)
    assert "Show the reference solution" not in alice_client.get(f"/labs/{lab.slug}/").content.decode()
    make_submission(user=alice, lab=lab, status="error", score=0.0)
    assert "Show the reference solution" in alice_client.get(f"/labs/{lab.slug}/").content.decode()


def test_a_first_visit_has_an_empty_hidden_history_for_the_first_result_to_fill(alice_client, lab):
    """The first run's result swaps #history in out of band; htmx needs the target there."""
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert '<section id="history" class="history" aria-labelledby="history-title" hidden>' in body
    assert '<li class="attempt' not in body


def test_history_diffs_each_attempt_against_the_previous(alice_client, alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="failed", code="a = 1\nb = 2\n")
    make_submission(user=alice, lab=lab, status="failed", code="a = 1\nb = 3\n")
    make_submission(user=alice, lab=lab, status="failed", code="a = 1\nb = 3\n")
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Same code as attempt 2." in body
    assert "Changes since attempt 1" in body
    assert re.search(r'class="diff-del">.*-b = 2</span>', body) and re.search(r'class="diff-add">.*\+b = 3</span>', body)


def test_a_past_attempt_has_its_own_page_and_bob_cannot_see_it(client, alice, bob, lab, make_submission):
    first = make_submission(user=alice, lab=lab, status="failed", code="first_try = True")
    make_submission(user=alice, lab=lab, status="failed", code="second_try = True")
    client.force_login(alice)
    body = client.get(f"/labs/{lab.slug}/attempts/{first.id}/").content.decode()
    assert "first_try = True" in body and "attempt 1" in body
    client.force_login(bob)
    assert client.get(f"/labs/{lab.slug}/attempts/{first.id}/").status_code == 404


# --- catalog ----------------------------------------
def test_anyone_can_see_the_catalog(client, lab, make_lab):
    make_lab(title="Hidden lab", is_active=False)
    body = client.get("/labs/").content.decode()
    assert f'href="/labs/{lab.slug}/"' in body and "Queue basics" in body
    assert "Hidden lab" not in body
    assert "Not started" not in body  # no per-learner status for visitors


def test_it_shows_each_labs_status_for_the_learner(alice_client, alice, bob, lab, make_lab, make_submission):
    passed_lab = make_lab(title="Passed lab")
    make_lab(title="Untouched lab")
    make_submission(user=alice, lab=lab, status="failed", score=0.5)
    make_submission(user=alice, lab=passed_lab, status="failed", score=0.25)
    make_submission(user=alice, lab=passed_lab, status="passed", score=1.0)
    make_submission(user=bob, lab=lab, status="passed", score=1.0)  # bob's pass is not alice's
    body = alice_client.get("/labs/").content.decode()
    assert "1 of 3 labs passed" in body
    assert body.count("✓ Passed") == 1 and "In progress" in body and "Not started" in body
    assert "best score 50%" in body and "best score 100%" in body


def test_a_lab_being_graded_shows_as_grading(alice_client, alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="running")
    assert "Grading" in alice_client.get("/labs/").content.decode()


def test_the_catalog_uses_a_fixed_number_of_queries(alice_client, alice, make_lab, make_submission, django_assert_max_num_queries):
    for _ in range(5):
        make_submission(user=alice, lab=make_lab(), status="failed", score=0.1)
    with django_assert_max_num_queries(8):
        alice_client.get("/labs/")


# --- submit ----------------------------------------
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
    assert f'hx-get="/labs/{lab.slug}/attempts/{submission.id}/status/?poll=1" hx-trigger="load delay:100ms, every 1s"' in body
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


# --- attempt_status ----------------------------------------
def test_it_keeps_polling_while_active(alice_client, alice, lab, make_submission):
    submission = make_submission(user=alice, lab=lab, status="queued")
    response = alice_client.get(f"/labs/{lab.slug}/attempts/{submission.id}/status/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'hx-trigger="load delay:100ms, every 1s"' in response.content.decode()
    assert "data-verdict" not in response.content.decode()


@pytest.mark.parametrize(("polls", "delay_ms"), [(1, 100), (4, 100), (5, 150), (6, 200), (7, 300), (8, 500), (9, 1000), (40, 1000), ("x", 100)])
def test_it_looks_again_sooner_at_first_then_backs_off_to_a_second(alice_client, alice, lab, make_submission, polls, delay_ms):
    submission = make_submission(user=alice, lab=lab, status="running")
    url = f"/labs/{lab.slug}/attempts/{submission.id}/status/"
    body = alice_client.get(url, {"poll": polls}, headers={"HX-Request": "true"}).content.decode()
    next_poll = polls + 1 if isinstance(polls, int) else 1
    assert f'hx-get="{url}?poll={next_poll}" hx-trigger="load delay:{delay_ms}ms, every 1s"' in body


def test_a_look_at_a_running_grading_is_cheap_however_long_the_history(alice_client, alice, lab, make_submission, django_assert_max_num_queries):
    for _ in range(15):
        make_submission(user=alice, lab=lab, status="failed", score=0.5)
    submission = make_submission(user=alice, lab=lab, status="running")
    # session, user, lab, submission: no history, diffs or solution until the verdict is in
    with django_assert_max_num_queries(4):
        response = alice_client.get(f"/labs/{lab.slug}/attempts/{submission.id}/status/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Running your code" in response.content.decode()


def test_it_stops_polling_with_286_when_finished_and_updates_history_and_solution(alice_client, alice, lab, make_submission):
    data = verdict(passed=True).to_dict()
    submission = make_submission(user=alice, lab=lab, status="passed", score=1.0, checkpoints=data["checkpoints"], trace=data["trace"])
    response = alice_client.get(f"/labs/{lab.slug}/attempts/{submission.id}/status/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 286  # htmx stops polling and still swaps the body
    assert "hx-trigger" not in body
    assert 'data-verdict="passed"' in body
    assert "Attempt 1 passed: 2 of 2 checkpoints passed." in body
    assert 'id="history" class="history" aria-labelledby="history-title" hx-swap-oob="true"' in body
    assert 'id="solution" class="solution" aria-labelledby="solution-title" hx-swap-oob="true"' in body
    assert 'class="flow"' in body


def test_without_htmx_it_redirects_to_the_attempt_page(alice_client, alice, lab, make_submission):
    submission = make_submission(user=alice, lab=lab)
    response = alice_client.get(f"/labs/{lab.slug}/attempts/{submission.id}/status/")
    assert response.status_code == 302 and response["Location"] == f"/labs/{lab.slug}/attempts/{submission.id}/#run"


def test_bob_gets_a_404_for_alices_status(client, alice, bob, lab, make_submission):
    submission = make_submission(user=alice, lab=lab)
    client.force_login(bob)
    response = client.get(f"/labs/{lab.slug}/attempts/{submission.id}/status/", headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_a_submission_under_another_labs_address_is_a_404(alice_client, alice, lab, make_lab, make_submission):
    submission = make_submission(user=alice, lab=lab)
    other = make_lab()
    assert alice_client.get(f"/labs/{other.slug}/attempts/{submission.id}/status/", headers={"HX-Request": "true"}).status_code == 404


# --- hint_reveal ----------------------------------------
def test_hints_are_revealed_one_at_a_time_without_javascript(alice_client, lab):
    page = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Use <code>create_queue</code>" not in page and "2 hints left" in page
    response = alice_client.post(f"/labs/{lab.slug}/hints/")
    assert response.status_code == 302 and response["Location"] == f"/labs/{lab.slug}/#hint-1"
    page = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Use <code>create_queue</code>" in page and "case-sensitive" not in page and "1 hint left" in page
    alice_client.post(f"/labs/{lab.slug}/hints/")
    alice_client.post(f"/labs/{lab.slug}/hints/")  # past the last: stays at the last
    page = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "case-sensitive" in page and "That is every hint" in page


def test_with_htmx_it_returns_the_hints_region_and_moves_focus_to_the_new_hint(alice_client, lab):
    body = alice_client.post(f"/labs/{lab.slug}/hints/", headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<section id="hints"')
    assert 'id="hint-1" tabindex="-1" data-focus-after-swap' in body


def test_revealed_hints_are_remembered_per_lab(alice_client, lab, make_lab):
    other = make_lab()
    alice_client.post(f"/labs/{lab.slug}/hints/")
    assert "2 hints left" in alice_client.get(f"/labs/{other.slug}/").content.decode()


def test_revealing_needs_a_login_and_a_post(client, alice_client, lab):
    assert client.post(f"/labs/{lab.slug}/hints/").status_code == 302
    assert alice_client.get(f"/labs/{lab.slug}/hints/").status_code == 405


def test_a_filtered_out_message_says_which_clause_turned_it_away(alice_client, alice, lab, make_submission):
    trace = [
        {
            "label": "order #3, amount 99.99", "body": "{}", "outcome": "bad", "problems": ["should have reached payments"],
            "expect_reach": ["payments"],
            "hops": [
                {"action": "published", "resource": "order-events", "kind": "topic", "source": "grader:grader", "by": "grader"},
                {"action": "filtered-out", "resource": "payments", "kind": "queue", "source": "topic:order-events",
                 "clause": "amount >= 100", "seen": "99.99"},
            ],
        },
        {
            "label": "poison order", "body": "{}", "outcome": "ok", "expect_reach": ["orders-dlq"],
            "hops": [
                {"action": "sent", "resource": "orders", "kind": "queue", "source": "grader:grader", "by": "grader"},
                {"action": "dead-lettered", "resource": "orders-dlq", "kind": "dlq", "source": "queue:orders", "detail": "after 3 receives"},
            ],
        },
    ]
    make_submission(user=alice, lab=lab, status="failed", score=0.5, checkpoints=[], trace=trace)
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "Filtered out of payments: payments&#x27; filter policy wanted amount &gt;= 100; this message had 99.99" in body
    assert "Should have reached payments." in body
    poison = body[body.index('<li class="flow-event dlq">'):body.index("poison order")]
    assert "as expected" in poison and ">note<" not in poison
    assert "node-unreached" in body  # payments: nothing reached it


def test_a_run_stored_before_the_trace_keeps_its_narrated_drawing(alice_client, alice, lab, make_submission):
    flow = {
        "nodes": [{"id": "g", "label": "Grader", "kind": "service"}, {"id": "q", "label": "orders", "kind": "queue"}],
        "events": [{"label": "order o-1", "path": ["g", "q"], "outcome": "bad", "note": "never arrived"}],
        "summary": "1 message sent.",
    }
    make_submission(user=alice, lab=lab, status="failed", score=0.5, checkpoints=[], flow=flow)
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert 'class="flow"' in body and "never arrived" in body and "Grader → orders" in body
