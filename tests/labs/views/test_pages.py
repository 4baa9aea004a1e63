import re

from tests.labs.web.conftest import verdict


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
    data = verdict(passed=False, output="printed by the learner\n")
    make_submission(user=alice, lab=lab, status="failed", score=0.5, code="x = 'mine'", checkpoints=data["checkpoints"], flow=data["flow"], output=data["output"])
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert "x = &#x27;mine&#x27;" in body  # the editor holds the last attempt
    assert "1 of 2</strong> checkpoints passed" in body
    assert "Expected 1 message in orders, found 0." in body
    assert "printed by the learner" in body
    assert "Where each message went" in body and 'class="flow"' in body
    assert "never arrived" in body and "Grader → orders" in body
    assert "hx-trigger" not in body  # finished: nothing polls


def test_an_active_attempt_polls_and_refreshes_without_javascript(alice_client, alice, lab, make_submission):
    submission = make_submission(user=alice, lab=lab, status="running")
    body = alice_client.get(f"/labs/{lab.slug}/").content.decode()
    assert f'hx-get="/labs/{lab.slug}/attempts/{submission.id}/status/" hx-trigger="every 1s"' in body
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


def test_starting_over_loads_the_starter_code(alice_client, alice, lab, make_submission):
    make_submission(user=alice, lab=lab, status="failed", code="mine = 1")
    body = alice_client.get(f"/labs/{lab.slug}/?code=starter").content.decode()
    assert "mine = 1" not in body.split("</textarea>")[0]
