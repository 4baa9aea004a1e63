from tests.labs.web.conftest import verdict


def test_it_keeps_polling_while_active(alice_client, alice, lab, make_submission):
    submission = make_submission(user=alice, lab=lab, status="queued")
    response = alice_client.get(f"/labs/{lab.slug}/attempts/{submission.id}/status/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.content.decode()


def test_it_stops_polling_with_286_when_finished_and_updates_history_and_solution(alice_client, alice, lab, make_submission):
    data = verdict(passed=True)
    submission = make_submission(user=alice, lab=lab, status="passed", score=1.0, checkpoints=data["checkpoints"], flow=data["flow"])
    response = alice_client.get(f"/labs/{lab.slug}/attempts/{submission.id}/status/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 286  # htmx stops polling and still swaps the body
    assert "hx-trigger" not in body
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
